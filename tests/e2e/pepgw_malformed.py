#!/usr/bin/python3
"""Crafted malformed frames for pepgw's malformed-packet e2e test (tests/e2e/pepgw_malformed.sh).

Runs inside the client namespace with /usr/bin/python3 (scapy from python3-scapy) and sends raw
Ethernet frames on an interface with sendp, so nothing in the client's own stack "fixes" them.

  pepgw_malformed.py list
      one line per class: NAME EXPECT COUNT, EXPECT being the /pepgw/drops key the class must
      grow by exactly COUNT, or "forwarded" for frames pepgw must pass by design
  pepgw_malformed.py send NAME --iface IF --gw-mac MAC --src IP --dst IP --gw-ip IP
      send the class's frames (toward pepgw's MAC; ARP to broadcast), print how many
  pepgw_malformed.py check NAME PCAP --src IP --dst IP
      for a "forwarded" class: verify a capture taken behind pepgw (exit 0, or 1 and why)
  pepgw_malformed.py pcap FILE --gw-mac MAC --src IP --dst IP --gw-ip IP
      write every class's frames to a pcap (replay, fuzz seeds)

Frames are built byte by byte (struct) rather than with scapy's layers, because scapy repairs
lengths and checksums that these tests need wrong. Every IPv4 header checksum is correct unless
the class is about the checksum, so that each frame reaches the check it is meant to trip and
no earlier one: the parser's order (lib/net/net_parse.c) is Ethernet, IP version, IHL, total
length, header checksum, fragment rules, L4 header, TCP data offset; TCP options are walked by
lib/mss on SYN and SYN-ACK only.
"""
import argparse
import struct
import sys

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
ETH_VLAN = 0x8100
TCP, UDP, ICMP = 6, 17, 1
MF = 0x2000
SYN, ACK = 0x02, 0x10

# UDP/TCP destination ports that mark the forwarded classes in the server-side capture.
PORT_PADDING = 7001
PORT_IP_OPTIONS = 7002
PORT_FRAG_OVERLAP = 7003
PORT_ACK_OPTIONS = 7004
PORT_SYN = 7005
FRAG_OVERLAP_ID = 0x4242


def csum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_aton(a):
    return bytes(int(x) for x in a.split("."))


def mac_aton(m):
    return bytes(int(x, 16) for x in m.split(":"))


