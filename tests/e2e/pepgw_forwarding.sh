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
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

lab_init
lab_topo_gw --gw pepgw --config "$E2E_HERE/pepgw-gw.json.tpl" --cpu 1
# The WAN link has one MTU at both ends, as a real link does.
lab_exec server ip link set eth0 mtu 1300
client_gw=$(lab_get LAN_IP)
server=$(lab_get SERVER_IP)

# 1. L3: our address answers on both ports, transit works, TTL expiry is reported. ----------
check "ping pepgw's LAN address" ping_ok client "$client_gw"
check "ping pepgw's WAN address" ping_ok server "$(lab_get SERVER_GW_IP)"
out=$(lab_exec client ping -n -c 3 -i 0.2 -W 1 "$server" || true)
check_match "ping through pepgw: 3 of 3 answered" "$out" " 3 received"
check_match "ping through pepgw: TTL decremented to 63" "$out" "ttl=63"
out=$(lab_exec client ping -n -c 1 -t 1 -W 1 "$server" || true)
check_match "TTL 1 answered with ICMP time exceeded from $client_gw" "$out" \
	"From $client_gw.*Time to live exceeded"

# 2. MSS: the client's SYN (MSS 1460 on its 1500-MTU link) reaches the server clamped. ------
http_serve server http "$server" 8080
lab_capture_start syn server eth0 "tcp port 8080"
check "curl through pepgw" lab_exec client curl -s -o /dev/null --max-time 10 \
	"http://$server:8080/"
lab_capture_stop syn
mss=$(lab_capture_read syn -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields \
	-e tcp.options.mss_val | head -n 1)
check_eq "SYN arrives at the server with MSS 1260 (clamped from 1460)" "$mss" 1260
synack_mss=$(lab_capture_read syn -Y 'tcp.flags.syn==1 && tcp.flags.ack==1' -T fields \
	-e tcp.options.mss_val | head -n 1)
check_ne "a SYN-ACK seen on the server side" "$synack_mss" ""
check_ge "mss_clamped counted" "$(tel /pepgw/counters mss_clamped)" 1

# 3. Bulk traffic: iperf3 TCP and UDP through pepgw. ----------------------------------------
iperf3_serve server iperf3 "$server" 5201
iperf3_run client "$server" 5201 -t 3
check_gt "iperf3 TCP through pepgw: $IPERF_MBPS Mbit/s (bit/s)" "$IPERF_BPS" 50000000
iperf3_run client "$server" 5201 -u -b 20M -l 1200 -t 3
check_gt "iperf3 UDP 20 Mbit/s through pepgw: datagrams" "$IPERF_PACKETS" 1000
check_py "iperf3 UDP 20 Mbit/s through pepgw: $IPERF_LOST of $IPERF_PACKETS lost, at most 2 %" \
	"0 <= $IPERF_LOST <= 0.02 * $IPERF_PACKETS"

# 4. respect_df: DF-set 1400-byte packet toward the 1300-MTU WAN → fragmentation needed. -----
lab_exec client ip route flush cache
out=$(lab_exec client ping -n -c 1 -W 2 -M do -s 1372 "$server" || true)
check_match "respect_df: ICMP fragmentation needed with MTU 1300" "$out" \
	"From $client_gw.*Frag needed and DF set \(mtu = 1300\)"
check_ge "drop_df_mtu counted" "$(tel /pepgw/counters drop_df_mtu)" 1

# 5. always: the same packet marked AF11 (TOS 0x28) is fragmented, arrives and is answered. ---
lab_exec client ip route flush cache
lab_capture_start frag server eth0 "icmp or (ip[6:2] & 0x3fff != 0)"
out=$(lab_exec client ping -n -c 2 -i 0.3 -W 2 -M do -s 1372 -Q 0x28 "$server" || true)
lab_capture_stop frag
check_match "always: DF-set 1400-byte ping answered through the 1300-MTU link" "$out" \
	" 2 received"
