#!/usr/bin/env python3
"""PNG plots of the dose benchmark CSV files: PDDs (water fields, lung and bone slabs) and the 10x10 profile.

Usage: benchmarks/dose/plot.py csvDir [pngDir]   (pngDir defaults to csvDir)
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def read(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, data = rows[0], [[float(x) for x in r] for r in rows[1:] if r]
    return header, list(zip(*data))


def plot(path, out, title, xlabel, ylabel):
    if not os.path.exists(path):
        return
    header, cols = read(path)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, col in zip(header[1:], cols[1:]):
        ax.plot([x / 10 if xlabel.endswith("(cm)") else x for x in cols[0]], col, label=name)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print("wrote", out)


def main():
    src = sys.argv[1]
    dst = sys.argv[2] if len(sys.argv) > 2 else src
    os.makedirs(dst, exist_ok=True)
    plot(f"{src}/pdd-water-10x10-5x5-20x20.csv", f"{dst}/pdd-water.png", "6 MV PDD in water, SSD 100 cm", "depth (cm)", "% of dmax")
    plot(f"{src}/profile-10x10-10cm.csv", f"{dst}/profile-10x10-10cm.png", "10x10 cm² profile at 10 cm depth", "x (mm)", "% of centre")
    plot(f"{src}/pdd-lung-10x10.csv", f"{dst}/pdd-lung-10x10.png", "10x10: water / lung 5-15 cm / water", "depth (cm)", "% of water dmax")
    plot(f"{src}/pdd-lung-5x5.csv", f"{dst}/pdd-lung-5x5.png", "5x5: water / lung 5-15 cm / water", "depth (cm)", "% of water dmax")
    plot(f"{src}/pdd-bone-10x10.csv", f"{dst}/pdd-bone-10x10.png", "10x10: water / bone 1.85 g/cm³ 3-6 cm / water", "depth (cm)", "% of water dmax")


if __name__ == "__main__":
    main()
