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
# Under ASan+UBSan (suite e2e-asan, E2E_EXPECT_ASAN=1) any sanitizer report fails the test.
set -u
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
helper=$E2E_HERE/pepgw_refused.py
PY=$E2E_PY
e2e_asan_mode

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
lab_topo_gw --gw pepgw --config "$E2E_HERE/pepgw_refused.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)
gwmac=$(lab_exec client ip -j neigh show "$(lab_get LAN_IP)" | $PY -c '
import json, sys
print(([n["lladdr"] for n in json.load(sys.stdin) if "lladdr" in n] + [""])[0])')
[ -n "$gwmac" ] || lab_die "no ARP entry for pepgw's LAN address in the client"
peers_serve server echo echo-server "$server" 7004
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
check_eq "barrage of $total refused frames: the drop counters moved by exactly what was \
sent, reason by reason" "$d" ok
check_eq "refused frames left no flow entry" "$(tel /pepgw/flows active)" "$flows0"
check_eq "refused frames left no split pair" "$(tel /pepgw/tcp pairs_in_use)" "$pairs0"

# 2. A valid connection on the same 4-tuple afterwards is split. ------------------------------
fl0=$(tel /pepgw/counters accel_flows)
pt0=$(tel /pepgw/counters accel_passthrough)
pyrun_bg client same -c '
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
check "a valid connection from $client:$sport afterwards echoes" \
	lab_wait_log same "^echo True" 15
check_eq "... and is split (accel_flows +1)" "$(($(tel /pepgw/counters accel_flows) - fl0))" 1
check_eq "... not passed through" "$(($(tel /pepgw/counters accel_passthrough) - pt0))" 0
check_match "... /pepgw/tcp_conns lists it" \
	"$("$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw /pepgw/tcp_conns | tr ',"[]' '\n\n\n\n')" \
	"^$client:$sport\$"
touch "$LAB_DIR/same.go"
lab_wait_log same "^closed" 10 || true

# 3. Refused segments on a live split connection. ---------------------------------------------
before=$(drops)
rc=0
sent=$(lab_exec client $PY "$helper" live "$server" 7004 | tail -n 1) || rc=$?
echo "   live: $sent"
after=$(settle "$before" "$sent")
d=$(delta "$before" "$after" "$sent")
check_eq "on a live split connection each refused segment counted once under its reason" \
	"$d" ok
check_eq "... and the connection still echoes (helper exit)" "$rc" 0

# 4. Forward rules: dropped by reason, or passed unchanged. -----------------------------------
flows0=$(tel /pepgw/flows active)
before=$(drops)
sent=$(lab_exec client $PY "$helper" barrage "$gwmac" "$server" 8000 41000 flags)
after=$(settle "$before" "$sent")
d=$(delta "$before" "$after" "$sent")
check_eq "forward rule: every refused flag combination dropped under its reason" "$d" ok
check_eq "forward rule: no flow entry from them" "$(tel /pepgw/flows active)" "$flows0"
lab_capture_start passed server eth0
before=$(drops)
sent=$(lab_exec client $PY "$helper" barrage "$gwmac" "$server" 8001 41001 flags)
n=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["total"])' "$sent")
arrived() { [ "$(lab_capture_read passed -Y "tcp.srcport==41001" | wc -l)" -ge "$n" ]; }
lab_poll 10 arrived || true
lab_capture_stop passed
got=$(lab_capture_read passed -Y "tcp.srcport==41001 && tcp.dstport==8001" | wc -l)
moved=$(delta "$before" "$(drops)" '{"sent": {}, "total": 0}')
check_eq "invalid_tcp_flags pass: all $n frames reached the server unchanged" "$got" "$n"
check_eq "invalid_tcp_flags pass: no drop counted" "$moved" ok

# 5. Clean stop; no sanitizer report. ---------------------------------------------------------
if lab_running gw; then
	check_sigterm gw "final counters:"
else
	fail "pepgw died; end of log: $(tail -n 5 "$LAB_DIR/gw.log")"
fi
check_no_sanitizer gw

e2e_finish
