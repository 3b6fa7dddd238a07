#!/bin/bash
# pktgen-dpdk through a forwarder over net_memif on one 2-CPU machine (doc/benchmarks.md,
# "pktgen-dpdk over memif"): pktgen (CPU 0, one lcore for both ports) is the memif server of
# two rings, the forwarder under test (CPU 1) their client:
#
#   pktgen port 0 ═ memif lan.sock ═ lan0 [pepgw | testpmd io] wan0 ═ memif wan.sock ═ port 1
#
# It runs config/pktgen/sweep.lua (a copy with this run's settings) once per forwarder and
# repetition, alternating pepgw and testpmd, and prints the CSV lines with the forwarder and
# repetition in front. pktgen is not part of pepgw: build it yourself and pass its binary.
#
# usage: sudo tests/bench/pktgen_memif.sh --pktgen PATH [--fwd "pepgw testpmd"] [--reps N]
#        [--mode data|syn|pcap] [--sizes "64 1500"] [--loads "0"] [--step-ms MS] [--keep DIR]
#   --mode pcap replays tests/bench/make_pcap.py's pcap of each size in --sizes (64, 1500, mix)
#   with pktgen -s, one pktgen run per size.
# Run it under the heavy lock: flock /tmp/pepgw-heavy.lock tests/bench/pktgen_memif.sh ...
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../e2e/e2e_lib.sh
. "$HERE/../e2e/e2e_lib.sh"
ROOT=$LAB_TOP
PKTGEN='' FWDS="pepgw testpmd" REPS=1 MODE=data SIZES="64 1500" LOADS=0 STEP_MS=5000 KEEP=''
PEPGW=$E2E_PEPGW
SOCKDIR=/run/pepgw-pktgen # config/pktgen/pepgw-memif.json names the sockets there
HUGEPAGES=4096 # pktgen ~3072 x 2 MiB for two ports, pepgw or testpmd the rest
while [ $# -gt 0 ]; do
	case $1 in
	--pktgen) PKTGEN=$2 ;;
	--fwd) FWDS=$2 ;;
	--reps) REPS=$2 ;;
	--mode) MODE=$2 ;;
	--sizes) SIZES=$2 ;;
	--loads) LOADS=$2 ;;
	--step-ms) STEP_MS=$2 ;;
	--keep) KEEP=$2 ;;
	--pepgw) PEPGW=$2 ;;
	*) echo "usage: see the header of $0" >&2 && exit 2 ;;
	esac
	shift 2
done
[ -x "$PKTGEN" ] || { echo "pktgen_memif: --pktgen PATH (an executable pktgen 23.06.x)" >&2; exit 2; }
cd "$ROOT" || exit 2 # pktgen and pepgw read config/ relative to the tree
# The lab: its run directory holds every file of the run (copied to --keep DIR at the end), its
# teardown stops the processes; DPDK prefixes are the lab's, so runs beside other labs are safe.
lab_init
WORK=$LAB_DIR
mkdir -p "$SOCKDIR"
HP_ORIG=$(cat /proc/sys/vm/nr_hugepages)
pktgen__at_exit() {
	echo "$HP_ORIG" >/proc/sys/vm/nr_hugepages
	rm -f "$SOCKDIR"/lan.sock "$SOCKDIR"/wan.sock
	[ -z "$KEEP" ] || { mkdir -p "$KEEP" && cp -r "$WORK"/. "$KEEP"/; }
	return "$1"
}
lab_at_exit pktgen__at_exit
[ "$HP_ORIG" -ge "$HUGEPAGES" ] || echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages

# cpu_ticks PID: utime+stime (clock ticks) of the process; its polling lcore is all of it (the
# main lcores and service threads of pktgen, pepgw and testpmd sleep).
cpu_ticks() {
	local f
	f=$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null) || { echo 0; return; }
	set -- $f
	echo $((${12} + ${13}))
}

# step_shares SAMPLES: per CSV line, "fwd,gen" CPU shares of the two pollers while that step
# ran. SAMPLES: "time fwd_ticks gen_ticks csv_lines" every second; step k (the k-th data line,
# after the header) spans the samples from the first with k csv lines to the first with k + 1
# (the last step: to the last sample, pktgen quits right after it). N: the data lines.
step_shares() {
	awk -v hz="$(getconf CLK_TCK)" -v n="$2" '
		!($4 in t) { t[$4] = $1; f[$4] = $2; g[$4] = $3 }
		{ lt = $1; lf = $2; lg = $3 }
		END { if (!((n + 1) in t)) { t[n + 1] = lt; f[n + 1] = lf; g[n + 1] = lg }
			for (k = 1; k <= n; k++) {
			if (!(k in t) || !((k + 1) in t) || t[k + 1] <= t[k]) { print ","; continue }
			d = t[k + 1] - t[k]
			printf "%.2f,%.2f\n", (f[k + 1] - f[k]) / hz / d, (g[k + 1] - g[k]) / hz / d } }' "$1"
}

lua_list() { echo "{$(echo "$1" | sed 's/ \+/, /g')}"; }

