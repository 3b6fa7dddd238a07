#!/usr/bin/env bash
# Segments pepgw refuses leave no state, and every refused one is counted under its reason.
# Topology (d) of tests/lab: client 10.10.0.2 ── lan0 [pepgw] wan0 ── server 10.20.0.2.
# pepgw_refused.json.tpl splits 7000-7010, forwards 8001 passing refused TCP flags (both ways:
# the server's RSTs, the first packets the other way, would otherwise make the flow's entry
# under the default rule), forwards the rest (default). Frames come from pepgw_refused.py (scapy in the client's namespace).
# 1. The barrage: one frame of every kind the parser, the TCP flag policy and the first-segment
#    checks of split TCP refuse, all on one 4-tuple toward the split port. The drop counters
#    (/pepgw/drops and the engine's /pepgw/tcp drop_*) move by exactly what was sent, reason by
#    reason; no flow entry and no split pair appear.
# 2. A real connection from the same address and port afterwards is split (accel_flows,
#    /pepgw/tcp_conns lists it), not passed through, and echoes.
# 3. On a live split connection: the gateway's checks and the engine's discards, each counted
#    once under its reason; the connection survives.
# 4. Forward rules: the refused flags are dropped by reason on the default forward rule without
#    a flow entry, and reach the server unchanged on the rule with invalid_tcp_flags "pass"
#    (no drop counted).
# Under ASan+UBSan (suite e2e-asan, REF_EXPECT_ASAN=1) any sanitizer report fails the test.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_READY_TIMEOUT=${LAB_READY_TIMEOUT:-60}
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
peers=$here/tcp_peers.py
helper=$here/pepgw_refused.py
PY=/usr/bin/python3 # python3-scapy lives in Debian's python
bin=${LAB_PEPGW:-$LAB_BUILD/app/pepgw/pepgw}

if [ "${REF_EXPECT_ASAN:-0}" = 1 ] && ! grep -q __asan_init "$bin" 2>/dev/null; then
	echo "SKIP: $bin is not built with -Db_sanitize=address,undefined"
	exit 77
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
SANITIZER_RE='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'

# Every drop counter of the gateway (drop_NAME) and of its engines (tcp:drop_NAME), as JSON.
drops() {
	{
		"$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw /pepgw/drops
		"$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw /pepgw/tcp
	} | $PY -c '
import json, sys
out = {}
for line in sys.stdin:
    for cmd, v in json.loads(line).items():
        for k, n in v.items():
            if cmd == "/pepgw/drops":
                out["drop_" + k] = n
            elif k.startswith("drop_"):
                out["tcp:" + k] = n
print(json.dumps(out))'
}
# delta BEFORE AFTER SENT: "ok" when AFTER - BEFORE is exactly SENT's counts, reason by
# reason, else what differs.
delta() {
	$PY -c '
import json, sys
try:
    b, a, s = (json.loads(x) for x in sys.argv[1:4])
except ValueError:
    print("no counts to compare: %r" % sys.argv[1:4])
    sys.exit(0)
moved = {k: a[k] - b.get(k, 0) for k in a if a[k] != b.get(k, 0)}
want = s["sent"]
print("ok" if moved == want else "moved %s, sent %s" % (moved, want))' "$1" "$2" "$3"
}
# settle BEFORE SENT: the drop counters once their total moved by at least SENT's total (the
# worker adds its counts per burst), or as they are after a bounded wait.
settled() {
	$PY -c '
import json, sys
try:
    b, a, s = (json.loads(x) for x in sys.argv[1:4])
except ValueError:
    sys.exit(0)
sys.exit(0 if sum(a.values()) - sum(b.values()) >= s["total"] else 1)' "$1" "$(drops)" "$2"
}
settle() {
	lab_poll 10 settled "$1" "$2" || true
	drops
}

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw_refused.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)
gwmac=$(lab_exec client ip -j neigh show "$(lab_get LAN_IP)" | $PY -c '
import json, sys
print(([n["lladdr"] for n in json.load(sys.stdin) if "lladdr" in n] + [""])[0])')
[ -n "$gwmac" ] || lab_die "no ARP entry for pepgw's LAN address in the client"
lab_bg server echo $PY "$peers" echo-server "$server" 7004
lab_wait_listen server 7004
sport=40404

# 1. The barrage on one 4-tuple toward the split port. ----------------------------------------
flows0=$(tel /pepgw/flows active)
pairs0=$(tel /pepgw/tcp pairs_in_use)
before=$(drops)
sent=$(lab_exec client $PY "$helper" barrage "$gwmac" "$server" 7004 "$sport" parser,flags,first)
echo "   barrage: $sent"
after=$(settle "$before" "$sent")
d=$(delta "$before" "$after" "$sent")
total=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["total"])' "$sent")
[ "$d" = ok ] && pass "barrage of $total refused frames: the drop counters moved by exactly \
what was sent, reason by reason" || fail "barrage: $d"
flows=$(tel /pepgw/flows active)
pairs=$(tel /pepgw/tcp pairs_in_use)
[ "$flows" -eq "$flows0" ] && [ "$pairs" -eq "$pairs0" ] &&
	pass "no flow entry and no split pair from refused frames ($flows entries, $pairs pairs)" ||
	fail "refused frames left state: flow entries $flows0 -> $flows, pairs $pairs0 -> $pairs"

