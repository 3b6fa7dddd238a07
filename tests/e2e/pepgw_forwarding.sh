#!/usr/bin/env bash
# pepgw as an L3 gateway between two Linux hosts (topology d, tests/lab):
#
#   client 10.10.0.2 ── lan0 10.10.0.1 [pepgw] wan0 10.20.0.1 (MTU 1300) ── server 10.20.0.2
#
# Rules (tests/e2e/pepgw-gw.json.tpl): TCP port 9999 and UDP port 9998 dropped; DSCP 10
# (AF11) fragmented even with DF set ("always"); TCP clamped to the egress MTU ("auto");
# everything else forwarded with respect_df.
#
# The story: ping pepgw and through it; TTL 1 gets time-exceeded; the client's SYN reaches the
# server with MSS 1260 (1300 - 40) as seen by tshark on the server; iperf3 TCP and UDP pass;
# a DF-set 1400-byte ping gets fragmentation-needed with MTU 1300; the same ping marked AF11
# arrives fragmented and is answered; the drop rules stop their traffic and count it; the client
# reaches 10.99.0.0/24 through a route via the server, and still does after the server changes
# its MAC and says so by gratuitous ARP; SIGTERM stops pepgw with exit 0 and its final counters.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"


lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw-gw.json.tpl" --cpu 1
# The WAN link has one MTU at both ends, as a real link does.
lab_exec server ip link set eth0 mtu 1300
client_gw=$(lab_get LAN_IP)
server=$(lab_get SERVER_IP)

# 1. L3: our address answers on both ports, transit works, TTL expiry is reported. ----------
if lab_exec client ping -n -c 2 -i 0.2 -W 1 "$client_gw" >/dev/null; then
	pass "ping pepgw's LAN address"
else
	fail "ping pepgw's LAN address"
fi
if lab_exec server ping -n -c 2 -i 0.2 -W 1 "$(lab_get SERVER_GW_IP)" >/dev/null; then
	pass "ping pepgw's WAN address"
else
	fail "ping pepgw's WAN address"
fi
out=$(lab_exec client ping -n -c 3 -i 0.2 -W 1 "$server")
if echo "$out" | grep -q "3 received" && echo "$out" | grep -q "ttl=63"; then
	pass "ping through pepgw (TTL decremented to 63)"
else
	fail "ping through pepgw: $out"
fi
out=$(lab_exec client ping -n -c 1 -t 1 -W 1 "$server" || true)
if echo "$out" | grep -q "From $client_gw.*Time to live exceeded"; then
	pass "TTL 1 answered with ICMP time exceeded from $client_gw"
else
	fail "TTL 1: $out"
fi

# 2. MSS: the client's SYN (MSS 1460 on its 1500-MTU link) reaches the server clamped. ------
lab_bg server http python3 -m http.server --bind "$server" 8080
lab_wait_listen server 8080
lab_capture_start syn server eth0 "tcp port 8080"
lab_exec client curl -s -o /dev/null --max-time 10 "http://$server:8080/" ||
	fail "curl through pepgw"
lab_capture_stop syn
mss=$(lab_capture_read syn -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields \
	-e tcp.options.mss_val | head -n 1)
if [ "$mss" = 1260 ]; then
	pass "SYN arrives at the server with MSS 1260 (clamped from 1460)"
else
	fail "SYN MSS at the server is '$mss', expected 1260"
fi
synack_mss=$(lab_capture_read syn -Y 'tcp.flags.syn==1 && tcp.flags.ack==1' -T fields \
	-e tcp.options.mss_val | head -n 1)
[ -n "$synack_mss" ] || fail "no SYN-ACK seen on the server side"
[ "$(tel /pepgw/counters mss_clamped)" -ge 1 ] && pass "mss_clamped counted" || fail "mss_clamped not counted"

# 3. Bulk traffic: iperf3 TCP and UDP through pepgw. ----------------------------------------
lab_bg server iperf3 iperf3 -s -B "$server" -p 5201
lab_wait_listen server 5201
json=$(lab_exec client iperf3 -c "$server" -p 5201 -t 3 -J)
bps=$(echo "$json" | /usr/bin/python3 -c \
	"import json,sys; print(int(json.load(sys.stdin)['end']['sum_received']['bits_per_second']))")
if [ "${bps:-0}" -gt 50000000 ]; then
	pass "iperf3 TCP through pepgw: $((bps / 1000000)) Mbit/s"
else
	fail "iperf3 TCP through pepgw: ${bps:-none} bit/s"
fi
json=$(lab_exec client iperf3 -c "$server" -p 5201 -u -b 20M -l 1200 -t 3 -J)
read -r lost total < <(echo "$json" | /usr/bin/python3 -c \
	"import json,sys; s=json.load(sys.stdin)['end']['sum']; print(s['lost_packets'], s['packets'])")
if [ "${total:-0}" -gt 1000 ] && [ "$((lost * 100))" -le "$((total * 2))" ]; then
	pass "iperf3 UDP 20 Mbit/s through pepgw: $lost of $total lost"
