#!/usr/bin/env python3
"""Kernel-side drops of the lab's af_packet receive rings (benchmarks, not the suite).

    ring_drops.py IFNAME...

DPDK 22.11's net_af_packet never reads PACKET_STATISTICS, so a frame the kernel could not put
in a full receive ring (framecnt frames per queue) is in no ethdev counter: imissed stays 0.
This reads the kernel's own count: every packet socket of any process bound to one of IFNAME
is borrowed with pidfd_getfd(2) (root) and asked for PACKET_STATISTICS. Prints one line
"IFNAME packets drops" per interface (summed over its sockets, i.e. the PMD's queues).
PACKET_STATISTICS is read-and-clear, so each call reports what happened since the previous
one: call it once before a run to start from zero.
"""
import ctypes
import os
import re
import socket
import struct
import sys

SYS_PIDFD_GETFD = 438
SOL_PACKET = 263
PACKET_STATISTICS = 6


def packet_sockets():
    """{inode: ifindex} of every bound packet socket (/proc/net/packet)."""
    out = {}
    with open("/proc/net/packet") as f:
        next(f)
        for line in f:
            w = line.split()
            out[int(w[8])] = int(w[4])
    return out


def main():
    names = sys.argv[1:]
    if not names:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    want = {}
    for n in names:
        try:
            want[socket.if_nametoindex(n)] = n
        except OSError:
            print("ring_drops: no interface %s" % n, file=sys.stderr)
            return 1
    socks = {i: x for i, x in packet_sockets().items() if x in want}
    libc = ctypes.CDLL(None, use_errno=True)
    tot = {n: [0, 0] for n in names}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir("/proc/%s/fd" % pid)
        except OSError:
            continue
        pidfd = None
        for fd in fds:
            try:
                m = re.fullmatch(r"socket:\[(\d+)\]", os.readlink("/proc/%s/fd/%s" % (pid, fd)))
            except OSError:
                continue
            if not m or int(m.group(1)) not in socks:
                continue
            if pidfd is None:
                pidfd = os.pidfd_open(int(pid))
            dup = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(fd), 0)
            if dup < 0:
                print("ring_drops: pidfd_getfd %s/%s: %s" % (pid, fd,
                      os.strerror(ctypes.get_errno())), file=sys.stderr)
                return 1
            try:
                s = socket.socket(fileno=dup)
                packets, drops = struct.unpack("II", s.getsockopt(SOL_PACKET,
                                                                  PACKET_STATISTICS, 8))
                s.detach()
            finally:
                os.close(dup)
            t = tot[want[socks[int(m.group(1))]]]
            t[0] += packets
            t[1] += drops
        if pidfd is not None:
            os.close(pidfd)
    for n in names:
        print(n, *tot[n])
    return 0


if __name__ == "__main__":
    sys.exit(main())
