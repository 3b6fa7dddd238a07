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
#    data at RCV.NXT: counted once (drop_tcp_options; no engine drop_ counter moves), data not
#    delivered, no crash.
# 3. A receiver whose window stays zero: pepgw's LAN leg sends zero-window probes (counted), its
#    buffers stay bounded (send queue <= send_buffer, relay <= proxy_buffer_high + a window)
#    and the server is flow-controlled with a zero window; when the client reads again, all the
#    bytes arrive with the right sha256.
# 4. SYN flood: 5000 SYNs from spoofed sources (distinct 4-tuples) toward an accelerated port,
#    paused half-way for a legitimate connection while the flood holds the pairs. pepgw keeps
#    running, split pairs never exceed pairs_max, every SYN pepgw received (its LAN port's rx
#    over the flood, less the legitimate connection's frames) is split or counted as
#    accel_fallback_engine_full or _no_entry, exactly; the legitimate connection works during and after the flood; the
#    pairs drain.
# Under ASan+UBSan (suite e2e-asan, E2E_EXPECT_ASAN=1) any sanitizer report fails the test.
set -u
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
helper=$E2E_HERE/pepgw_adversarial.py
e2e_asan_mode

js() { # JSON KEY: one field of a JSON object ("no-json" when it is not one)
	jq -r --arg k "$2" '.[$k]' <<<"$1" 2>/dev/null || echo no-json
}

lab_init
lab_topo_gw --gw pepgw --config "$E2E_HERE/pepgw_adversarial.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)
peers_serve server echo echo-server "$server" 7004

# 1. RFC 5961: RST, SYN and ACK out of window. ------------------------------------------------
tel_snap inject /pepgw/tcp
lab_capture_start srv_rst server eth0
rc=0
out=$(pyrun client "$helper" inject "$server" 7004) || rc=$?
lab_capture_stop srv_rst
echo "   inject: $out"
check_eq "RST outside the window: dropped without an answer (RFC 5961 3.2)" \
	"$(js "$out" rst_out_of_window_answers)" 0
check_eq "RST in the window, not at RCV.NXT: challenge ACK on the wire (RFC 5961 3.2)" \
	"$(js "$out" rst_in_window_challenge)" true
check_eq "SYN on an established split connection: challenge ACK on the wire (RFC 5961 4.2)" \
	"$(js "$out" syn_challenge)" true
check_eq "ACK for data never sent: answered with an ACK (RFC 5961 5.2)" \
	"$(js "$out" ack_beyond_snd_nxt_answered)" true
check_eq "data outside the window: not accepted, ACKed (RFC 9293 3.10.7.4)" \
	"$(js "$out" data_out_of_window_acked)" true
check_ge "/pepgw/tcp challenge_acks grew" "$(tel_delta inject /pepgw/tcp challenge_acks)" 2
check_ge "/pepgw/tcp drop_out_of_window grew (the RST and the data)" \
	"$(tel_delta inject /pepgw/tcp drop_out_of_window)" 2
check_eq "the split connection survived: it echoes after the injection (helper exit)" "$rc" 0
check_eq "the split connection survived: no reset counted (resets_in)" \
	"$(tel_delta inject /pepgw/tcp resets_in)" 0
check_eq "the split connection survived: no RST at the server" \
	"$(capture_count srv_rst "tcp.flags.reset==1")" 0

# 2. Illegal option lengths on a split connection. --------------------------------------------
tel_snap badopts /pepgw/tcp /pepgw/counters
badopts_tcp_drops=$(tel_jq /pepgw/tcp \
	'[to_entries[] | select(.key | startswith("drop_")) | .value] | add')
rc=0
out=$(pyrun client "$helper" badopts "$server" 7004) || rc=$?
echo "   badopts: $out"
sent=$(js "$out" sent)
check_eq "illegal options: the connection still echoes, their data not delivered (helper exit)" \
	"$rc" 0
check_gt "illegal options: segments sent" "$sent" 0
tcp_drops() { # the engine's drop_ counters summed
	tel_jq /pepgw/tcp '[to_entries[] | select(.key | startswith("drop_")) | .value] | add'
}
check_eq "illegal options: no engine drop_ counter moved (the gateway refused them first)" \
	"$(($(tcp_drops) - badopts_tcp_drops))" 0
check_eq "illegal options: drop_tcp_options counted each of the $sent segments" \
	"$(tel_delta badopts /pepgw/counters drop_tcp_options)" "$sent"