else
	fail "iperf3 UDP through pepgw: lost ${lost:-?} of ${total:-?}"
fi

# 4. respect_df: DF-set 1400-byte packet toward the 1300-MTU WAN → fragmentation needed. -----
lab_exec client ip route flush cache
out=$(lab_exec client ping -n -c 1 -W 2 -M do -s 1372 "$server" || true)
if echo "$out" | grep -q "From $client_gw.*Frag needed and DF set (mtu = 1300)"; then
	pass "respect_df: ICMP fragmentation needed with MTU 1300"
else
	fail "respect_df: $out"
fi
[ "$(tel /pepgw/counters drop_df_mtu)" -ge 1 ] && pass "drop_df_mtu counted" || fail "drop_df_mtu not counted"

# 5. always: the same packet marked AF11 (TOS 0x28) is fragmented, arrives and is answered. ---
lab_exec client ip route flush cache
lab_capture_start frag server eth0 "icmp or (ip[6:2] & 0x3fff != 0)"
out=$(lab_exec client ping -n -c 2 -i 0.3 -W 2 -M do -s 1372 -Q 0x28 "$server" || true)
lab_capture_stop frag
if echo "$out" | grep -q "2 received"; then
	pass "always: DF-set 1400-byte ping answered through the 1300-MTU link"
else
	fail "always: $out"
fi
nfrag=$(lab_capture_read frag -Y 'ip.src == 10.10.0.2 && ip.flags.mf == 1 && ip.flags.df == 0' \
	-T fields -e ip.id | wc -l)
if [ "$nfrag" -ge 2 ]; then
	pass "always: the server received first fragments with MF set and DF cleared ($nfrag)"
else
	fail "always: $nfrag fragments with MF and without DF seen on the server"
fi

# 6. Drop rules: traffic that matches never arrives; the rule counts it. ---------------------
lab_bg server http9999 python3 -m http.server --bind "$server" 9999
lab_wait_listen server 9999
lab_capture_start dropped server eth0 "port 9999 or port 9998"
if lab_exec client curl -s -o /dev/null --max-time 2 "http://$server:9999/"; then
	fail "drop rule: curl to port 9999 succeeded"
fi
lab_exec client bash -c "echo probe > /dev/udp/$server/9998" || true
lab_capture_stop dropped
seen=$(lab_capture_read dropped | wc -l)
if [ "$seen" -eq 0 ]; then
	pass "drop rules: nothing for TCP 9999 / UDP 9998 reached the server"
else
	fail "drop rules: $seen packets reached the server"
fi
n9999=$(tel /pepgw/rules no_9999 packets)
[ "$n9999" -ge 1 ] && pass "rule no-9999 counted $n9999 packets" || fail "rule no-9999 counted 0"
[ "$(tel /pepgw/counters drop_rule)" -ge 2 ] && pass "drop_rule counted" || fail "drop_rule not counted"

# 7. A gateway route (10.99.0.0/24 via the server): the next hop's MAC comes from ARP into the
#    per-lcore next-hop table; when the server changes its MAC and announces it with a
#    gratuitous ARP, forwarding follows at once. ---------------------------------------------
lab_exec server ip addr add 10.99.0.1/32 dev lo
if lab_exec client ping -n -c 2 -i 0.2 -W 1 10.99.0.1 >/dev/null; then
	pass "route via the server: 10.99.0.1 answers (next hop resolved by ARP)"
else
	fail "route via the server: no answer from 10.99.0.1"
fi
newmac=02:00:00:00:99:01
lab_exec server ip link set dev eth0 address "$newmac"
if lab_exec client ping -n -c 1 -W 1 10.99.0.1 >/dev/null; then
	echo "note: 10.99.0.1 answered to the old MAC (the server re-announced itself first)"
fi
lab_exec server /usr/bin/python3 -c "
from scapy.all import ARP, Ether, sendp
sendp(Ether(src='$newmac', dst='ff:ff:ff:ff:ff:ff') /
      ARP(op=1, hwsrc='$newmac', psrc='$server', hwdst='00:00:00:00:00:00', pdst='$server'),
      iface='eth0', verbose=False)"
if lab_exec client ping -n -c 2 -i 0.2 -W 1 10.99.0.1 >/dev/null; then
	pass "gratuitous ARP with a new MAC: forwarding via the server follows it"
else
	fail "after the gratuitous ARP 10.99.0.1 does not answer (stale next hop?)"
fi

# 8. SIGTERM: clean stop, exit 0, final counters printed. ------------------------------------
gw_pid=${LAB_PID[gw]}
kill -TERM "$gw_pid"
rc=0
wait "$gw_pid" || rc=$?
if [ "$rc" -eq 0 ] && lab_log_has gw "final counters:" && lab_log_has gw "forwarded"; then
	pass "SIGTERM: pepgw exited 0 with its final counters"
else
	fail "SIGTERM: exit $rc; log: $(tail -n 5 "$LAB_DIR/gw.log")"
fi

e2e_finish
