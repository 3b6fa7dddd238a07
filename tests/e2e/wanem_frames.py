#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Malformed frames for the wanem e2e test, sent with scapy from a lab host.

  wanem_frames.py SET --iface IF --dst-mac MAC --src-ip A --dst-ip B [--count N] [--seed S]

SET is one of
  small     frames that fit any MTU: runts (14 and 20 bytes), a garbage ethertype, IPv4 cut
            short (header only half there, total length past the frame), IHL below 5, IHL 15 in
            a short frame, version 6 under ethertype IPv4, a VLAN tag with 2 bytes of IPv4;
  oversize  1400-byte frames (above a 1000-byte MTU): the same kinds of damage, padded, plus a
            well-formed IPv4 UDP datagram with DF set (the only one that deserves an ICMP
            fragmentation-needed answer);
  random    N frames of random length 14..1514 and random bytes (seeded).
Each kind has its own source MAC 02:00:00:00:KK:00 (KK = kind index, random: ff), so a capture
at the receiver counts what arrived per kind. Prints JSON {kind: [src_mac, frames sent]}.
"""
import argparse
import json
import random
import sys

from scapy.all import Dot1Q, Ether, IP, Raw, UDP, conf, sendp

conf.verb = 0


def mac(k):
    return "02:00:00:00:%02x:00" % k


def kinds_small(a):
    def eth(k, t):
        return Ether(dst=a.dst_mac, src=mac(k), type=t)

    ip = IP(src=a.src_ip, dst=a.dst_ip) / UDP(sport=7, dport=7) / Raw(b"x" * 20)
    full = bytes(ip)
    return {
        "runt14": bytes(eth(1, 0x0800)),
        "runt20": bytes(eth(2, 0x0800)) + b"\x45\x00\x00\x14\x00\x00",
        "garbage_ethertype": bytes(eth(3, 0x88B5)) + bytes(range(100)),
        "ip_truncated": bytes(eth(4, 0x0800)) + full[:12],
        "ip_len_past_frame": bytes(eth(5, 0x0800) / IP(src=a.src_ip, dst=a.dst_ip, len=1000)),
        "ip_ihl_below_5": bytes(eth(6, 0x0800)) + b"\x43" + full[1:],
        "ip_ihl_15_short": bytes(eth(7, 0x0800)) + b"\x4f" + full[1:],
        "ip_version_6": bytes(eth(8, 0x0800)) + b"\x65" + full[1:],
        # A tag followed by 2 bytes of IPv4 (the shortest the veth's kernel side accepts: it
        # untags in software and frees a tagged frame with less than 2 bytes after the tag).
        "vlan_truncated_ip": bytes(Ether(dst=a.dst_mac, src=mac(9), type=0x8100)) +
        b"\x00\x05\x08\x00" + full[:2],
    }


def kinds_oversize(a):
    def eth(k, t=0x0800):
        return bytes(Ether(dst=a.dst_mac, src=mac(k), type=t))

    size = 1400
    good = IP(src=a.src_ip, dst=a.dst_ip, flags="DF") / UDP(sport=7, dport=7)
    good = bytes(good / Raw(b"y" * (size - 14 - len(bytes(good)))))
    bad_len = bytearray(good)
    bad_len[2:4] = (60000).to_bytes(2, "big")  # total length far past the frame
    return {
        "big_valid_df": eth(16) + good,
        "big_garbage_ethertype": eth(17, 0x88B5) + bytes(size - 14),
        "big_ip_ihl_below_5": eth(18) + b"\x41" + good[1:],
        "big_ip_len_past_frame": eth(19) + bytes(bad_len),
        "big_ip_version_6": eth(20) + b"\x65" + good[1:],
        "big_vlan_truncated_ip": eth(21, 0x8100) + b"\x00\x05\x08\x00" + good[:10] +
        bytes(size - 32),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set", choices=["small", "oversize", "random"])
    ap.add_argument("--iface", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--src-ip", required=True)
    ap.add_argument("--dst-ip", required=True)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sent = {}
    if a.set == "random":
        rng = random.Random(a.seed)
        frames = []
        for _ in range(a.count):
            n = rng.randint(14, 1514)
            f = bytearray(rng.getrandbits(8) for _ in range(n))
            f[0:6] = bytes.fromhex(a.dst_mac.replace(":", ""))
            f[6:12] = bytes.fromhex("02000000ff00")
            if rng.random() < 0.5:  # half of them claim to be IPv4, to reach the parser
                f[12:14] = b"\x08\x00"
            frames.append(bytes(f))
        sendp([Raw(f) for f in frames], iface=a.iface)
        sent["random"] = ["02:00:00:00:ff:00", len(frames)]
    else:
        kinds = kinds_small(a) if a.set == "small" else kinds_oversize(a)
        for name, frame in kinds.items():
            sendp([Raw(frame)] * a.count, iface=a.iface)
            sent[name] = [":".join("%02x" % b for b in frame[6:12]), a.count]
    json.dump(sent, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
