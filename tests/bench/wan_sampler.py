#!/usr/bin/env python3
"""The WAN leg of pepgw's split flows to one port, sampled (benchmarks, not the suite).

    wan_sampler.py FILE_PREFIX PORT INTERVAL_MS LABEL

Until killed, every INTERVAL_MS: for each split pair whose server side is PORT
(/pepgw/tcp_conns), one line "LABEL T_MS CLIENT,SERVER JSON" with the "wan" object of
/pepgw/tcp_conn (cwnd, ssthresh, bytes_in_flight, snd_wnd, pacing_rate_bps, ...), T_MS since
the start. One telemetry connection for the whole run: a pepgwctl per sample costs more CPU
than the flow being watched on a small machine.
"""
import json
import os
import socket
import sys
import time


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    prefix, port, interval, label = sys.argv[1], sys.argv[2], float(sys.argv[3]) / 1000, \
        sys.argv[4]
    path = os.path.join("/var/run/dpdk", prefix, "dpdk_telemetry.v2")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    hello = json.loads(s.recv(16384))
    size = max(int(hello.get("max_output_len", 16384)), 16384) + 1

    def query(cmd):
        s.send(cmd.encode())
        return json.loads(s.recv(size)).get(cmd.split(",", 1)[0])

    t0 = time.monotonic()
    while True:
        t = time.monotonic()
        for pair in query("/pepgw/tcp_conns") or []:
            if pair.endswith(":" + port):
                conn = query("/pepgw/tcp_conn," + pair) or {}
                print(label, round((t - t0) * 1000), pair,
                      json.dumps(conn.get("wan"), separators=(",", ":")), flush=True)
        time.sleep(max(0, interval - (time.monotonic() - t)))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(0)
