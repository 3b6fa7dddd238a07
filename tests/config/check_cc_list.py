#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hold every mention of the congestion-control modules to lib/tcp's one list.

tcp_cc_list.h names the modules; TCP_CC_LIST prints them (the tcp_cc_list program). This test
checks that the JSON schema's enum for a profile's `congestion_control`, the row of
doc/configuration.md that documents it, and the "allowed: ..." message of `pepgw --check` for
an unknown name all say the same names in the same order, and that `pepgw --check` accepts
each of them.

Usage: check_cc_list.py --list TCP_CC_LIST --pepgw PEPGW [--root DIR]
Prints one line per check and exits 1 if any failed.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIG = """{
	"ports": [
		{"name": "lan0", "device": "net_null0", "role": "lan", "ipv4": "10.10.0.1/24"},
		{"name": "wan0", "device": "net_null1", "role": "wan", "ipv4": "192.0.2.1/24"}
	],
	"tcp_profiles": {"lan": {}, "wan": {"congestion_control": "%s"%s}},
	"rules": [
		{"name": "all-tcp", "match": {"protocol": "tcp"}, "action": "accelerate",
		 "lan_profile": "lan", "wan_profile": "wan"}
	]
}
"""


def check(pepgw, name, needs_rate=False):
    """Exit status and output of `pepgw --check` on a config whose WAN profile uses name (with
    the rate_mbps a rate-based module needs)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cc.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(CONFIG % (name, ', "rate_mbps": 10' if needs_rate else ""))
        p = subprocess.run([pepgw, "--check", "--config", path], capture_output=True,
                           text=True, timeout=60)
        return p.returncode, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", required=True, help="the tcp_cc_list program")
    ap.add_argument("--pepgw", required=True, help="pepgw executable")
    ap.add_argument("--root", default=os.path.join(HERE, "..", ".."))
    args = ap.parse_args()
    lines = subprocess.run([args.list], capture_output=True, text=True, check=True,
                           timeout=60).stdout.splitlines()
    names = [l.split()[0] for l in lines if l.strip()]
    rate_based = {l.split()[0] for l in lines if l.split()[1:] == ["needs_rate"]}
    failures = 0

    def verdict(ok, what, detail=""):
        nonlocal failures
        print("%s %s%s" % ("ok  " if ok else "FAIL", what, "" if ok else ": " + detail))
        failures += not ok

    verdict(len(names) > 0 and len(set(names)) == len(names), "the list " + " ".join(names),
            "empty or repeated names")

    with open(os.path.join(args.root, "config", "pepgw.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    cc = schema["$defs"]["tcp_profile"]["properties"]["congestion_control"]
    verdict(cc.get("enum") == names, "schema enum", "%s, the list says %s" % (cc.get("enum"),
                                                                               names))
    verdict(cc.get("default") in names, "schema default", "%s" % cc.get("default"))

    with open(os.path.join(args.root, "doc", "configuration.md"), encoding="utf-8") as f:
        rows = [l for l in f if l.startswith("| `congestion_control` |")]
    doc = []
    if len(rows) == 1:
        cells = rows[0].split("|")
        doc = re.findall(r'`"([^"`]+)"`', cells[4]) if len(cells) > 4 else []
    verdict(doc == names, "doc/configuration.md congestion_control row",
            "%d rows, values %s, the list says %s" % (len(rows), doc, names))

    rc, out = check(args.pepgw, "no-such-module")
    allowed = "(allowed: %s)" % ", ".join('"%s"' % n for n in names)
    verdict(rc == 2 and allowed in out, "pepgw --check refuses an unknown name " + allowed,
            "exit %d, output:\n%s" % (rc, out.rstrip()))
    for n in names:
        rc, out = check(args.pepgw, n, n in rate_based)
        verdict(rc == 0, "pepgw --check accepts %s" % n, "exit %d:\n%s" % (rc, out.rstrip()))
    for n in sorted(rate_based):
        rc, out = check(args.pepgw, n)
        verdict(rc == 2 and "needs rate_mbps" in out, "pepgw --check wants rate_mbps for " + n,
                "exit %d, output:\n%s" % (rc, out.rstrip()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
