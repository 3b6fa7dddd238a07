#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check config/pktgen against what its files claim, without pktgen.

Every config/pktgen/*.pkt is parsed (an unknown command is an error) and its port-0 range is
expanded the way pktgen-dpdk 23.06's pktgen_range_ctor() does it: pktgen starts from its own
defaults (pktgen_range_setup: destination address and both ports step by 1 unless the file
says otherwise), and on every packet each field with a non-zero increment adds it and wraps
(below min -> max, above max -> min). Per "start" pktgen builds POOL packets that way, in one
go, continuing where the previous start stopped, and then cycles those packets. So:

- the flow-key fields that vary must step by 1 and share one period P, and the file's
  "# flows: N" line must say N = P (the product of different periods is not "N flows");
- a file that sends without a count must fit its flows in one pool (P <= POOL), and the
  expansion of one pool must hold exactly N distinct 5-tuples;
- a file with "set 0 count C" (the SYN flood) must have C = POOL, so each start sends the next
  C new flows: the expansion of two starts must hold 2 C distinct 5-tuples;
- every flow must match the "bench" rule of each pepgw config here (so pepgw forwards it) and
  each config must pass `pepgw --check`;
- config/pktgen/sweep.lua's FLOW_FILES must name these files with the same counts, its
  SYN_FILE the SYN flood with SYN_CHUNK = POOL, SYN_CHUNK x SYN_CHUNKS must exceed the memif
  config's flow table, and doc/benchmarks.md must list each file as "`NAME` (N flows)";
- the memif wiring: every route's next hop in each config has a static ARP entry (pktgen answers
  no ARP), the .pkt files send to pepgw-memif.json's lan0 MAC, and the pktgen memif servers in
  doc/benchmarks.md and tests/bench/pktgen_memif.sh use pepgw-memif.json's sockets, port 1's MAC
  being the static entry's (else pepgw drops everything as arp_unresolved or pktgen counts
  nothing);
- sweep.lua must parse as Lua 5.3 (pktgen 23.06's Lua), with luac5.3 -p (skipped without luac).

Usage: check_pktgen.py [--pepgw PATH] [--top DIR] [--pkt FILE]...
Prints one line per check and exits 1 if any failed.
"""
import argparse
import ipaddress
import json
import math
import os
import re
import shutil
import subprocess
import sys

POOL = 24576  # pktgen 23.06 MAX_MBUFS_PER_PORT: range packets built per start and queue
FIELDS = {  # range field -> (kind, default start, min, max, inc) as pktgen_range_setup sets port 0
    "src ip": ("ip", "192.168.0.1", "192.168.0.1", "192.168.0.254", "0.0.0.0"),
    "dst ip": ("ip", "192.168.1.1", "192.168.1.1", "192.168.1.254", "0.0.0.1"),
    "src port": ("int", 1234, 0, 65535, 1),
    "dst port": ("int", 5678, 0, 65535, 1),
    "ttl": ("int", 64, 0, 255, 0),
    "size": ("int", 64, 64, 1518, 0),
    "tcp seq": ("int", 0x12345678, 0, 0xffffffff, 0),
    "tcp ack": ("int", 0x12345690, 0, 0xffffffff, 0),
    "src mac": ("mac", None, None, None, None),
    "dst mac": ("mac", None, None, None, None),
}
KEY_FIELDS = ("src ip", "dst ip", "src port", "dst port")
SMMI = ("start", "min", "max", "inc")


class PktError(Exception):
    pass


def value(kind, text, where):
    try:
        if kind == "ip":
            return int(ipaddress.IPv4Address(text))
        if kind == "int":
            return int(text, 0)
        return text
    except ValueError:
        raise PktError("%s: bad value %r" % (where, text)) from None


def parse_pkt(path):
    """The port-0 range state and settings after running the file: a dict."""
    st = {f: dict(zip(SMMI, [value(d[0], str(x), f) if x is not None else None
                             for x in d[1:]])) for f, d in FIELDS.items()}
    st.update(flags=set(), proto="tcp", type="ipv4", count=0, range=False, claimed=None)
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            where = "%s:%d" % (os.path.basename(path), n)
            m = re.fullmatch(r"#\s*flows:\s*(\d+)", line)
            if m:
                st["claimed"] = int(m.group(1))
            if not line or line.startswith("#"):
                continue
            w = line.split()
            if w[:2] in (["stop", "all"],) or w == ["disable", "all", "range"]:
                continue
            if w == ["enable", "0", "range"]:
                st["range"] = True
                continue
            if len(w) == 4 and w[:2] == ["set", "0"] and w[2] in ("count", "size", "rate"):
                st[w[2] if w[2] == "count" else "set_" + w[2]] = float(w[3]) \
                    if w[2] == "rate" else value("int", w[3], where)
                continue
            if w[:2] != ["range", "0"]:
                raise PktError("%s: command not understood: %s" % (where, line))
            rest = w[2:]
            if rest[:2] == ["tcp", "flag"] and len(rest) == 4 and rest[2] in ("set", "clr"):
                flags = {"urg", "ack", "psh", "rst", "syn", "fin"} if rest[3] == "all" \
                    else {rest[3]}
                st["flags"] = st["flags"] | flags if rest[2] == "set" else st["flags"] - flags
                continue
            if rest[:1] == ["type"] and rest[1:] == ["ipv4"]:
                continue
            if rest[:1] == ["proto"] and len(rest) == 2 and rest[1] in ("tcp", "udp"):
                st["proto"] = rest[1]
                continue
            for fname, (kind, *_rest) in FIELDS.items():
                fw = fname.split()
                if rest[:len(fw)] == fw and len(rest) == len(fw) + 2 and rest[len(fw)] in SMMI:
                    st[fname][rest[len(fw)]] = value(kind, rest[-1], where)
                    break
            else:
                raise PktError("%s: command not understood: %s" % (where, line))
    return st


def step(cur, r, bits):
    """One pktgen_range_ctor step of a field (ports: 32-bit sum, then 16-bit store)."""
    if r["inc"] == 0:
        return r["start"]
    v = (cur + r["inc"]) & ((1 << 32) - 1)
    if v < r["min"]:
        v = r["max"]
    elif v > r["max"]:
        v = r["min"]
    return v & ((1 << bits) - 1)


def period(r):
    return 1 if r["inc"] == 0 else (r["max"] - r["min"]) // r["inc"] + 1


def expand(st, n_packets, history=None):
    """n_packets 5-tuples, built from pktgen's current per-field values (history: dict, kept)."""
    cur = history if history is not None else {f: st[f]["start"] for f in KEY_FIELDS}
    out = []
    bits = {"src ip": 32, "dst ip": 32, "src port": 16, "dst port": 16}
    for _ in range(n_packets):
        for f in KEY_FIELDS:
            cur[f] = step(cur[f], st[f], bits[f])
        out.append((cur["src ip"], cur["dst ip"], st["proto"], cur["src port"], cur["dst port"]))
    return out


def check_pkt(path):
    """(problems, claimed flows, state)."""
    st = parse_pkt(path)
    problems = []
    claimed = st["claimed"]
    if claimed is None:
        problems.append('no "# flows: N" line')
    if not st["range"]:
        problems.append('never "enable 0 range"')
    varying = [f for f in KEY_FIELDS if st[f]["inc"] != 0]
    for f in varying:
        r = st[f]
        if r["inc"] != 1:
            problems.append("%s steps by %d, not 1: its first lap depends on pktgen's state" %
                            (f, r["inc"]))
        if not r["min"] <= r["max"]:
            problems.append("%s: min above max" % f)
    periods = {f: period(st[f]) for f in varying}
    if len(set(periods.values())) > 1:
        problems.append("fields cycle with different periods %s: %d flows, not one period" %
                        (periods, math.lcm(*periods.values())))
    flows = math.lcm(*periods.values()) if periods else 1
    if claimed is not None and flows != claimed:
        problems.append("claims %d flows, its ranges make %d" % (claimed, flows))
    # Enumerate what pktgen sends: pktgen's own starting values (its defaults), one pool per start.
    history = {f: FIELDS[f][1] if FIELDS[f][0] == "int" else value("ip", FIELDS[f][1], f)
               for f in KEY_FIELDS}
    if st["count"] == 0:
        if flows > POOL:
            problems.append("%d flows do not fit pktgen's %d packets per start" % (flows, POOL))
        got = len(set(expand(st, POOL, history)))
        if claimed is not None and got != claimed:
            problems.append("one start sends %d distinct flows, not %d" % (got, claimed))
    else:
        if st["count"] != POOL:
            problems.append("set 0 count %d: must be %d (pktgen's packets per start)" %
                            (st["count"], POOL))
        two = expand(st, POOL, history) + expand(st, POOL, history)
        if len(set(two[:st["count"]] + two[POOL:POOL + st["count"]])) != 2 * st["count"]:
            problems.append("two starts of %d do not send %d new flows" %
                            (st["count"], 2 * st["count"]))
    return problems, claimed, st


def bench_rule(cfg_path):
    with open(cfg_path, encoding="utf-8") as f:
        cfg = json.load(f)
    for r in cfg.get("rules", []):
        if r.get("name") == "bench":
            m = r.get("match", {})
            return ([ipaddress.IPv4Network(p) for p in m.get("src", [])],
                    [ipaddress.IPv4Network(p) for p in m.get("dst", [])]), cfg
    return None, cfg


def covered(lo, hi, nets):
    return any(int(n.network_address) <= lo and hi <= int(n.broadcast_address) for n in nets)


def devargs(device):
    """net_memifN,k=v,... -> {k: v}."""
    return dict(kv.split("=", 1) for kv in device.split(",")[1:] if "=" in kv)


def memif_wiring(cfg, pkts, texts):
    """Problems of the memif set-up: cfg is pepgw-memif.json, pkts {name: state}, texts
    {name: text holding pktgen's --vdev net_memifN,role=server,... lines}."""
    problems = []
    ports = {p["name"]: p for p in cfg.get("ports", [])}
    roles = {p.get("role"): p for p in ports.values()}
    lan, wan = devargs(roles["lan"]["device"]), devargs(roles["wan"]["device"])
    static = {e["ipv4"]: e for e in cfg.get("arp", {}).get("static", [])}
    hop_macs = {static[r["via"]]["mac"].lower() for r in cfg.get("routes", [])
                if r.get("via") in static}
    for name, st in pkts.items():
        if (st["dst mac"]["start"] or "").lower() != lan.get("mac", "").lower():
            problems.append("%s sends to %s, pepgw-memif.json's lan0 is %s" %
                            (name, st["dst mac"]["start"], lan.get("mac")))
    for tname, text in texts.items():
        servers = [devargs(m) for m in re.findall(r"--vdev (net_memif\S*role=server\S*)", text)]
        by_sock = {os.path.basename(d.get("socket", "")): d for d in servers}
        for side, client in (("lan", lan), ("wan", wan)):
            sock = os.path.basename(client.get("socket", ""))
            if sock not in by_sock:
                problems.append("%s: no pktgen memif server on %s (pepgw's %s socket)" %
                                (tname, sock, side))
        wan_srv = by_sock.get(os.path.basename(wan.get("socket", "")), {})
        if wan_srv and wan_srv.get("mac", "").lower() not in hop_macs:
            problems.append("%s: pktgen port 1's MAC %s is not the next hop's static entry %s" %
                            (tname, wan_srv.get("mac"), sorted(hop_macs)))
    return problems


def next_hops_static(cfg):
    static = {e["ipv4"] for e in cfg.get("arp", {}).get("static", [])}
    return ["route %s via %s: no static ARP entry (pktgen answers no ARP)" %
            (r.get("prefix"), r["via"]) for r in cfg.get("routes", [])
            if "via" in r and r["via"] not in static]


def lua_value(text, name):
    m = re.search(r"^local %s = (.*?)(?:\s*--.*)?$" % name, text, re.M)
    return m.group(1).strip() if m else None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", default=os.path.join(here, "..", ".."))
    ap.add_argument("--pepgw", help="pepgw executable for --check (skipped without)")
    ap.add_argument("--pkt", action="append", help="check only these .pkt files")
    args = ap.parse_args()
    top = os.path.abspath(args.top)
    pdir = os.path.join(top, "config", "pktgen")
    failures = 0

    def report(name, problems):
        nonlocal failures
        print("%s %s" % ("FAIL" if problems else "ok  ", name))
        for p in problems:
            print("     " + p)
        failures += bool(problems)

    pkts = args.pkt or sorted(os.path.join(pdir, f) for f in os.listdir(pdir)
                              if f.endswith(".pkt"))
    configs = sorted(os.path.join(pdir, f) for f in os.listdir(pdir) if f.endswith(".json"))
    rules = {}
    for c in configs:
        problems = []
        rule, cfg = bench_rule(c)
        problems += next_hops_static(cfg)
        if rule is None:
            problems.append('no rule named "bench"')
        else:
            rules[c] = rule
        if args.pepgw:
            p = subprocess.run([args.pepgw, "--check", "--config", c], capture_output=True,
                               text=True, timeout=60)
            if p.returncode != 0:
                problems.append("pepgw --check exited %d: %s" % (p.returncode,
                                                                 (p.stdout + p.stderr).strip()))
        report(os.path.relpath(c, top), problems)

    doc = open(os.path.join(top, "doc", "benchmarks.md"), encoding="utf-8").read()
    counts = {}
    for path in pkts:
        name = os.path.basename(path)
        try:
            problems, claimed, st = check_pkt(path)
        except (OSError, PktError) as e:
            report(name, [str(e)])
            continue
        counts[name] = (claimed, st)
        for c, (src, dst) in rules.items():
            s, d = st["src ip"], st["dst ip"]
            slo, shi = (s["min"], s["max"]) if s["inc"] else (s["start"], s["start"])
            dlo, dhi = (d["min"], d["max"]) if d["inc"] else (d["start"], d["start"])
            if not (covered(slo, shi, src) and covered(dlo, dhi, dst)):
                problems.append("flows outside the bench rule of %s" % os.path.basename(c))
        if claimed is not None and not re.search(r"`%s` \(%d flows?\)" % (re.escape(name), claimed),
                                                 doc):
            problems.append("doc/benchmarks.md does not list it as `%s` (%d flows)" %
                            (name, claimed))
        report("%s: %s flows" % (name, claimed), problems)

    if args.pkt:
        return 1 if failures else 0
    memif = os.path.join(pdir, "pepgw-memif.json")
    if os.path.exists(memif):
        with open(memif, encoding="utf-8") as f:
            mcfg = json.load(f)
        texts = {"doc/benchmarks.md": doc}
        bench = os.path.join(top, "tests", "bench", "pktgen_memif.sh")
        with open(bench, encoding="utf-8") as f:
            texts["tests/bench/pktgen_memif.sh"] = f.read().replace("$SOCKDIR/", "/")
        report("memif wiring (pepgw-memif.json, the .pkt MACs, pktgen's servers)",
               memif_wiring(mcfg, {n: c[1] for n, c in counts.items()}, texts))
    lua_path = os.path.join(pdir, "sweep.lua")
    lua = open(lua_path, encoding="utf-8").read()
    problems = []
    luac = next((shutil.which(n) for n in ("luac5.3", "luac") if shutil.which(n)), None)
    if luac is None:
        print("skip sweep.lua: Lua syntax (no luac5.3)")
    else:
        p = subprocess.run([luac, "-p", lua_path], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            problems.append("%s -p: %s" % (os.path.basename(luac), (p.stdout + p.stderr).strip()))
    listed = re.findall(r'\{"config/pktgen/([\w.-]+\.pkt)",\s*(\d+)\}', lua)
    if not listed:
        problems.append("no FLOW_FILES entries")
    for name, n in listed:
        if name not in counts:
            problems.append("FLOW_FILES names %s, which is not checked here" % name)
        elif counts[name][0] != int(n):
            problems.append("FLOW_FILES says %s makes %s flows, the file %s" %
                            (name, n, counts[name][0]))
        elif counts[name][1]["count"] != 0:
            problems.append("FLOW_FILES entry %s sends a fixed count" % name)
    syn = lua_value(lua, "SYN_FILE")
    syn_name = os.path.basename(syn.strip('"')) if syn else None
    chunk, chunks = lua_value(lua, "SYN_CHUNK"), lua_value(lua, "SYN_CHUNKS")
    if syn_name not in counts:
        problems.append("SYN_FILE %s is not checked here" % syn)
    else:
        st = counts[syn_name][1]
        if st["flags"] != {"syn"}:
            problems.append("SYN_FILE %s sends flags %s" % (syn_name, sorted(st["flags"])))
        if not chunk or int(chunk) != POOL or int(chunk) != st["count"]:
            problems.append("SYN_CHUNK %s: must be %d and the SYN file's count" % (chunk, POOL))
        elif chunks and int(chunk) * int(chunks) > counts[syn_name][0]:
            problems.append("a SYN step (%s x %s) repeats flows" % (chunk, chunks))
    if os.path.exists(memif) and chunk and chunks:
        with open(memif, encoding="utf-8") as f:
            table = json.load(f).get("flows", {}).get("table_size", 65536)
        if int(chunk) * int(chunks) <= table:
            problems.append("a SYN step (%s x %s SYNs) does not fill pepgw-memif.json's %d "
                            "flows" % (chunk, chunks, table))
    report("sweep.lua: %d flow files, SYN flood %s x %s" % (len(listed), chunk, chunks),
           problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
