#!/usr/bin/env python3
"""Converts the real CT series (JPEG 2000 DICOM) and its TotalSegmentator label map to NIfTI
files that Store's NIfTIImport reads (int16, RAS affine as NIfTI requires).

Usage: convert_ct_abdomen.py DATA_DIR OUT_DIR
Needs: pip install pydicom pylibjpeg pylibjpeg-openjpeg nibabel numpy
"""
import pathlib
import sys

import nibabel as nib
import numpy as np
import pydicom


def convert(data_dir: pathlib.Path, out_dir: pathlib.Path) -> None:
    slices = [pydicom.dcmread(p) for p in sorted((data_dir / "dicom").iterdir())]
    slices.sort(key=lambda d: float(d.ImagePositionPatient[2]))
    orientation = [float(v) for v in slices[0].ImageOrientationPatient]
    if orientation != [1, 0, 0, 0, 1, 0]:
        raise SystemExit(f"expected identity orientation, got {orientation}")
    hu = np.stack([d.pixel_array.astype(np.float64) * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in slices])
    hu = np.clip(np.rint(hu), -32768, 32767).astype(np.int16)  # [z][row=y][col=x]
    sy, sx = (float(v) for v in slices[0].PixelSpacing)
    z = [float(d.ImagePositionPatient[2]) for d in slices]
    sz = (z[-1] - z[0]) / (len(z) - 1)
    x0, y0, z0 = (float(v) for v in slices[0].ImagePositionPatient)
    # NIfTI world is RAS: negate LPS x and y.
    affine = np.array([[-sx, 0, 0, -x0], [0, -sy, 0, -y0], [0, 0, sz, z0], [0, 0, 0, 1]])
    image = nib.Nifti1Image(np.transpose(hu, (2, 1, 0)), affine)  # array [x][y][z]
    image.set_qform(affine, code=1)
    image.set_sform(affine, code=1)
    out_dir.mkdir(parents=True, exist_ok=True)
    nib.save(image, out_dir / "ct.nii.gz")

    ref = nib.load(data_dir / "reference" / "totalsegmentator_labels.nii.gz")
    labels = np.asarray(ref.dataobj).astype(np.int16)
    out = nib.Nifti1Image(labels, ref.affine)
    out.set_qform(ref.affine, code=1)
    out.set_sform(ref.affine, code=1)
    nib.save(out, out_dir / "labels.nii.gz")
    print(f"ct {hu.shape[::-1]} spacing {sx} {sy} {sz} mm; labels {labels.shape}, affine\n{ref.affine}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    convert(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))
