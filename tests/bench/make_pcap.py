#!/usr/bin/python3
"""Write the replay pcaps of the forwarding benchmark: a mix of real TCP and UDP packets as a
gateway sees them (SYNs with MSS/SACK/wscale/timestamps options, data, ACKs, UDP), all from
the LAN side toward hosts behind the WAN port.

usage: make_pcap.py OUT.pcap SIZE [DST_MAC]
  SIZE 64 or 1500: frame size of the data packets, FCS counted; SYN/ACK packets keep their
  natural sizes, >= 64. DST_MAC: the gateway's LAN MAC when the pcap is replayed toward a real
  pepgw port (pktgen -s); default 02:00:00:00:00:01 (pepgw does not check unicast dst MACs).
"""
import sys

from scapy.all import IP, TCP, UDP, Ether, Padding, Raw, wrpcap

GW_MAC = "02:00:00:00:00:01"  # pepgw lan0 (net_pcap's MAC is overridden in the config)
CLIENT_MAC = "02:00:00:00:00:aa"


def frame(l4, size, dst_mac, payload_ok=True):
    pkt = Ether(src=CLIENT_MAC, dst=dst_mac) / l4
    pad = size - 4 - len(pkt)  # size counts the FCS like pktgen does
    if payload_ok and pad > 0:
        pkt = pkt / Raw(b"x" * pad)
    if len(pkt) < 60:  # Ethernet minimum without FCS: padding after the IP datagram
        pkt = pkt / Padding(b"\0" * (60 - len(pkt)))
    return pkt


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    out, size = sys.argv[1], int(sys.argv[2])
    mac = sys.argv[3] if len(sys.argv) == 4 else GW_MAC
    pkts = []
    for i in range(256):
        src = f"10.1.{i // 200}.{10 + i % 200}"
        dst = f"10.2.0.{1 + i % 200}"
        sport, dport = 20000 + i, [80, 443, 104, 11112][i % 4]
        ip = IP(src=src, dst=dst, ttl=64)
        if i % 8 == 0:
            opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (i, 0)), ("NOP", None),
                    ("WScale", 7)]
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="S", options=opts),
                              size, mac, payload_ok=False))
        elif i % 8 == 7:
            pkts.append(frame(ip / UDP(sport=sport, dport=5201), size, mac))
        elif i % 2 == 0:
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="A", seq=1000, ack=1),
                              size, mac, payload_ok=False))
        else:
            pkts.append(frame(ip / TCP(sport=sport, dport=dport, flags="PA", seq=1000, ack=1),
                              size, mac))
    wrpcap(out, pkts)


if __name__ == "__main__":
    main()
