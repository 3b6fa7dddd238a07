#!/usr/bin/env bash
# time_wait_recycle (F5's Time Wait Recycle) with Linux peers, topology d of tests/lab:
#
#   client 10.10.0.2 ── lan0 [pepgw: LAN leg | relay | WAN leg] wan0 ── server 10.20.0.2
#
# The server (tcp_peers.py file-server) sends a file and closes first and the client reads to
# EOF, so pepgw's LAN leg closes toward the client first and waits in TIME-WAIT (20 s here).
# The client then fetches again from the same source port.
# Port 8080's client-side profile recycles: the new SYN ends the TIME-WAIT leg and is answered
# by a SYN-ACK at once. Port 8081's does not: the SYN meets the TIME-WAIT leg's challenge ACK
# (RFC 5961 4), the client resets it and gets through with its SYN retransmission. Both
# fetches are sha256-checked; the difference is read on the wire (tshark on the client).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw-timewait.json.tpl" --cpu 1
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)
head -c 100000 /dev/urandom >"$LAB_DIR/obj.bin"
want=$(sha256sum <"$LAB_DIR/obj.bin" | cut -d' ' -f1)
for port in 8080 8081; do
	lab_bg server "file$port" python3 "$here/tcp_peers.py" file-server "$server" "$port" \
		"$LAB_DIR/obj.bin"
	lab_wait_listen server "$port"
done

fetch() { # PORT LOCAL_PORT: sha256 of what the server sent, read to EOF from LOCAL_PORT
	lab_exec client python3 -c "
import hashlib, socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(20)
s.bind(('$client', $2))
s.connect(('$server', $1))
h = hashlib.sha256()
while True:
    b = s.recv(65536)
    if not b:
        break
    h.update(b)
s.close()
print(h.hexdigest())"
}
count() { # CAPTURE FILTER: packets matching
	lab_capture_read "$1" -Y "$2" -T fields -e frame.number | wc -l
}
lan_time_wait() { # PORT LOCAL_PORT: the LAN leg waits in TIME-WAIT, the WAN leg is gone
	local c="/pepgw/tcp_conn,$client:$2,$server:$1"
	[ "$(tel "$c" lan state 2>/dev/null)" = TIME_WAIT ] &&
		[ "$(tel "$c" wan state 2>/dev/null)" = CLOSED ]
}

for port in 8080 8081; do
	lport=$((port + 40000))
	lab_capture_start "c$port" client eth0 "tcp port $port"
	got1=$(fetch "$port" "$lport")
	# The LAN leg of the first connection now waits in TIME-WAIT (pepgw closed first).
	state=none
	lab_poll 5 lan_time_wait "$port" "$lport" && state=TIME_WAIT
	got2=$(fetch "$port" "$lport")
	lab_capture_stop "c$port"
	[ "$got1" = "$want" ] && [ "$got2" = "$want" ] ||
		fail "port $port: sha256 '$got1' / '$got2', expected $want"
	[ "$state" = TIME_WAIT ] && pass "port $port: after the first fetch pepgw's LAN leg is in TIME-WAIT, the WAN leg closed" ||
		fail "port $port: LAN leg state '$state' after the first fetch, expected TIME_WAIT"
	syns=$(count "c$port" "ip.src==$client && tcp.flags.syn==1 && tcp.flags.ack==0")
	rsts=$(count "c$port" "ip.src==$client && tcp.flags.reset==1")
	synacks=$(count "c$port" "ip.src==$server && tcp.flags.syn==1 && tcp.flags.ack==1")
	if [ "$port" = 8080 ]; then
		[ "$syns" -eq 2 ] && [ "$rsts" -eq 0 ] && [ "$synacks" -eq 2 ] &&
			pass "recycle: the second SYN from the same port is answered at once (2 SYNs, 2 SYN-ACKs, no RST)" ||
			fail "recycle: $syns SYNs, $synacks SYN-ACKs, $rsts RSTs from the client (want 2, 2, 0)"
	else
		[ "$syns" -ge 3 ] && [ "$rsts" -ge 1 ] && [ "$synacks" -eq 2 ] &&
			pass "no recycle: the second SYN meets TIME-WAIT's challenge ACK, RST and a retransmitted SYN ($syns SYNs, $rsts RSTs)" ||
			fail "no recycle: $syns SYNs, $synacks SYN-ACKs, $rsts RSTs from the client (want >= 3, 2, >= 1)"
	fi
done

e2e_finish