class Frames:
    """Frame builders bound to the addresses of one lab."""

    def __init__(self, src_mac, gw_mac, src, dst, gw_ip):
        self.src_mac = mac_aton(src_mac)
        self.gw_mac = mac_aton(gw_mac)
        self.src = ip_aton(src)
        self.dst = ip_aton(dst)
        self.gw_ip = ip_aton(gw_ip)

    def eth(self, ethertype, dst_mac=None):
        return (dst_mac or self.gw_mac) + self.src_mac + struct.pack("!H", ethertype)

    def ip(self, payload, proto, *, ihl=None, version=4, total=None, frag=0, ident=1, ttl=64,
           options=b"", dst=None, bad_csum=False):
        """IPv4 header + payload; total and ihl as given (default: the true values)."""
        hdr_len = 20 + len(options)
        if ihl is None:
            ihl = hdr_len // 4
        if total is None:
            total = hdr_len + len(payload)
        h = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, total, ident, frag, ttl, proto,
                        0, self.src, dst or self.dst) + options
        c = csum(h)
        if bad_csum:
            c ^= 0x5A5A
        return h[:10] + struct.pack("!H", c) + h[12:] + payload

    def tcp(self, dport, flags, *, options=b"", payload=b"", doff=None, sport=40000, dst=None):
        """TCP header with a correct checksum (pseudo-header of src/dst)."""
        if doff is None:
            doff = (20 + len(options)) // 4
        seg = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0 if not flags & ACK else 1,
                          doff << 4, flags, 65535, 0, 0) + options + payload
        ph = self.src + (dst or self.dst) + struct.pack("!BBH", 0, TCP, len(seg))
        c = csum(ph + seg)
        return seg[:16] + struct.pack("!H", c) + seg[18:]

    def udp(self, dport, payload, *, length=None, sport=40000):
        if length is None:
            length = 8 + len(payload)
        return struct.pack("!HHHH", sport, dport, length, 0) + payload

    def icmp_echo(self, payload=b"ping"):
        h = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + payload
        return h[:2] + struct.pack("!H", csum(h)) + h[4:]

    def arp(self, *, htype=1, ptype=ETH_IPV4, hlen=6, plen=4, op=1, sha=None, cut=None):
        sha = sha or self.src_mac
        body = struct.pack("!HHBBH", htype, ptype, hlen, plen, op) + sha + self.src + \
            b"\0" * 6 + self.gw_ip
        if cut is not None:
            body = body[:cut]
        return self.eth(ETH_ARP, b"\xff" * 6) + body

    # Classes -------------------------------------------------------------------------------
    # Each returns the frames of one malformed class; the table CLASSES below says what pepgw
    # must do with them.

    def runt(self):
        good = self.ip(self.udp(9, b"x"), UDP)
        # A frame cut inside its 802.1Q tag cannot be tested on veth: Linux untags every
        # VLAN frame in software before any packet socket sees it and drops it when the tag
        # is cut (skb_vlan_untag), so it never reaches pepgw. The tag cut just after it is.
        return [
            self.eth(ETH_IPV4),  # IPv4 ethertype, no IP header at all
            self.eth(ETH_IPV4) + good[:1],
            self.eth(ETH_IPV4) + good[:19],  # one byte short of the minimum IPv4 header
            self.eth(ETH_VLAN) + b"\x00\x05" + struct.pack("!H", ETH_IPV4) + good[:10],
        ]

    def not_ip(self):
        ipv6 = bytes([0x60]) + b"\0" * 3 + struct.pack("!HBB", 0, 59, 64) + b"\0" * 32
        return [
            self.eth(0x86DD) + ipv6,  # IPv6: not on this data path
            self.eth(0x88CC) + b"\x02\x07\x04" + b"\0" * 40,  # LLDP
            self.eth(0x88A8) + b"\x00\x05" + struct.pack("!H", ETH_IPV4) + b"\0" * 40,  # QinQ
            # Two 802.1Q tags: the parser takes one, the inner ethertype is 0x8100 again.
            self.eth(ETH_VLAN) + b"\x00\x05" + struct.pack("!H", ETH_VLAN) + b"\0" * 40,
        ]

    def ip_version(self):
        u = self.udp(9, b"v" * 8)
        return [self.eth(ETH_IPV4) + self.ip(u, UDP, version=v) for v in (6, 0, 15)]

    def ip_ihl(self):
        u = self.udp(9, b"i" * 20)  # 48 IP bytes in all
        return [
            self.eth(ETH_IPV4) + self.ip(u, UDP, ihl=0),
            self.eth(ETH_IPV4) + self.ip(u, UDP, ihl=4),
            self.eth(ETH_IPV4) + self.ip(u, UDP, ihl=15),  # 60-byte header in 48 bytes
            # 24-byte header claimed, only the 20 fixed bytes in the frame
            self.eth(ETH_IPV4) + self.ip(b"", UDP, ihl=6, total=24),
        ]

    def ip_len(self):
        u = self.udp(9, b"l" * 20)  # 28 bytes of payload
        return [
            self.eth(ETH_IPV4) + self.ip(u, UDP, total=1000),  # far past the frame
            self.eth(ETH_IPV4) + self.ip(u, UDP, total=49),  # one byte past the frame
            self.eth(ETH_IPV4) + self.ip(u, UDP, total=19),  # shorter than the header
            # 24-byte header (ihl 6) but total length 23
            self.eth(ETH_IPV4) + self.ip(u, UDP, ihl=6, options=b"\x01\x01\x01\x00", total=23),
            self.eth(ETH_IPV4) + self.ip(u, UDP, total=0),
        ]

    def ip_csum(self):
        return [
            self.eth(ETH_IPV4) + self.ip(self.udp(9, b"c" * 8), UDP, bad_csum=True),
            # An echo request to pepgw itself: must not be answered.
            self.eth(ETH_IPV4) + self.ip(self.icmp_echo(), ICMP, dst=self.gw_ip, bad_csum=True),
            self.eth(ETH_IPV4) + self.ip(self.tcp(80, SYN), TCP, bad_csum=True),
        ]

    def l4_truncated(self):
        syn = self.tcp(80, SYN)
        return [
            self.eth(ETH_IPV4) + self.ip(syn[:12], TCP),  # 12 bytes of TCP header
            self.eth(ETH_IPV4) + self.ip(self.udp(9, b"")[:6], UDP),
            self.eth(ETH_IPV4) + self.ip(self.icmp_echo()[:4], ICMP),
            self.eth(ETH_IPV4) + self.ip(self.udp(9, b"u" * 8, length=200), UDP),
            self.eth(ETH_IPV4) + self.ip(self.udp(9, b"u" * 8, length=4), UDP),
            # The total length cuts the TCP header; the frame carries the rest as "padding".
            self.eth(ETH_IPV4) + self.ip(syn + b"\0" * 20, TCP, total=30),
        ]

    def tcp_doff(self):
        return [
            self.eth(ETH_IPV4) + self.ip(self.tcp(80, SYN, doff=0), TCP),
            self.eth(ETH_IPV4) + self.ip(self.tcp(80, SYN, doff=4), TCP),
            self.eth(ETH_IPV4) + self.ip(self.tcp(80, SYN, doff=15), TCP),  # 60 of 20 bytes
            self.eth(ETH_IPV4) + self.ip(self.tcp(80, ACK, doff=6), TCP),  # 24 of 20 bytes
            # doff 8 (32 bytes) fits the frame but not the IP total length (20 TCP bytes).
            self.eth(ETH_IPV4) + self.ip(self.tcp(80, SYN, doff=8) + b"\x01" * 12, TCP,
                                         total=40),
        ]

    def tcp_options(self):
        def syn(options, flags=SYN, payload=b""):
            return self.eth(ETH_IPV4) + self.ip(
                self.tcp(PORT_SYN, flags, options=options, payload=payload), TCP)

        return [
            syn(b"\x02\x00\x05\xb4"),  # MSS with length 0
            syn(b"\x03\x01\x00\x00"),  # window scale with length 1
            syn(b"\x01\x01\x08\x0a"),  # timestamps (length 10) running past the header
            syn(b"\x02\x03\x05\x00"),  # MSS option whose length is not 4
            syn(b"\x02\x04\x05\xb4\x04\x00\x00\x00", SYN | ACK),  # SYN-ACK: SACK-perm len 0
            # SACK block length 10 crosses the data offset into the payload.
            syn(b"\x01\x01\x01\x01\x01\x01\x05\x0a", payload=b"p" * 16),
        ]

    def frag_bad(self):
        t = self.tcp(80, ACK, payload=b"f" * 8)
        return [
            # RFC 1858 3.1 tiny fragment: 16 bytes of TCP header in the first fragment.
            self.eth(ETH_IPV4) + self.ip(t[:16], TCP, frag=MF, ident=11),
            # RFC 1858 3.2: a TCP fragment at offset 8 can only rewrite the TCP flags.
            self.eth(ETH_IPV4) + self.ip(b"\x02" * 16, TCP, frag=1, ident=11),
            # First fragment whose data offset (60) points past its 24 bytes.
            self.eth(ETH_IPV4) + self.ip(self.tcp(80, ACK, doff=15, payload=b"d" * 4), TCP,
                                         frag=MF, ident=12),
            # RFC 791: a non-last fragment carries a multiple of 8 bytes (here 10).
            self.eth(ETH_IPV4) + self.ip(b"z" * 10, UDP, frag=MF | 100, ident=13),
            # Ping of death: the last fragment would end past 65535.
            self.eth(ETH_IPV4) + self.ip(b"z" * 16, ICMP, frag=0x1FFF, ident=14),
            # MF with no data at all.
            self.eth(ETH_IPV4) + self.ip(b"", UDP, frag=MF, ident=15),
        ]

    def arp_bad(self):
        return [
            self.arp(htype=6),  # IEEE 802 hardware
            self.arp(ptype=0x86DD),
            self.arp(hlen=8),
            self.arp(plen=16),
            self.arp(op=3),  # RARP request
            self.arp(op=0),
            self.arp(sha=b"\x03\x00\x00\x00\x00\x01"),  # group sender MAC
            self.arp(cut=27),  # body one byte short
        ]

    # Forwarded by design -----------------------------------------------------------------

    def eth_padding(self):
        """Bytes past the IP total length are Ethernet padding: trimmed, the datagram passes."""
        out = []
        for i, (data, pad) in enumerate([(b"p0", 60), (b"pad-1-....", 200), (b"", 60)]):
            f = self.eth(ETH_IPV4) + self.ip(self.udp(PORT_PADDING, data, sport=41000 + i), UDP)
            out.append(f + b"\xee" * max(pad - len(f), 0))
        return out

    def ip_options(self):
        """IPv4 options are carried through untouched (RFC 1812 5.2.4: a router forwards them)."""
        return [
            self.eth(ETH_IPV4) + self.ip(self.udp(PORT_IP_OPTIONS, b"o1"), UDP,
                                         options=b"\x01\x01\x01\x00"),
            self.eth(ETH_IPV4) + self.ip(self.udp(PORT_IP_OPTIONS, b"o2"), UDP,
                                         options=b"\x94\x04\x00\x00"),  # router alert
        ]

    def frag_overlap(self):
        """Overlaps that the stateless parser cannot see (it keeps no reassembly state): UDP,
        offsets other than 8. They are forwarded; the destination's reassembly decides."""
        first = self.udp(PORT_FRAG_OVERLAP, b"a" * 16, length=8 + 24)  # bytes 0..23
        return [
            self.eth(ETH_IPV4) + self.ip(first, UDP, frag=MF, ident=FRAG_OVERLAP_ID),
            self.eth(ETH_IPV4) + self.ip(b"b" * 16, UDP, frag=2, ident=FRAG_OVERLAP_ID),  # 16..31
            self.eth(ETH_IPV4) + self.ip(first, UDP, frag=MF, ident=FRAG_OVERLAP_ID),  # again
        ]

    def ack_options(self):
        """Malformed options on a non-SYN segment are not the gateway's to judge (lib/mss walks
        SYN and SYN-ACK only): forwarded unchanged."""
        return [
            self.eth(ETH_IPV4) + self.ip(self.tcp(PORT_ACK_OPTIONS, ACK, options=o), TCP)
            for o in (b"\x02\x00\x05\xb4", b"\x03\x01\x00\x00")
        ]


