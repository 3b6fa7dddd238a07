#!/usr/bin/env bash
# ECN through pepgw with Linux peers that have net.ipv4.tcp_ecn=1, topology d of tests/lab:
#
#   client 10.10.0.2 ── lan0 [pepgw: LAN leg | relay | WAN leg] wan0 ── server 10.20.0.2
#
# tests/e2e/pepgw-ecn.json.tpl splits port 8080 with ecn on both profiles (and ip_tos: AF11 on
# the LAN leg, EF on the WAN leg). CE marks come from netem's "ecn" option, which marks an
# ECT packet CE where it would have dropped it: on the server's eth0 (the server's data to
# pepgw's WAN leg) and on the root side of the LAN link (pepgw's data to the client). The
# story: both legs negotiate ECN on the wire; a 20 MB download arrives byte-identical while
# pepgw's WAN leg echoes the server's CE marks (ECE, and the server's CWR) and its LAN leg
# answers the client's echoes (cwnd reductions, CWR); a client without ECN still gets ECN on
# the WAN leg; a forwarded (not split) flow keeps its ECT and CE bits end to end (a Linux
# client drops a packet whose IP checksum is wrong, so the sha256 also checks the checksums).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw-ecn.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)
lab_exec client sysctl -qw net.ipv4.tcp_ecn=1
lab_exec server sysctl -qw net.ipv4.tcp_ecn=1
# CE instead of loss (netem's ecn option marks ECT packets, drops Not-ECT ones): 1 % of the
# server's packets toward pepgw and of pepgw's packets toward the client.
lab_exec server tc qdisc add dev eth0 root netem loss 1% ecn
tc qdisc add dev "$(lab_get LAN_IF)" root netem loss 1% ecn

head -c 20000000 /dev/urandom >"$LAB_DIR/obj.bin"
want=$(sha256sum <"$LAB_DIR/obj.bin" | cut -d' ' -f1)
lab_bg server http bash -c "cd '$LAB_DIR' && exec python3 -m http.server --bind $server 8080"
lab_wait_listen server 8080
lab_bg server http9 bash -c "cd '$LAB_DIR' && exec python3 -m http.server --bind $server 9000"
lab_wait_listen server 9000

fetch() { # PORT: sha256 of obj.bin fetched by the client
	lab_exec client bash -c "curl -s --max-time 60 http://$server:$1/obj.bin | sha256sum" |
		cut -d' ' -f1
}

# 1. Both legs negotiate ECN, a download with CE marks both ways arrives intact. ---------------
lab_capture_start c1 client eth0 "tcp port 8080"
lab_capture_start s1 server eth0 "tcp port 8080"
got=$(fetch 8080)
lab_capture_stop c1
lab_capture_stop s1
[ "$got" = "$want" ] && pass "20 MB through the split with ECN and CE marks: sha256 $want" ||
	fail "20 MB through the split: sha256 '$got', expected $want"

count() { # CAPTURE FILTER: packets matching
	lab_capture_read "$1" -Y "$2" -T fields -e frame.number | wc -l
}
syn='tcp.flags.syn==1 && tcp.flags.ack==0'
synack='tcp.flags.syn==1 && tcp.flags.ack==1'
n=$(count c1 "$syn && tcp.flags.ece==1 && tcp.flags.cwr==1 && ip.src==$client")
m=$(count c1 "$synack && tcp.flags.ece==1 && tcp.flags.cwr==0 && ip.src==$server")
[ "$n" -ge 1 ] && [ "$m" -ge 1 ] &&
	pass "LAN leg: the client's ECN-setup SYN is answered with an ECN-setup SYN-ACK (ECE)" ||
	fail "LAN leg negotiation: $n ECN-setup SYNs, $m ECN-setup SYN-ACKs from pepgw"
n=$(count s1 "$syn && tcp.flags.ece==1 && tcp.flags.cwr==1 && ip.src==$client && ip.dsfield.dscp==46")
m=$(count s1 "$synack && tcp.flags.ece==1 && tcp.flags.cwr==0 && ip.src==$server")
[ "$n" -ge 1 ] && [ "$m" -ge 1 ] &&
	pass "WAN leg: pepgw's SYN offers ECN (ECE+CWR, DSCP EF from ip_tos) and the server accepts" ||
	fail "WAN leg negotiation: $n ECN-setup SYNs with DSCP 46 from pepgw, $m ECN-setup SYN-ACKs"
