#!/usr/bin/env bash
# Attacks on the bonded tunnel's port, topology (b) of tests/lab with one link:
#
#   client ── [pepgw A] wan1 ── l1 (wanem, 2 ms) ── wan1 [pepgw B] ── server
#                                          ^ the attacker writes frames here (root namespace,
#                                            the wanem side of B's veth), toward B's tunnel port
#
# The story: authentic tunnel packets are captured on A's link while a ping crosses; then, one
# class at a time (tests/e2e/pepgw_tunnel_attack.py), replayed, tampered, forged, truncated,
# tag-cut, wrong-version, wrong-type, reserved-bit, wrong-link, wrong-key-slot, handshake
# garbage and forged initiations, and random garbage go to B's tunnel port. For every class,
# B's counters must grow by exactly the frames sent under the one drop reason the class names,
# and no other drop counter may move. Afterwards the tunnel still carries a ping and a TCP
# transfer, B holds no more mbufs than before (nothing leaked), both gateways stop cleanly on
# SIGTERM, and (suite e2e-asan, build-asan) no sanitizer report appears in their logs.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=e2e_lib.sh
. "$here/e2e_lib.sh"
attack=$here/pepgw_tunnel_attack.py
e2e_asan_mode

lab_init
key=$LAB_DIR/tunnel.key
head -c 32 /dev/urandom | base64 >"$key"
chmod 600 "$key"
lab_set TUN_KEY "$key"
lab_topo_paired --links 1 --pepgw-a "$here/pepgw-tunnel1-a.json.tpl" \
	--pepgw-b "$here/pepgw-tunnel1-b.json.tpl" --wanem "$here/wanem-tunnel1.json.tpl"
server=$(lab_get SERVER_IP)
tb() { E2E_GW=gwb tel "$@"; }
drops() { # every drop counter of B, "name value" per line
	E2E_GW=gwb tel_query /pepgw/counters | jq -r \
		'.["/pepgw/counters"] | to_entries[] | select(.key | startswith("drop_")) |
		"\(.key) \(.value)"' | sort
}

# Authentic frames of A's link, then a pause so that the replays are not mistaken for traffic.
# They are read where wanem receives them (E1A): on A's own interface a capture misses what A
# sends, since the af_packet PMD's transmit bypasses the kernel's taps (PACKET_QDISC_BYPASS).
lab_capture_start wire - "$(lab_get E1A_IF)"
check "ping through the tunnel" lab_exec client ping -c 20 -i 0.05 -q "$server"
lab_capture_stop wire
mbufs0=$(tb /pepgw/info mbufs_in_use)

# The frames go out on E1B toward B's port; wanem's packet socket on E1B sees them leave too
# and would carry them to A, which routes them back to B (they are transit for A): every frame
# would reach B twice. wanem's B -> A direction is cut while the attacks run.
we_ctl down l1 b2a
while read -r name expect count; do
	before=$(drops)
	base=$(awk -v k="$expect" '$1 == k {print $2}' <<<"$before")
	sent=$(pyrun - "$attack" send "$name" --iface "$(lab_get E1B_IF)" \
		--pcap "$(lab_capture_file wire)")
	if ! lab_poll 10 eval '[ "$(tb /pepgw/counters '"$expect"')" -ge $((base + sent)) ]'; then
		fail "$name: $expect grew by $(($(tb /pepgw/counters "$expect") - base)), want $sent"
		continue
	fi
	sleep 0.2 # a stray extra count would show now
	moved=$(join <(echo "$before") <(drops) | awk -v k="$expect" -v n="$sent" \
		'$1 == k && $3 - $2 != n {print $1 " +" $3 - $2} $1 != k && $3 != $2 {print $1 " +" $3 - $2}')
	if [ -z "$moved" ]; then
		pass "$name: $sent frames, all counted $expect"
	else
		fail "$name: counters moved: $moved"
	fi
done < <("$E2E_PY" "$attack" list)

we_ctl up l1 b2a
check_poll "l1 up both ways again" 5 eval '[ "$(E2E_GW=gwa tel /pepgw/links l1 rx_state)" = up ] &&
	[ "$(tb /pepgw/links l1 tx_state)" = up ]'

# Still serving, nothing held back.
check "the tunnel still carries a ping" lab_exec client ping -c 3 -i 0.2 -q "$server"
iperf3_serve server iperf "$server" 5201
iperf3_run client "$server" 5201 -t 2
check_gt "the tunnel still carries TCP (iperf3, bit/s)" "$IPERF_BPS" 0
lab_stop iperf
check_le "B's mbufs in use after the attacks, $mbufs0 before (nothing leaked)" \
	"$(tb /pepgw/info mbufs_in_use)" $((mbufs0 + 64))

for g in gwb gwa; do
	check_sigterm "$g"
	check_no_sanitizer "$g"
done
e2e_finish
