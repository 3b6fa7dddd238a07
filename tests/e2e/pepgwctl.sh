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
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
ctl=$E2E_PEPGWCTL
peers=$here/pepgwctl_peers.py
py=$E2E_PY # python3-prometheus-client lives in Debian's python, not in a pyenv one

lab_init
lab_topo_gw --gw pepgw --config "$here/pepgwctl.json.tpl" --cpu 1
client=$(lab_get CLIENT_IP)
server=$(lab_get SERVER_IP)
lan_ip=$(lab_get LAN_IP)
gwp=$LAB_PREFIX-gw
c() { gwctl "$@"; }
# counter KEY: one value of `show counters --json`; meaning KEY: its help text, from the gateway.
counter() { c --json show counters | jq -r ".$1"; }
meaning() { c raw /pepgw/counter_help,counters | jq -r ".\"/pepgw/counter_help\".$1.help"; }

# 1. What runs: show info, list. --------------------------------------------------------------
version=$("$LAB_BUILD/app/pepgw/pepgw" --version | cut -d' ' -f2)
check_eq "show info: version $version, config, pid ${LAB_PID[gw]}, 1 worker" \
	"$(c --json show info | jq -r '[.version, .config, .pid, .workers] | join(" ")')" \
	"$version $LAB_DIR/gw.json ${LAB_PID[gw]} 1"
check_match "list: $gwp, its pid, pepgw" "$("$ctl" list)" "^$gwp +${LAB_PID[gw]} +pepgw +yes$"

# 2. Counters: 5 pings of the gateway are exactly 5 more ICMP echo replies. ------------------
before=$(counter icmp_echo_replies)
lab_exec client ping -n -c 5 -i 0.2 -W 1 "$lan_ip" >/dev/null || fail "ping the gateway"
after=$(counter icmp_echo_replies)
check_eq "5 pings of the gateway: icmp_echo_replies $before -> $after" "$((after - before))" 5
row=$(c show counters | grep -E '^icmp_echo_replies ')
echo "   show counters: '$row'"
help=$(meaning icmp_echo_replies)
check_ne "the gateway gives icmp_echo_replies a meaning" "$help" ""
check_eq "show counters: the row's value" "$(awk '{print $2}' <<<"$row")" "$after"
check_eq "show counters: the row ends with the meaning" "${row: -$((${#help} + 2))}" "  $help"

# 3. Drops and rules: 7 datagrams to UDP 9998 are 7 drops of reason rule, 7 packets of the rule.
d0=$(c --json show drops | jq .rule)
lab_exec client $py -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(7):
    s.sendto(b'dropped', ('$server', 9998))"
rule_drops_are() { [ "$(c --json show drops | jq .rule)" -eq "$1" ]; }
check_poll "7 datagrams to the drop rule: drops.rule $d0 -> $((d0 + 7))" 5 rule_drops_are $((d0 + 7))
drops_json=$(c --json show drops)
drops_txt=$(c show drops)
check_eq "show drops: the rule row is --json's" \
	"$(awk '$1 == "rule" {print $2}' <<<"$drops_txt")" "$(jq .rule <<<"$drops_json")"
check_match "show drops: the rule row has its meaning" "$drops_txt" "^rule +[0-9]+  $(meaning drop_rule)\$"
check_eq "show drops: the total row is the sum of --json" \
	"$(awk '$1 == "total" {print $2}' <<<"$drops_txt")" "$(jq '[.[]] | add' <<<"$drops_json")"
check_eq "show rules --json: no_udp_9998 matched 7 packets" "$(c --json show rules | jq '.no_udp_9998.packets')" 7
check_match "show rules: no-udp-9998 matched 7 packets" "$(c show rules)" '^ *0 +no-udp-9998 +drop +7 '

# 4. Ports. ----------------------------------------------------------------------------------
ports=$(c --json show ports)
check_eq "show ports --json: lan0/wan0 roles and addresses" \
	"$(jq -r '[.lan0.role, .lan0.ipv4, .lan0.prefix_len, .wan0.role, .wan0.ipv4] | join(" ")' <<<"$ports")" \
	"lan 10.10.0.1 24 wan 10.20.0.1"
check_ge "show ports --json: lan0 received at least the 12 packets sent" "$(jq .lan0.ipackets <<<"$ports")" 12
check_match "show ports: the lan0 row" "$(c show ports)" '^lan0 +lan +10\.10\.0\.1/24 +1500 +up'

