#!/usr/bin/env bash
# Congestion metrics cache benchmark (doc/benchmarks.md "Congestion metrics cache"):
# two 5 MB uploads, one after the other, from the client to the same server over a geo-sat
# wanem path; the second's completion time against the first's. Not part of the test suite.
#
#   tests/bench/metrics_cache_bench.sh [--runs N] [--mb M] [--only geo-sat-0|geo-sat]...
#                                      [--variants pepgw,pepgw-nocache,linux-cubic]
#                                      [--server-initrwnd SEGMENTS] [--server-rmem "MIN DEF MAX"]
#
# Topology (a) client — pepgw — wanem — server for pepgw (profile wan-satellite of
# tests/bench/pepgw-metrics-bench.json.tpl, congestion_metrics_cache true or false), (c) client —
# wanem — server for Linux end to end (Linux keeps its own tcp_metrics: ssthresh and RTT).
# Uploads, so that pepgw's WAN leg is the sender the cache starts. A transfer's time is what
# the client sees from connect() to the server's 2-byte answer sent once it read all M MB
# (one handshake, the data, half an RTT back). Between the two transfers the script waits
# until the first's legs are closed (pepgw: pairs_in_use 0 and the WAN leg's TIME-WAIT over;
# Linux: an entry for the server in the client's `ip tcp_metrics`), each bounded.
# Paths: geo-sat-0 = config/wanem/geo-sat.json with loss 0, geo-sat = with its 1 % loss, the
# queue raised to 2 x BDP as in accel_bench.sh. Run r uses wanem seed r (different losses).
# --server-initrwnd sets the server's routes' initrwnd: Linux opens a receive window of 10
# segments and widens it as data arrives, which bounds how much faster any sender can start.
# Linux takes the smaller of initrwnd and what tcp_rmem's default buffer allows (~64 KB with
# the default 131072), so initrwnd alone cannot open it wider: --server-rmem sets the server's
# net.ipv4.tcp_rmem too (e.g. "4096 2097152 16777216" with --server-initrwnd 600).
# Env: LAB_BUILD (a build with app/pepgw/pepgw and app/wanem/wanem), as for the e2e tests.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../e2e/e2e_lib.sh
. "$top/tests/e2e/e2e_lib.sh"
PY=/usr/bin/python3
pepgwctl=$top/app/pepgwctl/pepgwctl
pepgw_tpl=$here/pepgw-metrics-bench.json.tpl

runs=3
mb=5
only=()
variants=pepgw,pepgw-nocache,linux-cubic
initrwnd=
rmem=
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2 && shift 2 ;;
	--mb) mb=$2 && shift 2 ;;
	--only) only+=("$2") && shift 2 ;;
	--variants) variants=$2 && shift 2 ;;
	--server-initrwnd) initrwnd=$2 && shift 2 ;;
	--server-rmem) rmem=$2 && shift 2 ;;
	*) echo "usage: $0 [--runs N] [--mb M] [--only PATH]... [--variants LIST] [--server-initrwnd N] [--server-rmem \"MIN DEF MAX\"]" >&2 && exit 1 ;;
	esac
done
bytes=$((mb * 1000000))

# The server: reads one connection to its end, answers "ok" when it got every byte.
sink_py='
import socket, sys
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], 8080))
srv.listen(8)
while True:
    c, _ = srv.accept()
    n = 0
    while True:
        d = c.recv(1 << 18)
        if not d:
            break
        n += len(d)
    c.sendall(b"ok" if n == int(sys.argv[2]) else b"ko")
    c.close()
'
# The client: seconds from connect() to the server's answer, or "fail".
send_py='
import socket, sys, time
buf = bytes(1 << 16)
t0 = time.monotonic()
s = socket.create_connection((sys.argv[1], 8080), timeout=120)
left = int(sys.argv[2])
while left:
    left -= s.send(buf[:min(left, len(buf))])
s.shutdown(socket.SHUT_WR)
r = s.recv(2)
print("%.3f" % (time.monotonic() - t0) if r == b"ok" else "fail")
'

