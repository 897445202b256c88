#!/usr/bin/env python3
"""Compares a `segment` job's masks on the real CT series with the TotalSegmentator reference labels,
in world (LPS) coordinates: body containment of labelled voxels, bones Dice, lung voxel count.

Usage: compare_real_series.py RESULT_H5 REFERENCE_NIFTI
Needs: pip install h5py nibabel numpy
"""
import json
import sys

import h5py
import nibabel as nib
import numpy as np

BONE_LABELS = list(range(25, 51)) + list(range(69, 79)) + [91] + list(range(92, 117))


def reference_on_result_grid(ref_path, shape, spacing, origin):
    """Nearest-neighbour samples of the reference label map at the centres of the result's voxels."""
    ref = nib.load(ref_path)
    labels = np.asarray(ref.dataobj).astype(np.int16)
    inverse = np.linalg.inv(ref.affine)
    nz, ny, nx = shape
    k, j, i = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    lps = np.stack([origin[0] + i * spacing[0], origin[1] + j * spacing[1], origin[2] + k * spacing[2]], axis=-1)
    ras = lps * np.array([-1.0, -1.0, 1.0])
    vox = ras @ inverse[:3, :3].T + inverse[:3, 3]
    idx = np.rint(vox).astype(int)
    inside = np.all((idx >= 0) & (idx < np.array(labels.shape)), axis=-1)
    out = np.zeros(shape, dtype=np.int16)
    ii = idx[inside]
    out[inside] = labels[ii[:, 0], ii[:, 1], ii[:, 2]]
    return out


def dice(a, b):
    s = a.sum() + b.sum()
    return 2.0 * np.logical_and(a, b).sum() / s if s else 1.0


def main(result_path, ref_path):
    with h5py.File(result_path, "r") as f:
        seg = f["segmentation"]
        masks = {name: seg[name][()].astype(bool) for name in seg if name != "labels"}
        any_mask = seg[next(iter(masks))]
        spacing = [float(v) for v in any_mask.attrs["spacing_mm"]]
        origin = [float(v) for v in any_mask.attrs["origin_mm"]]
        shape = any_mask.shape
    ref = reference_on_result_grid(ref_path, shape, spacing, origin)
    labelled = ref > 0
    report = {
        "voxels": int(np.prod(shape)),
        "body_contains_labelled_pct": round(100.0 * np.logical_and(masks["body"], labelled).sum() / labelled.sum(), 2),
        "bones_dice": round(dice(masks.get("bones", np.zeros(shape, bool)), np.isin(ref, BONE_LABELS)), 3),
        "lung_voxels": int(masks.get("lung_left", np.zeros(shape, bool)).sum() + masks.get("lung_right", np.zeros(shape, bool)).sum()),
        "spinal_canal_voxels": int(masks.get("spinal_canal", np.zeros(shape, bool)).sum()),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
