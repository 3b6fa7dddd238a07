#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The TCP profile defaults are said in three places for three readers; one of them is the source.

lib/tcp/tcp_defaults.h is the source (tcp_profile_defaults() and the configuration loader both
use it; lib/config/config_test.c and app/pepgw/params_test.c prove that). This check makes the
other two agree with it, key by key: the `default` of every property of the schema's
tcp_profile (config/pepgw.schema.json) and the default column of doc/configuration.md's
tcp_profiles table. Every key of the schema's profile must have a TCP_DEFAULT_<KEY>.

Usage: check_tcp_defaults.py [--top DIR]. Prints one line per key; exits 1 on a difference.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def header_defaults(path):
    """{"send_buffer": 262144, "sack": True, "congestion_control": "reno", ...}"""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r'#define TCP_DEFAULT_([A-Z_]+)\s+("[^"]*"|[0-9]+u?|true|false)(?=\s|$)',
                         line)
            if not m:
                continue
            v = m.group(2)
            if v.startswith('"'):
                v = v.strip('"')
            elif v in ("true", "false"):
                v = v == "true"
            else:
                v = int(v.rstrip("u"))
            out[m.group(1).lower()] = v
    return out


def doc_defaults(path):
    """The default column of the table under '## tcp_profiles', parsed as JSON."""
    out = {}
    in_section = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                in_section = line.strip() == "## tcp_profiles"
                continue
            m = re.match(r"\| `([a-z_]+)` \| [^|]+ \| ([^|]+) \|", line)
            if in_section and m:
                out[m.group(1)] = json.loads(m.group(2).strip().strip("`"))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", default=os.path.join(HERE, "..", ".."))
    args = ap.parse_args()
    lib = header_defaults(os.path.join(args.top, "lib", "tcp", "tcp_defaults.h"))
    with open(os.path.join(args.top, "config", "pepgw.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)["$defs"]["tcp_profile"]["properties"]
    doc = doc_defaults(os.path.join(args.top, "doc", "configuration.md"))

    failures = 0
    if not lib or not schema or not doc:
        print("FAIL could not read the defaults (lib %d, schema %d, doc %d keys)"
              % (len(lib), len(schema), len(doc)))
        return 1
    for key in sorted(set(schema) | set(lib) | set(doc)):
        have = {"lib/tcp": lib.get(key, "(none)"), "schema": schema.get(key, {}).get(
            "default", "(none)"), "doc": doc.get(key, "(none)")}
        ok = len({json.dumps(v) for v in have.values()}) == 1
        print("%s %-20s %s" % ("ok  " if ok else "FAIL", key,
                                ", ".join("%s %s" % (k, json.dumps(v)) for k, v in have.items())))
        failures += not ok
    print("%d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
