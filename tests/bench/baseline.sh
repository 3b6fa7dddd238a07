#!/usr/bin/env bash
# Baselines: Linux TCP end to end through wanem, topology (c) client — wanem — server, for each
# preset of config/wanem/: one iperf3 flow with cubic and with bbr, RUNS runs each; prints a
# markdown table of the median goodput (receiver side) and median retransmits (sender side).
# These are the numbers pepgw must beat (issue 3, doc/benchmarks.md). Not part of the test
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
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lab/lab.sh
. "$top/tests/lab/lab.sh"

runs=3
scale=1
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2 && shift 2 ;;
	--only) only+=("$2") && shift 2 ;;
	--time-scale) scale=$2 && shift 2 ;;
	*) echo "usage: $0 [--runs N] [--only PATH]... [--time-scale X]" >&2 && exit 1 ;;
	esac
done

# name preset link-index host-mtu seconds
paths=(
	"dicom-coax dicom-branch 0 1440 15"
	"dicom-lte dicom-branch 1 1440 15"
	"dicom-coax@1500 dicom-branch 0 1500 10"
	"geo-sat geo-sat 0 1500 30"
	"lfn lfn 0 1500 20"
	"flaky-lte flaky-lte 0 1500 15"
)

if ! sysctl -n net.ipv4.tcp_available_congestion_control | grep -qw bbr; then
	modprobe tcp_bbr 2>/dev/null || true
fi
sysctl -n net.ipv4.tcp_available_congestion_control | grep -qw bbr ||
	{ echo "baseline: tcp_bbr is not available" >&2 && exit 1; }

work=$(mktemp -d)
results=$work/results
: >"$results"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), iperf3 $(iperf3 --version | head -1 |
	awk '{print $2}'), $runs runs per cell" >&2

for p in "${paths[@]}"; do
	read -r name preset idx mtu secs <<<"$p"
	if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qxF "$name"; then
		continue
	fi
	secs=$(/usr/bin/python3 -c "print(max(1, round($secs * $scale)))")
	# One link of the preset, placed on topology (c)'s wanem ports.
	tpl=$work/$name.json.tpl
	jq --argjson i "$idx" '.links = [.links[$i] | .a = "${E1A_DEV}" | .b = "${E1B_DEV}"]' \
		"$top/config/wanem/$preset.json" >"$tpl"
	lab_init
	lab_topo_baseline --wanem "$tpl" --cpu 0 --mtu "$mtu"
	server=$(lab_get SERVER_IP)
	lab_bg server iperf3 iperf3 -s -B "$server" -p 5201
	lab_wait_listen server 5201
	for cc in cubic bbr; do
		for r in $(seq 1 "$runs"); do
			json=$work/$name-$cc-$r.json
			lab_exec client iperf3 -c "$server" -p 5201 -t "$secs" -C "$cc" -J >"$json" ||
				true
			read -r mbps retr < <(/usr/bin/python3 -c '
import json, sys
try:
    e = json.load(open(sys.argv[1]))["end"]
    print(e["sum_received"]["bits_per_second"] / 1e6, e["sum_sent"]["retransmits"])
except (ValueError, KeyError):
    print("0 -1")' "$json")
			echo "$name $cc $r $mbps $retr" | tee -a "$results" >&2
		done
	done
	lab_teardown 0
done

/usr/bin/python3 - "$results" "$runs" <<'EOF'
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