check "illegal options: pepgw alive" lab_running gw

# 3. A receiver whose window stays zero. ------------------------------------------------------
want=$(random_file "$LAB_DIR/zw.bin" 16000000)
peers_serve server files file-server "$server" 7006 "$LAB_DIR/zw.bin"
zw0=$(tel /pepgw/tcp zero_window_probes)
pairs0=$(tel /pepgw/tcp pairs_in_use) # earlier parts' connections may still be in TIME_WAIT
lab_capture_start srv_zw server eth0
peers_bg client stall stall-client "$server" 7006 16000000 "$LAB_DIR/go"
lab_wait_log stall "^connected" 20
check_poll "zero window: pepgw's LAN leg probes the stalled client (3 probes)" 15 \
	tel_ge $((zw0 + 3)) /pepgw/tcp zero_window_probes
conn=$(tel_jq /pepgw/tcp_conns '[.[] | select(endswith(":7006"))][0] // ""')
fill() { # send queue toward the client, relay data held on the WAN leg, the client's window
	tel_jq "/pepgw/tcp_conn,$conn" \
		'[.lan.send_queue_bytes, .wan.recv_unconsumed, .lan.snd_wnd] | map(. // -1) | @tsv'
}
read -r sq1 ru1 wnd1 < <(fill)
# Two more probes (the persist timer backs off) before the second sample.
p1=$(tel /pepgw/tcp zero_window_probes)
lab_poll 10 tel_ge $((p1 + 2)) /pepgw/tcp zero_window_probes || true
read -r sq2 ru2 wnd2 < <(fill)
pairs=$(tel /pepgw/tcp pairs_in_use)
echo "   $conn: LAN send queue $sq1 -> $sq2 B, WAN relay held $ru1 -> $ru2 B, client window \
$wnd1 -> $wnd2"
check_between "zero window: send queue toward the client within send_buffer" "$sq2" 0 262144
check_le "zero window: relay held on the WAN leg within proxy_buffer_high + a window" "$ru2" \
	$((262144 + 262144))
check_le "zero window: the send queue does not grow (first sample $sq1)" "$sq2" "$sq1"
check_le "zero window: the relay does not grow (first sample $ru1)" "$ru2" "$ru1"
check_eq "zero window: the client's window stays zero" "$wnd2" 0
check_le "zero window: no pair leaked ($pairs0 before)" "$pairs" $((pairs0 + 1))
lab_capture_stop srv_zw
check_ge "the server is flow-controlled: pepgw's WAN leg advertises a zero window" \
	"$(capture_count srv_zw "ip.src==$client && tcp.window_size_value==0 && tcp.flags.syn==0")" 1
touch "$LAB_DIR/go"
check "the window opened: the client finished" lab_wait_log stall "^got " 60
check_eq "the window opened: all 16 MB arrived, sha256 identical" \
	"$(grep "^got " "$LAB_DIR/stall.log")" "got 16000000 $want"

# 4. SYN flood toward an accelerated port. ----------------------------------------------------
# Target: the asyncio echo server on 7004 (the flood's connections that pepgw opens toward the
# server are reset when their client legs time out; a one-connection-at-a-time peer would die).
# Accounting: pepgw's LAN port receives the flood and the legitimate connection, nothing else
# (the client keeps pepgw's MAC as a permanent neighbour and has just answered pepgw's ARP, so
# neither side asks during the flood). The client's eth0 counts what it put on the wire; the
# legitimate connection runs, to its last ACK, while the flood is paused, so pepgw received all
# of its frames and the rest of lan0's rx are flood SYNs, each of which must be split or fall
# back. pepgw itself may miss flood SYNs (its ring full): they are not received, not counted.
pmax=$(tel /pepgw/tcp pairs_max)
gw_ip=$(lab_get LAN_IP)
lan=$(tel_jq /pepgw/ports 'to_entries[] | select(.value.role == "lan") | .key')
gw_mac=$(tel /pepgw/ports "$lan" mac)
lab_exec client ip neigh flush dev eth0
lab_exec client ping -n -q -c 1 -W 1 "$gw_ip" >/dev/null
lab_exec client ip neigh replace "$gw_ip" lladdr "$gw_mac" dev eth0 nud permanent
client_tx() { # frames the client's eth0 sent, and dropped on the way out
	lab_exec client cat /sys/class/net/eth0/statistics/tx_packets \
		/sys/class/net/eth0/statistics/tx_dropped | xargs
}
legit_closed() { # the legitimate connection has sent its last frame (TIME-WAIT or gone)
	[ -z "$(lab_exec client ss -Htan exclude time-wait exclude listening "( dport = :7004 )")" ]
}
flood_accounted() { # split + fallback (the legitimate SYN is one of them) = SYNs received
	rx=$(tel_delta flood /pepgw/ports "$lan" ipackets)
	fl=$(tel_delta flood /pepgw/counters accel_flows)
	fb=$(($(tel_delta flood /pepgw/counters accel_fallback_engine_full) +
		$(tel_delta flood /pepgw/counters accel_fallback_no_entry)))
	e2e__int "$rx" && e2e__int "$fl" && e2e__int "$fb" && [ $((fl + fb - 1)) -eq $((rx - legit)) ]
}
read -r tx0 txd0 < <(client_tx)
tel_snap flood /pepgw/counters /pepgw/ports /pepgw/tcp
pyrun_bg client flood "$helper" flood "$server" 7004 5000 2500 "$LAB_DIR/flood.go"
lab_wait_log flood '"paused": 2500' 60
maxp=$(tel /pepgw/tcp pairs_in_use)
rc=0
during=$(peers client many-client "$server" 7004 1 0 | tail -n 1) || rc=$?
check_eq "a legitimate connection half-way through the flood ($maxp of $pmax pairs in use)" \
	"$rc $during" "0 ok 1"
