#!/usr/bin/env bash
# The bonded tunnel with real Linux peers, topology (b) of tests/lab with two links:
#
#   client 10.10.0.2 ── lan0 [pepgw A] wan1 ── l1 20 Mbit/s 10 ms ── wan1 [pepgw B] lan0 ── server
#                                      wan2 ── l2 10 Mbit/s 20 ms ── wan2                10.20.0.2
#
# The links' rates are not configured: the dynamic scheduler works from estimated rates (a link
# without an estimate counts at lib/bond's default rate, so one that carried nothing yet is
# still tried), and the transfers must use both links.
# A knows B's endpoints (172.16.k.2:6400), B learns A's from authenticated packets. Both links
# have MTU 1440 in the configuration: the tunnel MTU is 1440 - 56 = 1384, and mss "auto" is
# 1344. WAN ports and wanem's run on net_pcap (tests/e2e/pepgw-tunnel-{a,b}.json.tpl,
# wanem-tunnel.json.tpl): net_af_packet's fanout socket has the kernel reassemble IPv4
# fragments, which would hide the outer fragments policy "outer" puts on the wire.
#
# The story:
#  1. the handshake: both peers up, both links up both ways, B learned both endpoints;
#  2. a 1500-MTU client's SYN reaches the server with MSS 1344, the server's SYN-ACK reaches
#     the client with 1344 (tshark on both ends); iperf3 TCP upload and download and UDP run
#     through the tunnel, and both links carry data;
#  3. fragmentation against the tunnel MTU, one rule each (selected by DSCP), with a DF ping
#     of 1428 bytes: always delivers it in fragments; outer delivers it whole (DF still set at
#     the server) after A sent the tunnel packet in fragments and B reassembled them;
#     respect_df answers fragmentation-needed carrying 1384;
#  4. failover, a TCP transfer in paired accelerate running A -> B over both links: l1 cut both
#     ways, then l1 cut A -> B only (wanemctl down): each time delivery resumes within 1 s, the
#     connection is never reset, every byte arrives once and in order (sha256 of the stream at
#     both ends), and after the cut is lifted l1 is up again and carries the transfer;
#  5. B restarts in the middle of a paired transfer: B answers A's WAN leg with a reset, the
#     client gets it, and A is in session with the new B within 2 s of its start.
#
# Paired accelerate (rule "paired", TCP to 5202 and 7100-7101 on both gateways): A splits the
# client's connection, its WAN leg goes through the tunnel marked to terminate, B splits it
# again toward the server. 2b checks iperf3 both ways through the pair and each leg's MSS.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
flow=$here/tunnel_flow.py

lab_init
key=$LAB_DIR/tunnel.key
head -c 32 /dev/urandom | base64 >"$key"
chmod 600 "$key"
lab_set TUN_KEY "$key"
lab_topo_paired --links 2 --pepgw-a "$here/pepgw-tunnel-a.json.tpl" \
	--pepgw-b "$here/pepgw-tunnel-b.json.tpl" --wanem "$here/wanem-tunnel.json.tpl"
server=$(lab_get SERVER_IP)
E2E_GW=gwa # telemetry reads gateway A unless told otherwise

ta() { E2E_GW=gwa tel "$@"; }
tb() { E2E_GW=${GWB:-gwb} tel "$@"; }
now() { date +%s.%N; }
ta_conn() { # PORT: A's split connection to the server's PORT ("client server"), or false
	local c
	c=$(E2E_GW=gwa tel_jq /pepgw/tcp_conns ".[] | select(endswith(\":$1\"))" | head -n 1)
	[ -n "$c" ] && echo "$c"
}
# state GW LINK: "tx/rx" of a link as GW sees it.
state() { echo "$(E2E_GW=$1 tel /pepgw/links "$2" tx_state)/$(E2E_GW=$1 tel /pepgw/links "$2" rx_state)"; }
links_up() {
	for g in gwa "${GWB:-gwb}"; do
		for l in l1 l2; do
			[ "$(state "$g" "$l")" = up/up ] || return 1
		done
	done
}

