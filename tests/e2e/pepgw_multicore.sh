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
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
peers=$here/tcp_peers.py

lab_init
lab_set MC_DEVARGS "${MC_DEVARGS:-qpairs=2,framecnt=4096}"
lab_topo_gw --gw pepgw --config "$here/pepgw_multicore.json.tpl" --cpu 0,1
server=$(lab_get SERVER_IP)

# snap: one line "created q0_in q1_in q0_out q1_out" with the flow entries created so far and,
# summed over both ports, packets received and sent per queue (queue i = worker i).
snap() {
	"$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw /pepgw/flows /pepgw/ports "/ethdev/stats,$lan_id" \
		"/ethdev/stats,$wan_id" | /usr/bin/python3 -c '
import json, sys
a = [json.loads(l) for l in sys.stdin]
q = [0, 0, 0, 0]
for s in (a[2]["/ethdev/stats"], a[3]["/ethdev/stats"]):
    for i in (0, 1):
        q[i] += s["q_ipackets"][i]
        q[2 + i] += s["q_opackets"][i]
print(a[0]["/pepgw/flows"]["created"], *q)'
}

# percore: "created_on_lcore0 created_on_lcore1" (flow entries each worker's table created).
percore() {
	"$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw /pepgw/flows | /usr/bin/python3 -c '
import json, sys
print(*json.loads(sys.stdin.readline())["/pepgw/flows"]["created_per_lcore"])'
}

# 0. Start-up: two workers, two queues with a symmetric spread on each port. -----------------
lan_id=$(tel /pepgw/ports lan0 port_id)
wan_id=$(tel /pepgw/ports wan0 port_id)
if lab_log_has gw "workers 0 1;" &&
	[ "$(grep -cE ' net_af_packet rxq 2 txq 2 rss ' "$LAB_DIR/gw.log")" -eq 2 ]; then
	pass "two workers; lan0 and wan0 with 2 rx / 2 tx queues, symmetric spread"
else
	fail "start-up summary: $(grep -E 'rxq|workers' "$LAB_DIR/gw.log")"
fi
[ "$(tel /pepgw/flows lcores)" = 2 ] || fail "/pepgw/flows: lcores $(tel /pepgw/flows lcores)"

# 1. 32 concurrent TCP connections: all echo, one flow entry each, MSS clamped both ways. ----
# (tcp_peers.py rather than python's http.server: that one looks its own name up in the DNS at
# start and has a listen backlog of 5, so SYNs are retransmitted.)
n=32
lab_bg server echo8080 /usr/bin/python3 "$peers" echo-server "$server" 8080
lab_wait_listen server 8080
read -r c0 i0 i1 o0 o1 < <(snap)
read -r l0 l1 < <(percore)
lab_capture_start c_wire client eth0
lab_capture_start s_wire server eth0
out=$(lab_exec client /usr/bin/python3 "$peers" many-client "$server" 8080 "$n" 0 | tail -n 1)
lab_capture_stop c_wire
lab_capture_stop s_wire
[ "$out" = "ok $n" ] && pass "$n concurrent TCP connections through two workers echoed" ||
	fail "$n concurrent TCP connections: '$out'"
read -r c i0b i1b o0b o1b < <(snap)
[ "$((c - c0))" -eq "$n" ] && pass "$n connections created exactly $n flow entries" ||
	fail "$n connections created $((c - c0)) flow entries (a flow seen on both workers?)"
read -r l0b l1b < <(percore)
if [ "$((l0b - l0))" -gt 0 ] && [ "$((l1b - l1))" -gt 0 ] &&
	[ "$((l0b - l0 + l1b - l1))" -eq "$n" ]; then
	pass "per lcore: $((l0b - l0)) + $((l1b - l1)) flow entries = $n connections"
else
	fail "per-lcore flow entries $((l0b - l0)) + $((l1b - l1)) for $n connections"
fi
syn=$(lab_capture_read s_wire -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields \
	-e tcp.options.mss_val | sort | uniq -c | xargs)
synack=$(lab_capture_read c_wire -Y 'tcp.flags.syn==1 && tcp.flags.ack==1' -T fields \
	-e tcp.options.mss_val | sort | uniq -c | xargs)
