#!/usr/bin/env bash
# Split TCP benchmark (doc/benchmarks.md "Split TCP"): pepgw single-ended,
# topology (a) client — pepgw — wanem — server, with each of pepgw's congestion controls on the
# WAN leg, against Linux end to end over the same wanem path, topology (c) client — wanem —
# server, in one invocation. Not part of the test suite.
#
#   tests/bench/accel_bench.sh [--runs N] [--secs S] [--only PATH]... [--algos A,B,...]
#                              [--linux CC,CC] [--server-rmem "MIN DEFAULT MAX"] [--out DIR]
#                              [--plots DIR] [--first-rep R] [--sample MS]
#   tests/bench/accel_bench.sh --table DIR... [--plots DIR]
#
# Every run is one iperf3 flow client → server (upload), so that across the WAN the sender is
# pepgw's WAN leg with pepgw, and the client's own TCP without it.
#  geo-sat-0   geo-sat.json with loss 0 (10 Mbit/s, 600 ms RTT), client with window scaling off
#              (64 KB window): the classic PEP case.
#  geo-sat, lfn, dicom-coax (link 1 of dicom-branch.json, hosts at MTU 1440 as in the baseline
#              section), flaky-lte.
# pepgw variants (--algos, default all): reno, highspeed, scalable, vegas (profile
# wan-satellite with that congestion_control), vegas-cap (vegas with max_rate_mbps = the link's
# rate: the PEP FAQ's combination for shared capacity), rate (congestion_control "rate" at the
# link's rate). Both capped variants set overhead_bytes 14: wanem's rate counts Ethernet frames.
# One pepgw serves every variant, each on its own iperf3 port and WAN profile, so one
# repetition starts pepgw and wanem once. Linux variants (--linux, default cubic,bbr): the
# client's own congestion control end to end (iperf3 -C).
# Repetition r (1..N) runs every variant over a wanem whose loss seed is r (links seed r*100 +
# index): repetitions see different loss patterns; variants of one repetition see the same
# random stream from different points.
# Per run: goodput (iperf3 end.sum_received, server side), retransmits (iperf3 sum_sent for
# Linux; /pepgw/tcp retransmits delta, the WAN leg's, for pepgw) as a count and as a share of
# the segments delivered, wanem's queue-full and random-loss drops in the data direction, and
# time to first byte (curl time_starttransfer of a 1 kB file from python3 -m http.server,
# median of 3, once per topology and repetition), the sender's retransmission timeouts and
# how many of them were undone as spurious (pepgw's rto_expired/spurious_rto deltas; for Linux
# the client namespace's TcpExtTCPTimeouts/TcpExtTCPSpuriousRTOs) listed per run, and pepgw's
# window_copies (the rate module's second copies while the server's window held it back).
# The server's 1 s intervals go to DIR/series.txt; with --plots, tests/bench/plot_goodput.py draws goodput over time per path
# (DIR/accel-PATH.png).
# wanem's queue is raised to 2x the path's BDP (at least the preset's default) on both
# topologies, so that a full window fits (see doc/benchmarks.md).
# --server-rmem sets net.ipv4.tcp_rmem in the server's namespace for every variant (Linux's
# default "4096 131072 6291456" autotunes the receive window to about twice what the
# application read in an RTT, which under 1 % loss on 600 ms is what bounds a sender: see
# doc/benchmarks.md).
# Kernel-side drops of the lab's af_packet receive rings (ring_drops.py; DPDK 22.11's PMD never
# reports them, imissed stays 0) are a column of their own: a loss that wanem did not make.
# --first-rep R numbers the repetitions R..R+N-1 (their seeds), so that the repetitions of one
# table can run in separate invocations (each a short hold of the lab lock); --table DIR...
# prints the table (and with --plots the plots) of the --out DIRs of such invocations together.
# --sample MS writes the WAN leg of each pepgw run (wan_sampler.py: /pepgw/tcp_conn, its "wan"
# object) every MS ms to DIR/samples.txt as "PATH VARIANT REP T_MS PAIR JSON" (diagnosis).
# Env: LAB_BUILD (a build with app/pepgw/pepgw and app/wanem/wanem), as for the e2e tests.
set -u
# shellcheck source=../e2e/e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/e2e_lib.sh"
here=$LAB_TOP/tests/bench
pepgw_tpl=$LAB_TOP/tests/e2e/pepgw-accel-wan-bench.json.tpl