# 1. Handshake and link health. -----------------------------------------------------------
check_poll "session up, both links up both ways on both gateways" 5 links_up
check_eq "A's session with B" "$(ta /pepgw/peers b state)" up
check_eq "B's session with A" "$(tb /pepgw/peers a state)" up
check_eq "B learned A's l1 endpoint" "$(tb /pepgw/links l1 endpoint)" "$(lab_get WAN1_IP):6400"
check_eq "B learned A's l2 endpoint" "$(tb /pepgw/links l2 endpoint)" "$(lab_get WAN2_IP):6400"
check_eq "... from authenticated packets" "$(tb /pepgw/links l1 endpoint_from)" learned
check_eq "tunnel MTU (1440 - 56)" "$(ta /pepgw/peers b tunnel_mtu)" 1384
# pepgwctl metrics with a tunnel: per-link and per-peer families, read by prometheus-client.
E2E_GW=gwa gwctl metrics >"$LAB_DIR/metrics.txt"
check "metrics with a tunnel parse (prometheus-client), each family with HELP and TYPE" \
	out_to "$LAB_DIR/samples.txt" "$E2E_PY" "$E2E_HERE/pepgwctl_metrics.py" "$LAB_DIR/metrics.txt"
msample() { awk -v k="$1" '$1 == k {print $2}' "$LAB_DIR/samples.txt"; }
check_eq "metrics: pepgw_link_up of l1 and l2, pepgw_peer_up, the peer's tunnel MTU" \
	"$(msample 'pepgw_link_up{link=l1,peer=b}') $(msample 'pepgw_link_up{link=l2,peer=b}') \
$(msample 'pepgw_peer_up{peer=b}') $(msample 'pepgw_peer_tunnel_mtu_bytes{peer=b}')" "1 1 1 1384"
check_gt "metrics: pepgw_link_rx_packets_total{link=l1} (probes)" \
	"$(msample 'pepgw_link_rx_packets_total{link=l1,peer=b}')" 0
# pepgwctl watch with a tunnel: its links, their state and what they carry.
check_eq "watch --json: A's links and their state in the second frame" \
	"$(E2E_GW=gwa gwctl --json watch --count 2 --interval 0.3 | tail -n 1 |
		jq -r '[.links[] | "\(.link)=\(.state)"] | join(" ")')" "l1=up/up l2=up/up"
check "watch (table): a LINK table" eval 'E2E_GW=gwa gwctl watch --count 1 | grep -q "^LINK "'

# 1b. pepgw's capture at the tunnel's points: a ping's inner packets before sealing and after
# opening, and the sealed ones per link, on interfaces named after the links.
cap=$LAB_DIR/tunnel.pcapng
capid=$(gwctl --json capture start -w "$cap" --points inner,outer | jq -r .id)
check "5 pings with a tunnel capture at A" ping_ok client "$server" 5
gwctl capture stop "$capid" >/dev/null
check_eq "the tunnel capture is done" "$(gwctl --json capture list | jq -r ".\"$capid\".state")" done
cap_n() { # DISPLAY_FILTER: frames of the capture that match
	tshark -r "$cap" -n -Y "$1" -T fields -e frame.number 2>/dev/null | wc -l
}
inner='frame.interface_name matches "^tunnel:l[12]:inner$"'
outer='frame.interface_name matches "^tunnel:l[12]:outer$"'
to='frame.packet_flags_direction == 2' from='frame.packet_flags_direction == 1'
check_ge "inner, out: the echo requests before sealing" "$(cap_n "$inner && $to && icmp.type == 8")" 5
check_ge "inner, in: the echo replies after opening" "$(cap_n "$inner && $from && icmp.type == 0")" 5
check_ge "outer, out: sealed packets sent to B's tunnel port" \
	"$(cap_n "$outer && $to && udp.dstport == 6400")" 5
check_ge "outer, in: sealed packets from B" "$(cap_n "$outer && $from && udp.srcport == 6400")" 5
# The shipped dissector (dist/wireshark/pepgw.lua) on this lab capture: the sealed pings are
# encrypted data packets on links 0 and 1 (l1, l2) in both directions; probes too.
lua=$LAB_TOP/dist/wireshark/pepgw.lua
dis_n() { # DISPLAY_FILTER: outer frames the dissector decodes and that match
	tshark -X "lua_script:$lua" -r "$cap" -n -Y "$outer && pepgw && $1" -T fields \
		-e frame.number 2>/dev/null | wc -l
}
check_ge "dissector on the lab capture: encrypted data packets A -> B" \
	"$(dis_n "$to && pepgw.type == 1 && pepgw.encrypted")" 5
