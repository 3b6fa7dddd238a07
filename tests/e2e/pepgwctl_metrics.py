#!/usr/bin/python3
"""Parse a Prometheus text exposition with python3-prometheus-client's parser and check its
shape; print one "name{label=value,...} value" line per sample (labels sorted) for the shell.

usage: pepgwctl_metrics.py FILE
Exit 1 (with the reason) when the parser refuses the text, a family lacks HELP or TYPE, a
counter family's samples are not NAME_total, a name is not pepgw_*, or a family or a sample
appears twice.
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def main(path):
    text = open(path).read()
    problems = []
    helps = {line.split()[2] for line in text.splitlines() if line.startswith("# HELP ")}
    types = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}
    seen_families, seen_samples, out = set(), set(), []
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and others on bad text
        print(f"parser refused the exposition: {e}")
        return 1
    for fam in families:
        if fam.name in seen_families:
            problems.append(f"family {fam.name} twice")
        seen_families.add(fam.name)
        if not fam.name.startswith("pepgw_"):
            problems.append(f"{fam.name}: not pepgw_*")
        if fam.type not in ("counter", "gauge"):
            problems.append(f"{fam.name}: type {fam.type} (no TYPE line?)")
        if not fam.documentation:
            problems.append(f"{fam.name}: no HELP text")
        exposed = fam.name + "_total" if fam.type == "counter" else fam.name
        if exposed not in helps or exposed not in types:
            problems.append(f"{exposed}: HELP or TYPE line missing")
        for s in fam.samples:
            if fam.type == "counter" and s.name != fam.name + "_total":
                problems.append(f"{s.name}: a counter sample not named {fam.name}_total")
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            key = f"{s.name}{{{labels}}}"
            if key in seen_samples:
                problems.append(f"{key} twice")
            seen_samples.add(key)
            out.append(f"{key} {int(s.value) if s.value == int(s.value) else s.value}")
    for p in problems:
        print(p)
    if problems:
        return 1
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
