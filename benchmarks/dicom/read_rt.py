#!/usr/bin/env python3
"""Reads an RT Dose and an RT Structure Set written by rtcluster with pydicom and prints what a
test compares: dose grid shape, origin, spacing, max and sum of dose in Gy; per ROI its name and
number of contours and points, and the even-odd area (mm^2) of its contours summed over slices.

  read_rt.py RTDOSE.dcm RTSTRUCT.dcm

Exits 77 (skip) when pydicom or numpy is absent.
"""
import sys

try:
    import numpy as np
    import pydicom
except ImportError as e:
    print(f"skip: {e}")
    sys.exit(77)


def polygon_area(points):
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def main():
    dose = pydicom.dcmread(sys.argv[1])
    grid = dose.pixel_array.astype(np.float64) * float(dose.DoseGridScaling)
    spacing = [float(dose.PixelSpacing[1]), float(dose.PixelSpacing[0]),
               float(dose.GridFrameOffsetVector[1]) - float(dose.GridFrameOffsetVector[0]) if dose.NumberOfFrames > 1 else 0.0]
    origin = [float(v) for v in dose.ImagePositionPatient]
    print(f"dose shape={tuple(grid.shape)} origin={origin} spacing={spacing} max={grid.max():.6f} sum={grid.sum():.6f} "
          f"units={dose.DoseUnits} type={dose.DoseType} summation={dose.DoseSummationType} for={dose.FrameOfReferenceUID}")
    rs = pydicom.dcmread(sys.argv[2])
    names = {int(r.ROINumber): r.ROIName for r in rs.StructureSetROISequence}
    for rc in rs.ROIContourSequence:
        contours = list(rc.get("ContourSequence", []))
        points = sum(int(c.NumberOfContourPoints) for c in contours)
        area = 0.0
        for c in contours:
            p = np.array([float(v) for v in c.ContourData]).reshape(-1, 3)
            assert len(p) == int(c.NumberOfContourPoints)
            # Even-odd rule: outer boundaries positive, holes (opposite orientation) negative.
            x, y = p[:, 0], p[:, 1]
            area += 0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
        print(f"roi {int(rc.ReferencedROINumber)} name={names[int(rc.ReferencedROINumber)]} contours={len(contours)} points={points} area_mm2={area:.4f}")


if __name__ == "__main__":
    main()
