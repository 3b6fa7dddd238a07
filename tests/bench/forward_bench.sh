#!/bin/bash
# Forwarding benchmark: pepgw against dpdk-testpmd io forwarding, in one run, on the same vdevs,
# measured the same way. Not part of the test suite (figures, not pass/fail); results and their
# reading are in doc/benchmarks.md, "Forwarding".
#
# Modes:
#   pcap   one process: net_pcap rx_pcap=<mix>.pcap,infinite_rx=1 (receiving port) and
#          net_null no-rx=1 (transmitting port); main lcore on CPU 0 (sleeps), forwarding
#          lcore on CPU 1 (-l 0,1).
#   memif  two processes: a generator (testpmd io: the same pcap replay -> net_memif server)
#          whose forwarding lcore runs on CPU 0, and the forwarder under test (net_memif client
#          -> net_null) whose forwarding lcore runs on CPU 1. Each process's main lcore only
#          sleeps, so no two busy pollers ever share a CPU.
# Rate: the TX port's (net_null0) opackets read through telemetry at two instants WINDOW s apart
# after WARMUP s (tests/bench/fwd_sample.py); REPS repetitions, testpmd and pepgw alternating;
# the median is reported. Cycles per packet = TSC Hz x CPU share of the forwarding thread / pps
# (the CPU share comes from /proc, so time stolen by other work on CPU 1 is not charged to the
# forwarder).
#
# usage: tests/bench/forward_bench.sh [--pepgw PATH] [--modes "pcap memif"] [--sizes "64 1500"]
#          [--mix] [--ref PATH] [--reps N] [--warmup S] [--window S] [--no-huge] [--profile] [--keep DIR]
#          [--capture PARAMS]
#   --sizes    frame sizes of the fixed pcaps (64, 1500) and/or "mix"
#   --mix      the realistic mix (doc/benchmarks.md) instead of the fixed sizes (= --sizes mix): IMIX
#              64/576/1500 B in 7:4:1 over ~1000 flows, SYNs with full options, ACKs, data, UDP,
#              1 % fragments (tests/bench/make_pcap.py)
#   --ref PATH a second pepgw binary (e.g. built from the tree before a change), run in the same
#              repetitions after testpmd and pepgw and shown as "ref" (its own work and the
#              difference to pepgw): a before/after on the same machine state
#   --profile  also sample pepgw's forwarding CPU with perf (cpu-clock) in pcap mode, first
#              size, and print the top symbols (hardware counters are not available in this VM)
#   --keep DIR keep configs, logs, raw results and profiles in DIR (default: a temp dir, removed)
#   --capture P  pcap mode: run pepgw with a capture started through telemetry
#              (/pepgw/capture/start parameters without file=, e.g. "points=rx;filter=udp port 9")
# Environment: TESTPMD (default dpdk-testpmd), PYTHON (default /usr/bin/python3).
# Needs root (hugepages, telemetry sockets under /var/run/dpdk).
set -euo pipefail
# shellcheck source=../e2e/e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/e2e_lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
PEPGW=$LAB_TOP/build/app/pepgw/pepgw
REF=""
TESTPMD=${TESTPMD:-dpdk-testpmd}
PYTHON=${PYTHON:-/usr/bin/python3}
MODES="pcap"
SIZES="64 1500"
REPS=3
WARMUP=2
WINDOW=5
HUGE=1
PROFILE=0
KEEP=""
CAPTURE=""
HUGEPAGES_WANTED=512
NB_MBUFS=32768 # testpmd pool; small enough that two processes fit in 1 GB of hugepages
STOP_TIMEOUT_S=10

usage() {
	sed -n '/^# usage:/,/^# Needs root/p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--pepgw) PEPGW=$2; shift 2 ;;
	--ref) REF=$2; shift 2 ;;
	--modes) MODES=$2; shift 2 ;;
	--sizes) SIZES=$2; shift 2 ;;
	--mix) SIZES=mix; shift ;;
	--reps) REPS=$2; shift 2 ;;
	--warmup) WARMUP=$2; shift 2 ;;
	--window) WINDOW=$2; shift 2 ;;
	--no-huge) HUGE=0; shift ;;
	--profile) PROFILE=1; shift ;;
	--keep) KEEP=$2; shift 2 ;;
	--capture) CAPTURE=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "forward_bench: unknown argument $1" >&2; usage ;;
	esac