pairs_zero() {
	[ "$("$pepgwctl" -f "$LAB_PREFIX-gw" raw /pepgw/tcp | jq '."/pepgw/tcp".pairs_in_use')" = 0 ]
}
linux_cached() {
	lab_exec client ip tcp_metrics show "$1" 2>/dev/null | grep -q rtt
}

work=$(mktemp -d)
results=$work/results
: >"$results"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), tree $(git -C "$top" rev-parse --short \
HEAD), $runs run(s) of 2 x $mb MB, server initrwnd ${initrwnd:-default} rmem ${rmem:-default}, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for p in "geo-sat-0 0" "geo-sat -"; do
	read -r name loss <<<"$p"
	if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qxF "$name"; then
		continue
	fi
	IFS=, read -r -a vs <<<"$variants"
	for v in "${vs[@]}"; do
		for r in $(seq 1 "$runs"); do
			tpl=$work/$name-$r.json.tpl
			jq --arg loss "$loss" --argjson seed "$r" '.links = [.links[0] |
				.a = "${E1A_DEV}" | .b = "${E1B_DEV}" | .both.seed = $seed |
				.both.queue_bytes = ([((.both.rate_mbps * 1e6 / 8 * .both.delay_ms * 2 /
				1000 * 2) | floor), 16384] | max) |
				(if $loss != "-" then .both.loss = ($loss | tonumber) else . end)]' \
				"$top/config/wanem/geo-sat.json" >"$tpl"
			lab_init
			if [ "$v" = linux-cubic ]; then
				lab_topo_baseline --wanem "$tpl" --cpu 0
			else
				lab_set METRICS_CACHE "$([ "$v" = pepgw ] && echo true || echo false)"
				lab_topo_single --pepgw "$pepgw_tpl" --wanem "$tpl" --pepgw-cpu 1 \
					--wanem-cpu 0
			fi
			server=$(lab_get SERVER_IP)
			[ -z "$rmem" ] || lab_exec server sysctl -qw "net.ipv4.tcp_rmem=$rmem"
			[ -z "$initrwnd" ] || lab_exec server sh -c "ip route show | while read -r rt; do
				ip route change \$rt initrwnd $initrwnd; done"
			lab_bg server sink $PY -c "$sink_py" "$server" "$bytes"
			lab_wait_listen server 8080
			t1=$(lab_exec client $PY -c "$send_py" "$server" "$bytes" || echo fail)
			if [ "$v" = linux-cubic ]; then
				lab_poll 30 linux_cached "$server" || echo "# no tcp_metrics entry" >&2
			else
				lab_poll 30 pairs_zero || echo "# pairs left after 30 s" >&2
				sleep 1.5 # the WAN leg's TIME-WAIT (time_wait_ms 1000) stores it
			fi
			t2=$(lab_exec client $PY -c "$send_py" "$server" "$bytes" || echo fail)
			hits=-
			[ "$v" = linux-cubic ] || hits=$("$pepgwctl" -f "$LAB_PREFIX-gw" raw \
				/pepgw/tcp | jq '."/pepgw/tcp".metrics_cache_hits')
			echo "$name $v $r $t1 $t2 $hits" | tee -a "$results" >&2
			lab_teardown 0
		done
	done
done

$PY - "$results" "$mb" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, v, _, t1, t2, hits = line.split()
    if "fail" in (t1, t2):
        continue
    rows.setdefault((name, v), []).append((float(t1), float(t2), hits))
med = statistics.median
print("| path | variant | first s | second s | second / first | range | cache hits |")
print("|---|---|---|---|---|---|---|")
for (name, v), rs in rows.items():
    ratios = [b / a for a, b, _ in rs]
    print("| %s | %s | %.2f | %.2f | %.2f | %.2f..%.2f | %s |" % (
        name, v, med(a for a, _, _ in rs), med(b for _, b, _ in rs), med(ratios),
        min(ratios), max(ratios), ",".join(h for _, _, h in rs)))
PYEOF
rm -rf "$work"