algos=reno,highspeed,scalable,vegas,vegas-cap,rate
linux=cubic,bbr
rmem=
out=
plots=
first=1
sample=
tables=()
rest=()
while [ $# -gt 0 ]; do
	case $1 in
	--algos) algos=$2 && shift 2 ;;
	--linux) linux=$2 && shift 2 ;;
	--server-rmem) rmem=$2 && shift 2 ;;
	--out) out=$2 && shift 2 ;;
	--plots) plots=$2 && shift 2 ;;
	--first-rep) first=$2 && shift 2 ;;
	--sample) sample=$2 && shift 2 ;;
	--table)
		shift
		while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do
			tables+=("$1") && shift
		done
		;;
	*) rest+=("$1") && shift ;;
	esac
done
BENCH_RUNS=1 BENCH_SECS=25
bench_args "runs secs only" "${rest[@]}"

# name preset link-index host-mtu loss-override client-ws(1/0)
paths=(
	"geo-sat-0 geo-sat 0 1500 0 0"
	"geo-sat geo-sat 0 1500 - 1"
	"lfn lfn 0 1500 - 1"
	"dicom-coax dicom-branch 0 1440 - 1"
	"flaky-lte flaky-lte 0 1500 - 1"
)

# report RESULTS SERIES HEAD: the table of RESULTS on stdout; with --plots the plots of SERIES,
# headed HEAD.
report() {
	"$E2E_PY" - "$1" "$2" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    name, v, run, mbps, nbytes, retr, qdrop, ldrop, rdrop, ttfb = f[:10]
    # Then (runs recorded since they were added) the sender's timeouts and pepgw's copies.
    rto, copies = (f[10:12] + ["-", "-"])[:2]
    rows.setdefault(name, {}).setdefault(v, []).append(
        (float(mbps), int(retr), int(retr) * 1448 / max(int(nbytes), 1) * 100, int(qdrop),
         int(ldrop), float(ttfb), run, int(rdrop), rto, copies))
# From 10 s on (server intervals): what a variant holds once every start-up is over; each
# interval weighted by its length (iperf3's last one is a few ms, its rate meaningless).
late, prev = {}, {}
for line in open(sys.argv[2]):
    name, v, run, t, mbps = line.split()
    t0, prev[(name, v, run)] = prev.get((name, v, run), 0.0), float(t)
    if float(t) > 10.5:
        late.setdefault((name, v, run), []).append((float(mbps), float(t) - t0))
med = statistics.median
extra = any(x[8] != "-" for vs in rows.values() for runs in vs.values() for x in runs)
print("| path | variant | goodput Mbit/s, median (range) | from 10 s on | retransmits "
      "(% of segments) | wanem queue drops | random-loss drops | ring drops | time to first byte ms |"
      + (" timeouts/spurious per run | window copies |" if extra else ""))
print("|---|---|---|---|---|---|---|---|---|" + ("---|---|" if extra else ""))
for name, vs in rows.items():
    for v, runs in vs.items():
        g = [x[0] for x in runs]
        rng = " (%.2f–%.2f)" % (min(g), max(g)) if len(g) > 1 else ""
        lt = [sum(m * d for m, d in late[k]) / sum(d for m, d in late[k])
              for k in ((name, v, x[6]) for x in runs) if k in late]
        cp = [int(x[9]) for x in runs if x[9] != "-"]
        print("| %s | %s | %.2f%s | %s | %d (%.2f %%) | %d | %d | %d | %.0f |" % (
            name, v, med(g), rng, "%.2f" % med(lt) if lt else "-", med(x[1] for x in runs),
            med(x[2] for x in runs), med(x[3] for x in runs), med(x[4] for x in runs),
            med(x[7] for x in runs), 1000 * med(x[5] for x in runs)) +
            (" %s | %s |" % (", ".join(x[8] for x in runs), "%d" % med(cp) if cp else "-")
             if extra else ""))
EOF
	if [ -n "$plots" ]; then
		mkdir -p "$plots"
		"$E2E_PY" "$here/plot_goodput.py" "$2" "$plots" "$3"
	fi
}

if [ ${#tables[@]} -gt 0 ]; then
	work=$(mktemp -d)
	for d in "${tables[@]}"; do
		cat "$d/results.txt" >>"$work/results.txt"
		cat "$d/series.txt" >>"$work/series.txt"
		sed 's/^# //' "$d/head.txt" >>"$work/head.txt"
	done
	report "$work/results.txt" "$work/series.txt" "# $(paste -sd '|' "$work/head.txt" |
		sed 's/|/; /g')"
	rm -rf "$work"
	exit 0
fi

bench_bbr || true
work=$(mktemp -d)
[ -n "$out" ] || out=$work
mkdir -p "$out"
results=$out/results.txt
series=$out/series.txt
: >"$results"
: >"$series"
bench_header "$BENCH_RUNS run(s) of $BENCH_SECS s per cell${rmem:+, server tcp_rmem $rmem}$(
	[ "$first" = 1 ] || echo ", repetitions $first-$((first + BENCH_RUNS - 1))")" \
	2>&1 | tee "$out/head.txt" >&2

