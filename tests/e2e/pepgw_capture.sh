#!/usr/bin/env bash
# Packet capture in pepgw (topology d of tests/lab), read back with tshark:
#
#   client 10.10.0.2 ── lan0 10.10.0.1 [pepgw] wan0 10.20.0.1 ── server 10.20.0.2
#
# 1. A SYN filter during an iperf3 run writes exactly the SYNs and SYN-ACKs of its connections:
#    each seen on rx of one port and tx of the other, interfaces named, directions set,
#    timestamps increasing and within the run's wall-clock window.
# 2. A drop capture: 3 pings with TTL 1 and 5 datagrams to the drop rule are 3 packets with the
#    comment "drop: ttl_exceeded" and 5 with "drop: rule", nothing else.
# 3. A count limit ends a capture by itself with exactly that many packets.
# 4. A tiny ring under an iperf3 transfer loses copies: ring_full > 0, and the file holds
#    exactly matched - ring_full packets (every loss counted, none silent).
# 5. A filter with a syntax error is refused with libpcap's message; nothing starts.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
ctl=${PEPGWCTL:-$LAB_BUILD/app/pepgwctl/pepgwctl}

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw_capture.json.tpl" --cpu 1
client=$(lab_get CLIENT_IP)
server=$(lab_get SERVER_IP)
c() { "$ctl" -f "$LAB_PREFIX-gw" "$@"; }
listed() { c --json capture list | jq -r ".\"$1\".$2"; }
# tsh FILE ARGS...: tshark on a capture file, fields one line per packet.
tsh() { tshark -r "$1" -n "${@:2}" 2>/dev/null; }

lab_bg server iperf3 iperf3 -s -B "$server" -p 5201
lab_wait_listen server 5201

# 1. SYNs and SYN-ACKs of iperf3's connections. ---------------------------------------------
f1=$LAB_DIR/syn.pcapng
t0=$(date +%s)
out=$(c capture start -w "$f1" 'tcp[tcpflags] & tcp-syn != 0 and port 5201')
id1=$(sed -n 's/^capture \([0-9]*\):.*/\1/p' <<<"$out")
[ -n "$id1" ] || fail "capture start: $out"
lab_exec client iperf3 -c "$server" -p 5201 -t 2 -P 2 >/dev/null || fail "iperf3 through pepgw"
c capture stop "$id1" >/dev/null || fail "capture stop $id1"
t1=$(date +%s)
[ "$(listed "$id1" state)" = done ] && [ "$(listed "$id1" stop_reason)" = stopped ] ||
	fail "capture $id1 not done/stopped after stop: $(c --json capture list)"
