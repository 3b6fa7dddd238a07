#!/usr/bin/env bash
# pepgwctl against a running gateway (topology d of tests/lab):
#
#   client 10.10.0.2 ── lan0 10.10.0.1 [pepgw] wan0 10.20.0.1 ── server 10.20.0.2
#
# Rules (tests/e2e/pepgwctl.json.tpl): UDP port 9998 dropped, TCP port 7100 split, the rest
# forwarded. The story: every view (tables and --json) and the Prometheus metrics report what
# the traffic sent must have produced — 5 pings of the gateway are 5 more echo replies, 7
# datagrams to the drop rule are 7 rule drops, 100000 bytes from a split client are 100000
# bytes received on the LAN leg and acknowledged on the WAN leg, the busiest connection heads
# `watch`; the tunnel views say there is no tunnel; bad requests get clear errors; with a second
# gateway running, pepgwctl without -f lists both instead of guessing.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
ctl=${PEPGWCTL:-$LAB_BUILD/app/pepgwctl/pepgwctl}
peers=$here/pepgwctl_peers.py
py=/usr/bin/python3 # python3-prometheus-client lives in Debian's python, not in a pyenv one

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgwctl.json.tpl" --cpu 1
client=$(lab_get CLIENT_IP)
server=$(lab_get SERVER_IP)
lan_ip=$(lab_get LAN_IP)
gwp=$LAB_PREFIX-gw
c() { "$ctl" -f "$gwp" "$@"; }
# counter KEY: one value of `show counters --json`; meaning KEY: its help text, from the gateway.
counter() { c --json show counters | jq -r ".$1"; }
meaning() { c raw /pepgw/counter_help,counters | jq -r ".\"/pepgw/counter_help\".$1.help"; }

# 1. What runs: show info, list. --------------------------------------------------------------
version=$("$LAB_BUILD/app/pepgw/pepgw" --version | cut -d' ' -f2)
info=$(c --json show info)
if [ "$(jq -r '[.version, .config, .pid, .workers] | join(" ")' <<<"$info")" = \
	"$version $LAB_DIR/gw.json ${LAB_PID[gw]} 1" ]; then
	pass "show info: version $version, config, pid ${LAB_PID[gw]}, 1 worker"
else
	fail "show info: $info (expected version $version, $LAB_DIR/gw.json, pid ${LAB_PID[gw]})"
fi
if "$ctl" list | grep -Eq "^$gwp +${LAB_PID[gw]} +pepgw +yes$"; then
	pass "list: $gwp, its pid, pepgw"
else
	fail "list: $("$ctl" list)"
fi

# 2. Counters: 5 pings of the gateway are exactly 5 more ICMP echo replies. ------------------
before=$(counter icmp_echo_replies)
lab_exec client ping -n -c 5 -i 0.2 -W 1 "$lan_ip" >/dev/null || fail "ping the gateway"
after=$(counter icmp_echo_replies)
if [ $((after - before)) -eq 5 ]; then
	pass "5 pings of the gateway: icmp_echo_replies $before -> $after"
else
	fail "5 pings of the gateway: icmp_echo_replies $before -> $after"
fi
row=$(c show counters | grep -E '^icmp_echo_replies ')
if [ "$(awk '{print $2}' <<<"$row")" = "$after" ] && [ -n "$(meaning icmp_echo_replies)" ] &&
	[[ $row == *"  $(meaning icmp_echo_replies)" ]]; then
	pass "show counters: '$row' (value and meaning from the gateway)"
else
	fail "show counters row: '$row', expected $after and its meaning"
fi

# 3. Drops and rules: 7 datagrams to UDP 9998 are 7 drops of reason rule, 7 packets of the rule.
d0=$(c --json show drops | jq .rule)
lab_exec client $py -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(7):
    s.sendto(b'dropped', ('$server', 9998))"
rule_drops_are() { [ "$(c --json show drops | jq .rule)" -eq "$1" ]; }
if lab_poll 5 rule_drops_are $((d0 + 7)); then
	pass "7 datagrams to the drop rule: drops.rule $d0 -> $((d0 + 7))"
else
	fail "drops.rule $(c --json show drops | jq .rule), expected $((d0 + 7))"
