#!/usr/bin/env bash
# The Wireshark dissector (dist/wireshark/pepgw.lua) on tunnel packets whose headers come from
# lib/bond's encoder (bond_hdr_hex), wrapped by scapy in Ethernet/IPv4/UDP and read by
# `tshark -X lua_script:`: every header field of a data packet, a probe and a handshake, the
# encrypted payload and tag, a truncated packet flagged malformed, and the UDP port preference.
# usage: dissector.sh BOND_HDR_HEX LUA_SCRIPT
set -euo pipefail
hex=$1 lua=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0

data=$("$hex" 1 0x01 2 3 5 0xabcdef 4660 305419896)
probe=$("$hex" 2 0 1 9 0 0x000102 0 7)
hs=$("$hex" 4 0 0 15 15 0 0 0)
dup=$("$hex" 1 0x02 0 1 2 3 4 5)
/usr/bin/python3 - "$dir/t.pcap" "$data" "$probe" "$hs" "$dup" <<'PY'
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
out, data, probe, hs, dup = sys.argv[1:]
def pkt(hdr, body, dport=6400):
    return (Ether() / IP(src="192.0.2.1", dst="198.51.100.1") /
            UDP(sport=dport, dport=dport) / Raw(bytes.fromhex(hdr) + body))
wrpcap(out, [
    pkt(data, b"\xaa" * 100 + b"\xbb" * 16),       # 1: data, 100 B ciphertext + tag
    pkt(probe, b"\xcc" * 48 + b"\xdd" * 16),       # 2: probe
    pkt(hs, b"\xee" * 80),                         # 3: handshake
    pkt(data[:16], b""),                           # 4: 8 bytes: truncated
    pkt(dup, b"\x11" * 20 + b"\x22" * 16, 7000),   # 5: duplicate on port 7000
])
PY

fields() { tshark -n -X "lua_script:$lua" -r "$dir/t.pcap" "$@" -T fields -E separator=, \
	-e pepgw.version -e pepgw.type -e pepgw.key_slot -e pepgw.flags.terminate \
	-e pepgw.flags.duplicate -e pepgw.link -e pepgw.queue -e pepgw.timestamp \
	-e pepgw.flow_seq -e pepgw.link_seq -e pepgw.encrypted 2>/dev/null; }
got=$(fields)
want="1,1,2,1,0,3,5,11259375,4660,305419896,1
1,2,1,0,0,9,0,258,0,7,1
1,4,0,0,0,15,15,0,0,0,0
,,,,,,,,,,
,,,,,,,,,,"
if [ "$got" = "$want" ]; then
	echo "ok: data, probe, handshake: every header field as lib/bond encoded it"
else
	echo "FAIL: fields:"
	diff <(echo "$want") <(echo "$got") || true
	fail=1
fi
# pepgw.version/.type of packet 4 are absent above because the header is cut: the expert says so.
if tshark -n -X "lua_script:$lua" -r "$dir/t.pcap" -Y 'frame.number == 4 && _ws.expert' \
	-T fields -e _ws.expert.message 2>/dev/null | grep -q 'Shorter than the pepgw header'; then
	echo "ok: a truncated header is flagged malformed"
else
	echo "FAIL: no expert info on the truncated packet"
	fail=1
fi
len=$(tshark -n -X "lua_script:$lua" -r "$dir/t.pcap" -Y 'frame.number == 1' -T fields \
	-e pepgw.ciphertext -e pepgw.tag 2>/dev/null)
info=$(tshark -n -X "lua_script:$lua" -r "$dir/t.pcap" -Y 'frame.number == 1' -T fields \
	-e _ws.col.Info 2>/dev/null)
if [ "${len%%[[:space:]]*}" = "$(printf 'aa%.0s' $(seq 100))" ] &&
	[ "${len##*[[:space:]]}" = "$(printf 'bb%.0s' $(seq 16))" ] &&
	[ "$info" = "pepgw data link 3 queue 5 seq 305419896 [encrypted]" ]; then
	echo "ok: ciphertext (100 B) and GCM tag (16 B) split, info '$info'"
else
	echo "FAIL: payload split or info: '$info'"
	fail=1
fi
got=$(fields -o pepgw.udp_port:7000 -Y 'frame.number == 5')
if [ "$got" = "1,1,0,0,1,1,2,3,4,5,1" ]; then
	echo "ok: preference pepgw.udp_port moves the dissector to port 7000"
else
	echo "FAIL: port 7000: '$got'"
	fail=1
fi
exit $fail
