#!/usr/bin/env bash
# Every congestion-control module on pepgw's WAN leg, topology (a) of tests/lab:
#
#   client 10.10.0.2 ── lan0 [pepgw: LAN leg | relay | WAN leg] wan1 ── wanem ── server 10.20.0.2
#
# wanem (pepgw-accel-wan-wanem.json.tpl): 10 ms each way, 1 % random loss and 1 % reordering
# each way, 200 Mbit/s. pepgw (pepgw-accel-cc.json.tpl) splits port 7101..7105 with a WAN
# profile per module: reno, highspeed, scalable, vegas (capped at 40 Mbit/s: the PEP FAQ's
# combination), rate (40 Mbit/s). Per module a Linux client uploads ACCEL_CC_MB (3) MB through
# the split to a server that answers with the byte count and sha256 of what it read: the bytes
# must be identical, and /pepgw/tcp's conn_opened_<module> must have grown by exactly the one
# WAN leg of that upload (the LAN legs use reno) while no other module's count moved.
# Performance is doc/benchmarks.md's (tests/bench/accel_bench.sh), not this test's.
set -u
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
mb=${ACCEL_CC_MB:-3}
algos=(reno highspeed scalable vegas rate)

lab_init
lab_topo_single --pepgw "$E2E_HERE/pepgw-accel-cc.json.tpl" \
	--wanem "$E2E_HERE/pepgw-accel-wan-wanem.json.tpl" --pepgw-cpu 1 --wanem-cpu 0
server=$(lab_get SERVER_IP)
random_file "$LAB_DIR/up.bin" $((mb * 1000000)) >/dev/null

# opened: "reno=N highspeed=N ..." from /pepgw/tcp.
opened() {
	local a s=
	for a in "${algos[@]}"; do
		s+="$a=$(tel /pepgw/tcp "conn_opened_$a") "
	done
	echo "${s% }"
}

for i in "${!algos[@]}"; do
	a=${algos[$i]}
	port=$((7101 + i))
	peers_serve server "sha-$a" sha-server "$server" "$port"
	before=$(opened)
	start=$SECONDS
	check "$a: $mb MB upload through the split over 1 % loss, the server read the same bytes" \
		peers client sha-client "$server" "$port" "$LAB_DIR/up.bin"
	echo "   $a upload: $((SECONDS - start)) s"
	# The WAN leg counts under its module; the LAN leg (profile lan: reno) under reno.
	want=$(py "' '.join('%s=%d' % (k, int(v) + (k == '$a') + (k == 'reno'))
		for k, v in (kv.split('=') for kv in '$before'.split()))")
	check_eq "$a: telemetry: the WAN leg ran $a (conn_opened_* before: $before)" "$(opened)" \
		"$want"
	lab_stop "sha-$a"
done

check_gt "the WAN legs retransmitted across the loss" "$(tel /pepgw/tcp retransmits)" 0
fb=0
for k in accel_fallback_engine_full accel_fallback_no_entry accel_fallback_fragment; do
	fb=$((fb + $(tel /pepgw/counters $k)))
done
check_eq "no accelerated flow fell back (accel_fallback_*)" "$fb" 0

e2e_finish
