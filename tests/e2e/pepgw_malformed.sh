#!/usr/bin/env bash
# Malformed packets through pepgw (issue 2), topology d of tests/lab:
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
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# An instrumented pepgw starts slower than the lab's default readiness bound.
LAB_READY_TIMEOUT=${LAB_READY_TIMEOUT:-60}
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
pepgwctl=$here/../../app/pepgwctl/pepgwctl
helper=$here/pepgw_malformed.py
py=/usr/bin/python3 # python3-scapy lives in Debian's python, not in a pyenv one
bin=${LAB_PEPGW:-$LAB_BUILD/app/pepgw/pepgw}

# The ASan registration runs only against a sanitized binary (exit 77 = skipped for meson).
if [ "${MAL_EXPECT_ASAN:-0}" = 1 ] && ! grep -q __asan_init "$bin" 2>/dev/null; then
	echo "SKIP: $bin is not built with -Db_sanitize=address,undefined"
	exit 77
fi
# DPDK's EAL keeps memory until exit on purpose: leak reports would only be noise. Everything
# else stops the process at the first report, so that a bad read cannot go unnoticed.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
SANITIZER_RE='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'
COUNT_TIMEOUT=10 # seconds for a counter or a capture to show what was sent


drops() { # the /pepgw/drops dictionary, as one JSON object
	"$pepgwctl" -f "$LAB_PREFIX-gw" raw /pepgw/drops |
		$py -c "import json,sys; print(json.dumps(json.load(sys.stdin)['/pepgw/drops']))"
}
# drops_delta BEFORE AFTER: the counters that changed, as "key=+N" sorted, space separated.
drops_delta() {
	$py -c '
import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(" ".join(f"{k}={a[k] - b.get(k, 0):+d}" for k in sorted(a) if a[k] != b.get(k, 0)))
' "$1" "$2"
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
gw_mac_lan() { # MAC of pepgw's LAN port, from /pepgw/ports
	"$pepgwctl" -f "$LAB_PREFIX-gw" raw /pepgw/ports | $py -c '
import json, sys
ports = json.load(sys.stdin)["/pepgw/ports"]
print(next(p["mac"] for p in ports.values() if p["role"] == "lan"))'
}

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgw_malformed.json.tpl" --cpu 1
client=$(lab_get CLIENT_IP)
server=$(lab_get SERVER_IP)
gw_ip=$(lab_get LAN_IP)
gw_mac=$(gw_mac_lan)
send_args=(--iface eth0 --gw-mac "$gw_mac" --src "$client" --dst "$server" --gw-ip "$gw_ip")
echo "pepgw LAN MAC $gw_mac; binary $bin"

# 1. Every class, one at a time. -------------------------------------------------------------
mapfile -t classes < <($py "$helper" list)
[ "${#classes[@]}" -gt 0 ] || fail "no classes from $helper list"
for line in "${classes[@]}"; do
	read -r cls expect count <<<"$line"
	if ! lab_running gw; then
		fail "pepgw died before class $cls; end of its log: $(tail -n 20 "$LAB_DIR/gw.log")"
		break
	fi
	if [ "$expect" != forwarded ]; then
		before=$(drops)
		sent=$(lab_exec client $py "$helper" send "$cls" "${send_args[@]}")
		[ "$sent" = "$count" ] || fail "$cls: helper sent '$sent' frames, expected $count"
		last_delta=
		if lab_poll "$COUNT_TIMEOUT" delta_is "$before" "$expect=+$count"; then
			pass "$cls: $count frames dropped, counted as drop_$expect and nothing else"
		else
			fail "$cls: drops changed by '${last_delta}', expected '$expect=+$count'"
		fi
		continue
	fi
	# Forwarded by design: all frames arrive at the server, intact, and nothing is dropped.
	before=$(drops)
	lab_capture_start "$cls" server eth0
	rx0=$(server_rx)
	sent=$(lab_exec client $py "$helper" send "$cls" "${send_args[@]}")
	[ "$sent" = "$count" ] || fail "$cls: helper sent '$sent' frames, expected $count"
	lab_poll "$COUNT_TIMEOUT" server_rx_reached $((rx0 + count)) ||
		echo "note: $cls: the server's eth0 did not count $count more frames" >&2
	lab_capture_stop "$cls"
	if out=$($py "$helper" check "$cls" "$(lab_capture_file "$cls")" --src "$client" \
		--dst "$server" 2>&1); then
		pass "$cls: $out"
	else
		fail "$cls: $out"
	fi
	delta=$(drops_delta "$before" "$(drops)")
	[ -z "$delta" ] || fail "$cls: forwarded class changed drop counters: $delta"
done

# 2. pepgw is alive and good traffic still flows. ------------------------------------------
if lab_running gw; then
	pass "pepgw still running after the malformed frames"
else
	fail "pepgw died; end of its log: $(tail -n 20 "$LAB_DIR/gw.log")"
fi
if lab_exec client ping -n -c 2 -i 0.2 -W 1 "$gw_ip" >/dev/null; then
	pass "ping pepgw's LAN address"
else
	fail "ping pepgw's LAN address"
fi
out=$(lab_exec client ping -n -c 3 -i 0.2 -W 1 "$server" || true)
if echo "$out" | grep -q " 3 received"; then
	pass "ping through pepgw"
else
	fail "ping through pepgw: $out"
fi
lab_bg server http $py -m http.server --bind "$server" 8080
lab_wait_listen server 8080
if body=$(lab_exec client curl -sf --max-time 10 "http://$server:8080/") &&
	echo "$body" | grep -q "Directory listing"; then
	pass "TCP connection through pepgw (HTTP GET answered)"
else
	fail "TCP connection through pepgw"
fi

# 3. SIGTERM: clean stop, exit 0, and no sanitizer report anywhere in its log. -------------
gw_pid=${LAB_PID[gw]}
if ! kill -TERM "$gw_pid" 2>/dev/null; then
	fail "SIGTERM: pepgw was no longer running"
elif lab_poll 30 eval "! lab_running gw"; then
	rc=0
	wait "$gw_pid" || rc=$?
	if [ "$rc" -eq 0 ] && lab_log_has gw "final counters:"; then
		pass "SIGTERM: pepgw exited 0 with its final counters"
	else
		fail "SIGTERM: exit $rc; end of log: $(tail -n 5 "$LAB_DIR/gw.log")"
	fi
else
	fail "SIGTERM: pepgw still running after 30 s"
fi
if lab_log_has gw "$SANITIZER_RE"; then
	fail "sanitizer report in pepgw's log ($LAB_DIR/gw.log):" \
		"$(grep -E -m 3 "$SANITIZER_RE" "$LAB_DIR/gw.log")"
elif grep -q __asan_init "$bin" 2>/dev/null; then
	pass "no ASan/UBSan report in pepgw's log"
fi

e2e_finish
