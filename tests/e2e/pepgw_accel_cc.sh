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
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
peers=$here/tcp_peers.py
PY=/usr/bin/python3
mb=${ACCEL_CC_MB:-3}
algos=(reno highspeed scalable vegas rate)

lab_init
lab_topo_single --pepgw "$here/pepgw-accel-cc.json.tpl" \
	--wanem "$here/pepgw-accel-wan-wanem.json.tpl" --pepgw-cpu 1 --wanem-cpu 0
server=$(lab_get SERVER_IP)
head -c $((mb * 1000000)) /dev/urandom >"$LAB_DIR/up.bin"

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
	lab_bg server "sha-$a" $PY "$peers" sha-server "$server" "$port"
	lab_wait_listen server "$port"
	before=$(opened)
	start=$SECONDS
	rc=0
	out=$(lab_exec client $PY "$peers" sha-client "$server" "$port" "$LAB_DIR/up.bin") || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$a: $mb MB upload through the split over 1 % loss, the server read the same bytes \
($((SECONDS - start)) s)"
	else
		fail "$a: upload: $out"
	fi
	after=$(opened)
	# The WAN leg counts under its module; the LAN leg (profile lan: reno) under reno.
	want=$($PY - "$before" "$a" <<'PYEOF'
import sys
before = dict(kv.split("=") for kv in sys.argv[1].split())
before[sys.argv[2]] = str(int(before[sys.argv[2]]) + 1)
before["reno"] = str(int(before["reno"]) + 1)
print(" ".join("%s=%s" % kv for kv in before.items()))
PYEOF
)
	if [ "$after" = "$want" ]; then
		pass "$a: telemetry: the WAN leg ran $a (conn_opened_*: $after)"
	else
		fail "$a: telemetry conn_opened_* $after, expected $want (before: $before)"
	fi
	lab_stop "sha-$a"
done

[ "$(tel /pepgw/tcp retransmits)" -gt 0 ] && pass "the WAN legs retransmitted across the loss" ||
	fail "no retransmits counted: was the loss applied?"
[ "$(tel /pepgw/counters accel_fallback)" -eq 0 ] || fail "accel_fallback counted"

e2e_finish