done

die() { echo "forward_bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (hugepages, /var/run/dpdk)"
[ -x "$PEPGW" ] || die "no pepgw at $PEPGW (build it, or pass --pepgw PATH)"
[ -z "$REF" ] || [ -x "$REF" ] || die "no pepgw at $REF (--ref)"
FWDS="testpmd pepgw${REF:+ ref}"
command -v "$TESTPMD" >/dev/null || die "no $TESTPMD (Debian package dpdk)"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs"

if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP"
	WORK=$(cd "$KEEP" && pwd)
else
	WORK=$(mktemp -d /tmp/forward_bench.XXXXXX)
fi
TAG=fb$$ # file-prefix stem: unique per run, so parallel runs and other processes never collide
RESULTS=$WORK/results.txt
: >"$RESULTS"
PIDS=()
HUGEPAGES_ORIG=$(cat /proc/sys/vm/nr_hugepages)

cleanup() { # at exit (lab_at_exit): STATUS
	local pid
	for pid in "${PIDS[@]}"; do
		kill -INT "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf /var/run/dpdk/"$TAG"-* 2>/dev/null || true
	# Give back the hugepages this run reserved (pages in use by others are kept by the kernel).
	if [ "$HUGE" = 1 ] && [ "$HUGEPAGES_ORIG" -lt "$HUGEPAGES_WANTED" ]; then
		echo "$HUGEPAGES_ORIG" >/proc/sys/vm/nr_hugepages || true
	fi
	[ -n "$KEEP" ] || rm -rf "$WORK"
	return "$1"
}
lab_at_exit cleanup
trap 'exit 130' INT TERM

if [ "$HUGE" = 1 ]; then
	[ "$HUGEPAGES_ORIG" -ge "$HUGEPAGES_WANTED" ] ||
		echo "$HUGEPAGES_WANTED" >/proc/sys/vm/nr_hugepages
	# --in-memory: hugepages through memfd, no hugetlbfs mount and no files left behind.
	MEM_ARGS=(--in-memory)
else
	MEM_ARGS=(--no-huge -m 1024)
fi

start() { # start LOG CMD...: run CMD in the background, stdin closed; sets STARTED_PID
	local log=$1
	shift
	"$@" </dev/null >"$log" 2>&1 &
	STARTED_PID=$!
	PIDS+=("$STARTED_PID")
}

stop() { # stop PID: SIGINT (clean DPDK shutdown), SIGKILL after STOP_TIMEOUT_S
	local pid=$1
	kill -INT "$pid" 2>/dev/null || true
	lab_poll "$STOP_TIMEOUT_S" not kill -0 "$pid" 2>/dev/null || true
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	local keep=()
	for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	PIDS=("${keep[@]+"${keep[@]}"}")
}

# testpmd io forwarding between two ports; --stats-period keeps it running without a terminal
# (its main lcore sleeps between periods).
testpmd_cmd() { # testpmd_cmd PREFIX LCORES VDEV0 VDEV1: sets CMD
	CMD=("$TESTPMD" --lcores "$2" --file-prefix "$1" --no-pci "${MEM_ARGS[@]}"
		--log-level=lib.eal:debug --vdev "$3" --vdev "$4" -- --forward-mode=io --nb-cores=1
		--total-num-mbufs="$NB_MBUFS" --stats-period 3600)
}

pepgw_config() { # pepgw_config LAN_DEVICE OUT.json
	sed "s#@LAN_DEVICE@#$1#" "$HERE/pepgw-bench.json.in" >"$2"
	"$PEPGW" --check --config "$2" >/dev/null || die "$2 refused by pepgw --check"
}

measure() { # measure MODE SIZE FWD REP PREFIX PID [GEN_PREFIX GEN_PID]
	local out
	if ! out=$("$PYTHON" "$HERE/fwd_sample.py" "$5" "$6" net_null0 "$WARMUP" "$WINDOW" \
		${7:+"$7" "$8"}); then
		echo "forward_bench: $3 $1 $2 B rep $4: no sample (see $WORK/$3-$1-$2-$4.log)" >&2
		return 0
	fi
	echo "$1 $2 $3 $4 $out" >>"$RESULTS"
	printf '  %-5s %4s B  %-7s rep %s  %s\n' "$1" "$2" "$3" "$4" "$out"
}

# start_fwd FWD MODE SIZE REP RX_DEV: the forwarder under test (testpmd or pepgw), RX_DEV ->
# net_null0, forwarding lcore on CPU 1; sets FWD_PID and FWD_PREFIX.
start_fwd() {
	local fwd=$1 mode=$2 size=$3 rep=$4 dev=$5 log=$WORK/$1-$2-$3-$4.log
	FWD_PREFIX=$TAG-$fwd
	if [ "$fwd" = testpmd ]; then
		testpmd_cmd "$FWD_PREFIX" 0,1 "$dev" net_null0,no-rx=1
		start "$log" "${CMD[@]}"
	else
		pepgw_config "$dev" "$WORK/pepgw-$mode-$size.json"
		local bin=$PEPGW
		[ "$fwd" = pepgw ] || bin=$REF
		start "$log" "$bin" -l 0,1 --file-prefix "$FWD_PREFIX" --no-pci "${MEM_ARGS[@]}" -- \
			--config "$WORK/pepgw-$mode-$size.json"
	fi
	FWD_PID=$STARTED_PID
}

run_pcap() { # run_pcap SIZE FWD REP
	local size=$1 fwd=$2 rep=$3
	start_fwd "$fwd" pcap "$size" "$rep" "net_pcap0,rx_pcap=$WORK/mix$size.pcap,infinite_rx=1"
	if [ -n "$CAPTURE" ] && [ "$fwd" = pepgw ]; then
		start_capture "$FWD_PREFIX"
	fi
	measure pcap "$size" "$fwd" "$rep" "$FWD_PREFIX" "$FWD_PID"
	if [ "$PROFILE" = 1 ] && [ "$fwd" = pepgw ] && [ "$size" = "${SIZES%% *}" ] &&
		[ "$rep" = 1 ]; then
		profile "$FWD_PID" "$size"
	fi
	stop "$FWD_PID"
}

start_capture() { # start_capture PREFIX: the --capture parameters, once telemetry answers
	local i answer
	for i in $(seq 50); do
		answer=$("$E2E_PEPGWCTL" -f "$1" raw \
			"/pepgw/capture/start,file=$WORK/capture.pcapng;$CAPTURE" 2>/dev/null) &&
			break
		sleep 0.2
	done
	grep -q '"id"' <<<"$answer" || die "capture not started: $answer"
}

run_memif() { # run_memif SIZE FWD REP
	local size=$1 fwd=$2 rep=$3 sock=$WORK/memif.sock
	# Generator: pcap replay -> memif server. lcore 1 (its forwarding lcore) on CPU 0, lcore 0
	# (main, sleeps) on CPU 1.
	testpmd_cmd "$TAG-gen" "0@1,1@0" "net_pcap0,rx_pcap=$WORK/mix$size.pcap,infinite_rx=1" \
		"net_memif0,role=server,socket=$sock,socket-abstract=no"
	local gen_log=$WORK/gen-memif-$size-$rep-$fwd.log
	start "$gen_log" "${CMD[@]}"
	local gen=$STARTED_PID
	lab_poll 10 test -S "$sock" || die "memif generator did not create $sock (see $gen_log)"
	start_fwd "$fwd" memif "$size" "$rep" "net_memif0,role=client,socket=$sock,socket-abstract=no"
	# The generator is read at the same instants: what it offered, what the ring took.
	measure memif "$size" "$fwd" "$rep" "$FWD_PREFIX" "$FWD_PID" "$TAG-gen" "$gen"
	stop "$FWD_PID"
	stop "$gen"
	rm -f "$sock"
}

profile() { # profile PID SIZE: where pepgw's forwarding thread spends CPU 1
	if ! command -v perf >/dev/null; then
		echo "  (no perf: profile skipped)"
		return 0
	fi
	local data=$WORK/perf-pepgw-$2.data out=$WORK/profile-pepgw-$2.txt
	if ! perf record -q -e cpu-clock -F 4000 -C 1 -o "$data" -- sleep "$WINDOW" \
		>/dev/null 2>&1; then
		echo "  (perf record failed: profile skipped)"
		return 0
	fi
	echo "  pepgw pcap $2: top symbols of the forwarding thread (perf cpu-clock samples)"
	perf report -i "$data" --comms rte-worker-1 --percentage relative --no-children \
		--sort dso,symbol --stdio -g none 2>/dev/null >"$out" || true
	grep '%' "$out" | head -30 || true
}

tsc_hz() { # TSC rate as EAL measured it (testpmd's debug log), else /proc/cpuinfo
	local khz
	khz=$(grep -ho 'TSC frequency is ~[0-9]*' "$WORK"/testpmd-*.log 2>/dev/null |
		head -1 | grep -o '[0-9]*$' || true)
	if [ -n "$khz" ]; then
		echo $((khz * 1000)) EAL
	else
		awk '/^cpu MHz/ { printf "%d cpuinfo\n", $4 * 1000000; exit }' /proc/cpuinfo
	fi
}

for size in $SIZES; do
	"$PYTHON" "$HERE/make_pcap.py" "$WORK/mix$size.pcap" "$size"
done

bench_header "$(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), \
pepgw $PEPGW${REF:+, ref $REF}, memory: ${MEM_ARGS[*]}, warm-up ${WARMUP} s, window ${WINDOW} s, $REPS reps"
for mode in $MODES; do
	for size in $SIZES; do
		for ((rep = 1; rep <= REPS; rep++)); do
			fwds=$FWDS # pepgw and ref swap places every other repetition
			[ -z "$REF" ] || [ $((rep % 2)) = 1 ] || fwds="testpmd ref pepgw"
			for fwd in $fwds; do
				case "$mode" in
				pcap) run_pcap "$size" "$fwd" "$rep" ;;
				memif) run_memif "$size" "$fwd" "$rep" ;;
				*) die "unknown mode $mode" ;;
				esac
			done
		done
	done
