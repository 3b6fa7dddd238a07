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
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
mb=${ACCEL_WAN_MB:-200}

csysctl() { # KEY=VALUE...: sysctls of the client's namespace
	lab_exec client sysctl -qw "$@"
}

lab_init
lab_topo_single --pepgw "$E2E_HERE/pepgw-accel-wan.json.tpl" \
	--wanem "$E2E_HERE/pepgw-accel-wan-wanem.json.tpl" --pepgw-cpu 1 --wanem-cpu 0
server=$(lab_get SERVER_IP)
client=$(lab_get CLIENT_IP)

# 1. A large file across 1 % loss and reordering. ---------------------------------------------
want=$(random_file "$LAB_DIR/big.bin" $((mb * 1000000)))
want_small=$(random_file "$LAB_DIR/small.bin" 4000000)
http_serve server http "$server" 8080
start=$SECONDS
got=$(fetch_sha client "http://$server:8080/big.bin" 100)
check_eq "$mb MB over HTTP through the split, 1 % loss + reordering: sha256 identical \
($((SECONDS - start)) s)" "$got" "$want"
for d in a2b b2a; do
	echo "   wanem $d: drop_loss reordered $(we_vals wan "$d" drop_loss reordered)"
done
check_ge "the download was split (accel_flows)" "$(tel /pepgw/counters accel_flows)" 1
fb=0
for k in accel_fallback_engine_full accel_stray_rst accel_fallback_no_entry \
	accel_fallback_fragment; do fb=$((fb + $(tel /pepgw/counters $k))); done
check_eq "no accelerated flow fell back (accel_fallback_*)" "$fb" 0

# 2. Clients without SACK, timestamps or window scaling. -------------------------------------
# client_dl NAME: download small.bin with a capture on the client's interface; checks the sha.
client_dl() {
	lab_capture_start "$1" client eth0
	got=$(fetch_sha client "http://$server:8080/small.bin" 60)
	lab_capture_stop "$1"
	check_eq "$1: 4 MB download, sha256 identical" "$got" "$want_small"
}
synack="ip.src==$server && tcp.flags.syn==1 && tcp.flags.ack==1"
to_client="ip.src==$server && ip.dst==$client"

client_dl default
n_sa=$(capture_count default "$synack")
check_ge "default client: pepgw answered with a SYN-ACK" "$n_sa" 1
check_eq "default client: every SYN-ACK offers SACK, timestamps and window scaling" \
	"$(capture_count default "$synack && tcp.options.sack_perm && \
tcp.options.timestamp.tsval && tcp.options.wscale.shift")" "$n_sa"

csysctl net.ipv4.tcp_sack=0
client_dl sack_off
csysctl net.ipv4.tcp_sack=1
check_eq "SACK-off client: its SYNs carry no SACK-permitted" \
	"$(capture_count sack_off "ip.src==$client && tcp.flags.syn==1 && tcp.options.sack_perm")" 0
check_ge "SACK-off client: pepgw answered with a SYN-ACK" "$(capture_count sack_off "$synack")" 1
check_eq "SACK-off client: no SACK-permitted in the SYN-ACK" \
	"$(capture_count sack_off "$synack && tcp.options.sack_perm")" 0
check_eq "SACK-off client: no SACK blocks toward it" \
	"$(capture_count sack_off "$to_client && tcp.options.sack")" 0

csysctl net.ipv4.tcp_timestamps=0
client_dl ts_off
csysctl net.ipv4.tcp_timestamps=1
check_ge "timestamps-off client: segments toward it" "$(capture_count ts_off "$to_client")" 100
check_eq "timestamps-off client: none of pepgw's segments toward it carries timestamps" \
	"$(capture_count ts_off "$to_client && tcp.options.timestamp.tsval")" 0
check_eq "timestamps-off client: it sent no timestamps" \
	"$(capture_count ts_off "ip.src==$client && tcp.options.timestamp.tsval")" 0

csysctl net.ipv4.tcp_window_scaling=0
client_dl ws_off
csysctl net.ipv4.tcp_window_scaling=1
check_ge "no-window-scaling client: pepgw answered with a SYN-ACK" \
	"$(capture_count ws_off "$synack")" 1
check_eq "no-window-scaling client: SYN-ACK without wscale" \
	"$(capture_count ws_off "$synack && tcp.options.wscale.shift")" 0
check_le "no-window-scaling client: bytes in flight toward it at most 65535 (its unscaled \
window)" "$(lab_capture_read ws_off -Y "$to_client && tcp.len > 0" -T fields \
	-e tcp.analysis.bytes_in_flight | sort -n | tail -n 1)" 65535

# 3. Client congestion controls: uploads through the split. ----------------------------------
peers_serve server sha sha-server "$server" 7005
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
	check "$cc client: 4 MB upload through the split, the server read the same bytes" \
		peers client sha-client "$server" 7005 "$LAB_DIR/small.bin" "$cc"
	echo "   $cc upload: $((SECONDS - start)) s"
done

echo "   /pepgw/tcp: $(tel_query /pepgw/tcp)"
check_gt "pepgw's WAN leg retransmitted across the loss" "$(tel /pepgw/tcp retransmits)" 0

# 4. Clean stop. ------------------------------------------------------------------------------
check_sigterm gw "final counters:"

e2e_finish
