#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The TCP profile keys are said in three places for three readers; one of them is the source.

lib/tcp/tcp_defaults.h's list (TCP_PROFILE_KEYS) is the source: tcp_profile_defaults(), the
configuration loader's defaults and range checks and pepgw's copy between them are made from it
(lib/config/config_test.c and app/pepgw/params_test.c prove that). The tcp_profile_keys program
prints the list; this check makes the other two readers agree with it, key by key:
  - doc/configuration.md's tcp_profiles table: the same keys in the same order, each row exactly
    the row `tcp_profile_keys --markdown` prints (type, default, range and text);
  - config/pepgw.schema.json's tcp_profile: the same keys, each with the list's type, default,
    minimum and maximum.

Usage: check_tcp_defaults.py --keys TCP_PROFILE_KEYS [--top DIR]. Prints one line per key;
exits 1 on a difference.
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def doc_rows(path):
    """[(key, row)] of the table under '## tcp_profiles', in document order."""
    out = []
    in_section = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                in_section = line.strip() == "## tcp_profiles"
                continue
            m = re.match(r"\| `([a-z_]+)` \|", line)
            if in_section and m:
                out.append((m.group(1), line.rstrip("\n")))
    return out


def schema_view(prop):
    """What the schema says of a key in the list's terms (of a number or a keyword: the
    number's branch)."""
    v = {"default": prop.get("default", "(none)")}
    for branch in prop.get("anyOf", []):
        if branch.get("type") in ("integer", "number"):
            prop = dict(branch, default=v["default"])
    if "enum" in prop:
        v["type"] = "string"
    else:
        v["type"] = prop.get("type", "(none)")
    if v["type"] in ("integer", "number"):
        v["minimum"] = prop.get("minimum", "(none)")
        v["maximum"] = prop.get("maximum", "(none)")
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keys", required=True, help="the tcp_profile_keys program")
    ap.add_argument("--top", default=os.path.join(HERE, "..", ".."))
    args = ap.parse_args()

    def run(flag):
        return subprocess.run([args.keys, flag], capture_output=True, text=True, check=True,
                              timeout=60).stdout.splitlines()

    lib = [json.loads(l) for l in run("--json") if l.strip()]
    rows = {re.match(r"\| `([a-z_]+)` \|", l).group(1): l for l in run("--markdown")}
    with open(os.path.join(args.top, "config", "pepgw.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)["$defs"]["tcp_profile"]["properties"]
    doc = doc_rows(os.path.join(args.top, "doc", "configuration.md"))

    failures = 0
    if not lib or not schema or not doc:
        print("FAIL could not read the keys (lib %d, schema %d, doc %d)"
              % (len(lib), len(schema), len(doc)))
        return 1
    lib_keys = [k["key"] for k in lib]
    doc_keys = [k for k, _ in doc]
    if doc_keys != lib_keys:
        print("FAIL the table's keys are not the list's, in its order:\n     doc  %s\n     list %s"
              % (" ".join(doc_keys), " ".join(lib_keys)))
        failures += 1
    doc_row = dict(doc)
    for k in lib:
        key = k["key"]
        problems = []
        want = {f: k[f] for f in ("type", "default", "minimum", "maximum") if f in k}
        if key not in schema:
            problems.append("schema: no property")
        else:
            have = schema_view(schema[key])
            for f, v in want.items():
                # JSON numbers: 0 and 0.0 agree
                if json.dumps(have.get(f)) != json.dumps(v) and have.get(f) != v:
                    problems.append("schema %s %s, list %s" % (f, json.dumps(have.get(f)),
                                                               json.dumps(v)))
        if key not in doc_row:
            problems.append("doc: no row")
        elif doc_row[key] != rows[key]:
            problems.append("doc row differs:\n       doc  %s\n       list %s"
                            % (doc_row[key], rows[key]))
        print("%s %-36s %s" % ("FAIL" if problems else "ok  ", key,
                               "; ".join(problems) if problems else json.dumps(want)))
        failures += bool(problems)
    for key in sorted(set(schema) - set(lib_keys)):
        print("FAIL %-36s in the schema, not in lib/tcp's list" % key)
        failures += 1
    print("%d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
