#!/usr/bin/env python3
"""Overlay the dose benchmark CSV files of two runs (e.g. Russian roulette off and on): every curve of each file
common to both directories, run A solid, run B dashed, and below it B / A − 1 in per cent.

Usage: benchmarks/dose/plot_compare.py dirA labelA dirB labelB pngDir
"""
import os
import sys

import matplotlib.pyplot as plt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot import read  # noqa: E402  (plot.py selects the Agg backend)


def main():
    dir_a, label_a, dir_b, label_b, out = sys.argv[1:6]
    os.makedirs(out, exist_ok=True)
    for name in sorted(set(os.listdir(dir_a)) & set(os.listdir(dir_b))):
        if not name.endswith(".csv"):
            continue
        header, a = read(os.path.join(dir_a, name))
        header_b, b = read(os.path.join(dir_b, name))
        if header != header_b:
            continue
        profile = name.startswith("profile")
        x = [v if profile else v / 10 for v in a[0]]
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1.4]})
        for k, column in enumerate(header[1:], start=1):
            line, = top.plot(x, a[k], label=f"{column} {label_a}")
            top.plot(x, b[k], "--", color=line.get_color(), label=f"{column} {label_b}")
            ratio = [(q / p - 1) * 100 if p > 1 else float("nan") for p, q in zip(a[k], b[k])]
            bottom.plot(x, ratio, color=line.get_color(), lw=0.8)
        top.set(title=name[:-4], ylabel="% (relative dose)")
        top.legend(fontsize=7)
        top.grid(alpha=0.3)
        bottom.axhline(0, color="k", lw=0.6)
        bottom.set(xlabel="x (mm)" if profile else "depth (cm)", ylabel=f"{label_b} / {label_a} − 1 (%)", ylim=(-10, 10))
        bottom.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(out, name[:-4] + "-compare.png"), dpi=110)
        plt.close(fig)


if __name__ == "__main__":
    main()
