#!/usr/bin/python3
"""Small TCP peers for the split-TCP e2e tests (run inside the lab's namespaces).

  tcp_peers.py halfclose-server ADDR PORT       read until EOF, then answer "got N bytes" and close
  tcp_peers.py halfclose-client ADDR PORT N     send N bytes, shut down writing, print the answer
  tcp_peers.py source-server ADDR PORT          send zeros to every client until it goes away
  tcp_peers.py rst-client ADDR PORT             read a little, then close with SO_LINGER 0 (RST)
  tcp_peers.py echo-server ADDR PORT            echo every connection (asyncio, any number)
  tcp_peers.py many-client ADDR PORT N HOLD     open N connections at once, echo a line on each,
                                                hold them all open HOLD seconds, print "ok N"
  tcp_peers.py sha-server ADDR PORT             read every connection to EOF, answer
                                                "N SHA256HEX" and close
  tcp_peers.py sha-client ADDR PORT FILE [CC]   upload FILE (congestion control CC, e.g.
                                                bbr), shut down writing, check the server's
                                                "N SHA256HEX" against FILE
  tcp_peers.py file-server ADDR PORT FILE       send FILE to every client, then close
  tcp_peers.py stall-client ADDR PORT N GOFILE  connect with a small receive buffer, read nothing
                                                until GOFILE exists (the window stays zero),
                                                then read to EOF; print "got N SHA256HEX"
Every client has a timeout; exit status 0 means the behaviour named succeeded.
"""
import asyncio
import hashlib
import os
import socket
import struct
import sys
import time

TIMEOUT = 20


def listener(addr, port, backlog=128):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(backlog)
    return s


def serve(addr, port, handle):
    """Accept connections one at a time forever: handle(conn), then close it. A peer that goes
    away mid-answer (OSError) ends only its own connection."""
    s = listener(addr, port)
    while True:
        c, _ = s.accept()
        try:
            handle(c)
        except OSError:
            pass
        c.close()


def connect(addr, port, timeout=TIMEOUT, rcvbuf=None, cc=None):
    """A connected client socket; rcvbuf and cc (congestion control) are set before the SYN."""
    c = socket.socket()
    if rcvbuf:
        # Before connect, so that the window is small from the SYN on.
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if cc:
        # Per socket: a network namespace may only pick its default among the modules
        # net.ipv4.tcp_allowed_congestion_control lists; root may set any on a socket.
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
    c.settimeout(timeout)
    c.connect((addr, port))
    return c


def read_to_eof(c, keep=False):
    """Read until the peer's FIN: (bytes read, their sha256 hex digest, the bytes if keep)."""
    h = hashlib.sha256()
    n = 0
    kept = []
    while True:
        b = c.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
        if keep:
            kept.append(b)
    return n, h.hexdigest(), b"".join(kept)


def request(c, data):
    """Send data, shut down writing (FIN) and return the whole answer, as text."""
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)  # we are done writing but keep reading
    return read_to_eof(c, keep=True)[2].decode()


def halfclose_server(addr, port):
    serve(addr, port, lambda c: c.sendall(f"got {read_to_eof(c)[0]} bytes\n".encode()))


def halfclose_client(addr, port, n):
    answer = request(connect(addr, port), b"x" * n)
    print(answer.strip())
    return 0 if answer == f"got {n} bytes\n" else 1


def source_server(addr, port):
    chunk = b"\0" * 65536

    def forever(c):
        while True:
            c.sendall(chunk)

    serve(addr, port, forever)


def rst_client(addr, port):
    c = connect(addr, port)
    got = 0
    while got < 200000:
        b = c.recv(65536)
        if not b:
            return 1
        got += len(b)
    # Unread data plus linger 0: the kernel aborts the connection with a RST.
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    print(f"read {got} bytes, then reset")
    return 0


async def echo(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            writer.write(line)
            await writer.drain()
    finally:
        writer.close()


def echo_server(addr, port):
    async def main():
        server = await asyncio.start_server(echo, addr, port, backlog=2048)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def many_client(addr, port, n, hold):
    async def one(i):
        reader, writer = await asyncio.open_connection(addr, port)
        msg = f"hello {i}\n".encode()
        writer.write(msg)
        await writer.drain()
        ok = await reader.readline() == msg
        return reader, writer, ok

    async def main():
        # Open in batches so that the SYN burst does not overflow the listen queue.
        conns = []
        for start in range(0, n, 100):
            batch = [one(i) for i in range(start, min(n, start + 100))]
            conns += await asyncio.wait_for(asyncio.gather(*batch), TIMEOUT)
        good = sum(1 for _, _, ok in conns if ok)
        print(f"open {good}", flush=True)
        await asyncio.sleep(hold)
        for _, w, _ in conns:
            w.close()
        return good

    good = asyncio.run(main())
    print(f"ok {good}")
    return 0 if good == n else 1


def sha_server(addr, port):
    serve(addr, port, lambda c: c.sendall("{} {}\n".format(*read_to_eof(c)[:2]).encode()))


def sha_client(addr, port, path, cc=None):
    with open(path, "rb") as f:
        data = f.read()
    want = f"{len(data)} {hashlib.sha256(data).hexdigest()}"
    c = connect(addr, port, timeout=60, cc=cc)
    used = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode()
    got = request(c, data).strip()
    print(f"sent {want} with {used}, server got {got}")
    return 0 if got == want and (not cc or used == cc) else 1


def file_server(addr, port, path):
    with open(path, "rb") as f:
        data = f.read()
    serve(addr, port, lambda c: c.sendall(data))


def stall_client(addr, port, n, gofile):
    # A small receive buffer fills at once, so the sender soon sees a zero window.
    c = connect(addr, port, rcvbuf=4096)
    print("connected", flush=True)
    deadline = time.monotonic() + 120
    while not os.path.exists(gofile):
        if time.monotonic() > deadline:
            return 1
        time.sleep(0.05)  # waiting for the test's go, not for the network
    c.settimeout(60)
    got, digest, _ = read_to_eof(c)
    print(f"got {got} {digest}", flush=True)
    return 0 if got == n else 1


def main(argv):
    cmd = argv[1]
    if cmd == "halfclose-server":
        halfclose_server(argv[2], int(argv[3]))
    elif cmd == "halfclose-client":
        return halfclose_client(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "source-server":
        source_server(argv[2], int(argv[3]))
    elif cmd == "rst-client":
        return rst_client(argv[2], int(argv[3]))
    elif cmd == "echo-server":
        echo_server(argv[2], int(argv[3]))
    elif cmd == "many-client":
        return many_client(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    elif cmd == "sha-server":
        sha_server(argv[2], int(argv[3]))
    elif cmd == "sha-client":
        return sha_client(argv[2], int(argv[3]), argv[4], argv[5] if len(argv) > 5 else None)
    elif cmd == "file-server":
        file_server(argv[2], int(argv[3]), argv[4])
    elif cmd == "stall-client":
        return stall_client(argv[2], int(argv[3]), int(argv[4]), argv[5])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