check_ge "dissector on the lab capture: encrypted data packets B -> A" \
	"$(dis_n "$from && pepgw.type == 1 && pepgw.encrypted")" 5
check_ge "dissector on the lab capture: probes on the links" "$(dis_n "pepgw.type == 2 || pepgw.type == 3")" 1
check_eq "dissector on the lab capture: every outer frame decodes as pepgw" "$(dis_n frame)" \
	"$(cap_n "$outer")"

# 2. MSS clamp on the wire, iperf3 TCP both ways and UDP; both links carry data. -----------
iperf3_serve server iperf "$server" 5201
lab_capture_start c_wire client eth0
lab_capture_start s_wire server eth0
tel_snap a0 /pepgw/links
E2E_GW=gwb tel_snap b0 /pepgw/links
iperf3_run client "$server" 5201 -t 3
check_gt "iperf3 TCP up through the tunnel (bit/s)" "$IPERF_BPS" 1000000
iperf3_run client "$server" 5201 -t 3 -R
check_gt "iperf3 TCP down through the tunnel (bit/s)" "$IPERF_BPS" 1000000
iperf3_run client "$server" 5201 -u -b 5M -t 2
check_le "iperf3 UDP 5 Mbit/s through the tunnel: datagrams lost of $IPERF_PACKETS" \
	"$IPERF_LOST" $((IPERF_PACKETS / 20))
lab_capture_stop c_wire
lab_capture_stop s_wire
check_eq "the client's SYN reaches the server clamped to the tunnel MSS" "$(lab_capture_read \
	s_wire -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e tcp.options.mss_val |
	sort -u)" 1344
check_eq "the server's SYN-ACK reaches the client clamped to the tunnel MSS" "$(lab_capture_read \
	c_wire -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 1' -T fields -e tcp.options.mss_val |
	sort -u)" 1344
for l in l1 l2; do
	check_gt "A sent on $l (dynamic scheduler)" "$(tel_delta a0 /pepgw/links $l tx_packets)" 300
	check_gt "B sent on $l" "$(E2E_GW=gwb tel_delta b0 /pepgw/links $l tx_packets)" 300
done
lab_stop iperf

# 2b. Paired accelerate: iperf3 both ways through A's and B's splits. -----------------------
iperf3_serve server iperf5202 "$server" 5202
pa0=$(ta /pepgw/counters accel_paired_client_side)
pb0=$(tb /pepgw/counters accel_paired_server_side)
iperf3_run client "$server" 5202 -t 3
check_gt "paired accelerate, iperf3 up (bit/s)" "$IPERF_BPS" 1000000
iperf3_run client "$server" 5202 -t 3 -R
check_gt "paired accelerate, iperf3 down (bit/s)" "$IPERF_BPS" 1000000
pa=$(($(ta /pepgw/counters accel_paired_client_side) - pa0))
# iperf3 opens a control and a data connection per run: four splits at each gateway.
check_ge "splits at A (client side)" "$pa" 4
check_eq "as many splits at B (server side)" $(($(tb /pepgw/counters accel_paired_server_side) - pb0)) "$pa"
lab_stop iperf5202

# 3. Fragmentation policies against the tunnel MTU 1384 (a 1428-byte DF ping). ------------
tel_snap f0 /pepgw/counters
E2E_GW=gwb tel_snap fb0 /pepgw/counters
check "always: a 1428-byte DF ping crosses" lab_exec client ping -c 1 -W 2 -M do -Q 32 -s 1400 "$server"
check_gt "... in fragments (DF cleared)" "$(tel_delta f0 /pepgw/counters frag_df_cleared)" 0
lab_capture_start s_outer server eth0
check "outer: a 1428-byte DF ping crosses" lab_exec client ping -c 1 -W 2 -M do -Q 64 -s 1400 "$server"
lab_capture_stop s_outer
check_ge "outer: the server gets it whole with DF" "$(lab_capture_read s_outer \
	-Y 'icmp.type == 8 && ip.len == 1428 && ip.flags.df == 1' | wc -l)" 1
check_gt "outer: A fragments the tunnel packet" "$(tel_delta f0 /pepgw/counters tunnel_outer_fragmented)" 0
check_gt "outer: B reassembles it" "$(E2E_GW=gwb tel_delta fb0 /pepgw/counters tunnel_reassembled)" 0
# Last: the client's kernel keeps the MTU that fragmentation-needed reports.
check_match "respect_df: fragmentation needed with the tunnel MTU" \
	"$(lab_exec client ping -c 1 -W 2 -M do -s 1400 "$server" 2>&1)" "mtu = 1384"