# 5. Split TCP: both legs of one connection, like ss -ti. ------------------------------------
lab_bg server sink $py "$peers" sink-server "$server" 7100
lab_wait_listen server 7100
lab_bg client hold $py "$peers" hold-client "$server" 7100 40100 100000
lab_wait_log hold "sent 100000"
conn=("$client:40100" "$server:7100")
legs() { c --json show conn "${conn[@]}" | jq -r '[.lan.state, .wan.state,
	.lan.bytes_received, .wan.bytes_acked] | join(" ")'; }
legs_are() { [ "$(legs)" = "$1" ]; }
check_poll "show conn --json: both legs ESTABLISHED, LAN leg received 100000, WAN leg acked 100000" \
	10 legs_are "ESTABLISHED ESTABLISHED 100000 100000"
echo "   show conn --json: $(legs)"
conn_txt=$(c show conn "${conn[@]}")
check_eq "show conn: the state row, LAN and WAN side by side" \
	"$(awk '$1 == "state" {print $2, $3}' <<<"$conn_txt")" "ESTABLISHED ESTABLISHED"
check_eq "show conn: LAN bytes_received" "$(awk '$1 == "bytes_received" {print $2}' <<<"$conn_txt")" 100000
check_eq "show conn: WAN bytes_acked" "$(awk '$1 == "bytes_acked" {print $3}' <<<"$conn_txt")" 100000
tcp=$(c --json show tcp)
tcp_txt=$(c show tcp)
check_eq "show tcp --json: 1 pair in use" "$(jq .pairs_in_use <<<"$tcp")" 1
check_eq "show tcp --json: the connection listed" \
	"$(jq -r '.connections[0] | [.client, .server] | join(" ")' <<<"$tcp")" "${conn[*]}"
check_match "show tcp: 1 pair in use" "$tcp_txt" "^split pairs in use 1 of "
check_match "show tcp: the connection with both states" "$tcp_txt" \
	"^$client:40100 +$server:7100 +ESTABLISHED +ESTABLISHED "

# 6. Metrics, parsed by python3-prometheus-client, against --json read around them. ---------
c --json show counters >"$LAB_DIR/c0.json"
c --json show ports >"$LAB_DIR/p0.json"
c metrics >"$LAB_DIR/metrics.txt"
c --json show ports >"$LAB_DIR/p1.json"
check "metrics: $(grep -c '^# TYPE' "$LAB_DIR/metrics.txt") families parse, each with HELP and TYPE" \
	out_to "$LAB_DIR/samples.txt" $py "$here/pepgwctl_metrics.py" "$LAB_DIR/metrics.txt"
sample() { awk -v k="$1" '$1 == k {print $2}' "$LAB_DIR/samples.txt"; }
check_eq "pepgw_icmp_echo_replies_total" "$(sample 'pepgw_icmp_echo_replies_total{}')" "$after"
check_eq "pepgw_drops_total{reason=rule} is show drops'" \
	"$(sample 'pepgw_drops_total{reason=rule}')" "$(jq .rule <<<"$drops_json")"
check_eq "pepgw_rule_packets_total{rule=no-udp-9998}" \
	"$(sample 'pepgw_rule_packets_total{action=drop,rule=no-udp-9998}')" 7
check_eq "pepgw_tcp_pairs_in_use" "$(sample 'pepgw_tcp_pairs_in_use{}')" 1
check_between "pepgw_port_rx_packets_total{port=lan0}: between the reads before and after" \
	"$(sample 'pepgw_port_rx_packets_total{port=lan0}')" \
	"$(jq .lan0.ipackets "$LAB_DIR/p0.json")" "$(jq .lan0.ipackets "$LAB_DIR/p1.json")"
missing=
for k in $(jq -r 'keys[] | select(startswith("drop_") | not)' "$LAB_DIR/c0.json"); do
	[ -n "$(sample "pepgw_${k}_total{}")" ] || missing+=" $k"
done
for r in $(c --json show drops | jq -r 'keys[]'); do
	[ -n "$(sample "pepgw_drops_total{reason=$r}")" ] || missing+=" drop:$r"
done
check_eq "every counter of the gateway is a metric (names read at run time; missing shown)" "$missing" ""
check "HELP of pepgw_icmp_echo_replies_total is the counter's help text ('$help')" \
	grep -qxF "# HELP pepgw_icmp_echo_replies_total $help" "$LAB_DIR/metrics.txt"
