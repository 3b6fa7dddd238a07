#!/usr/bin/env python3
"""Goodput over time per path from accel_bench.sh's series file (doc/benchmarks.md).

    plot_goodput.py SERIES OUTDIR [TITLE-NOTE]

SERIES lines: path variant run t_end_s mbps (the iperf3 server's 1 s intervals). For each path
one PNG, OUTDIR/accel-PATH.png: one line per variant, the run whose mean goodput is the
variant's median (so a reader sees a typical run, not an average that no run had).
"""
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {
    "linux-cubic": ("tab:gray", "--"),
    "linux-bbr": ("black", "--"),
    "pepgw-rate": ("tab:red", "-"),
    "pepgw-vegas-cap": ("tab:purple", "-"),
    "pepgw-vegas": ("tab:pink", "-"),
    "pepgw-reno": ("tab:blue", "-"),
    "pepgw-highspeed": ("tab:green", "-"),
    "pepgw-scalable": ("tab:orange", "-"),
}


def main(argv):
    series, outdir = argv[1], argv[2]
    note = argv[3] if len(argv) > 3 else ""
    data = {}
    for line in open(series):
        f = line.split()
        if len(f) != 5:
            continue
        path, v, run, t, mbps = f[0], f[1], f[2], float(f[3]), float(f[4])
        data.setdefault(path, {}).setdefault(v, {}).setdefault(run, []).append((t, mbps))
    os.makedirs(outdir, exist_ok=True)
    for path, variants in data.items():
        fig, (ax, cum) = plt.subplots(2, 1, figsize=(9, 8), sharex=True)
        for v, runs in sorted(variants.items()):
            means = {r: statistics.mean(m for _, m in pts) for r, pts in runs.items()}
            order = sorted(means, key=means.get)
            pick = order[(len(order) - 1) // 2]
            pts = sorted(runs[pick])
            color, ls = STYLE.get(v, (None, "-"))
            ts = [t for t, _ in pts]
            ax.plot(ts, [m for _, m in pts], ls, color=color, linewidth=1,
                    label="%s (run %s of %d)" % (v, pick, len(runs)))
            # Running average since the start: Mbit delivered so far over the time so far.
            run_avg, mbit, prev = [], 0.0, 0.0
            for t, m in pts:
                mbit += m * (t - prev)
                prev = t
                run_avg.append(mbit / t if t > 0 else 0.0)
            cum.plot(ts, run_avg, ls, color=color, label="%s: %.2f Mbit/s over the run" %
                     (v, run_avg[-1] if run_avg else 0.0))
        ax.set_ylabel("goodput per second, Mbit/s")
        ax.set_title("%s: goodput over time, the median run of each variant" % path)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="upper right")
        cum.set_yscale("log")
        cum.set_ylabel("average since the start, Mbit/s (log)")
        cum.set_xlabel("time since the test started, s (iperf3 server, 1 s intervals)")
        cum.grid(True, which="both", alpha=0.3)
        cum.legend(fontsize=7, loc="lower right")
        if note:
            fig.text(0.01, 0.005, note.lstrip("# "), fontsize=6, color="gray")
        fig.tight_layout(rect=(0, 0.015, 1, 1))
        out = os.path.join(outdir, "accel-%s.png" % path)
        fig.savefig(out, dpi=80)
        plt.close(fig)
        print("plot: %s" % out, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