total=$(tsh "$f1" -T fields -e frame.number | wc -l)
matching=$(tsh "$f1" -Y 'tcp.flags.syn == 1 && tcp.port == 5201' -T fields -e frame.number | wc -l)
syns_in=$(tsh "$f1" -Y 'frame.interface_name == "lan0" && frame.packet_flags_direction == 1 &&
	tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.src == '"$client" -T fields -e frame.number | wc -l)
syns_out=$(tsh "$f1" -Y 'frame.interface_name == "wan0" && frame.packet_flags_direction == 2 &&
	tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e frame.number | wc -l)
synacks_in=$(tsh "$f1" -Y 'frame.interface_name == "wan0" && frame.packet_flags_direction == 1 &&
	tcp.flags.syn == 1 && tcp.flags.ack == 1 && ip.src == '"$server" -T fields -e frame.number | wc -l)
synacks_out=$(tsh "$f1" -Y 'frame.interface_name == "lan0" && frame.packet_flags_direction == 2 &&
	tcp.flags.syn == 1 && tcp.flags.ack == 1' -T fields -e frame.number | wc -l)
# iperf3 -P 2: a control connection and two data connections.
if [ "$total" -ge 12 ] && [ "$matching" -eq "$total" ] && [ "$syns_in" -ge 3 ] &&
	[ $((syns_in + syns_out + synacks_in + synacks_out)) -eq "$total" ] &&
	[ "$syns_in" -eq "$syns_out" ] && [ "$synacks_in" -eq "$synacks_out" ]; then
	pass "SYN filter: $total packets, all SYN/SYN-ACK of port 5201: SYN lan0-in $syns_in = wan0-out $syns_out, SYN-ACK wan0-in $synacks_in = lan0-out $synacks_out"
else
	fail "SYN filter: total $total matching $matching SYN in/out $syns_in/$syns_out SYN-ACK in/out $synacks_in/$synacks_out"
fi
ifaces=$(tshark -r "$f1" -n -T fields -e frame.interface_name 2>/dev/null | sort -u | tr '\n' ' ')
[ "$ifaces" = "lan0 wan0 " ] && pass "interfaces named: $ifaces" || fail "interfaces: '$ifaces'"
if tsh "$f1" -T fields -e frame.time_epoch | awk -v a="$t0" -v b="$t1" '
	{ if ($1 < prev || $1 < a - 1 || $1 > b + 1) bad++; prev = $1 } END { exit bad != 0 || NR == 0 }'; then
	pass "timestamps increase and lie in the run's wall-clock window [$t0, $t1]"
else
	fail "timestamps: $(tsh "$f1" -T fields -e frame.time_epoch | tr '\n' ' ') not in [$t0, $t1]"
fi

# 2. Drops with their reasons. ---------------------------------------------------------------
f2=$LAB_DIR/drops.pcapng
id2=$(c --json capture start -w "$f2" --points drop | jq -r .id)
lab_exec client ping -n -c 3 -i 0.2 -t 1 -W 1 "$server" >/dev/null || true # no echo reply: expected
lab_exec client python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(b'dropped', ('$server', 9998))"
matched_is() { [ "$(listed "$id2" matched)" -ge "$1" ]; }
lab_poll 5 matched_is 8 || fail "drop capture matched $(listed "$id2" matched), expected 8"
c capture stop "$id2" >/dev/null
comments=$(tsh "$f2" -T fields -e frame.comment | sort | uniq -c | awk '{$1=$1; print}' | tr '\n' '|')
ttl=$(tsh "$f2" -Y 'frame.comment == "drop: ttl_exceeded" && icmp.type == 8 && ip.ttl == 1' \
	-T fields -e frame.number | wc -l)
rule=$(tsh "$f2" -Y 'frame.comment == "drop: rule" && udp.dstport == 9998' -T fields \
	-e frame.number | wc -l)
n2=$(tsh "$f2" -T fields -e frame.number | wc -l)
if [ "$ttl" -eq 3 ] && [ "$rule" -eq 5 ] && [ "$n2" -eq 8 ] &&
	[ "$(tsh "$f2" -T fields -e frame.interface_name | sort -u)" = drop ]; then
	pass "drop capture: 3 'drop: ttl_exceeded' pings, 5 'drop: rule' datagrams, on interface drop"
else
	fail "drop capture: $n2 packets, ttl $ttl rule $rule, comments: $comments"
fi

# 3. A count limit ends the capture by itself. ----------------------------------------------
f3=$LAB_DIR/count.pcapng
id3=$(c --json capture start -w "$f3" --points rx -c 5 icmp | jq -r .id)
lab_exec client ping -n -c 8 -i 0.1 "$server" >/dev/null
done_by_count() { [ "$(listed "$id3" state)" = done ]; }
if lab_poll 5 done_by_count && [ "$(listed "$id3" stop_reason)" = count ] &&
	[ "$(tsh "$f3" -T fields -e frame.number | wc -l)" -eq 5 ]; then
	pass "count=5: done by itself (stop_reason count), 5 packets in the file"
else
	fail "count=5: $(c --json capture list | jq -c ".\"$id3\""), file $(tsh "$f3" | wc -l)"
fi

# 4. A ring of 8 under a bulk transfer: every lost copy is counted. -------------------------
f4=$LAB_DIR/ring.pcapng
id4=$(c --json capture start -w "$f4" --points rx,tx --ring 8 -s 128 | jq -r .id)
lab_exec client iperf3 -c "$server" -p 5201 -t 2 >/dev/null || fail "iperf3 with a capture"
c capture stop "$id4" >/dev/null
m4=$(listed "$id4" matched)
full4=$(listed "$id4" ring_full)
p4=$(listed "$id4" packets)
n4=$(tsh "$f4" -T fields -e frame.number | wc -l)
if [ "$full4" -gt 0 ] && [ "$p4" -eq "$n4" ] && [ "$n4" -eq $((m4 - full4)) ]; then
	pass "ring=8: $m4 matched, $full4 copies lost (ring_full), $n4 in the file = matched - lost"
else
	fail "ring=8: matched $m4 ring_full $full4 packets $p4 file $n4"
fi

# 5. A bad filter is refused with libpcap's message. ----------------------------------------
before=$(c --json capture list | jq length)
if msg=$(c capture start -w "$LAB_DIR/bad.pcapng" 'tcp port' 2>&1); then
	fail "bad filter accepted: $msg"
elif [[ $msg == *"filter: 'tcp port': "*"syntax error"* ]] &&
	[ "$(c --json capture list | jq length)" -eq "$before" ]; then
	pass "bad filter refused: $msg"
else
	fail "bad filter: '$msg'"
fi

e2e_finish
