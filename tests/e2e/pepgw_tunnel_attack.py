#!/usr/bin/python3
"""Forged, replayed, tampered, truncated and garbage tunnel packets toward a pepgw tunnel port
(tests/e2e/pepgw_tunnel_attack.sh).

  pepgw_tunnel_attack.py list
      one line per class: NAME EXPECT COUNT, EXPECT being the /pepgw/counters key that must grow
      by exactly COUNT (and no other drop counter may grow)
  pepgw_tunnel_attack.py send NAME --iface IF --pcap CAPTURE
      send the class's frames on IF (raw, scapy's sendp), built from the authentic tunnel
      frames in CAPTURE (a capture of the sending gateway's link): same Ethernet and outer
      IPv4/UDP headers, so that they reach the tunnel port as the real ones do; print the count

The pepgw header (lib/bond/bond_wire.h) is byte 0: version(2) type(3) key slot(2) reserved(1),
byte 1 flags, byte 2 link(4) sender queue(4), 3-5 stamp, 6-7 flow sequence, 8-11 link
sequence; then the AES-256-GCM ciphertext and its 16-byte tag. Lengths and checksums are
rebuilt byte by byte so that each frame reaches the check it is meant to trip.
"""
import argparse
import os
import struct
import sys

ETH_LEN, IP_LEN, UDP_LEN, HDR_LEN, TAG_LEN = 14, 20, 8, 12, 16
TYPE_DATA, TYPE_HANDSHAKE = 1, 4

# name, expected counter, frames
CLASSES = [
    ("replayed", "drop_tunnel_replayed", 20),
    ("tampered", "drop_tunnel_auth", 20),
    ("forged", "drop_tunnel_auth", 20),
    ("truncated", "drop_tunnel_truncated", 20),
    ("tag_cut", "drop_tunnel_auth", 20),
    ("version", "drop_tunnel_version", 10),
    ("type", "drop_tunnel_type", 10),
    ("reserved", "drop_tunnel_flags", 10),
    ("link", "drop_tunnel_link", 10),
    ("key_slot", "drop_tunnel_no_session", 10),
    ("hs_kind", "drop_tunnel_hs_kind", 10),
    ("hs_forged_init", "drop_tunnel_hs_mac", 10),
    ("garbage", "drop_tunnel_truncated", 10),
]


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def authentic(pcap):
    """The captured tunnel data frames (Ethernet + IPv4 + UDP + pepgw data), in order."""
    from scapy.utils import rdpcap
    out = []
    for p in rdpcap(pcap):
        b = bytes(p)
        if len(b) < ETH_LEN + IP_LEN + UDP_LEN + HDR_LEN + TAG_LEN or b[12:14] != b"\x08\x00":
            continue
        ihl = (b[ETH_LEN] & 0xF) * 4
        if b[ETH_LEN + 9] != 17 or ihl != IP_LEN:
            continue
        hdr = b[ETH_LEN + IP_LEN + UDP_LEN:]
        if hdr[0] >> 6 == 1 and (hdr[0] >> 3) & 7 == TYPE_DATA:
            out.append(b)
    if not out:
        sys.exit(f"no tunnel data frame in {pcap}")
    return out


def reframe(template, payload):
    """template's Ethernet and outer headers around a new UDP payload, lengths and sums fixed."""
    eth = template[:ETH_LEN]
    ip = bytearray(template[ETH_LEN:ETH_LEN + IP_LEN])
    udp = bytearray(template[ETH_LEN + IP_LEN:ETH_LEN + IP_LEN + UDP_LEN])
    struct.pack_into("!H", ip, 2, IP_LEN + UDP_LEN + len(payload))
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, csum(bytes(ip)))
    struct.pack_into("!H", udp, 4, UDP_LEN + len(payload))
    struct.pack_into("!H", udp, 6, 0)
    return eth + bytes(ip) + bytes(udp) + payload


def payload_of(frame):
    ip_len = struct.unpack("!H", frame[ETH_LEN + 2:ETH_LEN + 4])[0]
    return frame[ETH_LEN + IP_LEN + UDP_LEN:ETH_LEN + ip_len]


def frames(name, real):
    n = dict((c[0], c[2]) for c in CLASSES)[name]
    t = real[0]
    out = []
    for i in range(n):
        r = real[i % len(real)]
        p = bytearray(payload_of(r))
        if name == "replayed":
            out.append(r)
            continue
        if name == "tampered":
            p[HDR_LEN + (i % max(1, len(p) - HDR_LEN - TAG_LEN))] ^= 0x40
        elif name == "forged":
            # A header the receiver accepts up to the tag, far-off link sequences, random body.
            p[8:12] = struct.pack("!I", 0x10000000 + i * 7919)
            p[HDR_LEN:] = os.urandom(len(p) - HDR_LEN)
        elif name == "truncated":
            p = p[:HDR_LEN + (i % TAG_LEN)]
        elif name == "tag_cut":
            p = p[:-1 - (i % 8)]
        elif name == "version":
            p[0] = (p[0] & 0x3F) | ((0, 2, 3)[i % 3] << 6)
        elif name == "type":
            p[0] = (p[0] & 0xC7) | ((0, 5, 6, 7)[i % 4] << 3)
        elif name == "reserved":
            p[0] |= 1
        elif name == "link":
            p[2] = (p[2] & 0x0F) | ((8 + i % 8) << 4)
        elif name == "key_slot":
            # The slot the sender is not using (it uses one of four): never installed here
            # unless a handshake ran meanwhile, which the test rules out.
            p[0] = (p[0] & 0xF9) | ((((p[0] >> 1) & 3) ^ 2) << 1)
        elif name == "hs_kind":
            p = bytearray(bytes([1 << 6 | TYPE_HANDSHAKE << 3, 0, p[2] & 0xF0]) + bytes(9))
            p += bytes([9 + i % 50, 0, 0, 0]) + bytes(16)
        elif name == "hs_forged_init":
            # INIT: kind 1, slot, 0, 0, timestamp, nonce, a MAC made without the key.
            p = bytearray(bytes([1 << 6 | TYPE_HANDSHAKE << 3, 0, p[2] & 0xF0]) + bytes(9))
            p += bytes([1, 0, 0, 0]) + struct.pack("!Q", 2**62 + i) + os.urandom(32 + 16)
        elif name == "garbage":
            p = bytearray(os.urandom(i % HDR_LEN))
        out.append(reframe(t, bytes(p)))
    return out


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["list", "send"])
    ap.add_argument("name", nargs="?")
    ap.add_argument("--iface")
    ap.add_argument("--pcap")
    a = ap.parse_args(argv[1:])
    if a.cmd == "list":
        for name, expect, n in CLASSES:
            print(name, expect, n)
        return 0
    from scapy.all import Raw, conf, sendp
    conf.verb = 0
    fs = frames(a.name, authentic(a.pcap))
    sendp([Raw(f) for f in fs], iface=a.iface, verbose=False)
    print(len(fs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
