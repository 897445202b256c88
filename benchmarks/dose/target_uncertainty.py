#!/usr/bin/env python3
"""Mean statistical uncertainty of a dose result inside a structure of its case.

Usage: target_uncertainty.py RESULT.h5 CASE.h5 [STRUCTURE]   (default structure: OuterTarget)

Takes /dose/total and /dose/uncertainty (unit weights) of the result, maps every dose-grid voxel centre to the
nearest CT voxel of the case (spacing_mm / origin_mm attributes, x y z order, arrays z y x) and reports, over
the dose voxels whose nearest CT voxel lies in the structure: mean and median of σ/D, σ(mean dose)/mean dose
treating voxels as independent, the mean dose, and the matrix size. Prints one JSON line.
"""
import json
import sys

import h5py
import numpy as np


def main() -> int:
    result, case = sys.argv[1], sys.argv[2]
    structure = sys.argv[3] if len(sys.argv) > 3 else "OuterTarget"
    with h5py.File(result, "r") as f:
        dose = f["dose/total"][()].astype(np.float64)
        sigma = f["dose/uncertainty"][()].astype(np.float64)
        spacing = np.array(f["dose/total"].attrs["spacing_mm"], dtype=float)
        origin = np.array(f["dose/total"].attrs["origin_mm"], dtype=float)
        nonzeros = int(f.attrs["nonzeros"]) if "nonzeros" in f.attrs else None
        beamlets = int(f.attrs["beamlet_count"]) if "beamlet_count" in f.attrs else None
    with h5py.File(case, "r") as f:
        mask = f["structures/" + structure][()]
        ct_spacing = np.array(f["ct"].attrs["spacing_mm"], dtype=float)
        ct_origin = np.array(f["ct"].attrs["origin_mm"], dtype=float)
    nz, ny, nx = dose.shape
    axes = [origin[a] + spacing[a] * np.arange(n) for a, n in enumerate((nx, ny, nz))]
    index = [np.rint((axes[a] - ct_origin[a]) / ct_spacing[a]).astype(int) for a in range(3)]
    inside = [(i >= 0) & (i < n) for i, n in zip(index, (mask.shape[2], mask.shape[1], mask.shape[0]))]
    z, y, x = np.meshgrid(np.clip(index[2], 0, mask.shape[0] - 1), np.clip(index[1], 0, mask.shape[1] - 1),
                          np.clip(index[0], 0, mask.shape[2] - 1), indexing="ij")
    valid = inside[2][:, None, None] & inside[1][None, :, None] & inside[0][None, None, :]
    region = (mask[z, y, x] != 0) & valid & (dose > 0)
    relative = sigma[region] / dose[region]
    mean_dose = float(dose[region].mean())
    print(json.dumps({"structure": structure, "voxels": int(region.sum()), "mean_dose_gy": mean_dose,
                      "mean_relative_uncertainty": float(relative.mean()),
                      "median_relative_uncertainty": float(np.median(relative)),
                      "max_relative_uncertainty": float(relative.max()),
                      "relative_uncertainty_of_mean_dose": float(np.sqrt((sigma[region] ** 2).sum()) / region.sum() / mean_dose),
                      "dose_grid": [nx, ny, nz], "beamlets": beamlets, "nonzeros": nonzeros}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
