#!/usr/bin/env bash
# ECN through pepgw with Linux peers that have net.ipv4.tcp_ecn=1, topology d of tests/lab:
#
#   client 10.10.0.2 ── lan0 [pepgw: LAN leg | relay | WAN leg] wan0 ── server 10.20.0.2
#
# tests/e2e/pepgw-ecn.json.tpl splits port 8080 with ecn on both profiles (and ip_tos: AF11 on
# the LAN leg, EF on the WAN leg). The story, read on the wire with tshark on both ends: both
# legs negotiate ECN (the client's ECN-setup SYN answered by pepgw, pepgw's own offer to the
# server accepted), a 20 MB download arrives byte-identical with every data segment of both
# legs ECT(0) and the profile's DSCP; a client without ECN still gets ECN on the WAN leg; a
# forwarded (not split) flow keeps the ECN field of every packet (a Linux client drops a packet
# whose IP checksum is wrong, so the sha256 also checks the checksums). This kernel has no
# qdisc that marks CE (no netem, fq_codel or red), so CE marks and the responses to them
# (ECE until CWR, one reduction per window) are specified by tests/tcp_scripts/ecn_*.pkt.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw-ecn.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)
lab_exec client sysctl -qw net.ipv4.tcp_ecn=1
lab_exec server sysctl -qw net.ipv4.tcp_ecn=1
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

# 1. Both legs negotiate ECN; a download arrives intact, ECT(0) on both legs. ---------------
lab_capture_start c1 client eth0 "tcp port 8080"
lab_capture_start s1 server eth0 "tcp port 8080"
got=$(fetch 8080)
lab_capture_stop c1
lab_capture_stop s1
[ "$got" = "$want" ] && pass "20 MB through the split with ECN on both legs: sha256 $want" ||
	fail "20 MB through the split: sha256 '$got', expected $want"

count() { # CAPTURE FILTER: packets matching
	lab_capture_read "$1" -Y "$2" -T fields -e frame.number | wc -l
}
syn='tcp.flags.syn==1 && tcp.flags.ack==0'
synack='tcp.flags.syn==1 && tcp.flags.ack==1'
n=$(count c1 "$syn && tcp.flags.ece==1 && tcp.flags.cwr==1 && ip.src==$client")
m=$(count c1 "$synack && tcp.flags.ece==1 && tcp.flags.cwr==0 && ip.src==$server && ip.dsfield.dscp==10")
[ "$n" -ge 1 ] && [ "$m" -ge 1 ] &&
	pass "LAN leg: the client's ECN-setup SYN is answered with an ECN-setup SYN-ACK (ECE, DSCP AF11)" ||
	fail "LAN leg negotiation: $n ECN-setup SYNs, $m ECN-setup SYN-ACKs with DSCP 10 from pepgw"
n=$(count s1 "$syn && tcp.flags.ece==1 && tcp.flags.cwr==1 && ip.src==$client && ip.dsfield.dscp==46")
m=$(count s1 "$synack && tcp.flags.ece==1 && tcp.flags.cwr==0 && ip.src==$server")
[ "$n" -ge 1 ] && [ "$m" -ge 1 ] &&
	pass "WAN leg: pepgw's SYN offers ECN (ECE+CWR, DSCP EF from ip_tos) and the server accepts" ||
	fail "WAN leg negotiation: $n ECN-setup SYNs with DSCP 46 from pepgw, $m ECN-setup SYN-ACKs"
# The server's data (Linux, ECN on) is ECT(0); pepgw's relayed data toward the client too, with
# the LAN profile's DSCP, and pepgw's pure ACKs toward the server are Not-ECT with EF.
all=$(count c1 "ip.src==$server && tcp.len>0")
ect=$(count c1 "ip.src==$server && tcp.len>0 && ip.dsfield.ecn==2 && ip.dsfield.dscp==10")
acks=$(count s1 "ip.src==$client && tcp.len==0 && tcp.flags.syn==0")
acks_ok=$(count s1 "ip.src==$client && tcp.len==0 && tcp.flags.syn==0 && ip.dsfield.ecn==0 && ip.dsfield.dscp==46")
srv=$(count s1 "ip.src==$server && tcp.len>0 && ip.dsfield.ecn==2")
# (Retransmissions go Not-ECT: a rare one on the veth is allowed for, 1 %.)
if [ "$all" -ge 1000 ] && [ $((ect * 100)) -ge $((all * 99)) ] && [ "$acks" -ge 100 ] &&
	[ "$acks_ok" -eq "$acks" ] && [ "$srv" -ge 1000 ]; then
	pass "ECT(0): $ect of pepgw's $all data segments to the client (DSCP AF11), $srv of the server's; pepgw's $acks ACKs Not-ECT (DSCP EF)"
else
	fail "ECN field: pepgw data $ect/$all ECT(0)+AF11, pepgw ACKs $acks_ok/$acks Not-ECT+EF, server data ECT(0) $srv"
fi

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

# 3. A forwarded flow keeps its ECN field end to end: the server's ECT(0) data reaches the
#    client as ECT(0), the client's ACKs as Not-ECT, and both ends negotiated ECN through pepgw
#    (the ECN-setup SYN-ACK counted at least once: a loaded lab may retransmit it).
lab_capture_start f3 client eth0 "tcp port 9000"
got=$(fetch 9000)
lab_capture_stop f3
all=$(count f3 "ip.src==$server && tcp.len>0")
ect=$(count f3 "ip.src==$server && tcp.len>0 && ip.dsfield.ecn==2")
neg=$(count f3 "$synack && tcp.flags.ece==1 && ip.src==$server")
if [ "$got" = "$want" ] && [ "$all" -ge 1000 ] && [ $((ect * 100)) -ge $((all * 99)) ] &&
	[ "$neg" -ge 1 ]; then
	pass "forwarded flow: the server's ECN-setup SYN-ACK and $ect of its $all data segments arrive ECT(0) (sha256 ok)"
else
	fail "forwarded flow: sha256 '$got', ECT(0) $ect of $all, ECN-setup SYN-ACKs $neg"
fi

e2e_finish