done

read -r TSC TSC_SRC < <(tsc_hz)
"$PYTHON" - "$RESULTS" "$TSC" "$TSC_SRC" <<'EOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    mode, size, fwd, rep, js = line.split(" ", 4)
    rows.setdefault((mode, size), {}).setdefault(fwd, []).append(json.loads(js))
tsc = int(sys.argv[2])
print(f"\nTSC {tsc / 1e9:.3f} GHz ({sys.argv[3]}); medians of the repetitions; pepgw's own work ="
      " pepgw cyc/pkt - testpmd io cyc/pkt\n")
print("| mode | frame | testpmd io Mpps | pepgw Mpps | pepgw/testpmd | testpmd cyc/pkt "
      "| pepgw cyc/pkt | pepgw own cyc/pkt | CPU share tp/gw | reps |")
print("|---|---|---|---|---|---|---|---|---|---|")
targets = []
order = lambda k: (k[0], int(k[1]) if k[1].isdigit() else 1 << 30)
FWD_ORDER = ("testpmd", "pepgw", "ref")
for (mode, size) in sorted(rows, key=order):
    r = rows[(mode, size)]
    def med(fwd, f):
        return statistics.median(f(s) for s in r[fwd]) if fwd in r else float("nan")
    tp, gw = med("testpmd", lambda s: s["pps"]), med("pepgw", lambda s: s["pps"])
    cyc = lambda s: tsc * s["cpu"] / s["pps"] if s["pps"] else float("nan")
    own = med("pepgw", cyc) - med("testpmd", cyc)
    label = f"{size} B" if size.isdigit() else size
    print(f"| {mode} | {label} | {tp / 1e6:.2f} | {gw / 1e6:.2f} | {gw / tp:.2f} "
          f"| {med('testpmd', cyc):.0f} | {med('pepgw', cyc):.0f} | {own:.0f} "
          f"| {med('testpmd', lambda s: s['cpu']):.2f} / {med('pepgw', lambda s: s['cpu']):.2f} "
          f"| {len(r.get('testpmd', []))}/{len(r.get('pepgw', []))} |")
    if "ref" in r:
        rf = med("ref", lambda s: s["pps"])
        ref_own = med("ref", cyc) - med("testpmd", cyc)
        print(f"| {mode} | {label} ref | | {rf / 1e6:.2f} | {rf / tp:.2f} | | {med('ref', cyc):.0f} "
              f"| {ref_own:.0f} (pepgw {own - ref_own:+.0f}) "
              f"| {med('ref', lambda s: s['cpu']):.2f} | {len(r['ref'])} |")
    if size == "mix" and mode == "pcap":
        targets.append(f"pcap mix: pepgw's own work {own:.0f} cycles/packet (target <= 100)")