fi
drops_json=$(c --json show drops)
drops_txt=$(c show drops)
if [ "$(awk '$1 == "rule" {print $2}' <<<"$drops_txt")" = "$(jq .rule <<<"$drops_json")" ] &&
	grep -qE "^rule +[0-9]+  $(meaning drop_rule)\$" <<<"$drops_txt" &&
	[ "$(awk '$1 == "total" {print $2}' <<<"$drops_txt")" = "$(jq '[.[]] | add' <<<"$drops_json")" ]; then
	pass "show drops: the rule row with its meaning and the total match --json"
else
	fail "show drops: $drops_txt / $drops_json"
fi
if [ "$(c --json show rules | jq '.no_udp_9998.packets')" = 7 ] &&
	c show rules | grep -Eq '^ *0 +no-udp-9998 +drop +7 '; then
	pass "show rules: no-udp-9998 matched 7 packets (table and --json)"
else
	fail "show rules: $(c show rules)"
fi

# 4. Ports. ----------------------------------------------------------------------------------
ports=$(c --json show ports)
if [ "$(jq -r '[.lan0.role, .lan0.ipv4, .lan0.prefix_len, .wan0.role, .wan0.ipv4] | join(" ")' \
	<<<"$ports")" = "lan 10.10.0.1 24 wan 10.20.0.1" ] &&
	[ "$(jq .lan0.ipackets <<<"$ports")" -ge 12 ] &&
	c show ports | grep -Eq '^lan0 +lan +10\.10\.0\.1/24 +1500 +up'; then
	pass "show ports: lan0/wan0 roles and addresses, lan0 received >= the 12 packets sent"
else
	fail "show ports: $ports"
fi

# 5. Split TCP: both legs of one connection, like ss -ti. ------------------------------------
lab_bg server sink $py "$peers" sink-server "$server" 7100
lab_wait_listen server 7100
lab_bg client hold $py "$peers" hold-client "$server" 7100 40100 100000
lab_wait_log hold "sent 100000"
conn=("$client:40100" "$server:7100")
legs() { c --json show conn "${conn[@]}" | jq -r '[.lan.state, .wan.state,
	.lan.bytes_received, .wan.bytes_acked] | join(" ")'; }
legs_are() { [ "$(legs)" = "$1" ]; }
if lab_poll 10 legs_are "ESTABLISHED ESTABLISHED 100000 100000"; then
	pass "show conn --json: both legs ESTABLISHED, LAN leg received 100000, WAN leg acked 100000"
else
	fail "show conn --json: $(legs)"
fi
conn_txt=$(c show conn "${conn[@]}")
if [ "$(awk '$1 == "state" {print $2, $3}' <<<"$conn_txt")" = "ESTABLISHED ESTABLISHED" ] &&
	[ "$(awk '$1 == "bytes_received" {print $2}' <<<"$conn_txt")" = 100000 ] &&
	[ "$(awk '$1 == "bytes_acked" {print $3}' <<<"$conn_txt")" = 100000 ]; then
	pass "show conn: LAN and WAN columns side by side"
else
	fail "show conn: $conn_txt"
fi
tcp=$(c --json show tcp)
if [ "$(jq .pairs_in_use <<<"$tcp")" = 1 ] &&
	[ "$(jq -r '.connections[0] | [.client, .server] | join(" ")' <<<"$tcp")" = "${conn[*]}" ] &&
	c show tcp | grep -Eq "^split pairs in use 1 of " &&
	c show tcp | grep -Eq "^$client:40100 +$server:7100 +ESTABLISHED +ESTABLISHED "; then
	pass "show tcp: 1 pair in use, the connection listed with both states"
else
	fail "show tcp: $(c show tcp)"
fi

# 6. Metrics, parsed by python3-prometheus-client, against --json read around them. ---------
c --json show counters >"$LAB_DIR/c0.json"
c --json show ports >"$LAB_DIR/p0.json"
c metrics >"$LAB_DIR/metrics.txt"
c --json show ports >"$LAB_DIR/p1.json"
if $py "$here/pepgwctl_metrics.py" "$LAB_DIR/metrics.txt" >"$LAB_DIR/samples.txt"; then
	pass "metrics: $(grep -c '^# TYPE' "$LAB_DIR/metrics.txt") families parse, each with HELP and TYPE"
else
	fail "metrics do not parse: $(head -n 5 "$LAB_DIR/samples.txt")"
fi
sample() { awk -v k="$1" '$1 == k {print $2}' "$LAB_DIR/samples.txt"; }
[ "$(sample 'pepgw_icmp_echo_replies_total{}')" = "$after" ] &&
	pass "pepgw_icmp_echo_replies_total = $after" ||
	fail "pepgw_icmp_echo_replies_total = $(sample 'pepgw_icmp_echo_replies_total{}'), expected $after"