check_gt "respect_df: counted drop_df_mtu" "$(tel_delta f0 /pepgw/counters drop_df_mtu)" 0

# 4. Failover under a running transfer A -> B. ---------------------------------------------
# l1 down both ways for 2 s, up, then down A -> B only for 2 s, up: delivery must never stop
# for 1 s or more, every byte must arrive once and in order (sha256), and l1 must carry the
# transfer again afterwards.
transfer_gaps() { # T0 T1: longest delivery gap and bytes in [T0, T1]
	"$E2E_PY" "$flow" gaps "$LAB_DIR/sink.json" "$1" "$2"
}
E2E_GW=gwb tel_snap t0 /pepgw/links
serve server sink 7100 "$E2E_PY" "$flow" sink "$server" 7100 "$LAB_DIR/sink.json"
lab_bg client source "$E2E_PY" "$flow" source "$server" 7100 16
lab_poll 5 eval '[ "$(tb /pepgw/links l1 rx_packets)" -gt 0 ]'
# Each leg's MSS: the WAN legs (A's server leg, B's client leg) the tunnel MSS 1344, the LAN
# legs 1460 from the 1500-byte ports.
legs() { # GW: "ROLE LAN_RCV_MSS WAN_RCV_MSS" of the split to port 7100
	local c
	c=$(E2E_GW=$1 tel_jq /pepgw/tcp_conns '.[] | select(endswith(":7100"))' | head -n 1)
	[ -n "$c" ] || return 1
	echo "$(E2E_GW=$1 tel "/pepgw/tcp_conn,$c" role)" \
		"$(E2E_GW=$1 tel "/pepgw/tcp_conn,$c" lan rcv_mss)" \
		"$(E2E_GW=$1 tel "/pepgw/tcp_conn,$c" wan rcv_mss)"
}
check_eq "paired legs at A (role, LAN leg MSS, WAN leg MSS)" "$(legs gwa)" "client_side 1460 1344"
check_eq "paired legs at B" "$(legs gwb)" "server_side 1460 1344"
sleep 1 # the transfer reaches its pace before the first cut
for l in l1 l2; do
	check_gt "the transfer uses $l (packets B received on it)" \
		"$(E2E_GW=gwb tel_delta t0 /pepgw/links $l rx_packets)" 200
done
t_both=$(now)
we_ctl down l1 both
check_poll "A finds l1 down within 3 s of the cut both ways" 3 \
	eval '[ "$(ta /pepgw/links l1 tx_state)" = down ]'
sleep 2
we_ctl up l1 both
t_both_up=$(now)
check_poll "l1 up both ways within 5 s after the cut" 5 eval '[ "$(state gwa l1)" = up/up ]'
sleep 1
t_one=$(now)
we_ctl down l1 a2b
check_poll "A finds l1 down within 3 s of the cut A->B" 3 \
	eval '[ "$(ta /pepgw/links l1 tx_state)" = down ]'
check_eq "l1 cut A->B only: A still receives on it" "$(ta /pepgw/links l1 rx_state)" up
sleep 2
we_ctl up l1 a2b
t_one_up=$(now)
l1_before=$(tb /pepgw/links l1 rx_packets)
check_poll "l1 up both ways within 5 s after the one-way cut" 5 eval '[ "$(state gwa l1)" = up/up ]'
check_poll "l1 carries the transfer again after the cut (200 packets)" 3 \
	eval '[ "$(tb /pepgw/links l1 rx_packets)" -gt $((l1_before + 200)) ]'
check_poll "the source finished" 20 eval '! lab_running source'
check_poll "the sink wrote its account" 10 eval '[ -s "$LAB_DIR/sink.json" ]'
src=$(cat "$LAB_DIR/source.log")
check_eq "the transfer survived both cuts without a reset (source)" "$(jq -r .error <<<"$src")" null
check_eq "... (sink)" "$(jq -r .error "$LAB_DIR/sink.json")" null
check_eq "every byte sent arrived ($(jq .sent <<<"$src") bytes)" \
	"$(jq .bytes "$LAB_DIR/sink.json")" "$(jq .sent <<<"$src")"