memif = [k for k in sorted(rows, key=order) if k[0] == "memif"]
if memif:
    # A repetition is forwarder-bound when the memif ring refused more than FWD_BOUND of what
    # the generator read (testpmd io frees what its TX refuses); below that the refusals are
    # bursts the forwarder absorbs on average (testpmd io showed 1-6 % at rates it kept up
    # with), the generator was the limit and the forwarder's rate is only a lower bound of
    # what it can do.
    FWD_BOUND = 0.10
    print("\nmemif: who limited each repetition (forwarder-bound: the ring refused more than"
          f" {FWD_BOUND:.0%} of what the generator read); medians")
    print("| frame | forwarder | reps fwd-bound / gen-bound | offered Mpps (gen rx) "
          "| forwarded Mpps, all reps | forwarded Mpps, fwd-bound reps | generator CPU |")
    print("|---|---|---|---|---|---|---|")
    for (mode, size) in memif:
        r = rows[(mode, size)]
        label = f"{size} B" if size.isdigit() else size
        bound = {}
        for fwd in FWD_ORDER:
            if fwd not in r or "gen_rx_pps" not in r[fwd][0]:
                continue
            fb = [s for s in r[fwd] if s["gen_tx_pps"] < (1 - FWD_BOUND) * s["gen_rx_pps"]]
            gb = [s for s in r[fwd] if s not in fb]
            bound[fwd] = (fb, gb)
            m = lambda l, k: f"{statistics.median(s[k] for s in l) / 1e6:.2f}" if l else "-"
            print(f"| {label} | {fwd} | {len(fb)} / {len(gb)} | {m(r[fwd], 'gen_rx_pps')} "
                  f"| {m(r[fwd], 'pps')} | {m(fb, 'pps')} "
                  f"| {statistics.median(s['gen_cpu'] for s in r[fwd]):.2f} |")
        if size == "mix" and "testpmd" in bound and "pepgw" in bound:
            (tf, tg), (pf, pg) = bound["testpmd"], bound["pepgw"]
            med = lambda l, k: statistics.median(s[k] for s in l)
            if not pf:
                targets.append("memif mix: pepgw kept up with the generator in every repetition"
                               f" (offered {med(pg, 'gen_rx_pps') / 1e6:.2f} Mpps): not the limit")
            elif tf:
                targets.append(f"memif mix, forwarder-bound repetitions: pepgw/testpmd io "
                               f"{med(pf, 'pps') / med(tf, 'pps'):.2f} (target >= 0.9)")
            else:
                # testpmd io's capacity is at least the most it forwarded.
                best = max(s["pps"] for s in tg)
                targets.append(f"memif mix: testpmd io kept up with the generator in every "
                               f"repetition (at most {best / 1e6:.2f} Mpps); pepgw "
                               f"forwarder-bound at {med(pf, 'pps') / 1e6:.2f} Mpps: "
                               f"pepgw/testpmd io <= {med(pf, 'pps') / best:.2f} (target >= 0.9)")
if targets:
    print("\ntargets: " + "; ".join(targets))
EOF
[ -z "$KEEP" ] || echo "forward_bench: configs, logs, raw results in $WORK"
