#!/usr/bin/python3
"""Measure the forwarding rate of a running DPDK process: the TX port's opackets read through
telemetry at two instants WINDOW seconds apart, after WARMUP seconds.

usage: fwd_sample.py FILE_PREFIX PID TX_PORT_NAME WARMUP WINDOW [GEN_PREFIX GEN_PID]

TX_PORT_NAME is the ethdev name of the transmitting port (net_null0); its port id is looked up
through /ethdev/info. Prints one JSON object:
  pps        packets per wall-clock second over the window
  cpu        share of one CPU the forwarding thread (rte-worker-*) got in the window, from
             /proc/PID/task/*/stat utime+stime; < 1.0 when other work ran on its CPU
  packets, seconds
With GEN_PREFIX GEN_PID (memif mode: the generator, testpmd io net_pcap0 -> net_memif0), the
generator is read at the same instants:
  gen_rx_pps what it read from its pcap (net_pcap0 ipackets): the rate it offered
  gen_tx_pps what the memif ring took (net_memif0 opackets); testpmd io frees what its TX
             refuses, so gen_rx_pps - gen_tx_pps is what the forwarder could not take
  gen_cpu    the generator's forwarding thread's CPU share
Exit 1 when the process or its telemetry socket is gone.
"""
import json
import os
import sys
import time

import importlib.machinery  # noqa: E402
import importlib.util  # noqa: E402

# app/pepgwctl/pepgwctl is the one telemetry client; it has no .py suffix, so load it by path.
_loader = importlib.machinery.SourceFileLoader("pepgwctl", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "app", "pepgwctl", "pepgwctl"))
pepgwctl = importlib.util.module_from_spec(importlib.util.spec_from_loader("pepgwctl", _loader))
_loader.exec_module(pepgwctl)


def query(prefix, commands):
    """The answers of a DPDK process (any, not only pepgw) to commands, in order."""
    tel = pepgwctl.Telemetry(prefix)
    try:
        return [tel.answer(c) for c in commands]
    finally:
        tel.close()

CLK_TCK = os.sysconf("SC_CLK_TCK")
SOCKET_WAIT_S = 20


def worker_ticks(pid):
    """utime+stime (clock ticks) summed over the process's EAL worker threads."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
            if not comm.startswith("rte-worker"):
                continue
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                # comm may hold spaces: the fields after it start past the last ')'
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        except OSError:
            continue
    return total


def port_id(prefix, name):
    for pid in query(prefix, ["/ethdev/list"])[0]["/ethdev/list"]:
        info = query(prefix, [f"/ethdev/info,{pid}"])[0]["/ethdev/info"]
        if info.get("name") == name:
            return pid
    raise OSError(f"no ethdev named {name}")


def sample(prefix, pid, port):
    t = time.monotonic()
    stats = query(prefix, [f"/ethdev/stats,{port}"])[0]["/ethdev/stats"]
    return t, stats["opackets"], worker_ticks(pid)


def gen_sample(prefix, pid, rx_port, tx_port):
    rx, tx = query(prefix, [f"/ethdev/stats,{rx_port}", f"/ethdev/stats,{tx_port}"])
    return rx["/ethdev/stats"]["ipackets"], tx["/ethdev/stats"]["opackets"], worker_ticks(pid)


def main():
    if len(sys.argv) not in (6, 8):
        print(__doc__, file=sys.stderr)
        return 2
    prefix, pid, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    gen = (sys.argv[6], int(sys.argv[7])) if len(sys.argv) == 8 else None
    warmup, window = float(sys.argv[4]), float(sys.argv[5])
    deadline = time.monotonic() + SOCKET_WAIT_S
    while True:
        try:
            port = port_id(prefix, name)
            break
        except (OSError, KeyError, ValueError) as e:
            if time.monotonic() > deadline or not os.path.exists(f"/proc/{pid}"):
                print(f"fwd_sample: {prefix}: {e}", file=sys.stderr)
                return 1
            time.sleep(0.2)
    try:
        if gen:
            gports = (port_id(gen[0], "net_pcap0"), port_id(gen[0], "net_memif0"))
        time.sleep(warmup)
        t0, p0, c0 = sample(prefix, pid, port)
        g0 = gen_sample(*gen, *gports) if gen else None
        time.sleep(window)
        t1, p1, c1 = sample(prefix, pid, port)
        g1 = gen_sample(*gen, *gports) if gen else None
    except (OSError, KeyError, ValueError) as e:
        print(f"fwd_sample: {prefix}: {e}", file=sys.stderr)
        return 1
    dt = t1 - t0
    out = {"pps": (p1 - p0) / dt, "cpu": (c1 - c0) / CLK_TCK / dt, "packets": p1 - p0,
           "seconds": dt}
    if gen:
        out.update({"gen_rx_pps": (g1[0] - g0[0]) / dt, "gen_tx_pps": (g1[1] - g0[1]) / dt,
                    "gen_cpu": (g1[2] - g0[2]) / CLK_TCK / dt})
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