# 2. A valid connection on the same 4-tuple afterwards is split. ------------------------------
fl0=$(tel /pepgw/counters accel_flows)
pt0=$(tel /pepgw/counters accel_passthrough)
lab_bg client same $PY -c '
import os, socket, sys, time
s = socket.create_connection((sys.argv[2], 7004), timeout=10,
                             source_address=(sys.argv[1], int(sys.argv[3])))
f = s.makefile("rb")
s.sendall(b"same 4-tuple\n")
print("echo", f.readline() == b"same 4-tuple\n", flush=True)
deadline = time.monotonic() + 30
while not os.path.exists(sys.argv[4]) and time.monotonic() < deadline:
    time.sleep(0.05)
s.close()
print("closed", flush=True)' "$client" "$server" "$sport" "$LAB_DIR/same.go"
if lab_wait_log same "^echo " 15; then
	conns=$("$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw /pepgw/tcp_conns)
	fl=$(($(tel /pepgw/counters accel_flows) - fl0))
	pt=$(($(tel /pepgw/counters accel_passthrough) - pt0))
	if grep -q "^echo True" "$LAB_DIR/same.log" && [ "$fl" -eq 1 ] && [ "$pt" -eq 0 ] &&
		[[ $conns == *"$client:$sport,$server:7004"* ]]; then
		pass "a valid connection from $client:$sport afterwards is split (accel_flows +1, \
listed in /pepgw/tcp_conns) and echoes"
	else
		fail "after the barrage: $(cat "$LAB_DIR/same.log"), accel_flows +$fl, \
passthrough +$pt, tcp_conns $conns"
	fi
else
	fail "the connection after the barrage did not echo: $(cat "$LAB_DIR/same.log")"
fi
touch "$LAB_DIR/same.go"
lab_wait_log same "^closed" 10 || true

# 3. Refused segments on a live split connection. ---------------------------------------------
before=$(drops)
rc=0
sent=$(lab_exec client $PY "$helper" live "$server" 7004 | tail -n 1) || rc=$?
echo "   live: $sent"
after=$(settle "$before" "$sent")
d=$(delta "$before" "$after" "$sent")
[ "$rc" -eq 0 ] && [ "$d" = ok ] &&
	pass "on a live split connection each refused segment counted once under its reason, \
and the connection still echoes" || fail "live: helper exit $rc, $d"

# 4. Forward rules: dropped by reason, or passed unchanged. -----------------------------------
flows0=$(tel /pepgw/flows active)
before=$(drops)
sent=$(lab_exec client $PY "$helper" barrage "$gwmac" "$server" 8000 41000 flags)
after=$(settle "$before" "$sent")
d=$(delta "$before" "$after" "$sent")
[ "$d" = ok ] && [ "$(tel /pepgw/flows active)" -eq "$flows0" ] &&
	pass "forward rule: every refused flag combination dropped under its reason, no entry" ||
	fail "forward rule: $d, flow entries $flows0 -> $(tel /pepgw/flows active)"
lab_capture_start passed server eth0
before=$(drops)
sent=$(lab_exec client $PY "$helper" barrage "$gwmac" "$server" 8001 41001 flags)
n=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["total"])' "$sent")
arrived() { [ "$(lab_capture_read passed -Y "tcp.srcport==41001" | wc -l)" -ge "$n" ]; }
lab_poll 10 arrived || true
lab_capture_stop passed
got=$(lab_capture_read passed -Y "tcp.srcport==41001 && tcp.dstport==8001" | wc -l)
moved=$(delta "$before" "$(drops)" '{"sent": {}, "total": 0}')
[ "$got" -eq "$n" ] && [ "$moved" = ok ] &&
	pass "invalid_tcp_flags pass: all $n frames reached the server, no drop counted" ||
	fail "pass rule: $got of $n frames at the server, drops: $moved"

# 5. Clean stop; no sanitizer report. ---------------------------------------------------------
gw_pid=${LAB_PID[gw]}
if lab_running gw; then
	kill -TERM "$gw_pid"
	rc=0
	wait "$gw_pid" || rc=$?
	[ "$rc" -eq 0 ] && pass "SIGTERM: pepgw exited 0" || fail "SIGTERM: exit $rc"
else
	fail "pepgw died; end of log: $(tail -n 5 "$LAB_DIR/gw.log")"
fi
if lab_log_has gw "$SANITIZER_RE"; then
	fail "sanitizer report in pepgw's log: $(grep -E -m 3 "$SANITIZER_RE" "$LAB_DIR/gw.log")"
elif grep -q __asan_init "$bin" 2>/dev/null; then
	pass "no ASan/UBSan report in pepgw's log"
fi

e2e_finish
