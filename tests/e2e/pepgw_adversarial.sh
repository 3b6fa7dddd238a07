#!/usr/bin/env bash
# Adversarial peers against split TCP (action accelerate), topology (d) of tests/lab:
#
#   client 10.10.0.2 ── lan0 [pepgw: LAN leg | relay | WAN leg] wan0 ── server 10.20.0.2
#
# pepgw_adversarial.json.tpl splits 7000-7010 with at most 256 pairs. Forged segments come from
# pepgw_adversarial.py (scapy, raw IP socket in the client's namespace).
# 1. RFC 5961 on a live split connection: RST outside the window is dropped silently, RST in the
#    window but not at RCV.NXT and any SYN get a challenge ACK (counted in /pepgw/tcp
#    challenge_acks), an ACK for data never sent and data outside the window get an ACK; no RST
#    reaches the server; the connection still echoes afterwards.
# 2. Illegal option lengths (0, 1, past the header, a kind with no length byte) on ACKs and on
#    data at RCV.NXT: counted (bad_options, drop_tcp_options), data not delivered, no crash.
# 3. A receiver whose window stays zero: pepgw's LAN leg sends zero-window probes (counted), its
#    buffers stay bounded (send queue <= send_buffer, relay <= proxy_buffer_high + a window)
#    and the server is flow-controlled with a zero window; when the client reads again, all the
#    bytes arrive with the right sha256.
# 4. SYN flood: 5000 SYNs from spoofed sources toward an accelerated port. pepgw keeps running,
#    split pairs never exceed pairs_max, every SYN is split or counted as accel_fallback, a
#    legitimate connection works during and after the flood, the pairs drain.
# Under ASan+UBSan (suite e2e-asan, ADV_EXPECT_ASAN=1) any sanitizer report fails the test.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# An instrumented pepgw starts slower than the lab's default readiness bound.
LAB_READY_TIMEOUT=${LAB_READY_TIMEOUT:-60}
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
pepgwctl=$here/../../app/pepgwctl/pepgwctl
peers=$here/tcp_peers.py
helper=$here/pepgw_adversarial.py
PY=/usr/bin/python3 # python3-scapy lives in Debian's python
bin=${LAB_PEPGW:-$LAB_BUILD/app/pepgw/pepgw}

if [ "${ADV_EXPECT_ASAN:-0}" = 1 ] && ! grep -q __asan_init "$bin" 2>/dev/null; then
	echo "SKIP: $bin is not built with -Db_sanitize=address,undefined"
	exit 77
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
SANITIZER_RE='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'

js() { # JSON KEY: one field of a JSON object
	$PY -c "
import json, sys
try:
    print(json.loads(sys.argv[1]).get(sys.argv[2]))
except ValueError:
    print('no-json')" "$1" "$2"
}
alive() {
	lab_running gw
}

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw_adversarial.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)
lab_bg server echo $PY "$peers" echo-server "$server" 7004
lab_wait_listen server 7004

# 1. RFC 5961: RST, SYN and ACK out of window. ------------------------------------------------
ca0=$(tel /pepgw/tcp challenge_acks)
oow0=$(tel /pepgw/tcp out_of_window)
rin0=$(tel /pepgw/tcp resets_in)
lab_capture_start srv_rst server eth0
rc=0
out=$(lab_exec client $PY "$helper" inject "$server" 7004) || rc=$?
lab_capture_stop srv_rst
echo "   inject: $out"
ca=$(($(tel /pepgw/tcp challenge_acks) - ca0))
oow=$(($(tel /pepgw/tcp out_of_window) - oow0))
rin=$(($(tel /pepgw/tcp resets_in) - rin0))
nrst=$(lab_capture_read srv_rst -Y "tcp.flags.reset==1" | wc -l)
[ "$(js "$out" rst_out_of_window_answers)" = 0 ] &&
	pass "RST outside the window: dropped without an answer (RFC 5961 3.2)" ||
	fail "RST outside the window: answers $(js "$out" rst_out_of_window_answers)"
[ "$(js "$out" rst_in_window_challenge)" = True ] &&
	pass "RST in the window, not at RCV.NXT: challenge ACK on the wire (RFC 5961 3.2)" ||
	fail "RST in the window: no challenge ACK seen"
[ "$(js "$out" syn_challenge)" = True ] &&
	pass "SYN on an established split connection: challenge ACK on the wire (RFC 5961 4.2)" ||
	fail "SYN on an established connection: no challenge ACK seen"
[ "$(js "$out" ack_beyond_snd_nxt_answered)" = True ] &&
	pass "ACK for data never sent: answered with an ACK (RFC 5961 5.2)" ||
	fail "ACK for data never sent: no ACK seen"
[ "$(js "$out" data_out_of_window_acked)" = True ] &&
	pass "data outside the window: not accepted, ACKed (RFC 9293 3.10.7.4)" ||
	fail "data outside the window: no ACK seen"
