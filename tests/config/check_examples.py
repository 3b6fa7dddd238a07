#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check config/ against both halves of the configuration contract.

Every config/**/*.json outside config/broken/ and config/wanem/ (wanem's own files, another
vocabulary), except the schema itself, must pass
config/pepgw.schema.json and `PEPGW --check --config FILE` (exit 0).

An example with "peers" is checked as a copy whose key files are fresh keys (mode 0600) in a
scratch directory: pepgw --check reads the key files, and no key is committed.

Every config/broken/NAME.json must make `PEPGW --check --config NAME.json` (run inside
config/broken/) exit 2 and print every line of config/broken/NAME.expect that follows its
first line; that first line is `schema: rejects` or `schema: accepts` and says what the JSON
Schema must do with the file (some checks, like dangling references, are beyond a schema).

Usage: check_examples.py --pepgw PATH [--config-dir DIR]
Prints one line per file and exits 1 if any check failed.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

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


def write_key(path, mode=0o600, text=None):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text if text is not None else base64.b64encode(os.urandom(32)).decode() + "\n")
    os.chmod(path, mode)


def with_scratch_keys(path, scratch):
    """(dir, name) to run --check on: path itself, or a copy with fresh key files."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not doc.get("peers"):
        return os.path.dirname(path), os.path.basename(path)
    for i, peer in enumerate(doc["peers"]):
        key = os.path.join(scratch, "peer%d.key" % i)
        write_key(key)
        peer["key_file"] = key
    copy = os.path.join(scratch, os.path.basename(path))
    with open(copy, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return scratch, os.path.basename(copy)


KEY_CASES = [
    # (what, mode, key text or None for a good key, message part --check must print)
    ("a key file others can read", 0o644, None, "chmod 600"),
    ("a key file that is not a key", 0o600, "not a key\n", "key"),
    ("no key file", None, None, "No such file"),
]


def check_key_files(pepgw, scratch):
    """pepgw --check refuses each bad key file of a peer with a message naming the file."""
    failures = 0
    for what, mode, text, part in KEY_CASES:
        key = os.path.join(scratch, "case.key")
        if os.path.exists(key):
            os.unlink(key)
        if mode is not None:
            write_key(key, mode, text)
        doc = {"ports": [{"name": "wan0", "device": "net_null0", "role": "wan",
                          "ipv4": "192.0.2.1/24"}],
               "links": [{"name": "a", "port": "wan0", "peer_endpoint": "192.0.2.2:6400"}],
               "peers": [{"name": "dc", "links": ["a"], "key_file": key,
                          "remote_networks": ["10.20.0.0/16"]}]}
        with open(os.path.join(scratch, "keycase.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f)
        rc, out = run_check(pepgw, "keycase.json", scratch)
        ok = rc == 2 and key in out and part.lower() in out.lower()
        print("%s --check refuses %s" % ("ok  " if ok else "FAIL", what))
        if not ok:
            print("     exit %d, printed:\n%s" % (rc, out.rstrip()))
        failures += not ok
    return failures


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
        with tempfile.TemporaryDirectory() as scratch:
            rc, out = run_check(pepgw, *reversed(with_scratch_keys(path, scratch)))
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

    with tempfile.TemporaryDirectory() as scratch:
        failures += check_key_files(pepgw, scratch)

    print("%d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