[ "$(sample 'pepgw_drops_total{reason=rule}')" = "$(jq .rule <<<"$drops_json")" ] &&
	[ "$(sample 'pepgw_rule_packets_total{action=drop,rule=no-udp-9998}')" = 7 ] &&
	[ "$(sample 'pepgw_tcp_pairs_in_use{}')" = 1 ] &&
	pass "pepgw_drops_total{reason=rule}, pepgw_rule_packets_total (7), pepgw_tcp_pairs_in_use (1)" ||
	fail "drop/rule/tcp samples: $(grep -E 'reason=rule|no-udp|pairs_in_use' "$LAB_DIR/samples.txt")"
rx=$(sample 'pepgw_port_rx_packets_total{port=lan0}')
if [ -n "$rx" ] && [ "$rx" -ge "$(jq .lan0.ipackets "$LAB_DIR/p0.json")" ] &&
	[ "$rx" -le "$(jq .lan0.ipackets "$LAB_DIR/p1.json")" ]; then
	pass "pepgw_port_rx_packets_total{port=lan0} = $rx, between the reads before and after"
else
	fail "pepgw_port_rx_packets_total{port=lan0} = '$rx'"
fi
missing=
for k in $(jq -r 'keys[] | select(startswith("drop_") | not)' "$LAB_DIR/c0.json"); do
	[ -n "$(sample "pepgw_${k}_total{}")" ] || missing+=" $k"
done
for r in $(c --json show drops | jq -r 'keys[]'); do
	[ -n "$(sample "pepgw_drops_total{reason=$r}")" ] || missing+=" drop:$r"
done
[ -z "$missing" ] && pass "every counter of the gateway is a metric (names read at run time)" ||
	fail "counters without a metric:$missing"
help=$(meaning icmp_echo_replies)
grep -qxF "# HELP pepgw_icmp_echo_replies_total $help" "$LAB_DIR/metrics.txt" &&
	pass "HELP of pepgw_icmp_echo_replies_total is the counter's help text ('$help')" ||
	fail "HELP of pepgw_icmp_echo_replies_total: $(grep 'HELP pepgw_icmp_echo' "$LAB_DIR/metrics.txt")"
# Over HTTP.
port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
lab_bg - metrics_http "$ctl" -f "$gwp" metrics --listen "127.0.0.1:$port"
if lab_poll 10 curl -sf -o "$LAB_DIR/http.txt" "http://127.0.0.1:$port/metrics" &&
	$py "$here/pepgwctl_metrics.py" "$LAB_DIR/http.txt" >"$LAB_DIR/http_samples.txt" &&
	grep -qxF "pepgw_icmp_echo_replies_total{} $after" "$LAB_DIR/http_samples.txt"; then
	pass "metrics --listen: http://127.0.0.1:$port/metrics parses, echo replies $after"
else
	fail "metrics --listen: $(head -c 300 "$LAB_DIR/http.txt" 2>/dev/null)"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/other")
[ "$code" = 404 ] && pass "metrics --listen: other paths 404" || fail "GET /other: $code"
lab_stop metrics_http

# 7. watch: the busiest connection first; lcores and flows while two connections are open. ---
lab_bg client stream $py "$peers" stream-client "$server" 7100 40200 8
pairs_are() { [ "$(c --json show tcp | jq .pairs_in_use)" -eq "$1" ]; }
lab_poll 10 pairs_are 2 ||
	fail "the streaming connection did not show up"
frames=$(c --json watch --count 2 --interval 1 --top 5)
if [ "$(wc -l <<<"$frames")" = 2 ] &&
	[ "$(tail -n 1 <<<"$frames" | jq -r '.connections[0].client')" = "$client:40200" ] &&
	[ "$(tail -n 1 <<<"$frames" | jq '.connections[0].mbps > 0')" = true ] &&
	[ "$(tail -n 1 <<<"$frames" | jq ".connections[] | select(.client == \"$client:40100\") | .mbps")" = 0 ]; then
	pass "watch --json --count 2: 2 frames, the streaming connection first ($(tail -n 1 <<<"$frames" |
		jq '.connections[0].mbps | floor') Mbit/s), the idle one at 0"
else
	fail "watch --json: $frames"
