#!/usr/bin/env bash
# pepgw with two worker lcores, one RX/TX queue pair each per port (topology d, tests/lab):
#
#   client 10.10.0.2 ── lan0 [pepgw: worker 0 | worker 1] wan0 ── server 10.20.0.2
#
# Both ports are net_af_packet with qpairs=2 (devargs MC_DEVARGS, default qpairs=2,framecnt=4096):
# the kernel spreads frames over the two sockets of a PACKET_FANOUT_HASH group with a symmetric
# flow hash, worker i polls queue i of every port and owns a flow table, so both directions of a
# connection must meet on one worker. Two workers on the lab's two CPUs: lcores.workers [0, 1]
# with -l 0,1 (the main lcore runs the loop too).
# Rules (tests/e2e/pepgw_multicore.json.tpl): TCP 8080 clamped to MSS 1200, TCP 5201 and UDP
# 5201 forwarded, TCP 7001-7002 split (accelerate).
#
# The story: many concurrent connections and UDP streams pass; each worker's queues carried
# packets on both ports (ethdev per-queue counters: queue i is worker i's); every connection
# created exactly one flow entry over both workers' tables (a connection whose directions reached
# different workers would have one on each); every SYN reached the server and every SYN-ACK the
# client clamped to 1200 (a SYN-ACK classified on the wrong worker is first seen as a reply that
# matches no port-8080 rule and keeps MSS 1460); 64 split connections live on both workers'
# engines and echo, iperf3 -P 4 runs through the split, none falls back to passthrough; SIGTERM
# stops pepgw with exit 0.
#
# "No flow on two lcores" is checked as "flow entries created == connections made", and with
# /pepgw/flows created_per_lcore: each worker created some, and they add up to the connections.
set -u
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

lab_init
lab_set MC_DEVARGS "${MC_DEVARGS:-qpairs=2,framecnt=4096}"
lab_topo_gw --gw pepgw --config "$E2E_HERE/pepgw_multicore.json.tpl" --cpu 0,1
server=$(lab_get SERVER_IP)

# snap: one line "created q0_in q1_in q0_out q1_out" with the flow entries created so far and,
# summed over both ports, packets received and sent per queue (queue i = worker i), from one
# telemetry connection.
snap() {
	tel_query /pepgw/flows "/ethdev/stats,$lan_id" "/ethdev/stats,$wan_id" | jq -rs '
		(.[1]["/ethdev/stats"]) as $l | (.[2]["/ethdev/stats"]) as $w |
		[.[0]["/pepgw/flows"].created] +
		[range(2) as $i | $l.q_ipackets[$i] + $w.q_ipackets[$i]] +
		[range(2) as $i | $l.q_opackets[$i] + $w.q_opackets[$i]] | @tsv'
}

# percore: "created_on_lcore0 created_on_lcore1" (flow entries each worker's table created).
percore() {
	tel_jq /pepgw/flows '.created_per_lcore | @tsv'
}

# streams_check WHAT N MIN_BPS: the last iperf3 run carried MIN_BPS and data on all N streams.
streams_check() {
	check_gt "$1: $IPERF_MBPS Mbit/s (bit/s)" "$IPERF_BPS" "$3"
	check_eq "$1: streams that carried data" "$IPERF_STREAMS" "$2"
}

# 0. Start-up: two workers, two queues with a symmetric spread on each port. -----------------
lan_id=$(tel /pepgw/ports lan0 port_id)
wan_id=$(tel /pepgw/ports wan0 port_id)
check "start-up: two workers" lab_log_has gw "workers 0 1;"
check_eq "start-up: lan0 and wan0 with 2 rx / 2 tx queues, symmetric spread" \
	"$(grep -cE ' net_af_packet rxq 2 txq 2 rss ' "$LAB_DIR/gw.log")" 2
check_eq "/pepgw/flows: lcores" "$(tel /pepgw/flows lcores)" 2

# 1. 32 concurrent TCP connections: all echo, one flow entry each, MSS clamped both ways. ----
# (tcp_peers.py rather than python's http.server: that one looks its own name up in the DNS at
# start and has a listen backlog of 5, so SYNs are retransmitted.)
n=32
peers_serve server echo8080 echo-server "$server" 8080
read -r c0 i0 i1 o0 o1 < <(snap)
read -r l0 l1 < <(percore)
lab_capture_start c_wire client eth0
lab_capture_start s_wire server eth0
out=$(peers client many-client "$server" 8080 "$n" 0 | tail -n 1)
lab_capture_stop c_wire
lab_capture_stop s_wire
check_eq "$n concurrent TCP connections through two workers echoed" "$out" "ok $n"
read -r c i0b i1b o0b o1b < <(snap)
check_eq "$n connections created exactly $n flow entries (none seen on both workers)" \
	"$((c - c0))" "$n"