check_ge "always: first fragments with MF set and DF cleared at the server" \
	"$(capture_count frag 'ip.src == 10.10.0.2 && ip.flags.mf == 1 && ip.flags.df == 0')" 2

# 6. Drop rules: traffic that matches never arrives; the rule counts it. ---------------------
http_serve server http9999 "$server" 9999
lab_capture_start dropped server eth0 "port 9999 or port 9998"
check "drop rule: curl to port 9999 fails" not lab_exec client curl -s -o /dev/null \
	--max-time 2 "http://$server:9999/"
lab_exec client bash -c "echo probe > /dev/udp/$server/9998" || true
lab_capture_stop dropped
check_eq "drop rules: packets for TCP 9999 / UDP 9998 that reached the server" \
	"$(lab_capture_read dropped | wc -l)" 0
check_ge "rule no-9999 counted packets" "$(tel /pepgw/rules no_9999 packets)" 1
check_ge "drop_rule counted" "$(tel /pepgw/counters drop_rule)" 2
# Every key of /pepgw/counters, /pepgw/tcp and /pepgw/rules has a kind and a line of help in
# /pepgw/counter_help; /pepgw/drops lists exactly the counters of kind drop.
help_check() {
	"$E2E_PEPGWCTL" -f "$LAB_PREFIX-gw" raw /pepgw/counters /pepgw/drops /pepgw/tcp \
		/pepgw/rules /pepgw/counter_help,counters /pepgw/counter_help,tcp \
		/pepgw/counter_help,rules | "$E2E_PY" -c '
import json, sys
a = [next(iter(json.loads(line).values())) for line in sys.stdin]
counters, drops, tcp, rules, hc, ht, hr = a
bad = []
for keys, helps, what in ((set(counters), hc, "counters"),
                          (set(tcp) - {"pairs_in_use", "pairs_max"}, ht, "tcp"),
                          (set().union(*(set(r) - {"index", "action", "name"}
                                         for r in rules.values())), hr, "rules")):
    if keys != set(helps):
        bad.append(f"{what}: keys without help {sorted(keys - set(helps))}, "
                   f"help without key {sorted(set(helps) - keys)}")
    bad += [f"{what}.{k}: {v}" for k, v in helps.items()
            if v["kind"] not in ("event", "drop", "fallback") or not v["help"]]
want = {k[len("drop_"):] for k, v in hc.items() if v["kind"] == "drop"}
if set(drops) != want:
    bad.append(f"/pepgw/drops {sorted(set(drops) ^ want)} differ from the drop kind")
print("; ".join(bad) if bad else "ok")'
}
check_eq "/pepgw/counter_help: kind and help for every key; /pepgw/drops is the drop kind" \
	"$(help_check)" ok

# 7. A gateway route (10.99.0.0/24 via the server): the next hop's MAC comes from ARP into the
#    per-lcore next-hop table; when the server changes its MAC and announces it with a
#    gratuitous ARP, forwarding follows at once. ---------------------------------------------
lab_exec server ip addr add 10.99.0.1/32 dev lo
check "route via the server: 10.99.0.1 answers (next hop resolved by ARP)" \
	ping_ok client 10.99.0.1
newmac=02:00:00:00:99:01
lab_exec server ip link set dev eth0 address "$newmac"
if ping_ok client 10.99.0.1 1; then
	echo "note: 10.99.0.1 answered to the old MAC (the server re-announced itself first)"
fi
lab_exec server "$E2E_PY" -c "
from scapy.all import ARP, Ether, sendp
sendp(Ether(src='$newmac', dst='ff:ff:ff:ff:ff:ff') /
      ARP(op=1, hwsrc='$newmac', psrc='$server', hwdst='00:00:00:00:00:00', pdst='$server'),
      iface='eth0', verbose=False)"
check "gratuitous ARP with a new MAC: forwarding via the server follows it" \
	ping_ok client 10.99.0.1

# 8. SIGTERM: clean stop, exit 0, final counters printed. ------------------------------------
check_sigterm gw "final counters:" "forwarded"

e2e_finish