IFS=, read -r -a pvs <<<"$algos"
IFS=, read -r -a lvs <<<"$linux"

# ttfb HOST SERVER: median curl time_starttransfer (s) of 3 GETs of the 1 kB file.
ttfb() {
	local i
	for i in 1 2 3; do
		lab_exec "$1" curl -s -o /dev/null --max-time 20 -w '%{time_starttransfer}\n' \
			"http://$2:8080/1k.bin" || echo 99
	done | sort -n | sed -n 2p
}

# wan_drops: "queue_full loss" drops so far in the data direction (wanem a2b: client side to
# server side on both topologies).
wan_drops() {
	we_vals "$(jq -r '.links[0].name' "$LAB_DIR/wanem.json")" a2b drop_queue_full drop_loss
}

# ring_drops: "IFNAME packets drops" per lab interface since the previous call: frames the kernel
# could not put in a DPDK process's af_packet receive ring (wanem's or pepgw's; in no ethdev
# counter, see ring_drops.py).
ring_drops() {
	local ifs
	mapfile -t ifs <"$LAB_DIR/links"
	"$E2E_PY" "$here/ring_drops.py" "${ifs[@]}"
}

# The client namespace's TCP retransmission timeouts and spurious ones (F-RTO, Eifel) so far,
# "TO SPURIOUS" (Linux end to end: the client is the sender).
timeouts() {
	lab_exec client nstat -asz TcpExtTCPTimeouts TcpExtTCPSpuriousRTOs |
		awk '$1 == "TcpExtTCPTimeouts" { t = $2 } $1 == "TcpExtTCPSpuriousRTOs" { s = $2 }
			END { print t + 0, s + 0 }'
}

# run_one NAME VARIANT REP PORT CC TTFB: one iperf3 upload; appends to results and series.
run_one() {
	local name=$1 v=$2 r=$3 port=$4 cc=$5 t=$6 d0 d1 line rd
	local to0=()
	if [ "${v#linux-}" != "$v" ]; then
		read -r -a to0 < <(timeouts)
	else
		tel_snap run /pepgw/tcp
	fi
	read -r -a d0 < <(wan_drops)
	ring_drops >/dev/null
	local spid=
	if [ -n "$sample" ] && [ "${v#linux-}" = "$v" ]; then
		"$E2E_PY" "$here/wan_sampler.py" "$LAB_PREFIX-gw" "$port" "$sample" "$name $v $r" \
			>>"$out/samples.txt" &
		spid=$!
	fi
	iperf3_run client "$server" "$port" -t "$BENCH_SECS" -C "$cc" --get-server-output
	if [ -n "$spid" ]; then
		kill "$spid" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
	fi
	read -r -a d1 < <(wan_drops)
	rd=$(ring_drops | tee -a "$out/ring-drops.txt" | awk '{ s += $3 } END { print s + 0 }')
	line=$("$E2E_PY" - "$IPERF_JSON" "$name" "$v" "$r" "$series" <<'EOF'
import json, sys
path, name, v, r, series = sys.argv[1:]
try:
    j = json.load(open(path))
    e = j["end"]
    print(e["sum_received"]["bits_per_second"] / 1e6, e["sum_received"]["bytes"],
          e["sum_sent"]["retransmits"])
    with open(series, "a") as f:
        for i in j.get("server_output_json", {}).get("intervals", []):
            s = i["sum"]
            f.write("%s %s %s %.3f %.4f\n" % (name, v, r, s["end"], s["bits_per_second"] / 1e6))
except (ValueError, KeyError, TypeError):
    print("0 0 -1")
EOF
)
	read -r mbps bytes retr <<<"$line"
	# With pepgw the WAN sender is pepgw's WAN leg: its retransmits, not the client's.
	# Timeouts: the sender's (pepgw's engine, or the client kernel's TCPTimeouts); copies:
	# what pepgw's rate module sent twice while the server's window held it back.
	local rto copies=- to1=()
	if [ "${v#linux-}" != "$v" ]; then
		read -r -a to1 < <(timeouts)
		rto=$((to1[0] - to0[0]))/$((to1[1] - to0[1]))
	else
		retr=$(tel_delta run /pepgw/tcp retransmits)
		rto=$(tel_delta run /pepgw/tcp rto_expired)/$(tel_delta run /pepgw/tcp spurious_rto)
		copies=$(tel_delta run /pepgw/tcp window_copies)
	fi
	echo "$name $v $r $mbps $bytes $retr $((d1[0] - d0[0])) $((d1[1] - d0[1])) $rd $t $rto $copies" |
		tee -a "$results" >&2
}

