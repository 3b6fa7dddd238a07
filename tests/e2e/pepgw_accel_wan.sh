#!/usr/bin/env bash
# Split TCP over an impaired WAN, topology (a) of tests/lab:
#
#   client 10.10.0.2 ── lan0 [pepgw: LAN leg | relay | WAN leg] wan1 ── wanem ── server 10.20.0.2
#
# wanem (pepgw-accel-wan-wanem.json.tpl), each direction: 10 ms delay, 1 % random loss, 1 %
# of the packets reordered (held 3 ms longer), 200 Mbit/s. pepgw (pepgw-accel-wan.json.tpl)
# splits TCP to 8080 and 7000-7010. Only the WAN leg is impaired; the LAN leg is a clean veth.
#
# 1. A 200 MB file over HTTP (python3 -m http.server + curl) arrives with the same sha256
#    (ACCEL_WAN_MB changes the size; through this path a download runs at 25-60 Mbit/s on the
#    2-core lab, the server's cubic against 1 % loss at 20 ms RTT, so 30-65 s).
# 2. Clients with SACK off, timestamps off, window scaling off (per-namespace sysctl) each
#    download a file with the right sha256, and the LAN leg honours the client's options on the
#    wire (tshark on the client side): pepgw's SYN-ACK carries only what the client offered, no
#    SACK blocks toward a SACK-off client, no timestamps toward a timestamps-off client, never
#    more than 64 KB in flight toward a client without window scaling. A default client is the
#    control (its SYN-ACK does carry all three, so the checks can fail).
# 3. Clients with cubic, bbr and reno (TCP_CONGESTION on the socket: a namespace may only make
#    a module its default if the root namespace's tcp_allowed_congestion_control lists it) each
#    upload a file through the split (pepgw's WAN leg sends it across the loss) and the server
#    reads exactly those bytes.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
pepgwctl=$here/../../app/pepgwctl/pepgwctl
peers=$here/tcp_peers.py
PY=/usr/bin/python3
mb=${ACCEL_WAN_MB:-200}

csysctl() { # KEY=VALUE...: sysctls of the client's namespace
	lab_exec client sysctl -qw "$@"
}

lab_init
lab_topo_single --pepgw "$here/pepgw-accel-wan.json.tpl" \
	--wanem "$here/pepgw-accel-wan-wanem.json.tpl" --pepgw-cpu 1 --wanem-cpu 0
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)

# 1. A large file across 1 % loss and reordering. ---------------------------------------------
head -c $((mb * 1000000)) /dev/urandom >"$LAB_DIR/big.bin"
head -c 4000000 /dev/urandom >"$LAB_DIR/small.bin"
want=$(sha256sum <"$LAB_DIR/big.bin" | cut -d' ' -f1)
want_small=$(sha256sum <"$LAB_DIR/small.bin" | cut -d' ' -f1)
lab_bg server http bash -c "cd '$LAB_DIR' && exec python3 -m http.server --bind $server 8080"
lab_wait_listen server 8080
start=$SECONDS
got=$(lab_exec client bash -c "curl -s --max-time 100 http://$server:8080/big.bin | sha256sum" |
	cut -d' ' -f1)
took=$((SECONDS - start))
if [ "$got" = "$want" ]; then
	pass "$mb MB over HTTP through the split, 1 % loss + reordering: sha256 identical ($took s)"
else
	fail "$mb MB over HTTP: sha256 '$got', expected $want ($took s)"