# The server's data is ECT(0); netem marked some CE; pepgw's WAN leg echoed, the server said CWR.
ce=$(count s1 "ip.src==$server && ip.dsfield.ecn==3 && tcp.len>0")
ece=$(count s1 "ip.src==$client && tcp.flags.ece==1 && tcp.flags.syn==0")
cwr=$(count s1 "ip.src==$server && tcp.flags.cwr==1 && tcp.flags.syn==0")
[ "$ce" -ge 1 ] && [ "$ece" -ge 1 ] && [ "$cwr" -ge 1 ] &&
	pass "WAN leg as receiver: $ce CE-marked segments from the server, $ece ACKs with ECE, $cwr CWR back" ||
	fail "WAN leg as receiver: CE $ce, ECE from pepgw $ece, CWR from the server $cwr"
rx=$(tel /pepgw/tcp ecn_ce_received)
[ "${rx:-0}" -ge 1 ] && pass "pepgw counted $rx CE marks received (ecn_ce_received)" ||
	fail "ecn_ce_received is ${rx:-none}"
# pepgw's data to the client is ECT(0) with DSCP AF11; marked CE by netem on the LAN link, the
# client echoes, pepgw reduces once per window and says CWR.
ect=$(count c1 "ip.src==$server && tcp.len>0 && ip.dsfield.ecn==2 && ip.dsfield.dscp==10")
cwr=$(count c1 "ip.src==$server && tcp.flags.cwr==1 && tcp.flags.syn==0")
red=$(tel /pepgw/tcp ecn_cwnd_reductions)
[ "$ect" -ge 1000 ] && [ "$cwr" -ge 1 ] && [ "${red:-0}" -ge 1 ] &&
	pass "LAN leg as sender: $ect ECT(0) data segments (DSCP AF11), $red cwnd reductions for ECE, $cwr CWR" ||
	fail "LAN leg as sender: ECT(0) data $ect, CWR $cwr, ecn_cwnd_reductions ${red:-none}"
retx=$(count c1 "ip.src==$server && tcp.len>0 && ip.dsfield.ecn==0 && tcp.analysis.retransmission")
pass "LAN leg: $retx retransmissions (netem marks rather than drops ECT packets)"

# 2. A client without ECN still gets ECN on the WAN leg. ---------------------------------------
lab_exec client sysctl -qw net.ipv4.tcp_ecn=0
lab_capture_start c2 client eth0 "tcp port 8080 and tcp[tcpflags] & tcp-syn != 0"
lab_capture_start s2 server eth0 "tcp port 8080 and tcp[tcpflags] & tcp-syn != 0"
got=$(fetch 8080)
lab_capture_stop c2
lab_capture_stop s2
c_ecn=$(count c2 "tcp.flags.ece==1")
s_syn=$(count s2 "$syn && tcp.flags.ece==1 && tcp.flags.cwr==1")
s_ack=$(count s2 "$synack && tcp.flags.ece==1")
if [ "$got" = "$want" ] && [ "$c_ecn" -eq 0 ] && [ "$s_syn" -ge 1 ] && [ "$s_ack" -ge 1 ]; then
	pass "client without ECN: no ECN on the LAN leg, ECN negotiated on the WAN leg, sha256 ok"
else
	fail "client without ECN: sha256 '$got', LAN ECE flags $c_ecn, WAN ECN SYN $s_syn / SYN-ACK $s_ack"
fi
lab_exec client sysctl -qw net.ipv4.tcp_ecn=1

# 3. A forwarded flow keeps its ECN bits end to end: the server's ECT(0) data and netem's CE
#    marks reach the client as they left, the client's ECE and the server's CWR cross. --------
lab_capture_start f3 client eth0 "tcp port 9000"
got=$(fetch 9000)
lab_capture_stop f3
ect=$(count f3 "ip.src==$server && tcp.len>0 && ip.dsfield.ecn==2")
ce=$(count f3 "ip.src==$server && tcp.len>0 && ip.dsfield.ecn==3")
ece=$(count f3 "ip.src==$client && tcp.flags.ece==1 && tcp.flags.syn==0")
cwr=$(count f3 "ip.src==$server && tcp.flags.cwr==1 && tcp.flags.syn==0")
if [ "$got" = "$want" ] && [ "$ect" -ge 1000 ] && [ "$ce" -ge 1 ] && [ "$ece" -ge 1 ] &&
	[ "$cwr" -ge 1 ]; then
	pass "forwarded flow: $ect ECT(0) and $ce CE segments arrive as sent, ECE and CWR cross (sha256 ok)"
else
	fail "forwarded flow: sha256 '$got', ECT(0) $ect, CE $ce, ECE $ece, CWR $cwr"
fi

e2e_finish
