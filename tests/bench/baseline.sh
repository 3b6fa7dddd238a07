#!/usr/bin/env bash
# Baselines: Linux TCP end to end through wanem, topology (c) client — wanem — server, for each
# preset of config/wanem/: one iperf3 flow with cubic and with bbr, RUNS runs each; prints a
# markdown table of the median goodput (receiver side) and median retransmits (sender side).
# These are the numbers pepgw must beat (doc/benchmarks.md). Not part of the test
# suite: it takes about 16 minutes with the default durations (3 runs).
#
#   tests/bench/baseline.sh [--runs N] [--only PATH]... [--time-scale X]
#
# Paths: dicom-coax and dicom-lte are the two links of dicom-branch.json, one run each (topology
# c has one link; pepgw bonds both, so the sum of the two is the bar for bonding). Their WAN MTU
# is 1440 with mtu_action "drop": Linux hosts at MTU 1500 with no MSS clamp stall after the
# handshake (the seeds' PMTUD black hole), so the hosts get MTU 1440 for these rows and one row
# "dicom-coax @1500" shows the stall. Durations: 30 s on geo-sat (600 ms RTT: slow start alone
# takes several seconds), 20 s on lfn, 15 s elsewhere (scaled by --time-scale).
# Env: LAB_BUILD (the build with app/wanem/wanem), as for the e2e tests.
set -u
# shellcheck source=../e2e/e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/e2e_lib.sh"

BENCH_RUNS=3
bench_args "runs only time-scale" "$@"

# name preset link-index host-mtu seconds
paths=(
	"dicom-coax dicom-branch 0 1440 15"
	"dicom-lte dicom-branch 1 1440 15"
	"dicom-coax@1500 dicom-branch 0 1500 10"
	"geo-sat geo-sat 0 1500 30"
	"lfn lfn 0 1500 20"
	"flaky-lte flaky-lte 0 1500 15"
)

bench_bbr || { echo "baseline: tcp_bbr is not available" >&2 && exit 1; }
work=$(mktemp -d)
results=$work/results
: >"$results"
bench_header "iperf3 $(iperf3 --version | head -1 | awk '{print $2}'), $BENCH_RUNS runs per cell"

for p in "${paths[@]}"; do
	read -r name preset idx mtu secs <<<"$p"
	bench_selected "$name" || continue
	secs=$(bench_secs "$secs")
	tpl=$work/$name.json.tpl
	bench_wanem_tpl "$preset" "$idx" "$tpl"
	lab_init
	lab_topo_baseline --wanem "$tpl" --cpu 0 --mtu "$mtu"
	server=$(lab_get SERVER_IP)
	iperf3_serve server iperf3 "$server" 5201
	for cc in cubic bbr; do
		for r in $(seq 1 "$BENCH_RUNS"); do
			iperf3_run client "$server" 5201 -t "$secs" -C "$cc"
			echo "$name $cc $r $IPERF_MBPS $IPERF_RETR" | tee -a "$results" >&2
		done
	done
	lab_teardown 0
done

"$E2E_PY" - "$results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, cc, _, mbps, retr = line.split()
    rows.setdefault(name, {}).setdefault(cc, []).append((float(mbps), int(retr)))
print("| path | cubic Mbit/s | cubic retransmits | bbr Mbit/s | bbr retransmits |")
print("|---|---|---|---|---|")
for name, ccs in rows.items():
    cells = []
    for cc in ("cubic", "bbr"):
        v = ccs.get(cc, [])
        cells.append("%.2f" % statistics.median(m for m, _ in v) if v else "-")
        cells.append("%d" % statistics.median(r for _, r in v) if v else "-")
    print("| %s | %s |" % (name, " | ".join(cells)))
EOF
rm -rf "$work"
