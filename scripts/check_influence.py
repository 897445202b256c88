#!/usr/bin/env python3
"""Read back a dose result bundle with h5py + scipy and check it.

Usage: check_influence.py RESULT.h5 [--rtol 1e-5]

Loads /influence as scipy.sparse.csc_matrix (data, indices, indptr, shape attribute), /plan/weights and
/dose/total, and checks that D·w equals /dose/total within float32 tolerance (|D·w − total| ≤ rtol·max(total)),
that the matrix has one column per weight and one row per dose voxel, and that /dose/uncertainty has the
dose grid's shape. Prints one JSON line with the figures; exits 0 when every check passes, 1 otherwise.
"""
import argparse
import json
import sys

import h5py
import numpy as np
import scipy.sparse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result")
    parser.add_argument("--rtol", type=float, default=1e-5, help="tolerance relative to the maximum dose")
    args = parser.parse_args()
    with h5py.File(args.result, "r") as f:
        group = f["influence"]
        shape = tuple(int(n) for n in group.attrs["shape"])
        matrix = scipy.sparse.csc_matrix((group["data"][()], group["indices"][()], group["indptr"][()]), shape=shape)
        weights = f["plan/weights"][()]
        total = f["dose/total"][()]
        uncertainty = f["dose/uncertainty"][()]
        spacing = [float(x) for x in f["dose/total"].attrs["spacing_mm"]]
        beamlets = int(f.attrs["beamlet_count"])
        nonzeros = int(f.attrs["nonzeros"])
    problems = []
    if matrix.shape != (total.size, weights.size):
        problems.append(f"matrix shape {matrix.shape} is not (voxels {total.size}, weights {weights.size})")
    if beamlets != weights.size or nonzeros != matrix.nnz:
        problems.append(f"attributes beamlet_count {beamlets} / nonzeros {nonzeros} disagree with {weights.size} / {matrix.nnz}")
    if uncertainty.shape != total.shape:
        problems.append(f"uncertainty shape {uncertainty.shape} differs from dose {total.shape}")
    peak = float(total.max())
    deviation = float("nan")
    if not problems:
        # /dose/total is stored z-major ([z][y][x]); the matrix rows are the same flat voxel indices.
        dose = matrix @ weights.astype(np.float64)
        deviation = float(np.abs(dose - total.reshape(-1).astype(np.float64)).max())
        if not peak > 0:
            problems.append("the dose is zero everywhere")
        elif deviation > args.rtol * peak:
            problems.append(f"max |D·w − total| = {deviation:.3g} Gy exceeds {args.rtol} × {peak:.4g} Gy")
    print(json.dumps({"shape": list(matrix.shape), "nonzeros": int(matrix.nnz), "max_dose_gy": peak,
                      "max_deviation_gy": deviation, "spacing_mm": spacing, "problems": problems}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