check_eq "... once and in order (sha256)" "$(jq -r .sha256 "$LAB_DIR/sink.json")" \
	"$(jq -r .sha256 <<<"$src")"
read -r gap_both bytes_both < <(transfer_gaps "$t_both" "$t_both_up")
read -r gap_one bytes_one < <(transfer_gaps "$t_one" "$t_one_up")
check_py "l1 cut both ways: longest delivery gap ${gap_both} s < 1 s" "$gap_both < 1"
check_gt "l1 cut both ways: bytes delivered during the cut" "$bytes_both" 100000
check_py "l1 cut A->B only: longest delivery gap ${gap_one} s < 1 s" "$gap_one < 1"
check_gt "l1 cut A->B only: bytes delivered during the cut" "$bytes_one" 100000
lab_stop sink

# 5. B restarts in the middle of a transfer. -----------------------------------------------
sessions0=$(ta /pepgw/peers b sessions)
serve server sink2 7101 "$E2E_PY" "$flow" sink "$server" 7101 "$LAB_DIR/sink2.json"
lab_bg client source2 "$E2E_PY" "$flow" source "$server" 7101 8
sleep 1
lab_stop gwb
lab_pepgw gwb2 1 "$here/pepgw-tunnel-b.json.tpl"
GWB=gwb2
check_poll "A is in session with the restarted B within 2 s of its start" 2 \
	eval '[ "$(ta /pepgw/peers b sessions)" -gt "$sessions0" ] && [ "$(ta /pepgw/peers b state)" = up ]'
# Packets A sealed for the old B's session may reach the new one with a key slot it now uses
# (drop_tunnel_auth, legitimately): the new B's account starts once A is in session with it.
E2E_GW=gwb2 tel_snap b2 /pepgw/counters
check_poll "the paired transfer across B's restart ends (no hang)" 40 eval '! lab_running source2'
check_match "... in a reset" "$(jq -r .error "$LAB_DIR/source2.log")" "[Rr]eset"
check_gt "... from the new B (accel_paired_resets)" "$(E2E_GW=gwb2 tel /pepgw/counters accel_paired_resets)" 0

# 6. rate_mbps "auto" (rule paired-auto, port 5203): A's WAN leg paces at the tunnel's
# capacity (the links' estimates here) and follows it: lower while l2 is cut both ways, up
# again once l2 is back. Last: the cut leaves l2's estimate low for a while, which the other
# stories' share checks would see.
serve server sink5203 5203 "$E2E_PY" "$flow" sink "$server" 5203 "$LAB_DIR/sink5203.json"
lab_bg client source5203 "$E2E_PY" "$flow" source "$server" 5203 30
auto_rate() { # A's WAN leg to port 5203: its pacing rate, bit/s (0 before it sends)
	local c
	c=$(ta_conn 5203) || { echo 0 && return; }
	E2E_GW=gwa tel "/pepgw/tcp_conn,$c" wan pacing_rate_bps
}
lab_poll 5 eval '[ "$(auto_rate)" -gt 1000000 ]'
sleep 1 # the estimates of both links under the transfer
auto0=$(auto_rate)
check_between "rate auto: A's WAN leg paces at the tunnel's capacity, bit/s" "$auto0" 15000000 45000000
we_ctl down l2 both
check_poll "rate auto: l2 cut both ways, the leg's rate drops below 85 % within 3 s" 3 \
	eval '[ "$(auto_rate)" -lt $((auto0 * 85 / 100)) ]'
auto_cut=$(auto_rate)
we_ctl up l2 both
check_poll "rate auto: l2 back, the rate rises above 115 % of the cut's within 8 s" 8 \
	eval '[ "$(auto_rate)" -gt $((auto_cut * 115 / 100)) ]'
lab_stop source5203
lab_stop sink5203
check_poll "l2 up both ways again" 5 eval '[ "$(state gwa l2)" = up/up ]'

# No drop of a cause that a clean run has no business with.
for c in auth replayed too_old far_ahead not_owner inner_bad inner_src handoff_full \
	stale_session crypto; do
	check_eq "A: drop_tunnel_$c" "$(tel /pepgw/counters "drop_tunnel_$c")" 0
	check_eq "the new B, in session: drop_tunnel_$c" \
		"$(E2E_GW=gwb2 tel_delta b2 /pepgw/counters "drop_tunnel_$c")" 0
done
e2e_finish