# name -> (expected /pepgw/drops key or "forwarded", builder)
CLASSES = {
    "runt": ("runt", Frames.runt),
    "not_ip": ("not_ip", Frames.not_ip),
    "ip_version": ("ip_version", Frames.ip_version),
    "ip_ihl": ("ip_ihl", Frames.ip_ihl),
    "ip_len": ("ip_len", Frames.ip_len),
    "ip_csum": ("ip_csum", Frames.ip_csum),
    "l4_truncated": ("l4_truncated", Frames.l4_truncated),
    "tcp_doff": ("tcp_doff", Frames.tcp_doff),
    "tcp_options": ("tcp_options", Frames.tcp_options),
    "frag_bad": ("frag_bad", Frames.frag_bad),
    "arp_bad": ("arp_bad", Frames.arp_bad),
    "eth_padding": ("forwarded", Frames.eth_padding),
    "ip_options": ("forwarded", Frames.ip_options),
    "frag_overlap": ("forwarded", Frames.frag_overlap),
    "ack_options": ("forwarded", Frames.ack_options),
}

DUMMY = dict(src_mac="02:00:00:00:00:01", gw_mac="02:00:00:00:00:02", src="10.10.0.2",
             dst="10.20.0.2", gw_ip="10.10.0.1")


# Checks of the forwarded classes on the server side -------------------------------------------

