#!/usr/bin/env python3
"""Helpers of plastimatch_peer.sh.

  plastimatch_peer.py nifti DUMP_DIR          writes DUMP_DIR/ct.nii.gz from SegmentationBench's dump
                                              (ct.i16, grid.txt) in DICOM row order (LPS), as plastimatch expects
  plastimatch_peer.py dice DUMP_DIR PEER.nii.gz  Dice between our body (body.u8) and the peer's body mask
Needs numpy and nibabel.
"""
import pathlib
import sys

import nibabel as nib
import numpy as np


def grid(d: pathlib.Path):
    v = d.joinpath("grid.txt").read_text().split()
    nx, ny, nz = (int(x) for x in v[:3])
    sx, sy, sz, ox, oy, oz = (float(x) for x in v[3:])
    # Our grid is LPS with array [z][y][x]; NIfTI world is RAS, so x and y are negated.
    affine = np.array([[-sx, 0, 0, -ox], [0, -sy, 0, -oy], [0, 0, sz, oz], [0, 0, 0, 1]])
    return (nx, ny, nz), affine


def write_nifti(d: pathlib.Path) -> None:
    (nx, ny, nz), affine = grid(d)
    ct = np.fromfile(d / "ct.i16", dtype=np.int16).reshape(nz, ny, nx)
    image = nib.Nifti1Image(np.transpose(ct, (2, 1, 0)), affine)  # array [x][y][z]
    image.set_qform(affine, code=1)
    image.set_sform(affine, code=1)
    nib.save(image, d / "ct.nii.gz")


def dice(d: pathlib.Path, peer_path: str) -> None:
    (nx, ny, nz), affine = grid(d)
    ours = np.fromfile(d / "body.u8", dtype=np.uint8).reshape(nz, ny, nx) != 0
    peer = nib.load(peer_path)
    if not np.allclose(peer.affine, affine, atol=1e-3):
        raise SystemExit(f"peer affine\n{peer.affine}\ndiffers from the CT's\n{affine}")
    theirs = np.transpose(np.asarray(peer.dataobj), (2, 1, 0)) != 0
    both = np.logical_and(ours, theirs).sum()
    total = ours.sum() + theirs.sum()
    voxel_cc = abs(np.linalg.det(affine[:3, :3])) / 1000
    print(f"dice={2 * both / total:.4f} ours_cc={ours.sum() * voxel_cc:.1f} peer_cc={theirs.sum() * voxel_cc:.1f} "
          f"ours_only_cc={(ours & ~theirs).sum() * voxel_cc:.1f} peer_only_cc={(theirs & ~ours).sum() * voxel_cc:.1f}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "nifti":
        write_nifti(pathlib.Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "dice":
        dice(pathlib.Path(sys.argv[2]), sys.argv[3])
    else:
        raise SystemExit(__doc__)
