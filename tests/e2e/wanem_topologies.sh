#!/usr/bin/env bash
# The lab's wanem topologies (a) and (b) built in a row, each checked by what a packet sees.
#
# (a) client 10.10.0.2 — pepgw (plain L3 forwarding) — wanem 20 ms each way — server 10.20.0.2:
#     ping RTT 40 ms (+ pepgw's small share) with TTL 63 (one router), a TCP transfer passes.
# (b) client — pepgw A — wanem with dicom-branch's two links (coax 15 ms, lte 30 ms each way) —
#     pepgw B — server; A routes the server's network over link 1 and reaches B's link-2 address
#     over link 2, B answers everything over link 1. So the server is 15 + 15 = 30 ms away, B's
#     wan2 address 30 (lte) + 15 (coax back) = 45 ms: each link carries its own impairment.
# After each teardown nothing named with the run's prefix is left.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=wanem_lib.sh
. "$here/wanem_lib.sh"

# median_rtt HOST IP: median of 30 pings 20 ms apart, and the TTL of the replies.
median_rtt() {
	lab_exec "$1" ping -n -c 30 -i 0.02 -W 2 "$2" | "$WE_PY" -c '
import re, sys, statistics
r = [(float(m.group(2)), m.group(1)) for m in
     re.finditer(r"ttl=(\d+) time=([0-9.]+) ms", sys.stdin.read())]
print(statistics.median(t for t, _ in r) if r else -1, r[0][1] if r else 0, len(r))'
}
leftovers_check() { # PREFIX
	local left
	left=$(lab_leftovers "$1")
	[ -z "$left" ] && pass "nothing left of $1" || fail "left of $1: $left"
}

# (a) -----------------------------------------------------------------------------------------
lab_init
lab_topo_single --pepgw "$here/wanem-single-pepgw.json.tpl" \
	--wanem "$here/wanem-accuracy.json.tpl" --pepgw-cpu 1 --wanem-cpu 0
server=$(lab_get SERVER_IP)
read -r rtt ttl n < <(median_rtt client "$server")
# Without wanem's delay the RTT would be ~1 ms; through a second router the TTL would be 62. The
# slack is pepgw's (each idle-sleeping hop adds up to ~0.5 ms on a loaded machine); wanem's own
# accuracy is wanem_accuracy's business.
we_check "(a) ping through pepgw and wanem: median $rtt ms (expected 40 + up to 3), TTL $ttl" \
	"$n >= 28 and 40 <= $rtt <= 43 and $ttl == 63"
lab_bg server iperf3 iperf3 -s -B "$server" -p 5201
lab_wait_listen server 5201
bps=$(lab_exec client iperf3 -c "$server" -p 5201 -t 2 -J | "$WE_PY" -c \
	"import json,sys; print(int(json.load(sys.stdin)['end']['sum_received']['bits_per_second']))")
we_check "(a) TCP through pepgw and wanem: $((bps / 1000000)) Mbit/s" "$bps > 10e6"
prefix=$LAB_PREFIX
lab_teardown 0
leftovers_check "$prefix"

# (b) -----------------------------------------------------------------------------------------
lab_init
lab_topo_paired --links 2 --pepgw-a "$here/wanem-paired-a.json.tpl" \
	--pepgw-b "$here/wanem-paired-b.json.tpl" --wanem "$here/../../config/wanem/dicom-branch.json"
read -r rtt ttl n < <(median_rtt client "$(lab_get SERVER_IP)")
# Link 2 instead of link 1 would be 15 ms off each way; two pepgw hops each way add the slack.
we_check "(b) server over link 1 (coax both ways): median $rtt ms, expected 30 + up to 3" \
	"$n >= 27 and 30 <= $rtt <= 33"
read -r rtt ttl n < <(median_rtt client "$(lab_get BW2_IP)")
we_check "(b) pepgw B's link-2 address (lte out, coax back): median $rtt ms, expected 45 + up \
to 3" "$n >= 27 and 45 <= $rtt <= 48"
lte=$(we_stat lte a2b out_packets)
we_check "(b) the lte link carried the pings to link 2 ($lte packets)" "$lte >= 27"
prefix=$LAB_PREFIX
lab_teardown 0
leftovers_check "$prefix"

echo "$we_failures failure(s)"
[ "$we_failures" -eq 0 ]
