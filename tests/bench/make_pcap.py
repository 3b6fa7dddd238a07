#!/usr/bin/python3
"""Write the replay pcaps of the forwarding benchmark: a mix of real TCP and UDP packets as a
gateway sees them (SYNs with MSS/SACK/wscale/timestamps options, data, ACKs, UDP), all from
the LAN side toward hosts behind the WAN port.

usage: make_pcap.py OUT.pcap SIZE [DST_MAC]
  SIZE 64 or 1500: frame size of the data packets, FCS counted; SYN/ACK packets keep their
  natural sizes, >= 64. 256 packets, one per flow.
  SIZE mix: the realistic mix (doc/benchmarks.md, Forwarding), 1200 packets over 1000 flows: IMIX frame sizes
  64/576/1500 in 7:4:1 (FCS counted; a SYN with its full option set is 78 B, in the 64 B
  class), per 12 packets 1 SYN (MSS, SACK-permitted, timestamps, NOP, window scale), 4 pure
  ACKs, 4 TCP data (PSH+ACK), 2 UDP, and 1 % fragments (6 UDP datagrams of 1000 B in two
  fragments each, 576 B class). Every flow's packets are consecutive-free (flow = index mod
  1000), so the flow table sees 1000 entries, 200 of them hit twice per replay.
  DST_MAC: the gateway's LAN MAC when the pcap is replayed toward a real pepgw port
  (pktgen -s); default 02:00:00:00:00:01 (pepgw does not check unicast dst MACs).
"""
import sys

from scapy.all import IP, TCP, UDP, Ether, Padding, Raw, fragment, wrpcap

GW_MAC = "02:00:00:00:00:01"  # pepgw lan0 (net_pcap's MAC is overridden in the config)
CLIENT_MAC = "02:00:00:00:00:aa"
SYN_OPTS = lambda i: [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (i, 0)), ("NOP", None),
                      ("WScale", 7)]

# The mix: 12 slots repeated; (frame size, kind). 7 x 64 B, 4 x 576 B, 1 x 1500 B.
MIX_SLOTS = [(64, "syn"), (576, "data"), (64, "ack"), (64, "ack"), (576, "udp"), (64, "data"),
             (1500, "data"), (64, "ack"), (576, "data"), (64, "udp"), (64, "ack"), (576, "data")]
MIX_PACKETS = 1200
MIX_FLOWS = 1000
MIX_FRAG_EVERY = 200  # one fragmented datagram (two fragments) per 200 packets: 1 %


def frame(l4, size, dst_mac, payload_ok=True):
    pkt = Ether(src=CLIENT_MAC, dst=dst_mac) / l4
    pad = size - 4 - len(pkt)  # size counts the FCS like pktgen does
    if payload_ok and pad > 0:
        pkt = pkt / Raw(b"x" * pad)
    if len(pkt) < 60:  # Ethernet minimum without FCS: padding after the IP datagram
        pkt = pkt / Padding(b"\0" * (60 - len(pkt)))
    return pkt


def flow(i):
    src = f"10.1.{i // 200}.{10 + i % 200}"
    dst = f"10.2.{i % 7}.{1 + i % 200}"
    return src, dst, 20000 + i, [80, 443, 104, 11112][i % 4]


def fixed(size, mac):
    pkts = []
    for i in range(256):
        src, dst, sport, dport = flow(i)
        dst = f"10.2.0.{1 + i % 200}"
        ip = IP(src=src, dst=dst, ttl=64)
        if i % 8 == 0:
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="S", options=SYN_OPTS(i)),
                              size, mac, payload_ok=False))
        elif i % 8 == 7:
            pkts.append(frame(ip / UDP(sport=sport, dport=5201), size, mac))
        elif i % 2 == 0:
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="A", seq=1000, ack=1),
                              size, mac, payload_ok=False))
        else:
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="PA", seq=1000, ack=1),
                              size, mac))
    return pkts


def mix(mac):
    pkts = []
    i = 0
    while len(pkts) < MIX_PACKETS:
        f = i % MIX_FLOWS
        src, dst, sport, dport = flow(f)
        if len(pkts) % MIX_FRAG_EVERY == MIX_FRAG_EVERY - 2:
            # A 1000-byte UDP datagram in two fragments (552 + 456 bytes of IP payload).
            dgram = IP(src=src, dst=dst, ttl=64, id=f) / UDP(sport=sport, dport=5353) / \
                Raw(b"f" * 992)
            pkts.extend(Ether(src=CLIENT_MAC, dst=mac) / fr for fr in fragment(dgram, 552))
            i += 1
            continue
        size, kind = MIX_SLOTS[len(pkts) % len(MIX_SLOTS)]
        ip = IP(src=src, dst=dst, ttl=64, flags="DF")
        if kind == "syn":
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="S", seq=f,
                                       options=SYN_OPTS(f)), size, mac, payload_ok=False))
        elif kind == "ack":
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="A", seq=1000, ack=1),
                              size, mac, payload_ok=False))
        elif kind == "data":
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="PA", seq=1000, ack=1),
                              size, mac))
        else:
            pkts.append(frame(IP(src=src, dst=dst, ttl=64) / UDP(sport=sport, dport=5201),
                              size, mac))
        i += 1
    return pkts[:MIX_PACKETS]


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    out, size = sys.argv[1], sys.argv[2]
    mac = sys.argv[3] if len(sys.argv) == 4 else GW_MAC
    wrpcap(out, mix(mac) if size == "mix" else fixed(int(size), mac))


if __name__ == "__main__":
    main()