check_poll "the legitimate connection closed before the flood resumed" 10 legit_closed
touch "$LAB_DIR/flood.go"
while lab_running flood; do
	p=$(tel /pepgw/tcp pairs_in_use)
	[ "$p" -gt "$maxp" ] && maxp=$p
	# Sample about once a second: wait (bounded) for the flood to end.
	lab_poll 1 not lab_running flood || true
done
check "the flood helper sent 5000 SYNs" lab_wait_log flood '"sent": 5000' 10
p=$(tel /pepgw/tcp pairs_in_use)
[ "$p" -gt "$maxp" ] && maxp=$p
read -r tx txd < <(client_tx)
legit=$((tx - tx0 - (5000 - (txd - txd0))))
check_le "pairs in use at most pairs_max $pmax" "$maxp" "$pmax"
check_poll "every SYN pepgw received accounted: split + fallback = lan0 rx - legitimate \
frames" 10 flood_accounted
echo "   flood: $(tail -n 1 "$LAB_DIR/flood.log"); lan0 rx $rx (imissed \
$(tel_delta flood /pepgw/ports "$lan" imissed)), legitimate frames $legit, split $fl, fallback \
$fb, flow entries created $(tel_delta flood /pepgw/counters flow_created), pairs at most $maxp \
of $pmax"
# Every counter the flood moved, so that a failed account says where the SYNs went.
for c in /pepgw/counters /pepgw/tcp; do
	moved=$({
		cat "$LAB_DIR/tel-flood.json"
		tel_query $c
	} | jq -rs --arg c $c 'map(select(has($c)) | .[$c]) as $s |
		[$s[1] | keys[] | select(($s[1][.] | type) == "number" and
		 $s[1][.] != ($s[0][.] // 0)) | "\(.) \($s[1][.] - ($s[0][.] // 0))"] | join(", ")')
	echo "   $c moved during the flood: $moved"
done
echo "   $lan moved during the flood: pepgw's rx_packets $(tel_delta flood /pepgw/ports "$lan" \
rx_packets), the PMD's ipackets $(tel_delta flood /pepgw/ports "$lan" ipackets)"
check_ge "the flood ran pepgw out of pairs (accel_fallback_engine_full)" \
	"$(tel_delta flood /pepgw/counters accel_fallback_engine_full)" 1
check_poll "the flood's half-open pairs drained" 60 tel_le 1 /pepgw/tcp pairs_in_use
tel_snap after /pepgw/counters
rc=0
after=$(peers client many-client "$server" 7004 1 0 | tail -n 1) || rc=$?
check_eq "after the flood a new connection works" "$rc $after" "0 ok 1"
check_eq "after the flood a new connection is split again" \
	"$(tel_delta after /pepgw/counters accel_flows)" 1

# 5. Still running; clean stop; no sanitizer report. ------------------------------------------
if lab_running gw; then
	pass "pepgw survived everything"
	check_sigterm gw "final counters:"
else
	fail "pepgw died; end of log: $(tail -n 5 "$LAB_DIR/gw.log")"
fi
check_no_sanitizer gw

e2e_finish
