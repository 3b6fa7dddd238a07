#!/usr/bin/env bash
# Malformed packets through pepgw, topology d of tests/lab:
#
#   client 10.10.0.2 ── lan0 10.10.0.1 [pepgw] wan0 10.20.0.1 ── server 10.20.0.2
#
# The story: the client sends crafted frames with scapy (tests/e2e/pepgw_malformed.py, raw
# frames on eth0, one class at a time): truncated Ethernet/IP/L4 headers, foreign ethertypes,
# bad IP version, bad IHL, total length beyond the frame or below the header, bad header
# checksum, TCP data offset below 5 or past the segment, SYNs with option lengths 0/1/overrun,
# RFC 1858 tiny and overlapping fragments and the other fragment rules, ARP garbage.
#
# For every dropped class, /pepgw/drops must change by exactly "<reason> + the frames sent"
# and nothing else (polled until it does, with a timeout). Classes that pepgw forwards by
# design -- Ethernet padding (trimmed), IPv4 options, overlapping UDP fragments (no reassembly
# state on the forwarding path), malformed options on non-SYN segments -- must arrive at the
# server intact (checked on the server's capture). Afterwards ping and a TCP connection still
# go through, pepgw still runs, and SIGTERM stops it with exit 0.
#
# pepgw's LAN port is net_pcap on the LAN veth (tests/e2e/pepgw_malformed.json.tpl), not
# net_af_packet: DPDK 22.11's af_packet PMD joins a PACKET_FANOUT group with
# PACKET_FANOUT_FLAG_DEFRAG, so the kernel reassembles IPv4 fragments before the PMD sees them
# and silently eats malformed or incomplete ones -- the fragment classes would never reach
# pepgw. libpcap's socket sees every frame as it was on the wire.
#
# Under ASan+UBSan (suite e2e-asan, build-asan) any sanitizer report fails the test: pepgw runs
# with halt_on_error, so a report also kills it, and its log is searched for reports.
set -u
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
helper=$E2E_HERE/pepgw_malformed.py
e2e_asan_mode
COUNT_TIMEOUT=10 # seconds for a counter or a capture to show what was sent

drops() { # the /pepgw/drops dictionary, as one JSON object
	tel_jq /pepgw/drops 'tojson'
}
# drops_delta BEFORE AFTER: the counters that changed, as "key=+N" sorted, space separated.
drops_delta() {
	jq -rn --argjson b "$1" --argjson a "$2" '[$a | keys[] as $k | ($a[$k] - ($b[$k] // 0)) |
		select(. != 0) | "\($k)=\(if . > 0 then "+" else "" end)\(.)"] | join(" ")'
}
# delta_is BEFORE EXPECTED: true when the drops changed by exactly EXPECTED since BEFORE.
delta_is() {
	local now
	now=$(drops) || return 1
	last_delta=$(drops_delta "$1" "$now")
	[ "$last_delta" = "$2" ]
}
server_rx() {
	lab_exec server cat /sys/class/net/eth0/statistics/rx_packets
}
server_rx_reached() {
	[ "$(server_rx)" -ge "$1" ]
}

lab_init
lab_topo_gw --gw pepgw --config "$E2E_HERE/pepgw_malformed.json.tpl" --cpu 1
client=$(lab_get CLIENT_IP)
server=$(lab_get SERVER_IP)
gw_ip=$(lab_get LAN_IP)
gw_mac=$(tel_jq /pepgw/ports '.[] | select(.role == "lan") | .mac')
send_args=(--iface eth0 --gw-mac "$gw_mac" --src "$client" --dst "$server" --gw-ip "$gw_ip")
echo "pepgw LAN MAC $gw_mac; binary $E2E_PEPGW"

# 1. Every class, one at a time. -------------------------------------------------------------
mapfile -t classes < <("$E2E_PY" "$helper" list)
check_gt "classes listed by $(basename "$helper")" "${#classes[@]}" 0
for line in "${classes[@]}"; do
	read -r cls expect count <<<"$line"
	if ! lab_running gw; then
		fail "pepgw died before class $cls; end of its log: $(tail -n 20 "$LAB_DIR/gw.log")"
		break
	fi
	before=$(drops)
	if [ "$expect" != forwarded ]; then
		sent=$(pyrun client "$helper" send "$cls" "${send_args[@]}")
		check_eq "$cls: frames the helper sent" "$sent" "$count"
		last_delta=
		lab_poll "$COUNT_TIMEOUT" delta_is "$before" "$expect=+$count" || true
		check_eq "$cls: $count frames dropped, counted as drop_$expect and nothing else \
(/pepgw/drops delta)" "$last_delta" "$expect=+$count"
		continue
	fi
	# Forwarded by design: all frames arrive at the server, intact, and nothing is dropped.
	lab_capture_start "$cls" server eth0
	rx0=$(server_rx)
	sent=$(pyrun client "$helper" send "$cls" "${send_args[@]}")
	check_eq "$cls: frames the helper sent" "$sent" "$count"
	lab_poll "$COUNT_TIMEOUT" server_rx_reached $((rx0 + count)) ||
		echo "note: $cls: the server's eth0 did not count $count more frames" >&2
	lab_capture_stop "$cls"
	rc=0
	out=$("$E2E_PY" "$helper" check "$cls" "$(lab_capture_file "$cls")" --src "$client" \
		--dst "$server" 2>&1) || rc=$?
	check_eq "$cls: $out (helper check)" "$rc" 0
	check_eq "$cls: a forwarded class changes no drop counter" \
		"$(drops_delta "$before" "$(drops)")" ""
done

# 2. pepgw is alive and good traffic still flows. ------------------------------------------
check "pepgw still running after the malformed frames" lab_running gw
check "ping pepgw's LAN address" ping_ok client "$gw_ip"
check_match "ping through pepgw: 3 of 3 answered" \
	"$(lab_exec client ping -n -c 3 -i 0.2 -W 1 "$server" || true)" " 3 received"
http_serve server http "$server" 8080
check_match "TCP connection through pepgw (HTTP GET answered)" \
	"$(lab_exec client curl -sf --max-time 10 "http://$server:8080/" || true)" \
	"Directory listing"

# 3. SIGTERM: clean stop, exit 0, and no sanitizer report anywhere in its log. -------------
check_sigterm gw "final counters:"
check_no_sanitizer gw

e2e_finish
