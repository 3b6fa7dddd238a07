#!/usr/bin/python3
"""Segments pepgw refuses, one barrage per target (scapy; run in the client's network namespace).

  pepgw_refused.py barrage GWMAC SERVER PORT SPORT KINDS   frames on eth0 toward pepgw's MAC
  pepgw_refused.py live SERVER PORT                        refused segments on a live split

barrage sends one frame of each kind in KINDS ("parser", "flags", "first": comma-separated), all
from the client's address and SPORT to SERVER:PORT, built at layer 2 so that the IP header can be
wrong too; it prints {"sent": {REASON: N}, "total": N}: the counter each frame must move. live
opens a real connection (tcp_peers.py echo-server on the other side), sends segments the gateway
or its TCP engine discards, checks that the connection still echoes and prints the same JSON
(REASON is "tcp:NAME" for an engine counter of /pepgw/tcp).
"""
import json
import random
import sys
import time

from scapy.all import IP, TCP, Ether, conf, get_if_addr, get_if_hwaddr, raw, sendp  # noqa: E402

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from pepgw_adversarial import Live  # noqa: E402

conf.verb = 0
IFACE = "eth0"


def tcp_bytes(src, dst, sport, dport, flags, seq=1000, ack=0, opts=b"", payload=b"",
              dataofs=None, csum=None):
    """An IPv4+TCP packet as bytes; opts raw (padded here), checksums right unless csum given."""
    pad = opts + b"\0" * (-len(opts) % 4)
    tcp = TCP(sport=sport, dport=dport, flags=flags, seq=seq & 0xFFFFFFFF,
              ack=ack & 0xFFFFFFFF, window=64240,
              dataofs=dataofs if dataofs is not None else 5 + len(pad) // 4)
    if csum is not None:
        tcp.chksum = csum
    return raw(IP(src=src, dst=dst, id=random.getrandbits(16)) / tcp / (pad + payload))


def ip_fix(b):
    """Recompute the IPv4 header checksum of b (after a deliberate change)."""
    b = bytearray(b)
    ihl = (b[0] & 15) * 4
    b[10:12] = b"\0\0"
    s = sum((b[i] << 8) + b[i + 1] for i in range(0, ihl, 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    b[10:12] = (~s & 0xFFFF).to_bytes(2, "big")
    return bytes(b)


MSS = b"\x02\x04\x05\xb4"


def kinds_parser(c, s, sp, dp):
    """What lib/net's parser refuses: (reason, IP bytes)."""
    ok = tcp_bytes(c, s, sp, dp, "S", opts=MSS)
    bad_csum = bytearray(ok)
    bad_csum[10] ^= 0xFF
    v6 = bytearray(ok)
    v6[0] = 0x65
    ihl4 = bytearray(ok)
    ihl4[0] = 0x44
    long_len = bytearray(ok)
    long_len[2:4] = (len(ok) + 100).to_bytes(2, "big")
    cut = bytearray(ok[:30])  # 10 bytes of TCP header
    cut[2:4] = (30).to_bytes(2, "big")
    return [
        ("ip_csum", bytes(bad_csum)),
        ("ip_version", ip_fix(v6)),
        ("ip_ihl", ip_fix(ihl4)),
        ("ip_len", ip_fix(long_len)),
        ("l4_truncated", ip_fix(cut)),
        ("tcp_doff", tcp_bytes(c, s, sp, dp, "A", dataofs=4)),
        ("tcp_doff", tcp_bytes(c, s, sp, dp, "S", dataofs=15)),
    ]


# The flag policy: one frame per refused combination class (doc/configuration.md).
FLAGS = [
    ("tcp_syn_fin", "SF"), ("tcp_syn_fin", "SFA"), ("tcp_syn_rst", "SR"), ("tcp_syn_rst", "SRA"),
    ("tcp_rst_fin", "RF"), ("tcp_rst_fin", "RFA"), ("tcp_no_flags", ""), ("tcp_no_ack", "F"),
    ("tcp_no_ack", "P"), ("tcp_no_ack", "U"), ("tcp_no_ack", "FPU"), ("tcp_no_ack", "EC"),
    ("tcp_urg", "SAU"), ("tcp_urg", "RU"), ("tcp_urg", "RAU"),
]


def kinds_flags(c, s, sp, dp):
    return [("drop_" + r, tcp_bytes(c, s, sp, dp, f, ack=1 if "A" in f else 0))
            for r, f in FLAGS]


def kinds_first(c, s, sp, dp):
    """First segments of a split flow the gateway must refuse before it decides anything."""
    return [
        ("tcp_options", tcp_bytes(c, s, sp, dp, "S", opts=b"\x01\x08\x00" + MSS)),  # length 0
        ("tcp_options", tcp_bytes(c, s, sp, dp, "S", opts=b"\x02\x03\x05\xb4")),  # MSS length 3
        ("tcp_options", tcp_bytes(c, s, sp, dp, "S", opts=MSS + b"\x01\x08\x0a\x00")),  # past
        ("tcp_csum", tcp_bytes(c, s, sp, dp, "S", opts=MSS, csum=0xDEAD)),
        ("tcp_csum", tcp_bytes(c, s, sp, dp, "A", ack=5, csum=0xBEEF)),
        ("tcp_csum", tcp_bytes(c, s, sp, dp, "PA", ack=5, payload=b"x" * 100, csum=0x1234)),
        ("tcp_options", tcp_bytes(c, s, sp, dp, "A", ack=5, opts=b"\x08\x01\x00\x00")),
    ]


def barrage(gwmac, server, port, sport, kinds):
    client = get_if_addr(IFACE)
    mac = get_if_hwaddr(IFACE)
    frames = []
    for k in kinds.split(","):
        frames += {"parser": kinds_parser, "flags": kinds_flags,
                   "first": kinds_first}[k](client, server, sport, port)
    sent = {}
    for reason, b in frames:
        key = reason if reason.startswith("drop_") else "drop_" + reason
        sent[key] = sent.get(key, 0) + 1
        sendp(Ether(dst=gwmac, src=mac, type=0x0800) / b, iface=IFACE)
    print(json.dumps({"sent": sent, "total": len(frames)}))
    return 0


def live(server, port):
    c = Live(server, port)
    snd, rcv = c.seqs()
    sent = {}

    def forge(reason, b):
        sent[reason] = sent.get(reason, 0) + 1
        c.forged.add(b)
        c.l3.send(IP(b))
        time.sleep(0.2)

    cl, sp = c.client, c.lport
    # The gateway's own checks on a split connection's segments.
    forge("drop_tcp_csum", tcp_bytes(cl, server, sp, port, "PA", snd, rcv, payload=b"EVIL\n",
                                     csum=0xDEAD))
    forge("drop_tcp_options", tcp_bytes(cl, server, sp, port, "A", snd, rcv,
                                        opts=b"\x08\x01\x00\x00"))
    forge("drop_tcp_syn_fin", tcp_bytes(cl, server, sp, port, "SF", snd, rcv))
    forge("drop_tcp_no_ack", tcp_bytes(cl, server, sp, port, "FP", snd, 0))
    # What the connection itself discards (RFC 5961 5.2; RFC 9293 3.10.7.4).
    forge("tcp:drop_bad_ack", tcp_bytes(cl, server, sp, port, "A", snd, rcv + (1 << 30)))
    forge("tcp:drop_out_of_window", tcp_bytes(cl, server, sp, port, "PA", snd + (1 << 30), rcv,
                                              payload=b"EVIL\n"))
    ok = c.echo() and c.echo()
    c.close()
    print(json.dumps({"sent": sent, "total": sum(sent.values()), "survived": ok}))
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 6 and argv[1] == "barrage":
        return barrage(argv[2], argv[3], int(argv[4]), int(argv[5]),
                       argv[6] if len(argv) > 6 else "parser,flags,first")
    if len(argv) == 4 and argv[1] == "live":
        return live(argv[2], int(argv[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
