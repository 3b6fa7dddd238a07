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
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
frames=$E2E_HERE/wanem_frames.py

lab_init
lab_topo_baseline --wanem "$E2E_HERE/wanem-accuracy.json.tpl" --cpu 0
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
	pyrun client "$frames" "$set" --iface eth0 --dst-mac "$server_mac" \
		--src-ip "$client" --dst-ip "$server" "$@" >"$LAB_DIR/$name.sent"
	# The last frame has crossed wanem once its a2b counters account for everything it read.
	lab_poll 10 crossed || true
	lab_capture_stop "${name}_srv"
	lab_capture_stop "${name}_cli"
}
crossed() {
	we_le 0 l1 a2b queue_packets && we_le 0 l1 a2b delay_line_packets
}
# arrived NAME SIDE MAC: frames from source MAC in the capture NAME_SIDE.
arrived() {
	capture_count "${1}_$2" "eth.src == $3"
}
kinds() { # NAME: "kind mac count" lines
	jq -r 'to_entries[] | "\(.key) \(.value[0]) \(.value[1])"' "$LAB_DIR/$1.sent"
}

# 1. Small malformed frames are forwarded. ---------------------------------------------------
in0=$(we_stat l1 a2b in_packets)
send_set small small --count 20
while read -r kind mac n; do
	check_eq "$kind: forwarded of $n" "$(arrived small srv "$mac")" "$n"
done < <(kinds small)
check_ge "engine counted the 180 frames" "$(($(we_stat l1 a2b in_packets) - in0))" 180

# 2. Oversize malformed frames are dropped; only the valid DF one gets ICMP. -----------------
we_ctl set l1 a2b mtu 1000 mtu_action icmp
read -r mtu0 icmp0 supp0 < <(we_vals l1 a2b drop_mtu icmp_sent icmp_not_due)
send_set big oversize --count 5
while read -r kind mac n; do
	check_eq "$kind: arrived of $n (all dropped for the MTU)" "$(arrived big srv "$mac")" 0
done < <(kinds big)
read -r mtu1 icmp1 supp1 < <(we_vals l1 a2b drop_mtu icmp_sent icmp_not_due)
check_eq "drop_mtu counted" "$((mtu1 - mtu0))" 30
# Five valid DF datagrams fit the ICMP burst (10); the 25 malformed ones are never answered.
check_eq "ICMP frag-needed (mtu 1000) sent for the 5 valid DF datagrams only" \
	"$((icmp1 - icmp0))" 5
check_eq "ICMP frag-needed (mtu 1000) seen by the client" \
	"$(capture_count big_cli 'icmp.type == 3 && icmp.code == 4 && icmp.mtu == 1000')" 5
check_eq "ICMP not due for the 25 malformed ones" "$((supp1 - supp0))" 25
# Every key that stats prints has a kind and a line of help in counter_help.
keys=$("$E2E_WANEMCTL" --file-prefix "$LAB_PREFIX-wanem" stats l1 |
	awk '$2 == "a2b" { for (i = 3; i <= NF; i++) { split($i, kv, "="); print kv[1] } }' | sort)
helped=$("$E2E_WANEMCTL" --file-prefix "$LAB_PREFIX-wanem" counter_help |
	awk 'NF >= 3 {print $1}' | sort)
check_ge "stats lists keys" "$(grep -c . <<<"$keys")" 1
check_eq "counter_help: kind and help for every key of stats" "$helped" "$keys"

# 3. Random frames with the MTU check on. ----------------------------------------------------
keys="in_packets out_packets drop_mtu drop_loss drop_queue_full drop_blackhole \
drop_delay_line_full"
read -r -a c0 < <(we_vals l1 a2b $keys)
send_set rnd random --count 3000 --seed 7
read -r -a c1 < <(we_vals l1 a2b $keys)
d=()
for i in "${!c0[@]}"; do
	d+=($((c1[i] - c0[i])))
done
got=$(arrived rnd srv 02:00:00:00:ff:00)
echo "   random frames: in ${d[0]} out ${d[1]} mtu ${d[2]} other $((d[3] + d[4] + d[5] + d[6])), \
server saw $got"
# Frames above 1000 bytes of L3 (random lengths 14..1514: about a third) are dropped for the
# MTU, the rest forwarded; a frame counted nowhere, or lost elsewhere, fails.
check_ge "random frames: wanem read them all" "${d[0]}" 3000
check_eq "random frames: no drop but for the MTU" "$((d[3] + d[4] + d[5] + d[6]))" 0
check_gt "random frames: dropped for the MTU" "${d[2]}" 500
check_eq "random frames: every one forwarded or dropped for its size (out + drop_mtu = in)" \
	"$((d[1] + d[2]))" "${d[0]}"
check_eq "random frames: from the random source at the server (3000 - drop_mtu)" "$got" \
	"$((3000 - d[2]))"

# 4. Still alive and forwarding. -------------------------------------------------------------
check "wanem still running" lab_running wanem
check "ping still passes" ping_ok client "$server" 3

e2e_finish
