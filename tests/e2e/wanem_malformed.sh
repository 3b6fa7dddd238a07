#!/usr/bin/env bash
# wanem and malformed frames, topology (c): client — wanem — server (no delay, no loss).
#
# The documented rule (doc/wanem.md, "Frames"): frames are not parsed on the way through except
# for the MTU check (length only) and for building an ICMP answer; any frame, malformed or not,
# is forwarded under the same impairments, a runt counting as L3 length 0. So:
#   1. runts, a garbage ethertype, IPv4 cut short / with a length past the frame / IHL < 5 /
#      IHL 15 / version 6, and a VLAN tag with 2 bytes of IPv4 after it
#      (tests/e2e/wanem_frames.py, 20 of each) all arrive at the server, as many as were sent;
#   2. with mtu 1000 and mtu_action icmp, 1400-byte frames of the same kinds are all dropped
#      (drop_mtu), and only the well-formed IPv4 DF datagrams get ICMP fragmentation-needed
#      (the malformed ones go through lib/net's checked parser and are counted as suppressed);
#   3. 3000 random frames (random length and bytes, half claiming IPv4) with the MTU check on:
#      every one is forwarded or dropped for its size, counted, and nothing else is lost;
#   4. wanem is still running and ping still passes.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"
# shellcheck source=wanem_lib.sh
. "$here/wanem_lib.sh"
frames=$here/wanem_frames.py

lab_init
lab_topo_baseline --wanem "$here/wanem-accuracy.json.tpl" --cpu 0
we_ctl set l1 both delay_ms 0
client=$(lab_get CLIENT_IP)
server=$(lab_get SERVER_IP)
server_mac=$(ip -n "$(lab_ns server)" -br link show eth0 | awk '{print $3}')

# send_set NAME SET [ARGS]: send a set of frames from the client, capture at both ends.
# Prints nothing; the kinds sent are in $LAB_DIR/NAME.sent (JSON).
send_set() {
	local name=$1 set=$2
	shift 2
	lab_capture_start "${name}_srv" server eth0
	lab_capture_start "${name}_cli" client eth0
	lab_exec client "$WE_PY" "$frames" "$set" --iface eth0 --dst-mac "$server_mac" \
		--src-ip "$client" --dst-ip "$server" "$@" >"$LAB_DIR/$name.sent"
	# The last frame has crossed wanem once its a2b counters account for everything it read.
	lab_poll 10 eval '[ "$(we_stat l1 a2b queue_packets)" -eq 0 ] &&
		[ "$(we_stat l1 a2b delay_line_packets)" -eq 0 ]' || true
	lab_capture_stop "${name}_srv"
	lab_capture_stop "${name}_cli"
}
# arrived NAME SIDE MAC: frames from source MAC in the capture NAME_SIDE.
arrived() {
	lab_capture_read "${1}_$2" -Y "eth.src == $3" | wc -l
}
kinds() { # NAME: "kind mac count" lines
	"$WE_PY" -c 'import json, sys
for k, (m, n) in json.load(open(sys.argv[1])).items(): print(k, m, n)' "$LAB_DIR/$1.sent"
}

# 1. Small malformed frames are forwarded. ---------------------------------------------------
in0=$(we_stat l1 a2b in_packets)
send_set small small --count 20
while read -r kind mac n; do
	got=$(arrived small srv "$mac")
	[ "$got" -eq "$n" ] && pass "$kind: $got of $n forwarded" || fail "$kind: $got of $n forwarded"
done < <(kinds small)
[ "$(($(we_stat l1 a2b in_packets) - in0))" -ge 180 ] && pass "engine counted the 180 frames" ||
	fail "engine counted $(($(we_stat l1 a2b in_packets) - in0)) frames, expected >= 180"

# 2. Oversize malformed frames are dropped; only the valid DF one gets ICMP. -----------------
we_ctl set l1 a2b mtu 1000 mtu_action icmp
mtu0=$(we_stat l1 a2b drop_mtu)
icmp0=$(we_stat l1 a2b icmp_sent)
supp0=$(we_stat l1 a2b icmp_suppressed)
send_set big oversize --count 5
while read -r kind mac n; do
	got=$(arrived big srv "$mac")
	[ "$got" -eq 0 ] && pass "$kind: all $n dropped for the MTU" || fail "$kind: $got of $n arrived"
done < <(kinds big)
drops=$(($(we_stat l1 a2b drop_mtu) - mtu0))
icmp=$(($(we_stat l1 a2b icmp_sent) - icmp0))
supp=$(($(we_stat l1 a2b icmp_suppressed) - supp0))
[ "$drops" -eq 30 ] && pass "drop_mtu counted 30" || fail "drop_mtu counted $drops, expected 30"
# Five valid DF datagrams fit the ICMP burst (10); the 25 malformed ones are never answered.
icmp_seen=$(lab_capture_read big_cli -Y 'icmp.type == 3 && icmp.code == 4 && icmp.mtu == 1000' |
	wc -l)
if [ "$icmp" -eq 5 ] && [ "$icmp_seen" -eq 5 ] && [ "$supp" -eq 25 ]; then
	pass "ICMP frag-needed (mtu 1000) for the 5 valid DF datagrams only; 25 suppressed"
else
	fail "ICMP: sent $icmp, seen by the client $icmp_seen, suppressed $supp (expected 5, 5, 25)"
fi

# 3. Random frames with the MTU check on. ----------------------------------------------------
c0=$("$WE_CTL" --file-prefix "$LAB_PREFIX-wanem" stats l1 | awk '$2 == "a2b"')
send_set rnd random --count 3000 --seed 7
c1=$("$WE_CTL" --file-prefix "$LAB_PREFIX-wanem" stats l1 | awk '$2 == "a2b"')
read -r d_in d_out d_mtu d_other < <("$WE_PY" -c '
import sys
def kv(line): return {k: int(v) for k, v in (f.split("=") for f in line.split()[2:])}
a, b = kv(sys.argv[1]), kv(sys.argv[2])
d = {k: b[k] - a[k] for k in a}
print(d["in_packets"], d["out_packets"], d["drop_mtu"],
      d["drop_loss"] + d["drop_queue_full"] + d["drop_blackhole"] + d["drop_delay_line_full"])' \
	"$c0" "$c1")
got=$(arrived rnd srv 02:00:00:00:ff:00)
# Frames above 1000 bytes of L3 (random lengths 14..1514: about a third) are dropped for the
# MTU, the rest forwarded; a frame counted nowhere, or lost elsewhere, fails.
if [ "$d_in" -ge 3000 ] && [ "$d_other" -eq 0 ] && [ "$d_mtu" -gt 500 ] &&
	[ "$((d_out + d_mtu))" -eq "$d_in" ] && [ "$got" -eq "$((3000 - d_mtu))" ]; then
	pass "random frames: $d_in in, $d_out out ($got from the random source at the server), \
$d_mtu dropped for the MTU"
else
	fail "random frames: in $d_in out $d_out mtu $d_mtu other $d_other, server saw $got"
fi

# 4. Still alive and forwarding. -------------------------------------------------------------
lab_running wanem && pass "wanem still running" || fail "wanem died"
lab_exec client ping -n -c 3 -i 0.2 -W 1 "$server" >/dev/null && pass "ping still passes" ||
	fail "ping after the malformed frames"

echo "$we_failures failure(s)"
[ "$we_failures" -eq 0 ]
