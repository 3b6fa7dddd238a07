#!/usr/bin/env bash
# Split TCP whose two legs leave through ports of different MTU (topology d, tests/lab):
#
#   client 10.10.0.2 ── lan0 (MTU 1500) [pepgw: LAN leg | WAN leg] wan0 (MTU 1400) ── server
#
# Each leg takes its MTU and MSS from its own egress (tests/e2e/pepgw-split-mss.json.tpl):
# the LAN leg from lan0 and the rule's mss, the WAN leg from wan0. Port 7000 (mss auto): the
# client's SYN-ACK carries MSS 1460 (1500 - 40), the server sees the WAN leg's SYN with MSS
# 1360 (1400 - 40). Port 7001 (mss 1200): the client's SYN-ACK carries 1200 and no segment
# toward the client is larger, while the server still sees 1360. A 2 MB download on each
# arrives byte-identical; tshark on both ends shows the segment sizes of each leg.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw-split-mss.json.tpl" --cpu 1
# The WAN link has one MTU at both ends, as a real link does.
lab_exec server ip link set eth0 mtu 1400
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)

head -c 2000000 /dev/urandom >"$LAB_DIR/file.bin"
want=$(sha256sum <"$LAB_DIR/file.bin" | cut -d' ' -f1)
for port in 7000 7001; do
	lab_bg server "http$port" bash -c \
		"cd '$LAB_DIR' && exec python3 -m http.server --bind $server $port"
	lab_wait_listen server "$port"
done

# download PORT: fetch file.bin through the split with captures on both ends (c$PORT and
# s$PORT); checks the sha256.
download() {
	local port=$1 got
	lab_capture_start "c$port" client eth0 "tcp port $port"
	lab_capture_start "s$port" server eth0 "tcp port $port"
	got=$(lab_exec client bash -c "curl -s --max-time 30 http://$server:$port/file.bin |
		sha256sum" | cut -d' ' -f1)
	lab_capture_stop "c$port"
	lab_capture_stop "s$port"
	if [ "$got" = "$want" ]; then
		pass "port $port: 2 MB through the split, sha256 identical"
	else
		fail "port $port: sha256 '$got', expected $want"
	fi
}
# syn_mss NAME FILTER: the MSS option of the first SYN matching FILTER in capture NAME.
syn_mss() {
	lab_capture_read "$1" -Y "$2" -T fields -e tcp.options.mss_val | head -n 1
}
# max_len NAME FILTER: the largest TCP payload among the segments matching FILTER.
max_len() {
	lab_capture_read "$1" -Y "$2 && tcp.len > 0" -T fields -e tcp.len | sort -n | tail -n 1
}
synack="tcp.flags.syn==1 && tcp.flags.ack==1"
syn="tcp.flags.syn==1 && tcp.flags.ack==0"

# 1. mss auto: each leg announces its own egress's MSS. ---------------------------------------
download 7000
lan_mss=$(syn_mss c7000 "$synack && ip.src==$server")
wan_mss=$(syn_mss s7000 "$syn && ip.src==$client")
if [ "$lan_mss" = 1460 ] && [ "$wan_mss" = 1360 ]; then
	pass "mss auto: the client's SYN-ACK carries 1460 (LAN 1500), the server's SYN 1360 (WAN 1400)"
else
	fail "mss auto: client's SYN-ACK MSS '$lan_mss' (want 1460), server's SYN MSS '$wan_mss' (want 1360)"
fi
# Timestamps take 12 bytes of each segment: 1448 toward the client, 1348 from the server.
to_client=$(max_len c7000 "ip.src==$server")
from_server=$(max_len s7000 "ip.src==$server")
if [ "${to_client:-0}" -eq 1448 ] && [ -n "$from_server" ] && [ "$from_server" -le 1348 ]; then
	pass "mss auto: segments of up to $to_client bytes toward the client, $from_server from the server"
else
	fail "mss auto: largest segment toward the client '$to_client' (want 1448), from the server '$from_server' (want <= 1348)"
fi

# 2. A fixed mss is the LAN leg's: the client is told 1200, the server still 1360. -----------
download 7001
lan_mss=$(syn_mss c7001 "$synack && ip.src==$server")
wan_mss=$(syn_mss s7001 "$syn && ip.src==$client")
if [ "$lan_mss" = 1200 ] && [ "$wan_mss" = 1360 ]; then
	pass "mss 1200: the client's SYN-ACK carries 1200, the server's SYN 1360 (its egress)"
else
	fail "mss 1200: client's SYN-ACK MSS '$lan_mss' (want 1200), server's SYN MSS '$wan_mss' (want 1360)"
fi
to_client=$(max_len c7001 "ip.src==$server")
if [ "${to_client:-0}" -eq 1188 ]; then
	pass "mss 1200: no segment toward the client above 1188 bytes (1200 less timestamps)"
else
	fail "mss 1200: largest segment toward the client '$to_client', want 1188"
fi
[ "$(tel /pepgw/counters accel_flows)" -ge 2 ] && pass "both downloads were split" ||
	fail "accel_flows below 2: a download was not split"

e2e_finish
