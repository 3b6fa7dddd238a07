#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sequence-numbered UDP streams and a timed control command, for the wanem e2e tests.

  wanem_udp.py send --dst IP --port P --count N --pps R [--size B]
      N datagrams, each carrying (sequence number, send time), paced at R per second on an
      absolute schedule (a late sender catches up instead of drifting).
  wanem_udp.py recv --bind IP --port P --out FILE [--idle S] [--max S]
      records every arrival; stops after S idle seconds once something arrived (or after --max
      seconds in all) or on SIGTERM, then writes JSON: received, distinct, duplicates, max_seq,
      first/last arrival time, and the arrivals as [seq, send_time, recv_time] when --arrivals.
  wanem_udp.py ctl --socket PATH COMMAND...
      sends one control command to wanem and prints "T_SEND T_ACK ANSWER": the wall clock just
      before the command was written and just after wanem's "ok" was read (CLOCK_REALTIME,
      shared by every network namespace, so it compares with the receiver's arrival times).

Every time is CLOCK_REALTIME in seconds (float).
"""
import argparse
import json
import signal
import socket
import struct
import sys
import time

HDR = struct.Struct("!Qd")  # sequence number, send time
SO_TIMESTAMPNS = 35  # asm-generic/socket.h (SO_TIMESTAMPNS_OLD); python does not export it


def cmd_send(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    pad = b"\0" * max(0, a.size - HDR.size)
    dst = (a.dst, a.port)
    period = 1.0 / a.pps
    start = time.monotonic()
    for seq in range(a.count):
        due = start + seq * period
        while True:
            now = time.monotonic()
            if now >= due:
                break
            if due - now > 0.002:
                time.sleep(due - now - 0.001)
        while True:
            try:
                s.sendto(HDR.pack(seq, time.time()) + pad, dst)
                break
            except BlockingIOError:
                time.sleep(0.0001)
            except OSError as e:  # ENOBUFS on a full qdisc: retry, the count must be exact
                if e.errno != 105:
                    raise
                time.sleep(0.0001)
    return 0


class Stop(Exception):
    pass


def cmd_recv(a):
    def on_term(signum, frame):
        raise Stop()

    signal.signal(signal.SIGTERM, on_term)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # SO_RCVBUFFORCE (root) ignores rmem_max: the receiver must not add loss of its own.
    s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)
    # Arrival times are the kernel's (SO_TIMESTAMPNS, CLOCK_REALTIME, taken when the frame came
    # off the veth), so a receiver descheduled for a few ms does not shift them.
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((a.bind, a.port))
    s.settimeout(0.2)
    seen = bytearray()
    received = dups = 0
    max_seq = -1
    first = last = None
    arrivals = []
    t0 = time.monotonic()
    try:
        while True:
            try:
                data, anc, _, _ = s.recvmsg(65536, 64)
            except socket.timeout:
                now = time.monotonic()
                if last is not None and time.time() - last >= a.idle:
                    break
                if now - t0 >= a.max:
                    break
                continue
            t = time.time()
            for level, kind, value in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                    sec, nsec = struct.unpack_from("qq", value)
                    t = sec + nsec * 1e-9
            if len(data) < HDR.size:
                continue
            seq, sent = HDR.unpack_from(data)
            received += 1
            if seq >= len(seen):
                seen.extend(b"\0" * (seq + 1 - len(seen) + 4096))
            if seen[seq]:
                dups += 1
            seen[seq] = 1
            max_seq = max(max_seq, seq)
            if first is None:
                first = t
            last = t
            if a.arrivals:
                arrivals.append([seq, sent, t])
            if time.monotonic() - t0 >= a.max:
                break
    except Stop:
        pass
    out = {
        "received": received,
        "distinct": received - dups,
        "duplicates": dups,
        "max_seq": max_seq,
        "first": first,
        "last": last,
    }
    if a.arrivals:
        out["arrivals"] = arrivals
    with open(a.out + ".tmp", "w") as f:
        json.dump(out, f)
    # rename: a reader polling for the file never sees half of it
    import os
    os.replace(a.out + ".tmp", a.out)
    return 0


def cmd_ctl(a):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(a.socket)
    line = (" ".join(a.command) + "\n").encode()
    t_send = time.time()
    s.sendall(line)
    data = b""
    while not (data.endswith(b"ok\n") or b"error" in data):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    t_ack = time.time()
    answer = data.decode(errors="replace").strip().splitlines()
    print(f"{t_send:.6f} {t_ack:.6f} {answer[-1] if answer else '-'}")
    return 0 if answer and answer[-1] == "ok" else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("send")
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--pps", type=float, required=True)
    p.add_argument("--size", type=int, default=64)
    p = sub.add_parser("recv")
    p.add_argument("--bind", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--idle", type=float, default=1.0)
    p.add_argument("--max", type=float, default=60.0)
    p.add_argument("--arrivals", action="store_true")
    p = sub.add_parser("ctl")
    p.add_argument("--socket", required=True)
    p.add_argument("command", nargs="+")
    a = ap.parse_args()
    return {"send": cmd_send, "recv": cmd_recv, "ctl": cmd_ctl}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