[ "$ca" -ge 2 ] && pass "/pepgw/tcp challenge_acks +$ca, out_of_window +$oow" ||
	fail "challenge_acks +$ca (expected >= 2), out_of_window +$oow"
[ "$oow" -ge 2 ] || fail "out_of_window +$oow (expected >= 2: the RST and the data)"
if [ "$rc" -eq 0 ] && [ "$rin" -eq 0 ] && [ "$nrst" -eq 0 ]; then
	pass "the split connection survived: echoes after the injection, no reset counted or sent"
else
	fail "after the injection: helper exit $rc, resets_in +$rin, RSTs at the server $nrst"
fi

# 2. Illegal option lengths on a split connection. --------------------------------------------
bo0=$(tel /pepgw/tcp bad_options)
do0=$(tel /pepgw/counters drop_tcp_options)
rc=0
out=$(lab_exec client $PY "$helper" badopts "$server" 7004) || rc=$?
echo "   badopts: $out"
sent=$(js "$out" sent)
bo=$(($(tel /pepgw/tcp bad_options) - bo0))
dro=$(($(tel /pepgw/counters drop_tcp_options) - do0))
if [ "$rc" -eq 0 ] && [ "$bo" -eq "${sent:-0}" ] && [ "$dro" -eq "$sent" ] && alive; then
	pass "$sent segments with illegal option lengths: bad_options +$bo, drop_tcp_options \
+$dro, their data not delivered, the connection still echoes"
else
	fail "illegal options: helper exit $rc, sent '$sent', bad_options +$bo, drop_tcp_options \
+$dro, pepgw alive: $(alive && echo yes || echo no)"
fi

# 3. A receiver whose window stays zero. ------------------------------------------------------
head -c 16000000 /dev/urandom >"$LAB_DIR/zw.bin"
want=$(sha256sum <"$LAB_DIR/zw.bin" | cut -d' ' -f1)
lab_bg server files $PY "$peers" file-server "$server" 7006 "$LAB_DIR/zw.bin"
lab_wait_listen server 7006
zw0=$(tel /pepgw/tcp zero_window_probes)
pairs0=$(tel /pepgw/tcp pairs_in_use) # earlier parts' connections may still be in TIME_WAIT
lab_capture_start srv_zw server eth0
lab_bg client stall $PY "$peers" stall-client "$server" 7006 16000000 "$LAB_DIR/go"
lab_wait_log stall "^connected" 20
probes() { echo $(($(tel /pepgw/tcp zero_window_probes) - zw0)); }
if lab_poll 15 bash -c "[ \$('$pepgwctl' -f '$LAB_PREFIX-gw' raw /pepgw/tcp | \
	$PY -c 'import json,sys; print(json.load(sys.stdin)[\"/pepgw/tcp\"][\"zero_window_probes\"])') \
	-ge $((zw0 + 3)) ]"; then
	pass "zero window: pepgw's LAN leg probes the stalled client ($(probes) probes so far)"
else
	fail "zero window: only $(probes) zero-window probes in 15 s"