# Over HTTP.
port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
lab_bg - metrics_http "$ctl" -f "$gwp" metrics --listen "127.0.0.1:$port"
check_poll "metrics --listen: http://127.0.0.1:$port/metrics answers" 10 \
	curl -sf -o "$LAB_DIR/http.txt" "http://127.0.0.1:$port/metrics"
check "metrics --listen: the page parses" \
	out_to "$LAB_DIR/http_samples.txt" $py "$here/pepgwctl_metrics.py" "$LAB_DIR/http.txt"
check "metrics --listen: echo replies $after" \
	grep -qxF "pepgw_icmp_echo_replies_total{} $after" "$LAB_DIR/http_samples.txt"
check_eq "metrics --listen: other paths 404" \
	"$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/other")" 404
lab_stop metrics_http

# 7. watch: the busiest connection first; lcores and flows while two connections are open. ---
lab_bg client stream $py "$peers" stream-client "$server" 7100 40200 8
pairs_are() { [ "$(c --json show tcp | jq .pairs_in_use)" -eq "$1" ]; }
check_poll "the streaming connection shows up (2 pairs in use)" 10 pairs_are 2
frames=$(c --json watch --count 2 --interval 1 --top 5)
last=$(tail -n 1 <<<"$frames")
echo "   watch --json, last frame: $last"
check_eq "watch --json --count 2: 2 frames" "$(wc -l <<<"$frames")" 2
check_eq "watch --json: the streaming connection first" "$(jq -r '.connections[0].client' <<<"$last")" "$client:40200"
check_eq "watch --json: the streaming connection moves data" "$(jq '.connections[0].mbps > 0' <<<"$last")" true
check_eq "watch --json: the idle connection at 0" \
	"$(jq ".connections[] | select(.client == \"$client:40100\") | .mbps" <<<"$last")" 0
text=$(c watch --count 2 --interval 0.5)
check_eq "watch: 2 frames" "$(grep -c "^pepgw $gwp " <<<"$text")" 2
check_eq "watch: the streaming connection on top of the last frame" \
	"$(grep -E "^$client:[0-9]+ " <<<"$text" | tail -n 2 | head -n 1 | cut -d' ' -f1)" "$client:40200"
check_eq "show lcores: one worker on lcore 1 with 2 split pairs" \
	"$(c --json show lcores | jq -r 'length, ."0".lcore_id, ."0".tcp_pairs_in_use' | tr '\n' ' ')" "1 1 2 "
flows=$(c --json show flows)
check_ge "show flows --json: active flows" "$(jq .active <<<"$flows")" 2
check_eq "show flows: the capacity row is --json's" \
	"$(c show flows | awk '$1 == "capacity" {print $2}')" "$(jq .capacity <<<"$flows")"

# 8. The tunnel's views on a gateway without a tunnel. --------------------------------------
for v in links peers; do
	rc=0
	out=$(c show "$v") || rc=$?
	check_eq "show $v: exit status" "$rc" 0
	check_eq "show $v: says so" "$out" "no tunnel configured"
	check_eq "show $v --json: not available" "$(c --json show "$v" | jq .available)" false
done

# 9. Bad requests: a clear message and the documented exit status. ---------------------------
expect_error() { # STATUS PATTERN WHAT CMD...
	local status=$1 pattern=$2 what=$3 out rc=0
	shift 3
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	check_eq "$what: exit status" "$rc" "$status"
	check_match "$what: the message" "$out" "$pattern"
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
expect_error 2 "-f $gwp " "two gateways, no -f: lists the first" "$ctl" show info
expect_error 2 "-f $LAB_PREFIX-gw2 " "two gateways, no -f: lists the second" "$ctl" show info
check_eq "-f picks the second gateway" "$(E2E_GW=gw2 gwctl --json show info | jq -r .config)" "$LAB_DIR/gw2.json"
check_eq "-f picks the first gateway" "$(c --json show info | jq -r .config)" "$LAB_DIR/gw.json"
lab_stop gw2
others=$("$ctl" --json list | jq -r '.[] | select(.pepgw) | .file_prefix' | grep -vx "$gwp" || true)
if [ -n "$others" ]; then
	echo "note: other pepgw instances run on this host ($others): the default is not checked"
else
	check_eq "one gateway left: found without -f" "$("$ctl" --json show info | jq -r .file_prefix)" "$gwp"
fi

e2e_finish