for p in "${paths[@]}"; do
	read -r name preset idx mtu loss ws <<<"$p"
	bench_selected "$name" || continue
	rate=$(jq ".links[$idx].both.rate_mbps" "$LAB_TOP/config/wanem/$preset.json")
	# pepgw: one WAN profile and one iperf3 port (5210 + i) per variant; 8080 (ttfb) on the
	# template's wan-satellite.
	ptpl=$work/$name-pepgw.json.tpl
	jq --arg algos "$algos" --argjson rate "$rate" '
		($algos | split(",")) as $a | .tcp_profiles["wan-satellite"] as $base |
		reduce range(0; $a | length) as $i (.;
			($a[$i]) as $v |
			.tcp_profiles["wan-" + $v] = ($base + {"congestion_control":
				(if $v == "vegas-cap" then "vegas" else $v end)} +
				(if $v == "rate" then {"rate_mbps": $rate, "overhead_bytes": 14,
					"window_copies": true}
				 elif $v == "vegas-cap" then {"max_rate_mbps": $rate, "overhead_bytes": 14}
				 else {} end)) |
			.rules += [{"name": ("split-" + $v), "match": {"protocol": "tcp",
				"dst_ports": [5210 + $i]}, "action": "accelerate", "lan_profile": "lan",
				"wan_profile": ("wan-" + $v), "handshake": "deferred"}]) |
		.rules[0].match.dst_ports = [8080]' "$pepgw_tpl" >"$ptpl"
	for r in $(seq "$first" $((first + BENCH_RUNS - 1))); do
		# One link of the preset on the lab's link-1 ports, queue >= 2 x BDP, loss overridden
		# for geo-sat-0; this repetition's seed.
		tpl=$work/$name-$r.json.tpl
		bench_wanem_tpl "$preset" "$idx" "$tpl.in" --loss "$loss" --queue-bdp
		jq --argjson seed "$r" --argjson i "$idx" '.links[0].both.seed = $seed * 100 + $i + 1' \
			"$tpl.in" >"$tpl"
		for topo in linux pepgw; do
			if [ "$topo" = linux ]; then
				[ ${#lvs[@]} -gt 0 ] && [ -n "${lvs[0]}" ] || continue
			else
				[ ${#pvs[@]} -gt 0 ] && [ -n "${pvs[0]}" ] || continue
			fi
			lab_init
			if [ "$topo" = pepgw ]; then
				lab_topo_single --pepgw "$ptpl" --wanem "$tpl" --pepgw-cpu 1 --wanem-cpu 0 \
					--mtu "$mtu" --wan-mtu "$mtu"
			else
				lab_topo_baseline --wanem "$tpl" --cpu 0 --mtu "$mtu"
			fi
			server=$(lab_get SERVER_IP)
			[ "$ws" = 1 ] || lab_exec client sysctl -qw net.ipv4.tcp_window_scaling=0
			[ -z "$rmem" ] || lab_exec server sysctl -qw "net.ipv4.tcp_rmem=$rmem"
			head -c 1000 /dev/urandom >"$LAB_DIR/1k.bin"
			http_serve server http "$server" 8080
			t=$(ttfb client "$server")
			if [ "$topo" = linux ]; then
				serve server iperf3 5201 iperf3 -s -J -B "$server" -p 5201
				for cc in "${lvs[@]}"; do
					run_one "$name" "linux-$cc" "$r" 5201 "$cc" "$t"
				done
			else
				for i in "${!pvs[@]}"; do
					serve server "iperf3-$i" $((5210 + i)) iperf3 -s -J -B "$server" \
						-p $((5210 + i))
				done
				for i in "${!pvs[@]}"; do
					run_one "$name" "pepgw-${pvs[$i]}" "$r" $((5210 + i)) cubic "$t"
				done
			fi
			lab_teardown 0
		done
	done
done

report "$results" "$series" "$(cat "$out/head.txt")"
rm -rf "$work"