read -r l0b l1b < <(percore)
check_gt "per lcore: flow entries created on lcore 0" "$((l0b - l0))" 0
check_gt "per lcore: flow entries created on lcore 1" "$((l1b - l1))" 0
check_eq "per lcore: flow entries add up to the $n connections" "$((l0b - l0 + l1b - l1))" "$n"
check_eq "all $n SYNs reached the server with MSS 1200 (count value)" \
	"$(lab_capture_read s_wire -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields \
		-e tcp.options.mss_val | sort | uniq -c | xargs)" "$n 1200"
check_eq "all $n SYN-ACKs reached the client with MSS 1200 (count value)" \
	"$(lab_capture_read c_wire -Y 'tcp.flags.syn==1 && tcp.flags.ack==1' -T fields \
		-e tcp.options.mss_val | sort | uniq -c | xargs)" "$n 1200"
check_gt "worker 0 received packets (queue 0)" "$((i0b - i0))" 0
check_gt "worker 1 received packets (queue 1)" "$((i1b - i1))" 0
check_gt "worker 0 sent packets (queue 0)" "$((o0b - o0))" 0
check_gt "worker 1 sent packets (queue 1)" "$((o1b - o1))" 0

# 2. iperf3 TCP, 12 parallel streams of 40 Mbit/s (+1 control connection). -------------------
# Paced below what two lab workers forward: a worker that falls behind until its ring is full
# makes the PMD's PACKET_FANOUT_FLAG_ROLLOVER hand its frames to the other worker's queue, and
# that flow is then seen on both (see drivers/port/port.c); framecnt=4096 leaves 8x the default
# room for a worker descheduled by the lab's other processes.
iperf3_serve server iperf3 "$server" 5201
read -r c0 i0 i1 o0 o1 < <(snap)
iperf3_run client "$server" 5201 -t 3 -P 12 -b 40M
streams_check "iperf3 -P 12 TCP" 12 300000000
read -r c i0b i1b o0b o1b < <(snap)
check_eq "iperf3 TCP: 13 connections, flow entries" "$((c - c0))" 13
check_ge "bulk TCP on worker 0: packets received" "$((i0b - i0))" 1000
check_ge "bulk TCP on worker 1: packets received" "$((i1b - i1))" 1000

# 3. iperf3 UDP, 16 parallel streams (16 UDP flows + the TCP control connection). -----------
read -r c0 i0 i1 o0 o1 < <(snap)
tel_snap udp /pepgw/rules
iperf3_run client "$server" 5201 -u -b 2M -l 1200 -t 3 -P 16
check_gt "iperf3 -P 16 UDP 32 Mbit/s: datagrams" "$IPERF_PACKETS" 2000
check_py "iperf3 -P 16 UDP 32 Mbit/s: $IPERF_LOST of $IPERF_PACKETS lost, at most 2 %" \
	"0 <= $IPERF_LOST <= 0.02 * $IPERF_PACKETS"
read -r c i0b i1b o0b o1b < <(snap)
check_eq "iperf3 UDP: 16 UDP flows + 1 TCP, flow entries" "$((c - c0))" 17
check_eq "iperf3 UDP: flows on rule iperf-udp" "$(tel_delta udp /pepgw/rules iperf_udp flows)" 16
check_gt "UDP on worker 0: packets received" "$((i0b - i0))" 0
check_gt "UDP on worker 1: packets received" "$((i1b - i1))" 0

# 4. Split TCP: 64 concurrent split connections, spread over both workers' engines; bulk data. --
m=64
peers_serve server echo echo-server "$server" 7001
tel_snap split /pepgw/counters
peers_bg client many many-client "$server" 7001 "$m" 3
check "$m split connections echoed" lab_wait_log many "^open $m$" 30
check_eq "split: pairs in use" "$(tel /pepgw/tcp pairs_in_use)" "$m"
# Each split connection's lcore, from /pepgw/tcp_conn (both legs live on one engine).
mapfile -t conns < <(tel_jq /pepgw/tcp_conns '.[]')
read -r on0 on1 < <(tel_query "${conns[@]/#//pepgw/tcp_conn,}" | jq -rs '[.[] |
	to_entries[0].value | select(. != null and .lan.state == "ESTABLISHED" and .wan.state == "ESTABLISHED") |
	.lcore] | "\(map(select(. == 0)) | length) \(map(select(. == 1)) | length)"')
check_eq "split: connections with both legs ESTABLISHED (${#conns[@]} listed)" \
	"$((on0 + on1))" "$m"
check_gt "split: connections on lcore 0" "$on0" 0
check_gt "split: connections on lcore 1" "$on1" 0
check "many-client finished cleanly" lab_wait_log many "^ok $m$" 30
iperf3_serve server iperf3s "$server" 7002
iperf3_run client "$server" 7002 -t 2 -P 4 -b 40M
streams_check "iperf3 -P 4 through split TCP" 4 100000000
check_eq "no split flow fell back to passthrough on a worker (seen mid-stream)" \
	"$(tel_delta split /pepgw/counters accel_passthrough)" 0

# 5. SIGTERM: clean stop with both workers. ---------------------------------------------------
check_sigterm gw "final counters:"

e2e_finish
