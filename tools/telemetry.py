#!/usr/bin/python3
"""Query a running DPDK process's telemetry socket and print the JSON answer.

usage: tools/telemetry.py FILE_PREFIX COMMAND [COMMAND...]
  e.g. tools/telemetry.py pepgw /pepgw/counters
With several commands, prints one JSON object per line. Exit 1 when the socket is absent.
"""
import json
import socket
import sys

RUNTIME = "/var/run/dpdk"


def query(prefix, commands):
    path = f"{RUNTIME}/{prefix}/dpdk_telemetry.v2"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(16384))  # greeting: version, pid, max_output_len
    out = []
    for cmd in commands:
        s.send(cmd.encode())
        out.append(json.loads(s.recv(1 << 20)))
    s.close()
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        for answer in query(sys.argv[1], sys.argv[2:]):
            print(json.dumps(answer))
    except OSError as e:
        print(f"telemetry: {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
