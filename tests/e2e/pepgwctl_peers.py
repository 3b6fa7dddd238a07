#!/usr/bin/python3
"""TCP peers for tests/e2e/pepgwctl.sh (run inside the lab's namespaces).

  pepgwctl_peers.py sink-server ADDR PORT           read and discard every connection
  pepgwctl_peers.py hold-client ADDR PORT SPORT N   from source port SPORT send N bytes, print
                                                    "sent N", then hold the connection open
  pepgwctl_peers.py stream-client ADDR PORT SPORT S from source port SPORT send without pause
                                                    for S seconds, then close
"""
import socket
import sys
import threading
import time


def sink_server(addr, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)

    def drain(c):
        while c.recv(65536):
            pass
        c.close()

    while True:
        c, _ = s.accept()
        threading.Thread(target=drain, args=(c,), daemon=True).start()


def client(addr, port, sport):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", sport))
    s.settimeout(20)
    s.connect((addr, port))
    return s


def hold_client(addr, port, sport, n):
    s = client(addr, port, sport)
    s.sendall(b"x" * n)
    print(f"sent {n}", flush=True)
    while True:
        time.sleep(3600)


def stream_client(addr, port, sport, seconds):
    s = client(addr, port, sport)
    chunk = b"y" * 16384
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s.sendall(chunk)
    s.close()


def main(argv):
    if argv[1] == "sink-server":
        sink_server(argv[2], int(argv[3]))
    elif argv[1] == "hold-client":
        hold_client(argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    elif argv[1] == "stream-client":
        stream_client(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
