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
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

lab_init
lab_topo_gw --gw pepgw --config "$E2E_HERE/pepgw-accel.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)

# 1. The split is transparent in addresses but two connections in sequence space. -----------
want=$(random_file "$LAB_DIR/big.bin" 200000000)
http_serve server http "$server" 8080
lab_capture_start c_syn client eth0 "tcp port 8080 and tcp[tcpflags] & tcp-syn != 0"
lab_capture_start s_syn server eth0 "tcp port 8080 and tcp[tcpflags] & tcp-syn != 0"
got=$(fetch_sha client "http://$server:8080/big.bin" 60)
lab_capture_stop c_syn
lab_capture_stop s_syn
check_eq "200 MB over split HTTP arrived byte-identical (sha256)" "$got" "$want"
read -r c_src c_isn < <(lab_capture_read c_syn -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' \
	-T fields -e ip.src -e tcp.seq_raw | head -n 1)
read -r s_src s_isn s_ws < <(lab_capture_read s_syn -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' \
	-T fields -e ip.src -e tcp.seq_raw -e tcp.options.wscale.shift | head -n 1)
check_eq "the server sees the client's address (client SYN from $c_src)" "$s_src" "$client"
check_ne "the client's SYN seen (ISN)" "${c_isn:-}" ""
check_ne "the server's SYN seen (ISN)" "${s_isn:-}" ""
check_ne "the server's SYN is pepgw's own connection (ISN $s_isn, not the client's)" \
	"${s_isn:-}" "${c_isn:-}"
check_ne "WAN leg SYN carries window scale $s_ws (profile)" "${s_ws:-}" ""
check_ge "accel_flows counted" "$(tel /pepgw/counters accel_flows)" 1

# 2. iperf3 both directions through the split. ----------------------------------------------
iperf3_serve server iperf3 "$server" 5201
for dir in "" -R; do
	iperf3_run client "$server" 5201 -t 3 $dir
	check_gt "iperf3 ${dir:-(client→server)} through the split: $IPERF_MBPS Mbit/s (bit/s)" \
		"$IPERF_BPS" 50000000
done

# 3. Deferred handshake: a closed port is refused exactly as without pepgw. -----------------
rc=0
lab_exec client curl -s -o /dev/null --max-time 10 "http://$server:7000/" || rc=$?
check_eq "closed server port (deferred): the client's connection is refused (curl exit 7)" \
	"$rc" 7
# Unreachable server: nothing answers ARP for 10.20.0.99. Without pepgw the client's SYNs go
# unanswered (pepgw sends no host-unreachable for a failed ARP); with the deferred split too:
# no SYN-ACK, no RST, the client times out (curl exit 28), however long it waits.
start=$SECONDS
rc=0
lab_exec client curl -s -o /dev/null --max-time 8 "http://10.20.0.99:8080/" || rc=$?
check_eq "unreachable server: the client's SYN stays unanswered, as without pepgw (curl exit \
28 = timeout after $((SECONDS - start)) s)" "$rc" 28

# 4. Client RST mid-transfer → the server's connection is reset. ---------------------------
peers_serve server source source-server "$server" 7003
lab_capture_start rst server eth0 "tcp port 7003 and tcp[tcpflags] & tcp-rst != 0"
check "rst-client: read, then reset" peers client rst-client "$server" 7003
lab_poll 10 eval '[ "$(lab_capture_read rst | wc -l)" -gt 0 ]' || true
lab_capture_stop rst
check_ge "client RST mid-transfer reached the server as RST" \
	"$(capture_count rst "tcp.flags.reset==1 && ip.src==$client")" 1

# 5. Half-close: the client shuts down writing and still reads the answer. -------------------
peers_serve server halfclose halfclose-server "$server" 7002
check_eq "half-close: answer read after our FIN" \
	"$(peers client halfclose-client "$server" 7002 100000)" "got 100000 bytes"

# 6. 1000 concurrent split connections. ------------------------------------------------------
peers_serve server echo echo-server "$server" 7004
peers_bg client many many-client "$server" 7004 1000 5
check "1000 concurrent connections echoed" lab_wait_log many "^open 1000$" 60
check_ge "split pairs open with 1000 connections" "$(tel /pepgw/tcp pairs_in_use)" 1000
# One of the echo connections (the list also holds section 3's unreachable flow, still in
# SYN-SENT toward 10.20.0.99, in no fixed place).
conn=$(tel_jq /pepgw/tcp_conns 'map(select(endswith(":7004"))) | .[0] // "none"')
check_eq "/pepgw/tcp_conn,$conn: WAN leg state" "$(tel "/pepgw/tcp_conn,$conn" wan state)" \
	ESTABLISHED
check "many-client finished cleanly" lab_wait_log many "^ok 1000$" 30

# 7. Clean stop. ------------------------------------------------------------------------------
check_sigterm gw "final counters:"

e2e_finish
