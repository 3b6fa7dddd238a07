#!/usr/bin/python3
"""A TCP transfer whose delivery is timed, for the bonded tunnel's failover stories.

  tunnel_flow.py sink ADDR PORT OUT        accept one connection, read it to EOF (or an error),
                                           write OUT: {"bytes", "sha256", "error", "arrivals":
                                           [[t, n]]}, t = CLOCK_REALTIME seconds of a read, n =
                                           bytes so far (one sample per 5 ms at most, and the
                                           last read)
  tunnel_flow.py source ADDR PORT SECONDS  connect and send as fast as the connection takes for
                                           SECONDS, then close; prints {"sent", "sha256",
                                           "error"} and exits 0 only if the connection was never
                                           reset
  tunnel_flow.py gaps OUT T0 T1            the longest time without delivery between T0 and T1
                                           (CLOCK_REALTIME seconds) in a sink's OUT, and the
                                           bytes delivered in that window: "GAP_S BYTES"

CLOCK_REALTIME is the same in every network namespace, so the control commands' times (taken
by the test script) and the arrivals line up. The stream is random bytes repeating with a prime
period (no chunk or segment size divides it): the sha256 of what the sink read equals the
source's only if every byte arrived once and in order.
"""
import hashlib
import json
import os
import socket
import sys
import time

CHUNK = 65536
PERIOD = 1048573  # a prime
SAMPLE_S = 0.005
TIMEOUT = 30


def sink(addr, port, out):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    ls.settimeout(TIMEOUT)
    total, error, arrivals, last = 0, None, [], 0.0
    digest = hashlib.sha256()
    try:
        c, _ = ls.accept()
        c.settimeout(TIMEOUT)
        while True:
            b = c.recv(CHUNK)
            if not b:
                break
            total += len(b)
            digest.update(b)
            now = time.clock_gettime(time.CLOCK_REALTIME)
            if now - last >= SAMPLE_S:
                arrivals.append([now, total])
                last = now
    except OSError as e:
        error = str(e)
    arrivals.append([time.clock_gettime(time.CLOCK_REALTIME), total])
    with open(out, "w") as f:
        json.dump({"bytes": total, "sha256": digest.hexdigest(), "error": error,
                   "arrivals": arrivals}, f)


def source(addr, port, seconds):
    s = socket.create_connection((addr, port), timeout=TIMEOUT)
    pattern = os.urandom(PERIOD)
    buf = memoryview(pattern + pattern[:CHUNK])
    digest = hashlib.sha256()
    sent, error = 0, None
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            off = sent % PERIOD
            n = s.send(buf[off:off + CHUNK])
            digest.update(buf[off:off + n])
            sent += n
        s.shutdown(socket.SHUT_WR)
        s.settimeout(TIMEOUT)
        while s.recv(CHUNK):
            pass
    except OSError as e:
        error = str(e)
    s.close()
    print(json.dumps({"sent": sent, "sha256": digest.hexdigest(), "error": error}))
    return 0 if error is None else 3


def gaps(out, t0, t1):
    with open(out) as f:
        a = json.load(f)["arrivals"]
    inside = [x for x in a if t0 <= x[0] <= t1]
    before = [x for x in a if x[0] < t0]
    times = [t0] + [x[0] for x in inside] + [t1]
    gap = max(b - a for a, b in zip(times, times[1:]))
    start = before[-1][1] if before else 0
    end = inside[-1][1] if inside else start
    print(f"{gap:.3f} {end - start}")
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "sink":
        return sink(argv[2], int(argv[3]), argv[4]) or 0
    if cmd == "source":
        return source(argv[2], int(argv[3]), float(argv[4]))
    if cmd == "gaps":
        return gaps(argv[2], float(argv[3]), float(argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