fi
lost=$(lab_exec - "$LAB_BUILD/app/wanem/wanemctl" --file-prefix "$LAB_PREFIX-wanem" stats wan |
	awk '{for (i = 3; i <= NF; i++) if ($i ~ /^(drop_loss|reordered)=/) s = s " " $2 ":" $i}
	END {print s}')
echo "   wanem:$lost"
[ "$(tel /pepgw/counters accel_flows)" -ge 1 ] && pass "the download was split (accel_flows)" ||
	fail "the download was not split"
[ "$(tel /pepgw/counters accel_fallback)" -eq 0 ] || fail "accel_fallback counted"

# 2. Clients without SACK, timestamps or window scaling. -------------------------------------
# client_dl NAME: download small.bin with a capture on the client's interface; checks the sha.
client_dl() {
	local name=$1 got
	lab_capture_start "$name" client eth0
	got=$(lab_exec client bash -c "curl -s --max-time 60 http://$server:8080/small.bin |
		sha256sum" | cut -d' ' -f1)
	lab_capture_stop "$name"
	if [ "$got" = "$want_small" ]; then
		pass "$name: 4 MB download, sha256 identical"
	else
		fail "$name: 4 MB download, sha256 '$got', expected $want_small"
	fi
}
# count NAME FILTER: frames of capture NAME matching a display filter.
count() {
	lab_capture_read "$1" -Y "$2" | wc -l
}
synack="ip.src==$server && tcp.flags.syn==1 && tcp.flags.ack==1"
to_client="ip.src==$server && ip.dst==$client"

client_dl default
n_sa=$(count default "$synack")
n_opt=$(count default "$synack && tcp.options.sack_perm && tcp.options.timestamp.tsval && \
tcp.options.wscale.shift")
if [ "$n_sa" -ge 1 ] && [ "$n_opt" -eq "$n_sa" ]; then
	pass "default client: pepgw's SYN-ACK offers SACK, timestamps and window scaling"
else
	fail "default client: $n_sa SYN-ACKs, $n_opt with SACK-permitted + timestamps + wscale"
fi

csysctl net.ipv4.tcp_sack=0
client_dl sack_off
csysctl net.ipv4.tcp_sack=1
n_syn=$(count sack_off "ip.src==$client && tcp.flags.syn==1 && tcp.options.sack_perm")
n_sa=$(count sack_off "$synack")
n_sap=$(count sack_off "$synack && tcp.options.sack_perm")
n_blk=$(count sack_off "$to_client && tcp.options.sack")
if [ "$n_syn" -eq 0 ] && [ "$n_sa" -ge 1 ] && [ "$n_sap" -eq 0 ] && [ "$n_blk" -eq 0 ]; then
	pass "SACK-off client: no SACK-permitted in the SYN-ACK, no SACK blocks toward it"
else
	fail "SACK-off client: client SYN with SACK-permitted $n_syn, SYN-ACKs $n_sa, with \
SACK-permitted $n_sap, segments with SACK blocks $n_blk"
fi

csysctl net.ipv4.tcp_timestamps=0
client_dl ts_off
csysctl net.ipv4.tcp_timestamps=1
n_all=$(count ts_off "$to_client")
n_ts=$(count ts_off "$to_client && tcp.options.timestamp.tsval")
n_cts=$(count ts_off "ip.src==$client && tcp.options.timestamp.tsval")
if [ "$n_all" -ge 100 ] && [ "$n_ts" -eq 0 ] && [ "$n_cts" -eq 0 ]; then
	pass "timestamps-off client: none of pepgw's $n_all segments toward it carries timestamps"
else
	fail "timestamps-off client: $n_ts of $n_all segments toward it carry timestamps \
(client sent $n_cts)"
fi

csysctl net.ipv4.tcp_window_scaling=0
client_dl ws_off
csysctl net.ipv4.tcp_window_scaling=1
n_sa=$(count ws_off "$synack")
n_ws=$(count ws_off "$synack && tcp.options.wscale.shift")
max_fl=$(lab_capture_read ws_off -Y "$to_client && tcp.len > 0" -T fields \
	-e tcp.analysis.bytes_in_flight | sort -n | tail -n 1)
if [ "$n_sa" -ge 1 ] && [ "$n_ws" -eq 0 ] && [ -n "$max_fl" ] && [ "$max_fl" -le 65535 ]; then
	pass "no-window-scaling client: SYN-ACK without wscale, at most $max_fl bytes in flight"
else
	fail "no-window-scaling client: SYN-ACKs $n_sa, with wscale $n_ws, max in flight \
'$max_fl' (client window is at most 65535 unscaled)"
fi

# 3. Client congestion controls: uploads through the split. ----------------------------------
lab_bg server sha /usr/bin/python3 "$peers" sha-server "$server" 7005
lab_wait_listen server 7005
avail=$(lab_exec client sysctl -n net.ipv4.tcp_available_congestion_control)
if ! [[ " $avail " == *" bbr "* ]]; then
	modprobe tcp_bbr 2>/dev/null || true
	avail=$(lab_exec client sysctl -n net.ipv4.tcp_available_congestion_control)
fi
for cc in cubic bbr reno; do
	if ! [[ " $avail " == *" $cc "* ]]; then
		echo "SKIP: $cc not available here ($avail)"
		continue
	fi
	start=$SECONDS
	rc=0
	out=$(lab_exec client $PY "$peers" sha-client "$server" 7005 "$LAB_DIR/small.bin" \
		"$cc") || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$cc client: 4 MB upload through the split, server read the same bytes \
($((SECONDS - start)) s, ${out##* with })"
	else
		fail "$cc client upload: $out"
	fi
done

echo "   /pepgw/tcp: $("$pepgwctl" -f "$LAB_PREFIX-gw" raw /pepgw/tcp)"
[ "$(tel /pepgw/tcp retransmits)" -gt 0 ] && pass "pepgw's WAN leg retransmitted across the loss" ||
	fail "no retransmits counted: was the loss applied?"

# 4. Clean stop. ------------------------------------------------------------------------------
gw_pid=${LAB_PID[gw]}
kill -TERM "$gw_pid"
rc=0
wait "$gw_pid" || rc=$?
[ "$rc" -eq 0 ] && pass "SIGTERM: pepgw exited 0" || fail "SIGTERM: exit $rc"

e2e_finish
