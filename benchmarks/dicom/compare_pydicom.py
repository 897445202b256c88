#!/usr/bin/env python3
"""Independent reference for rtcluster's DICOM CT import: decodes a CT series with pydicom +
pylibjpeg (+ pylibjpeg-openjpeg for JPEG 2000), applies Rescale Slope/Intercept, orders the
slices by increasing z and flips rows/columns so that x and y increase (identity mapping onto
rtcluster's LPS [z][y][x] grid for axial series), then prints statistics or compares with a raw
int16 volume written by rtcluster.

  compare_pydicom.py stats DIR          -> "sum=... min=... max=... hash=..."
  compare_pydicom.py compare DIR RAW    -> statistics + number of voxels that differ (exit 1 if any)

Exits 77 (skip) when pydicom/numpy/pylibjpeg or DIR is absent.
"""
import os
import sys

try:
    import numpy as np
    import pydicom
    import pylibjpeg  # noqa: F401  (registers the JPEG 2000 decoder plugin)
except ImportError as e:
    print(f"skip: {e}")
    sys.exit(77)


def load(directory):
    slices = []
    for name in sorted(os.listdir(directory)):
        if name.startswith("."):
            continue
        ds = pydicom.dcmread(os.path.join(directory, name))
        if ds.get("Modality") != "CT":
            continue
        slices.append(ds)
    slices.sort(key=lambda ds: float(ds.ImagePositionPatient[2]))
    volume = []
    for ds in slices:
        iop = [float(v) for v in ds.ImageOrientationPatient]
        assert abs(abs(iop[0]) - 1) < 1e-3 and abs(abs(iop[4]) - 1) < 1e-3, "only row=±x, column=±y handled here"
        hu = np.rint(ds.pixel_array.astype(np.float64) * float(ds.get("RescaleSlope", 1)) + float(ds.get("RescaleIntercept", 0)))
        if iop[0] < 0:
            hu = hu[:, ::-1]
        if iop[4] < 0:
            hu = hu[::-1, :]
        volume.append(hu.astype(np.int16))
    return np.stack(volume)


def stats(volume):
    flat = volume.astype(np.int64).ravel()
    h = 0
    p = 1_000_000_007
    # The same order-sensitive hash as the Swift test: h = (31 h + v) mod p, v in z-major order.
    for v in flat.tolist():
        h = (h * 31 + v) % p
    return f"sum={int(flat.sum())} min={int(flat.min())} max={int(flat.max())} hash={h}"


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("stats", "compare"):
        print(__doc__)
        sys.exit(2)
    directory = sys.argv[2]
    if not os.path.isdir(directory):
        print(f"skip: {directory} is absent")
        sys.exit(77)
    volume = load(directory)
    print(stats(volume))
    if sys.argv[1] == "compare":
        ours = np.fromfile(sys.argv[3], dtype="<i2")
        if ours.size != volume.size:
            print(f"size differs: rtcluster {ours.size} voxels, pydicom {volume.size} ({volume.shape})")
            sys.exit(1)
        differing = int(np.count_nonzero(ours.reshape(volume.shape) != volume))
        print(f"shape={volume.shape} differing_voxels={differing}")
        sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