run() { # run FWD REP [PCAP]
	local fwd=$1 rep=$2 pcap=${3:-} tag=$1-$2${3:+-$(basename "${3%.pcap}")}
	local lua=$WORK/sweep-$tag.lua gen=gen-$tag fw=$tag
	local ctl="$E2E_PEPGWCTL -f $LAB_PREFIX-$fw --json"
	[ "$fwd" = pepgw ] || ctl=
	sed -e "s|^local MODE = .*|local MODE = \"$MODE\"|" \
		-e "s|^local SIZES = .*|local SIZES = $(lua_list "$SIZES")|" \
		-e "s|^local LOADS = .*|local LOADS = $(lua_list "$LOADS")|" \
		-e "s|^local STEP_MS = .*|local STEP_MS = $STEP_MS|" \
		-e "s|^local PEPGWCTL = .*|local PEPGWCTL = \"$ctl\"|" \
		-e "s|^local CSV = .*|local CSV = \"$WORK/$fw.csv\"|" \
		-e "s|^local PCAP_FILE = .*|local PCAP_FILE = \"$pcap\"|" \
		-e "s|^local QUIT = .*|local QUIT = true|" "$ROOT/config/pktgen/sweep.lua" >"$lua"
	rm -f "$SOCKDIR"/lan.sock "$SOCKDIR"/wan.sock
	# pktgen wants a terminal: script(1) gives it one. All of it on CPU 0 (its main lcore and
	# timer thread must sleep, not spin, for this to work on two CPUs).
	lab_bg - "$gen" script -qfec "$PKTGEN --lcores 0@0,1@0 --file-prefix $LAB_PREFIX-$gen \
		--in-memory --no-pci \
		--vdev net_memif0,role=server,id=0,socket=$SOCKDIR/lan.sock,socket-abstract=no,mac=02:00:00:00:00:aa \
		--vdev net_memif1,role=server,id=0,socket=$SOCKDIR/wan.sock,socket-abstract=no,mac=02:00:00:00:02:fe \
		-- -P -m 1.[0-1] ${pcap:+-s 0:$pcap} -f $lua" /dev/null
	# The memif sockets exist from EAL start-up, but pktgen's ports (the memif servers) refuse
	# a client until they are started ("ID 0 not found"), and DPDK 22.11's memif client never
	# retries: start the forwarder once pktgen's CLI is up (its ports are started by then).
	lab_wait_log "$gen" 'Version: DPDK' 30 || lab_die "pktgen did not start (see $WORK/$gen.log)"
	if [ "$fwd" = pepgw ]; then
		lab_bg - "$fw" "$PEPGW" --lcores 0@1,1@1 --file-prefix "$LAB_PREFIX-$fw" --in-memory \
			--no-pci -- --config config/pktgen/pepgw-memif.json
	else
		lab_bg - "$fw" dpdk-testpmd --lcores 0@1,1@1 --file-prefix "$LAB_PREFIX-$fw" --in-memory \
			--no-pci \
			--vdev net_memif0,role=client,id=0,socket=$SOCKDIR/lan.sock,socket-abstract=no,mac=02:00:00:00:00:01 \
			--vdev net_memif1,role=client,id=0,socket=$SOCKDIR/wan.sock,socket-abstract=no,mac=02:00:00:00:02:01 \
			-- --forward-mode=io --nb-cores=1 --stats-period 3600
	fi
	local fpid=${LAB_PID[$fw]} ppid
	ppid=$(pgrep -n -f -- "^$PKTGEN --lcores .*--file-prefix $LAB_PREFIX-$gen ") || ppid=0 # under script(1)
	# Each poller's share of its CPU per step, sampled every second with the CSV's line count
	# (other work on the machine takes CPU from both; the share says how much each got).
	while lab_running "$gen"; do
		echo "$(date +%s.%N) $(cpu_ticks "$fpid") $(cpu_ticks "$ppid")" \
			"$(cat "$WORK/$fw.csv" 2>/dev/null | wc -l)"
		sleep 1
	done >"$WORK/cpu-$fw.txt"
	lab_stop "$fw"
	if [ -s "$WORK/$fw.csv" ]; then
		step_shares "$WORK/cpu-$fw.txt" "$(grep -vc '^mode,' "$WORK/$fw.csv")" \
			>"$WORK/cpu-$fw.steps"
		grep -v '^mode,' "$WORK/$fw.csv" | paste -d, - "$WORK/cpu-$fw.steps" |
			sed "s/^/$fwd,$rep,/"
	else
		echo "pktgen_memif: $fwd rep $rep: no results (see $WORK)" >&2
	fi
}

echo "# pktgen_memif: $(date -u '+%F %T UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), pepgw" \
	"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null), mode $MODE, step ${STEP_MS} ms"
echo "fwd,rep,mode,flows,size,target_mpps,offered_mpps,forwarded_mpps,loss_pct,gw_rx," \
	"gw_forwarded,gw_drops,gw_tx_full,gw_flow_created,gw_table_full,fwd_cpu,gen_cpu" |
	tr -d ' '
PCAPS=
if [ "$MODE" = pcap ]; then
	for size in $SIZES; do # make_pcap.py's frames go to pepgw lan0's MAC (pepgw-memif.json)
		"$E2E_PY" "$ROOT/tests/bench/make_pcap.py" "$WORK/pcap$size.pcap" "$size" >/dev/null ||
			lab_die "make_pcap.py $size failed"
		PCAPS="$PCAPS $WORK/pcap$size.pcap"
	done
fi
for rep in $(seq "$REPS"); do
	for fwd in $FWDS; do
		if [ -n "$PCAPS" ]; then
			for pcap in $PCAPS; do run "$fwd" "$rep" "$pcap"; done
		else
			run "$fwd" "$rep"
		fi
	done
done
echo "# end: $(date -u '+%T UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