fi
conn=$("$pepgwctl" -f "$LAB_PREFIX-gw" raw /pepgw/tcp_conns | $PY -c '
import json, sys
print(([c for c in json.load(sys.stdin)["/pepgw/tcp_conns"] if c.endswith(":7006")] + [""])[0])')
fill() { # send queue toward the client, relay data held on the WAN leg
	"$pepgwctl" -f "$LAB_PREFIX-gw" raw "/pepgw/tcp_conn,$conn" | $PY -c "
import json, sys
d = json.load(sys.stdin)['/pepgw/tcp_conn'] or {}
try:
    print(d['lan']['send_queue_bytes'], d['wan']['recv_unconsumed'], d['lan']['snd_wnd'])
except KeyError:
    print(-1, -1, -1)"
}
read -r sq1 ru1 wnd1 < <(fill)
# Two more probes (the persist timer backs off) before the second sample.
p1=$(tel /pepgw/tcp zero_window_probes)
lab_poll 10 bash -c "[ \$('$pepgwctl' -f '$LAB_PREFIX-gw' raw /pepgw/tcp | \
	$PY -c 'import json,sys; print(json.load(sys.stdin)[\"/pepgw/tcp\"][\"zero_window_probes\"])') \
	-ge $((p1 + 2)) ]" || true
read -r sq2 ru2 wnd2 < <(fill)
pairs=$(tel /pepgw/tcp pairs_in_use)
echo "   $conn: LAN send queue $sq1 -> $sq2 B, WAN relay held $ru1 -> $ru2 B, client window \
$wnd1 -> $wnd2"
if [ "$sq2" -ge 0 ] && [ "$sq2" -le 262144 ] && [ "$ru2" -le $((262144 + 262144)) ] &&
	[ "$sq2" -le "$sq1" ] && [ "$ru2" -le "$ru1" ] && [ "$wnd2" -eq 0 ] &&
	[ "$pairs" -le $((pairs0 + 1)) ]; then
	pass "zero window: memory bounded and not growing (send queue $sq2 <= send_buffer, relay \
$ru2 <= proxy_buffer_high + window, $pairs pairs, $pairs0 before)"
else
	fail "zero window: send queue $sq1 -> $sq2, relay $ru1 -> $ru2, window $wnd2, pairs $pairs \
(before: $pairs0)"
fi
lab_capture_stop srv_zw
nzw=$(lab_capture_read srv_zw -Y "ip.src==$client && tcp.window_size_value==0 && \
tcp.flags.syn==0" | wc -l)
[ "$nzw" -ge 1 ] && pass "the server is flow-controlled: pepgw's WAN leg advertises a zero \
window ($nzw segments)" || fail "no zero window advertised to the server"
touch "$LAB_DIR/go"
if lab_wait_log stall "^got " 60; then
	got=$(grep "^got " "$LAB_DIR/stall.log")
	[ "$got" = "got 16000000 $want" ] &&
		pass "the window opened: all 16 MB arrived, sha256 identical" ||
		fail "after the window opened: '$got', expected 16000000 $want"
else
	fail "after the window opened: the client did not finish"
fi

# 4. SYN flood toward an accelerated port. ----------------------------------------------------
# Target: the asyncio echo server on 7004 (the flood's connections that pepgw opens toward the
# server are reset when their client legs time out; a one-connection-at-a-time peer would die).
pmax=$(tel /pepgw/tcp pairs_max)
fl0=$(tel /pepgw/counters accel_flows)
fb0=$(tel /pepgw/counters accel_fallback)
lab_bg client flood $PY "$helper" flood "$server" 7004 5000
rc=0
during=$(lab_exec client $PY "$peers" many-client "$server" 7004 1 0 | tail -n 1) || rc=$?
maxp=0
while lab_running flood; do
	p=$(tel /pepgw/tcp pairs_in_use)
	[ "$p" -gt "$maxp" ] && maxp=$p
	# Sample about once a second: wait (bounded) for the flood to end.
	lab_poll 1 bash -c "! kill -0 ${LAB_PID[flood]} 2>/dev/null" || true
done
lab_wait_log flood '"sent": 5000' 10 || fail "the flood helper did not finish: \
$(tail -n 3 "$LAB_DIR/flood.log")"
p=$(tel /pepgw/tcp pairs_in_use)
[ "$p" -gt "$maxp" ] && maxp=$p
fl=$(($(tel /pepgw/counters accel_flows) - fl0))
fb=$(($(tel /pepgw/counters accel_fallback) - fb0))
echo "   flood: $(cat "$LAB_DIR/flood.log"); split $fl, fallback $fb, pairs at most $maxp of $pmax"
[ "$rc" -eq 0 ] && [ "$during" = "ok 1" ] &&
	pass "a legitimate connection during the flood: '$during'" ||
	fail "legitimate connection during the flood: exit $rc, '$during'"
[ "$maxp" -le "$pmax" ] && pass "pairs in use at most $maxp <= pairs_max $pmax" ||
	fail "pairs in use $maxp above pairs_max $pmax"
# A few spoofed 4-tuples repeat (random sources and ports): their second SYN is a duplicate.
if [ $((fl + fb)) -ge 4900 ] && [ "$fb" -ge 1 ]; then
	pass "every SYN accounted: $fl split, $fb forwarded unsplit (accel_fallback)"
else
	fail "flood accounting: $fl split + $fb fallback of 5000 SYNs"
fi
if lab_poll 60 bash -c "[ \$('$pepgwctl' -f '$LAB_PREFIX-gw' raw /pepgw/tcp | \
	$PY -c 'import json,sys; print(json.load(sys.stdin)[\"/pepgw/tcp\"][\"pairs_in_use\"])') \
	-le 1 ]"; then
	pass "the flood's half-open pairs drained ($(tel /pepgw/tcp pairs_in_use) left)"
else
	fail "pairs still in use 60 s after the flood: $(tel /pepgw/tcp pairs_in_use)"
fi
fl0=$(tel /pepgw/counters accel_flows)
rc=0
after=$(lab_exec client $PY "$peers" many-client "$server" 7004 1 0 | tail -n 1) || rc=$?
fl=$(($(tel /pepgw/counters accel_flows) - fl0))
[ "$rc" -eq 0 ] && [ "$after" = "ok 1" ] && [ "$fl" -eq 1 ] &&
	pass "after the flood a new connection is split again and works" ||
	fail "after the flood: exit $rc, '$after', split $fl"

# 5. Still running; clean stop; no sanitizer report. ------------------------------------------
gw_pid=${LAB_PID[gw]}
if alive; then
	pass "pepgw survived everything"
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
