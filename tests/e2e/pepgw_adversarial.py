#!/usr/bin/python3
"""Adversarial segments against pepgw's split connections (scapy; run in the client's netns).

  pepgw_adversarial.py inject SERVER PORT     RFC 5961 cases on a live split connection
  pepgw_adversarial.py badopts SERVER PORT    illegal option lengths on a live split connection
  pepgw_adversarial.py flood SERVER PORT N [K GOFILE]
                                              N SYNs from spoofed 10.10.0.10-250 sources, each
                                              a new 4-tuple; after K of them print
                                              {"paused": K} and wait until GOFILE exists

inject and badopts open a real connection to an echo server (tcp_peers.py echo-server), learn
its sequence numbers from the wire, send forged segments as if from the client (raw IP socket:
our own kernel never sees them), record what pepgw answers, then check that the connection
still echoes. They print one JSON object; exit 0 when the connection survived with the right
bytes. flood prints the number of SYNs sent and how long it took.
"""
import json
import os
import random
import socket
import sys
import time

from scapy.all import IP, TCP, AsyncSniffer, L3RawSocket, conf, raw  # noqa: E402

conf.verb = 0
TIMEOUT = 10


class Live:
    """A real TCP connection plus a sniffer that tracks its sequence numbers."""

    def __init__(self, server, port):
        self.server, self.port = server, port
        self.pkts = []  # AsyncSniffer.results is only set when it stops
        self.sniffer = AsyncSniffer(iface="eth0", filter=f"tcp and host {server} and port {port}",
                                    store=False, prn=self.pkts.append)
        self.sniffer.start()
        time.sleep(0.3)  # let the capture socket attach (AsyncSniffer has no ready signal)
        self.sock = socket.create_connection((server, port), timeout=TIMEOUT)
        self.lport = self.sock.getsockname()[1]
        self.client = self.sock.getsockname()[0]
        self.rfile = self.sock.makefile("rb")
        self.n = 0
        if not self.echo():
            raise RuntimeError("no echo on a fresh connection")
        self.l3 = L3RawSocket()
        self.forged = set()

    def echo(self):
        self.n += 1
        msg = f"line {self.n} {'x' * 100}\n".encode()
        self.sock.sendall(msg)
        return self.rfile.readline() == msg

    def seqs(self):
        """(snd_nxt, rcv_nxt) of our side: the ends of the last segments each way."""
        self.quiet()
        snd = rcv = None
        for p in self.pkts:
            if not p.haslayer(TCP) or raw(p[IP]) in self.forged:
                continue
            t = p[TCP]
            end = (t.seq + len(t.payload) + (1 if "F" in str(t.flags) else 0)) & 0xFFFFFFFF
            if p[IP].src == self.client and t.sport == self.lport:
                snd = end
            elif p[IP].src == self.server and t.dport == self.lport:
                rcv = end
        if snd is None or rcv is None:
            raise RuntimeError("the connection's segments were not captured")
        return snd, rcv

    def send(self, flags, seq, ack, options=None, payload=b"", raw_opts=None):
        tcp = TCP(sport=self.lport, dport=self.port, flags=flags, seq=seq & 0xFFFFFFFF,
                  ack=ack & 0xFFFFFFFF, window=1000, options=options or [])
        if raw_opts is not None:
            # Options scapy would refuse to build: raw bytes, padded to 32 bits, with the data
            # offset set by hand; scapy still computes the checksum over it all.
            pad = raw_opts + b"\0" * (-len(raw_opts) % 4)
            tcp = TCP(sport=self.lport, dport=self.port, flags=flags, seq=seq & 0xFFFFFFFF,
                      ack=ack & 0xFFFFFFFF, window=1000, dataofs=5 + len(pad) // 4)
            pkt = IP(src=self.client, dst=self.server) / tcp / (pad + payload)
        else:
            pkt = IP(src=self.client, dst=self.server) / tcp / payload
        self.quiet()
        before = len(self.pkts)
        b = raw(pkt)
        self.forged.add(b)
        self.l3.send(IP(b))
        time.sleep(0.3)  # pepgw's answer, if any, is within a LAN round trip
        return [p for p in self.pkts[before:]
                if p.haslayer(TCP) and p[IP].src == self.server and p[TCP].dport == self.lport]

    def quiet(self):
        """Wait until nothing was captured for 200 ms (delayed ACKs of the last exchange)."""
        n = -1
        while n != len(self.pkts):
            n = len(self.pkts)
            time.sleep(0.2)

    def close(self):
        self.sock.close()
        self.sniffer.stop()


def show(pkts, rcv_nxt, snd_nxt):
    """Answers relative to our (rcv_nxt, snd_nxt), for the log."""
    def rel(a, b):
        return ((a - b + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
    return [f"{p[TCP].flags} seq{rel(p[TCP].seq, rcv_nxt):+d} ack{rel(p[TCP].ack, snd_nxt):+d}"
            for p in pkts]


def is_ack_to(pkts, rcv_nxt, snd_nxt):
    """A challenge ACK: ACK flag only, acknowledging exactly what we sent, at our rcv_nxt."""
    return any(str(p[TCP].flags) == "A" and p[TCP].ack == snd_nxt and p[TCP].seq == rcv_nxt
               for p in pkts)


def inject(server, port):
    c = Live(server, port)
    res = {"answers": {}}
    snd, rcv = c.seqs()

    def step(name, got):
        res["answers"][name] = show(got, rcv, snd)
        return got

    # RFC 5961 3.2: RST outside the window is dropped silently.
    got = step("rst_out", c.send("R", snd + (1 << 30), 0))
    res["rst_out_of_window_answers"] = len(got)
    # RFC 5961 3.2: RST inside the window but not at RCV.NXT gets a challenge ACK.
    got = step("rst_in", c.send("R", snd + 1000, 0))
    res["rst_in_window_challenge"] = is_ack_to(got, rcv, snd)
    # RFC 5961 4.2: any SYN in a synchronized state gets a challenge ACK.
    got = step("syn", c.send("S", random.getrandbits(32), 0))
    res["syn_challenge"] = is_ack_to(got, rcv, snd)
    # RFC 5961 5.2: an ACK for data never sent is dropped and answered with an ACK.
    got = step("ack_ahead", c.send("A", snd, rcv + (1 << 30)))
    res["ack_beyond_snd_nxt_answered"] = is_ack_to(got, rcv, snd)
    # Data far outside the window: not accepted, answered with an ACK (RFC 9293 3.10.7.4).
    got = step("data_out", c.send("PA", snd + (1 << 30), rcv, payload=b"EVIL\n"))
    res["data_out_of_window_acked"] = is_ack_to(got, rcv, snd)
    res["survived"] = c.echo() and c.echo()
    c.close()
    print(json.dumps(res))
    return 0 if res["survived"] else 1


BAD_OPTIONS = {
    "len0": b"\x08\x00",                 # length 0 (RFC 9293 3.1: covers kind and length)
    "len1": b"\x13\x01",                 # length 1
    "past_header": b"\x08\x28\0\0",      # length 40 in a 4-byte option area
    "kind_at_end": b"\x01\x01\x01\x08",  # a kind byte with no room for its length
}


def badopts(server, port):
    c = Live(server, port)
    res = {"sent": 0}
    for name, opts in BAD_OPTIONS.items():
        snd, rcv = c.seqs()
        c.send("A", snd, rcv, raw_opts=opts)
        res["sent"] += 1
        # The same with data at RCV.NXT: must not be delivered (the echo below would show it).
        c.send("PA", snd, rcv, raw_opts=opts, payload=b"EVIL\n")
        res["sent"] += 1
    res["survived"] = c.echo() and c.echo()
    c.close()
    print(json.dumps(res))
    return 0 if res["survived"] else 1


def flood(server, port, n, pause_at=None, gofile=None):
    rng = random.Random(5961)
    # Distinct 4-tuples: every SYN is a new connection for pepgw (split or fallback, never a
    # retransmission of an earlier one), so the test can account for each exactly.
    tuples = set()
    while len(tuples) < n:
        tuples.add((f"10.10.0.{rng.randint(10, 250)}", rng.randint(1024, 65535)))
    pkts = [raw(IP(src=src, dst=server) /
                TCP(sport=sport, dport=port, flags="S", seq=rng.getrandbits(32), window=64240,
                    options=[("MSS", 1460)]))
            for src, sport in sorted(tuples)]
    s = L3RawSocket()
    start = time.monotonic()
    for i, p in enumerate(pkts):
        if i == pause_at:
            print(json.dumps({"paused": i}), flush=True)
            deadline = time.monotonic() + 120
            while not os.path.exists(gofile):
                if time.monotonic() > deadline:
                    return 1
                time.sleep(0.05)  # waiting for the test's go, not for the network
        s.send(IP(p))
    took = time.monotonic() - start
    print(json.dumps({"sent": n, "seconds": round(took, 2)}))
    return 0


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, server, port = argv[1], argv[2], int(argv[3])
    if cmd == "inject":
        return inject(server, port)
    if cmd == "badopts":
        return badopts(server, port)
    if cmd == "flood":
        if len(argv) > 6:
            return flood(server, port, int(argv[4]), int(argv[5]), argv[6])
        return flood(server, port, int(argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