def ipv4_packets(pcap, src, dst):
    """(frame bytes, IP bytes) of every IPv4 frame src -> dst in a capture."""
    from scapy.all import rdpcap  # reads pcap and pcapng
    out = []
    s, d = ip_aton(src), ip_aton(dst)
    for p in rdpcap(pcap):
        b = bytes(p)
        if len(b) < 34 or b[12:14] != b"\x08\x00":
            continue
        ip = b[14:]
        if ip[12:16] == s and ip[16:20] == d:
            out.append((b, ip))
    return out


def check(name, pcap, src, dst, gw_mac):
    f = Frames(DUMMY["src_mac"], gw_mac or DUMMY["gw_mac"], src, dst, DUMMY["gw_ip"])
    sent = [fr[14:] for fr in CLASSES[name][1](f)]
    got = ipv4_packets(pcap, src, dst)
    problems = []

    def matches(sent_ip, rx_ip):
        """Same datagram after one router hop: TTL one lower, header checksum valid, all other
        bytes equal (addresses, options, fragment fields, L4 bytes)."""
        total = struct.unpack("!H", sent_ip[2:4])[0]
        if len(rx_ip) < total or struct.unpack("!H", rx_ip[2:4])[0] != total:
            return False
        rx_ip = rx_ip[:total]
        if csum(rx_ip[:(rx_ip[0] & 0xF) * 4]) != 0:
            return False
        if rx_ip[8] != sent_ip[8] - 1:
            return False
        a = bytearray(sent_ip[:total])
        b = bytearray(rx_ip)
        for x in (a, b):
            x[8] = 0
            x[10:12] = b"\0\0"
        return a == b

    remaining = list(got)
    for i, s in enumerate(sent):
        for j, (_frame, rx_ip) in enumerate(remaining):
            if matches(s, rx_ip):
                extra = len(rx_ip) - struct.unpack("!H", rx_ip[2:4])[0]
                if extra:
                    problems.append(f"frame {i}: {extra} padding bytes forwarded past the IP "
                                    "total length")
                del remaining[j]
                break
        else:
            problems.append(f"frame {i} ({len(s)} bytes after Ethernet) not seen behind pepgw "
                            "with TTL-1, a valid header checksum and its bytes unchanged")
    if problems:
        print(f"{name}: " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"{name}: {len(sent)} frame(s) forwarded intact")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cmd", choices=["list", "send", "check", "pcap"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("--iface", default="eth0")
    ap.add_argument("--gw-mac", default=DUMMY["gw_mac"])
    ap.add_argument("--src", default=DUMMY["src"])
    ap.add_argument("--dst", default=DUMMY["dst"])
    ap.add_argument("--gw-ip", default=DUMMY["gw_ip"])
    a = ap.parse_args()

    if a.cmd == "list":
        f = Frames(**DUMMY)
        for name, (expect, build) in CLASSES.items():
            print(name, expect, len(build(f)))
        return 0
    if a.cmd == "check":
        if len(a.args) != 2 or CLASSES.get(a.args[0], ("",))[0] != "forwarded":
            ap.error("check NAME PCAP, NAME a forwarded class")
        return check(a.args[0], a.args[1], a.src, a.dst, a.gw_mac)

    # Imported late: scapy takes a while to load and "list" does not need it.
    from scapy.all import conf, get_if_hwaddr, sendp, wrpcap
    from scapy.layers.l2 import Ether

    conf.verb = 0
    src_mac = get_if_hwaddr(a.iface) if a.cmd == "send" else DUMMY["src_mac"]
    f = Frames(src_mac, a.gw_mac, a.src, a.dst, a.gw_ip)
    if a.cmd == "pcap":
        if len(a.args) != 1:
            ap.error("pcap FILE")
        frames = [fr for _, build in CLASSES.values() for fr in build(f)]
        wrpcap(a.args[0], [Ether(fr) for fr in frames])
        print(len(frames))
        return 0
    if len(a.args) != 1 or a.args[0] not in CLASSES:
        ap.error(f"send NAME, NAME one of {' '.join(CLASSES)}")
    frames = CLASSES[a.args[0]][1](f)
    # Raw bytes, not scapy packets: sendp must not re-build (and repair) them.
    from scapy.packet import Raw
    sendp([Raw(fr) for fr in frames], iface=a.iface)
    print(len(frames))
    return 0


if __name__ == "__main__":
    sys.exit(main())
