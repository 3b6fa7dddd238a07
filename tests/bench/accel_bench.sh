#!/usr/bin/env bash
# Split TCP benchmark (doc/benchmarks.md "Split TCP"): pepgw single-ended, topology (a)
# client — pepgw — wanem — server, against Linux end to end over the same wanem path, topology
# (c) client — wanem — server, in one invocation. Not part of the test suite.
#
#   tests/bench/accel_bench.sh [--runs N] [--secs S] [--only geo-sat-0|geo-sat|lfn|dicom-coax]...
#
# Every run is one iperf3 flow client → server (upload), so that across the WAN the sender is
# pepgw's WAN leg (NewReno + SACK, profile wan-satellite of tests/e2e/pepgw-accel-wan-bench
# .json.tpl) with pepgw, and the client's own TCP without it.
#  geo-sat-0   geo-sat.json with loss 0 (10 Mbit/s, 600 ms RTT), client with window scaling off
#              (64 KB window): pepgw vs end to end (the classic PEP win: >= 80 % of
#              10 Mbit/s vs ~0.9). Ratio printed.
#  geo-sat, lfn, dicom-coax (link 1 of dicom-branch.json, hosts at MTU 1440 as in the baseline
#              section): pepgw vs Linux cubic and bbr end to end.
# Per run: goodput (iperf3 end.sum_received, server side), retransmits (iperf3 sum_sent for
# Linux; /pepgw/tcp retransmits delta, the WAN leg's, for pepgw) and time to first byte (curl
# time_starttransfer of a 1 kB file from python3 -m http.server, median of 3).
# wanem's queue is raised to 2x the path's BDP (at least the preset's default) on both
# topologies, so that a full window fits (see doc/benchmarks.md).
# Env: LAB_BUILD (a build with app/pepgw/pepgw and app/wanem/wanem), as for the e2e tests.
set -u
# shellcheck source=../e2e/e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/e2e_lib.sh"
pepgw_tpl=$LAB_TOP/tests/e2e/pepgw-accel-wan-bench.json.tpl

BENCH_RUNS=1 BENCH_SECS=25
bench_args "runs secs only" "$@"

# name preset link-index host-mtu loss-override client-ws(1/0) variants
paths=(
	"geo-sat-0 geo-sat 0 1500 0 0 linux-cubic,pepgw"
	"geo-sat geo-sat 0 1500 - 1 linux-cubic,linux-bbr,pepgw"
	"lfn lfn 0 1500 - 1 linux-cubic,linux-bbr,pepgw"
	"dicom-coax dicom-branch 0 1440 - 1 linux-cubic,linux-bbr,pepgw"
)

bench_bbr || true
work=$(mktemp -d)
results=$work/results
: >"$results"
bench_header "$BENCH_RUNS run(s) of $BENCH_SECS s per cell"

# ttfb HOST SERVER: median curl time_starttransfer (s) of 3 GETs of the 1 kB file.
ttfb() {
	local i
	for i in 1 2 3; do
		lab_exec "$1" curl -s -o /dev/null --max-time 20 -w '%{time_starttransfer}\n' \
			"http://$2:8080/1k.bin" || echo 99
	done | sort -n | sed -n 2p
}

for p in "${paths[@]}"; do
	read -r name preset idx mtu loss ws variants <<<"$p"
	bench_selected "$name" || continue
	tpl=$work/$name.json.tpl
	bench_wanem_tpl "$preset" "$idx" "$tpl" --loss "$loss" --queue-bdp
	IFS=, read -r -a vs <<<"$variants"
	for v in "${vs[@]}"; do
		lab_init
		if [ "$v" = pepgw ]; then
			lab_topo_single --pepgw "$pepgw_tpl" --wanem "$tpl" --pepgw-cpu 1 --wanem-cpu 0 \
				--mtu "$mtu" --wan-mtu "$mtu"
		else
			lab_topo_baseline --wanem "$tpl" --cpu 0 --mtu "$mtu"
		fi
		server=$(lab_get SERVER_IP)
		[ "$ws" = 1 ] || lab_exec client sysctl -qw net.ipv4.tcp_window_scaling=0
		head -c 1000 /dev/urandom >"$LAB_DIR/1k.bin"
		http_serve server http "$server" 8080
		iperf3_serve server iperf3 "$server" 5201
		cc=${v#linux-}
		[ "$v" = pepgw ] && cc=cubic
		for r in $(seq 1 "$BENCH_RUNS"); do
			[ "$v" != pepgw ] || tel_snap run /pepgw/tcp
			iperf3_run client "$server" 5201 -t "$BENCH_SECS" -C "$cc"
			retr=$IPERF_RETR
			# With pepgw the WAN sender is pepgw's WAN leg: its retransmits, not the client's.
			[ "$v" != pepgw ] || retr=$(tel_delta run /pepgw/tcp retransmits)
			echo "$name $v $r $IPERF_MBPS $retr $(ttfb client "$server")" |
				tee -a "$results" >&2
		done
		lab_teardown 0
	done
done

"$E2E_PY" - "$results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, v, _, mbps, retr, ttfb = line.split()
    rows.setdefault(name, {}).setdefault(v, []).append((float(mbps), int(retr), float(ttfb)))
med = lambda xs: statistics.median(xs)
print("| path | variant | goodput Mbit/s | retransmits | time to first byte ms |")
print("|---|---|---|---|---|")
for name, vs in rows.items():
    for v, runs in vs.items():
        print("| %s | %s | %.2f | %d | %.0f |" % (name, v, med(m for m, _, _ in runs),
              med(r for _, r, _ in runs), 1000 * med(t for _, _, t in runs)))
if "geo-sat-0" in rows and {"pepgw", "linux-cubic"} <= rows["geo-sat-0"].keys():
    p = med(m for m, _, _ in rows["geo-sat-0"]["pepgw"])
    l = med(m for m, _, _ in rows["geo-sat-0"]["linux-cubic"])
    print("\ngeo-sat-0 (64 KB client window): pepgw %.2f Mbit/s = %.0f %% of 10 Mbit/s, "
          "%.1fx end to end (%.2f Mbit/s)" % (p, p * 10, p / l if l else float("inf"), l))
EOF
rm -rf "$work"
