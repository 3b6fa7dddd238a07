#!/usr/bin/env bash
# Split TCP (action accelerate) with real Linux peers, topology d of tests/lab:
#
#   client 10.10.0.2 ── lan0 [pepgw: LAN leg | relay | WAN leg] wan0 ── server 10.20.0.2
#
# tests/e2e/pepgw-accel.json.tpl splits TCP to ports 5201, 8080 and 7000-7010 (deferred
# handshake) and 7001 (immediate). The story: the server sees the client's address but a
# different connection (its own ISN and the WAN profile's options); iperf3 both ways; a 200 MB
# file arrives byte-identical over HTTP; a closed server port refuses the client with RST only
# after the server did (deferred); an unreachable server fails the client; a client RST
# mid-transfer reaches the server as RST; a half-closed client still gets its answer; 1000
# concurrent split connections; per-connection telemetry like ss -ti.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
peers=$here/tcp_peers.py


lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw-accel.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)

# 1. The split is transparent in addresses but two connections in sequence space. -----------
head -c 200000000 /dev/urandom >"$LAB_DIR/big.bin"
want=$(sha256sum <"$LAB_DIR/big.bin" | cut -d' ' -f1)
lab_bg server http bash -c "cd '$LAB_DIR' && exec python3 -m http.server --bind $server 8080"
lab_wait_listen server 8080
lab_capture_start c_syn client eth0 "tcp port 8080 and tcp[tcpflags] & tcp-syn != 0"
lab_capture_start s_syn server eth0 "tcp port 8080 and tcp[tcpflags] & tcp-syn != 0"
got=$(lab_exec client bash -c "curl -s --max-time 60 http://$server:8080/big.bin | sha256sum" |
	cut -d' ' -f1)
lab_capture_stop c_syn
lab_capture_stop s_syn
if [ "$got" = "$want" ]; then
	pass "200 MB over split HTTP arrived byte-identical (sha256 $want)"
else
	fail "200 MB over split HTTP: sha256 '$got', expected $want"