fi
text=$(c watch --count 2 --interval 0.5)
if [ "$(grep -c "^pepgw $gwp " <<<"$text")" = 2 ] &&
	[ "$(grep -E "^$client:[0-9]+ " <<<"$text" | tail -n 2 | head -n 1 | cut -d' ' -f1)" = "$client:40200" ]; then
	pass "watch: 2 frames, the streaming connection on top of the last"
else
	fail "watch: $text"
fi
lcores=$(c --json show lcores)
if [ "$(jq -r 'length, ."0".lcore_id, ."0".tcp_pairs_in_use' <<<"$lcores" | tr '\n' ' ')" = "1 1 2 " ]; then
	pass "show lcores: one worker on lcore 1 with 2 split pairs"
else
	fail "show lcores: $lcores"
fi
flows=$(c --json show flows)
if [ "$(jq .active <<<"$flows")" -ge 2 ] &&
	[ "$(c show flows | awk '$1 == "capacity" {print $2}')" = "$(jq .capacity <<<"$flows")" ]; then
	pass "show flows: $(jq .active <<<"$flows") active of $(jq .capacity <<<"$flows")"
else
	fail "show flows: $flows"
fi

# 8. The tunnel's views on a gateway without a tunnel. --------------------------------------
for v in links peers; do
	rc=0
	out=$(c show "$v") || rc=$?
	if [ $rc -eq 0 ] && [ "$out" = "no tunnel configured" ] &&
		[ "$(c --json show "$v" | jq .available)" = false ]; then
		pass "show $v: no tunnel configured"
	else
		fail "show $v: exit $rc, '$out'"
	fi
done

# 9. Bad requests: a clear message and the documented exit status. ---------------------------
expect_error() { # STATUS PATTERN WHAT CMD...
	local status=$1 pattern=$2 what=$3 out rc=0
	shift 3
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	if [ $rc -eq "$status" ] && grep -q -- "$pattern" <<<"$out"; then
		pass "$what: exit $rc, '$out'"
	else
		fail "$what: exit $rc, '$out' (expected $status, /$pattern/)"
	fi
}
expect_error 1 "no split connection" "show conn of no connection" \
	c show conn "$client:40999" "$server:7100"
expect_error 2 "is not an endpoint" "show conn with a bad endpoint" \
	c show conn "$client" "$server:7100"
expect_error 2 "no DPDK process with --file-prefix $LAB_PREFIX-none" "an unknown prefix" \
	"$ctl" -f "$LAB_PREFIX-none" show counters
expect_error 2 "unknown view" "an unknown view" c show nonsense
mkdir "$LAB_DIR/empty-runtime"
expect_error 2 "no running pepgw found" "no gateway running (an empty runtime directory), no -f" \
	env RUNTIME_DIRECTORY="$LAB_DIR/empty-runtime" "$ctl" show counters

# 10. Two gateways: without -f pepgwctl names both instead of choosing. ---------------------
lab_link_root G2A G2B
lab_pepgw gw2 1 "$here/pepgwctl-second.json.tpl"
rc=0
out=$("$ctl" show info 2>&1) || rc=$?
if [ $rc -eq 2 ] && grep -qF -- "-f $gwp " <<<"$out" && grep -qF -- "-f $LAB_PREFIX-gw2 " <<<"$out"; then
	pass "two gateways, no -f: exit 2 listing -f $gwp and -f $LAB_PREFIX-gw2"
else
	fail "two gateways, no -f: exit $rc, $out"
fi
if [ "$("$ctl" -f "$LAB_PREFIX-gw2" --json show info | jq -r .config)" = "$LAB_DIR/gw2.json" ] &&
	[ "$(c --json show info | jq -r .config)" = "$LAB_DIR/gw.json" ]; then
	pass "-f picks each gateway"
else
	fail "-f: $("$ctl" -f "$LAB_PREFIX-gw2" show info)"
fi
lab_stop gw2
others=$("$ctl" --json list | jq -r '.[] | select(.pepgw) | .file_prefix' | grep -vx "$gwp" || true)
if [ -n "$others" ]; then
	echo "note: other pepgw instances run on this host ($others): the default is not checked"
elif [ "$("$ctl" --json show info | jq -r .file_prefix)" = "$gwp" ]; then
	pass "one gateway left: found without -f"
else
	fail "one gateway left, no -f: $("$ctl" show info 2>&1)"
fi

e2e_finish