[ "$syn" = "$n 1200" ] && pass "all $n SYNs reached the server with MSS 1200" ||
	fail "SYN MSS at the server (count value): '$syn'"
[ "$synack" = "$n 1200" ] && pass "all $n SYN-ACKs reached the client with MSS 1200" ||
	fail "SYN-ACK MSS at the client (count value): '$synack'"
if [ "$((i0b - i0))" -gt 0 ] && [ "$((i1b - i1))" -gt 0 ] && [ "$((o0b - o0))" -gt 0 ] &&
	[ "$((o1b - o1))" -gt 0 ]; then
	pass "both workers received and sent: rx $((i0b - i0))/$((i1b - i1)), tx $((o0b - o0))/$((o1b - o1)) packets on queue 0/1"
else
	fail "per-queue packets rx $((i0b - i0))/$((i1b - i1)) tx $((o0b - o0))/$((o1b - o1))"
fi

# 2. iperf3 TCP, 12 parallel streams of 40 Mbit/s (+1 control connection). -------------------
# Paced below what two lab workers forward: a worker that falls behind until its ring is full
# makes the PMD's PACKET_FANOUT_FLAG_ROLLOVER hand its frames to the other worker's queue, and
# that flow is then seen on both (see drivers/port/port.c); framecnt=4096 leaves 8x the default
# room for a worker descheduled by the lab's other processes.
lab_bg server iperf3 iperf3 -s -B "$server" -p 5201
lab_wait_listen server 5201
read -r c0 i0 i1 o0 o1 < <(snap)
json=$(lab_exec client iperf3 -c "$server" -p 5201 -t 3 -P 12 -b 40M -J)
read -r bps streams < <(echo "$json" | /usr/bin/python3 -c "
import json, sys
j = json.load(sys.stdin)
ok = sum(1 for s in j['end']['streams'] if s['receiver']['bytes'] > 0)
print(int(j['end']['sum_received']['bits_per_second']), ok)")
if [ "${bps:-0}" -gt 300000000 ] && [ "${streams:-0}" -eq 12 ]; then
	pass "iperf3 -P 12 TCP: $((bps / 1000000)) Mbit/s, all 12 streams carried data"
else
	fail "iperf3 -P 12 TCP: ${bps:-none} bit/s, ${streams:-?} of 12 streams carried data"
fi
read -r c i0b i1b o0b o1b < <(snap)
[ "$((c - c0))" -eq 13 ] && pass "iperf3 TCP: 13 connections, 13 flow entries" ||
	fail "iperf3 TCP: 13 connections created $((c - c0)) flow entries"
if [ "$((i0b - i0))" -ge 1000 ] && [ "$((i1b - i1))" -ge 1000 ]; then
	pass "bulk TCP on both workers: $((i0b - i0)) and $((i1b - i1)) packets received"
else
	fail "bulk TCP per queue: $((i0b - i0)) and $((i1b - i1)) packets received"
fi

# 3. iperf3 UDP, 16 parallel streams (16 UDP flows + the TCP control connection). -----------
read -r c0 i0 i1 o0 o1 < <(snap)
u0=$(tel /pepgw/rules iperf_udp flows)
json=$(lab_exec client iperf3 -c "$server" -p 5201 -u -b 2M -l 1200 -t 3 -P 16 -J)
read -r lost total < <(echo "$json" | /usr/bin/python3 -c \
	"import json,sys; s=json.load(sys.stdin)['end']['sum']; print(s['lost_packets'], s['packets'])")
if [ "${total:-0}" -gt 2000 ] && [ "$((lost * 100))" -le "$((total * 2))" ]; then
	pass "iperf3 -P 16 UDP 32 Mbit/s: $lost of $total lost"
else
	fail "iperf3 -P 16 UDP: lost ${lost:-?} of ${total:-?}"
fi
read -r c i0b i1b o0b o1b < <(snap)
u=$(tel /pepgw/rules iperf_udp flows)
if [ "$((c - c0))" -eq 17 ] && [ "$((u - u0))" -eq 16 ]; then
	pass "iperf3 UDP: 16 UDP flows + 1 TCP, 17 flow entries (16 on rule iperf-udp)"
else
	fail "iperf3 UDP: $((c - c0)) flow entries, $((u - u0)) on rule iperf-udp (want 17 and 16)"
fi
if [ "$((i0b - i0))" -gt 0 ] && [ "$((i1b - i1))" -gt 0 ]; then
	pass "UDP on both workers: $((i0b - i0)) and $((i1b - i1)) packets received"
else
	fail "UDP per queue: $((i0b - i0)) and $((i1b - i1)) packets received"
fi

# 4. Split TCP: 64 concurrent split connections, spread over both workers' engines; bulk data. --
m=64
lab_bg server echo /usr/bin/python3 "$peers" echo-server "$server" 7001
lab_wait_listen server 7001
pt0=$(tel /pepgw/counters accel_passthrough)
lab_bg client many /usr/bin/python3 "$peers" many-client "$server" 7001 "$m" 3
if lab_wait_log many "^open $m$" 30; then
	pairs=$(tel /pepgw/tcp pairs_in_use)
	# Each split connection's lcore, from /pepgw/tcp_conn (both legs live on one engine).
	mapfile -t conns < <("$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw /pepgw/tcp_conns |
		/usr/bin/python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["/pepgw/tcp_conns"]))')
	per=$("$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw "${conns[@]/#//pepgw/tcp_conn,}" |
		/usr/bin/python3 -c '
import collections, json, sys
c = collections.Counter()
for l in sys.stdin:
    v = list(json.loads(l).values())[0]
    if v and v["lan"]["state"] == "ESTABLISHED" and v["wan"]["state"] == "ESTABLISHED":
        c[v["lcore"]] += 1
print(c[0], c[1])')
	read -r on0 on1 <<<"$per"
	if [ "$pairs" -eq "$m" ] && [ "$((on0 + on1))" -eq "$m" ] && [ "$on0" -gt 0 ] &&
		[ "$on1" -gt 0 ]; then
		pass "$m split connections echoed; both legs ESTABLISHED, $on0 on lcore 0 and $on1 on lcore 1"
	else
		fail "split: $pairs pairs, ${#conns[@]} listed, established on lcore 0/1: $per"
	fi
else
	fail "$m split connections: $(tail -n 3 "$LAB_DIR/many.log")"
fi
lab_wait_log many "^ok $m$" 30 || fail "many-client did not finish cleanly"
lab_bg server iperf3s iperf3 -s -B "$server" -p 7002
lab_wait_listen server 7002
json=$(lab_exec client iperf3 -c "$server" -p 7002 -t 2 -P 4 -b 40M -J)
read -r bps streams < <(echo "$json" | /usr/bin/python3 -c "
import json, sys
j = json.load(sys.stdin)
ok = sum(1 for s in j['end']['streams'] if s['receiver']['bytes'] > 0)
print(int(j['end']['sum_received']['bits_per_second']), ok)")
if [ "${bps:-0}" -gt 100000000 ] && [ "${streams:-0}" -eq 4 ]; then
	pass "iperf3 -P 4 through split TCP: $((bps / 1000000)) Mbit/s, all 4 streams carried data"
else
	fail "iperf3 -P 4 through split TCP: ${bps:-none} bit/s, ${streams:-?} of 4 streams"
fi
pt=$(tel /pepgw/counters accel_passthrough)
[ "$pt" -eq "$pt0" ] && pass "no split flow fell back to passthrough" ||
	fail "$((pt - pt0)) split flows seen mid-stream (passthrough) on a worker"

# 5. SIGTERM: clean stop with both workers. ---------------------------------------------------
gw_pid=${LAB_PID[gw]}
kill -TERM "$gw_pid"
rc=0
wait "$gw_pid" || rc=$?
if [ "$rc" -eq 0 ] && lab_log_has gw "final counters:"; then
	pass "SIGTERM: pepgw exited 0 with its final counters"
else
	fail "SIGTERM: exit $rc; log: $(tail -n 5 "$LAB_DIR/gw.log")"
fi

e2e_finish