fi
read -r c_src c_isn < <(lab_capture_read c_syn -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' \
	-T fields -e ip.src -e tcp.seq_raw | head -n 1)
read -r s_src s_isn s_ws < <(lab_capture_read s_syn -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' \
	-T fields -e ip.src -e tcp.seq_raw -e tcp.options.wscale.shift | head -n 1)
if [ "$s_src" = "$client" ] && [ -n "$c_isn" ] && [ -n "$s_isn" ] && [ "$c_isn" != "$s_isn" ]; then
	pass "the server sees the client's address ($s_src) on pepgw's own connection (ISN $s_isn, not $c_isn)"
else
	fail "transparency/split: client SYN $c_src/$c_isn, server SYN $s_src/$s_isn"
fi
[ -n "$s_ws" ] && pass "WAN leg SYN carries window scale $s_ws (profile)" ||
	fail "WAN leg SYN without window scale"
[ "$(tel /pepgw/counters accel_flows)" -ge 1 ] && pass "accel_flows counted" ||
	fail "accel_flows not counted"

# 2. iperf3 both directions through the split. ----------------------------------------------
lab_bg server iperf3 iperf3 -s -B "$server" -p 5201
lab_wait_listen server 5201
for dir in "" -R; do
	bps=$(lab_exec client iperf3 -c "$server" -p 5201 -t 3 $dir -J | /usr/bin/python3 -c \
		"import json,sys; print(int(json.load(sys.stdin)['end']['sum_received']['bits_per_second']))")
	if [ "${bps:-0}" -gt 50000000 ]; then
		pass "iperf3 ${dir:-(client→server)} through the split: $((bps / 1000000)) Mbit/s"
	else
		fail "iperf3 ${dir:-(client→server)} through the split: ${bps:-none} bit/s"
	fi
done

# 3. Deferred handshake: a closed port is refused exactly as without pepgw. -----------------
rc=0
lab_exec client curl -s -o /dev/null --max-time 10 "http://$server:7000/" || rc=$?
if [ "$rc" -eq 7 ]; then
	pass "closed server port (deferred): the client's connection is refused (curl exit 7)"
else
	fail "closed server port (deferred): curl exit $rc, expected 7 (connection refused)"
fi
# Unreachable server: nothing answers ARP for 10.20.0.99. Without pepgw the client's SYNs go
# unanswered (pepgw sends no host-unreachable for a failed ARP); with the deferred split too:
# no SYN-ACK, no RST, the client times out (curl exit 28), however long it waits.
start=$SECONDS
rc=0
lab_exec client curl -s -o /dev/null --max-time 8 "http://10.20.0.99:8080/" || rc=$?
if [ "$rc" -eq 28 ]; then
	pass "unreachable server: the client's SYN stays unanswered, as without pepgw (timeout after $((SECONDS - start)) s)"
else
	fail "unreachable server: curl exit $rc, expected 28 (no answer at all)"
fi

# 4. Client RST mid-transfer → the server's connection is reset. ---------------------------
lab_bg server source /usr/bin/python3 "$peers" source-server "$server" 7003
lab_wait_listen server 7003
lab_capture_start rst server eth0 "tcp port 7003 and tcp[tcpflags] & tcp-rst != 0"
lab_exec client /usr/bin/python3 "$peers" rst-client "$server" 7003 || fail "rst-client"
lab_poll 10 bash -c "[ \$(tshark -n -r '$LAB_DIR/rst.pcapng' 2>/dev/null | wc -l) -gt 0 ]" || true
lab_capture_stop rst
nrst=$(lab_capture_read rst -Y "tcp.flags.reset==1 && ip.src==$client" | wc -l)
[ "$nrst" -ge 1 ] && pass "client RST mid-transfer reached the server as RST" ||
	fail "no RST from the client's address at the server"

# 5. Half-close: the client shuts down writing and still reads the answer. -------------------
lab_bg server halfclose /usr/bin/python3 "$peers" halfclose-server "$server" 7002
lab_wait_listen server 7002
out=$(lab_exec client /usr/bin/python3 "$peers" halfclose-client "$server" 7002 100000)
[ "$out" = "got 100000 bytes" ] && pass "half-close: answer read after our FIN ($out)" ||
	fail "half-close: '$out'"

# 6. 1000 concurrent split connections. ------------------------------------------------------
lab_bg server echo /usr/bin/python3 "$peers" echo-server "$server" 7004
lab_wait_listen server 7004
lab_bg client many /usr/bin/python3 "$peers" many-client "$server" 7004 1000 5
if lab_wait_log many "^open 1000$" 60; then
	pairs=$(tel /pepgw/tcp pairs_in_use)
	[ "$pairs" -ge 1000 ] && pass "1000 concurrent connections echoed; $pairs split pairs open" ||
		fail "1000 connections open but only $pairs pairs"
	conn=$(tel /pepgw/tcp_conns 0)
	state=$(tel "/pepgw/tcp_conn,$conn" wan state)
	[ "$state" = ESTABLISHED ] && pass "/pepgw/tcp_conn,$conn: WAN leg $state" ||
		fail "/pepgw/tcp_conn,$conn: WAN leg '$state'"
else
	fail "1000 concurrent connections: $(tail -n 3 "$LAB_DIR/many.log")"
fi
lab_wait_log many "^ok 1000$" 30 || fail "many-client did not finish cleanly"

# 7. Clean stop. ------------------------------------------------------------------------------
gw_pid=${LAB_PID[gw]}
kill -TERM "$gw_pid"
rc=0
wait "$gw_pid" || rc=$?
[ "$rc" -eq 0 ] && pass "SIGTERM: pepgw exited 0" || fail "SIGTERM: exit $rc"

e2e_finish
