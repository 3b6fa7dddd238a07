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
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

# teardown_check: tear the lab down; nothing named with its prefix is left.
teardown_check() {
	local prefix=$LAB_PREFIX
	lab_teardown 0
	check_eq "nothing left of $prefix" "$(lab_leftovers "$prefix")" ""
}

# (a) -----------------------------------------------------------------------------------------
lab_init
lab_topo_single --pepgw "$E2E_HERE/wanem-single-pepgw.json.tpl" \
	--wanem "$E2E_HERE/wanem-accuracy.json.tpl" --pepgw-cpu 1 --wanem-cpu 0
server=$(lab_get SERVER_IP)
read -r rtt min _ n ttl < <(ping_stats client "$server" 30 0.02)
# Without wanem's delay the RTT would be ~1 ms; through a second router the TTL would be 62. The
# slack is pepgw's (each idle-sleeping hop adds up to ~0.5 ms); wanem's own accuracy is
# wanem_accuracy's business. The fastest reply bounds the path from above: a loaded machine
# (CI runs labs beside builds) delays many replies but never makes one faster than the path.
check_py "(a) ping through pepgw and wanem: min $min, median $rtt ms (expected 40 + up to 3), \
TTL $ttl" "$n >= 28 and 40 <= $min <= 43 and $rtt >= 40 and $ttl == 63"
iperf3_serve server iperf3 "$server" 5201
iperf3_run client "$server" 5201 -t 2
check_gt "(a) TCP through pepgw and wanem: $IPERF_MBPS Mbit/s (bit/s)" "$IPERF_BPS" 10000000
teardown_check

# (b) -----------------------------------------------------------------------------------------
lab_init
lab_topo_paired --links 2 --pepgw-a "$E2E_HERE/wanem-paired-a.json.tpl" \
	--pepgw-b "$E2E_HERE/wanem-paired-b.json.tpl" \
	--wanem "$LAB_TOP/config/wanem/dicom-branch.json"
read -r rtt min _ n _ < <(ping_stats client "$(lab_get SERVER_IP)" 30 0.02)
# Link 2 instead of link 1 would be 15 ms off each way; two pepgw hops each way add the slack.
check_py "(b) server over link 1 (coax both ways): min $min, median $rtt ms, expected 30 + up \
to 3" "$n >= 27 and 30 <= $min <= 33 and $rtt >= 30"
read -r rtt min _ n _ < <(ping_stats client "$(lab_get BW2_IP)" 30 0.02)
check_py "(b) pepgw B's link-2 address (lte out, coax back): min $min, median $rtt ms, expected \
45 + up to 3" "$n >= 27 and 45 <= $min <= 48 and $rtt >= 45"
check_ge "(b) the lte link carried the pings to link 2 (packets)" \
	"$(we_stat lte a2b out_packets)" 27
teardown_check

e2e_finish
