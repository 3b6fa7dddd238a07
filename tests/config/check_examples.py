#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check config/ against both halves of the configuration contract.

Every config/**/*.json outside config/broken/ and config/wanem/ (wanem's own files, another
vocabulary), except the schema itself, must pass
config/pepgw.schema.json and `PEPGW --check --config FILE` (exit 0).

Every config/broken/NAME.json must make `PEPGW --check --config NAME.json` (run inside
config/broken/) exit 2 and print every line of config/broken/NAME.expect that follows its
first line; that first line is `schema: rejects` or `schema: accepts` and says what the JSON
Schema must do with the file (some checks, like dangling references, are beyond a schema).

Usage: check_examples.py --pepgw PATH [--config-dir DIR]
Prints one line per file and exits 1 if any check failed.
"""
import argparse
import json
import os
import subprocess
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))


def schema_errors(validator, path):
    """List of schema error messages; a file that is not JSON is one error."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        return ["not JSON: %s" % e]
    return [e.message for e in validator.iter_errors(doc)]


def run_check(pepgw, name, cwd):
    p = subprocess.run([pepgw, "--check", "--config", name], cwd=cwd, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pepgw", required=True, help="pepgw executable")
    ap.add_argument("--config-dir", default=os.path.join(HERE, "..", "..", "config"))
    args = ap.parse_args()
    pepgw = os.path.abspath(args.pepgw)
    if not os.access(pepgw, os.X_OK):
        print("FAIL %s is not an executable (build it first)" % pepgw)
        return 1
    cdir = os.path.abspath(args.config_dir)
    broken_dir = os.path.join(cdir, "broken")
    skip_dirs = {broken_dir, os.path.join(cdir, "wanem")}

    with open(os.path.join(cdir, "pepgw.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    failures = 0
    good = []
    for root, dirs, files in os.walk(cdir):
        dirs[:] = sorted(d for d in dirs if os.path.join(root, d) not in skip_dirs)
        good += [os.path.join(root, f) for f in sorted(files)
                 if f.endswith(".json") and f != "pepgw.schema.json"]
    if not good:
        print("FAIL no example configuration found in %s" % cdir)
        failures += 1
    for path in good:
        rel = os.path.relpath(path, cdir)
        problems = ["schema: " + m for m in schema_errors(validator, path)]
        rc, out = run_check(pepgw, os.path.basename(path), os.path.dirname(path))
        if rc != 0:
            problems.append("--check exited %d:\n%s" % (rc, out.rstrip()))
        print("%s %s" % ("FAIL" if problems else "ok  ", rel))
        for p in problems:
            print("     " + p)
        failures += bool(problems)

    broken = sorted(f for f in os.listdir(broken_dir) if f.endswith(".json"))
    if len(broken) < 12:
        print("FAIL only %d broken examples (want at least 12)" % len(broken))
        failures += 1
    for name in broken:
        problems = []
        expect_path = os.path.join(broken_dir, name[:-len(".json")] + ".expect")
        try:
            with open(expect_path, encoding="utf-8") as f:
                lines = [l.rstrip("\n") for l in f if l.strip()]
        except OSError as e:
            lines = []
            problems.append("no expectation: %s" % e)
        if lines:
            mode = lines[0].strip()
            if mode not in ("schema: rejects", "schema: accepts"):
                problems.append("first line of .expect must be 'schema: rejects' or "
                                "'schema: accepts', found %r" % mode)
            errs = schema_errors(validator, os.path.join(broken_dir, name))
            if mode == "schema: rejects" and not errs:
                problems.append("the schema accepts it but .expect says it must reject it")
            if mode == "schema: accepts" and errs:
                problems.append("the schema rejects it (%s) but .expect says accepts"
                                % "; ".join(errs))
            rc, out = run_check(pepgw, name, broken_dir)
            if rc != 2:
                problems.append("--check exited %d (want 2)" % rc)
            got = out.splitlines()
            for want in lines[1:]:
                if want not in got:
                    problems.append("missing line: %s" % want)
            if problems:
                problems.append("--check printed:\n" + out.rstrip())
        print("%s broken/%s" % ("FAIL" if problems else "ok  ", name))
        for p in problems:
            print("     " + p)
        failures += bool(problems)

    print("%d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
