"""TG-119 C-shape plan with pyRadPlan 0.5.0, set up like jobs/tg119-plan.yaml, for a side-by-side
comparison with rtcluster's `plan` job.

Reads our HDF5 case layout (/ct/hu int16 (z, y, x), spacing_mm / origin_mm in x, y, z order with the
origin at the centre of voxel [0, 0, 0], /structures/<name> uint8 masks with voi_type,
overlap_priority and objectives_json), plans 9 coplanar 6 MV beams (SVD pencil beam, 5 mm bixels,
3 mm dose grid, isocentre at the target's centre of mass, IPOPT), prints timings, peak memory,
influence-matrix size and TG-119 metrics (raw and after normalising OuterTarget D95 = 50 Gy), and
writes the dose in rtcluster's result layout (/dose/total float32 (z, y, x) Gy, schema 1) so that
`rtcluster compare-dose` can read it.

Metric conventions (those of pyRadPlan's own quality indicators): evaluated on the CT grid (dose
resampled trilinearly by pyRadPlan), each structure's full mask (no overlap removal); Dx = the
(100 - x)th percentile of the structure's voxel doses with linear interpolation; HI = (D5 - D95)
/ D50 of OuterTarget; Paddick CI = TV_PIV^2 / (TV * PIV) at 47.5 Gy, PIV counted inside BODY.
"""

import time

PROCESS_START = time.perf_counter()

import argparse  # noqa: E402  (imports timed: pyRadPlan takes seconds to import)
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import h5py
import numpy as np
import SimpleITK as sitk
from scipy import ndimage

import pyRadPlan
from pyRadPlan import (
    CT,
    PhotonPlan,
    StructureSet,
    calc_dose_influence,
    fluence_optimization,
    generate_stf,
)
from pyRadPlan.cst import OAR, Target

TARGET = "OuterTarget"
CORE = "Core"
BODY = "BODY"
PRESCRIPTION_GY = 50.0
PADDICK_LEVEL_GY = 47.5


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default="/work/shared/data/tg119/case.h5", help="case file (our HDF5 layout)")
    parser.add_argument("--output", default="/work/pyradplan-tg119-dose.h5", help="dose file to write")
    parser.add_argument("--gantry-deg", default="0,40,80,120,160,200,240,280,320", help="gantry angles, comma-separated")
    parser.add_argument("--bixel-mm", type=float, default=5.0)
    parser.add_argument("--dose-grid-mm", type=float, default=3.0)
    parser.add_argument("--max-iterations", type=int, default=500)
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    return parser.parse_args()


def image_from_zyx(array, spacing_xyz, origin_xyz):
    """A SimpleITK image (index order x, y, z) of a z-major numpy array on an axis-aligned LPS grid."""
    image = sitk.GetImageFromArray(array, isVector=False)
    image.SetSpacing(tuple(float(v) for v in spacing_xyz))
    image.SetOrigin(tuple(float(v) for v in origin_xyz))
    image.SetDirection((1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0))
    return image


def load_case(path):
    """CT, structure set and the raw masks (z, y, x) from our case layout."""
    with h5py.File(path, "r") as f:
        ct_group = f["ct"]
        spacing = np.asarray(ct_group.attrs.get("spacing_mm", f.attrs.get("spacing_mm")), dtype=float)
        origin = np.asarray(ct_group.attrs.get("origin_mm", f.attrs.get("origin_mm")), dtype=float)
        order = ct_group.attrs.get("array_order", f.attrs.get("array_order", "zyx"))
        order = order.decode() if isinstance(order, bytes) else order
        if order != "zyx":
            raise ValueError(f"array_order {order!r} is not supported (expected 'zyx')")
        hu = ct_group["hu"][...].astype(np.float32)
        structures = {}
        for name, dataset in f["structures"].items():
            attrs = dataset.attrs
            structures[name] = {
                "mask": dataset[...].astype(np.uint8),
                "voi_type": str(attrs["voi_type"]),
                "overlap_priority": int(attrs["overlap_priority"]),
                "objectives": json.loads(attrs["objectives_json"]),
            }
    ct = CT(cube_hu=image_from_zyx(hu, spacing, origin))
    vois = []
    for name, s in structures.items():
        kind = Target if s["voi_type"].upper() == "TARGET" else OAR
        vois.append(kind(
            name=name,
            ct_image=ct,
            mask=image_from_zyx(s["mask"], spacing, origin),
            overlap_priority=s["overlap_priority"],
            objectives=s["objectives"],
        ))
    cst = StructureSet(vois=vois, ct_image=ct)
    return ct, cst, structures, spacing, origin


def influence_size(dij):
    """(beamlets, non-zeros, bytes of values + indices) of the nominal physical-dose influence matrix."""
    matrix = dij.physical_dose.flat[0]
    nnz = int(matrix.nnz)
    index_bytes = matrix.indices.dtype.itemsize if hasattr(matrix, "indices") else 8
    return int(matrix.shape[1]), nnz, nnz * (matrix.data.dtype.itemsize + index_bytes)


def dose_metrics(dose, masks):
    """TG-119 metrics of a (z, y, x) dose on the CT grid; conventions in the module docstring."""
    target = dose[masks[TARGET] > 0]
    core = dose[masks[CORE] > 0]
    body = dose[masks[BODY] > 0]

    def d(values, volume_pct):
        return float(np.percentile(values, 100.0 - volume_pct))

    m = {
        "OuterTarget Dmean": float(target.mean()),
        "OuterTarget D95": d(target, 95),
        "OuterTarget D50": d(target, 50),
        "OuterTarget D10": d(target, 10),
        "OuterTarget D5": d(target, 5),
        "OuterTarget Dmax": float(target.max()),
        "Core Dmean": float(core.mean()),
        "Core D10": d(core, 10),
        "BODY Dmean": float(body.mean()),
    }
    m["HI"] = (m["OuterTarget D5"] - m["OuterTarget D95"]) / m["OuterTarget D50"]
    tv = float(target.size)
    tv_piv = float((target >= PADDICK_LEVEL_GY).sum())
    piv = float((body >= PADDICK_LEVEL_GY).sum())
    m["Paddick CI 47.5 Gy"] = tv_piv * tv_piv / (tv * piv) if piv > 0 else 0.0
    return m


def write_dose(path, dose_image, provenance):
    """rtcluster result layout: /dose/total float32 (z, y, x) with its grid on the dataset; schema 1."""
    dose = sitk.GetArrayFromImage(dose_image).astype(np.float32)
    direction = np.asarray(dose_image.GetDirection()).reshape(3, 3)
    if not np.allclose(direction, np.eye(3)):
        raise ValueError(f"dose grid is not axis-aligned: direction {direction.ravel()}")
    with h5py.File(path, "w") as f:
        f.attrs["schema"] = np.int64(1)
        for key, value in provenance.items():
            f.attrs[key] = value
        dataset = f.create_dataset("dose/total", data=dose)
        dataset.attrs["spacing_mm"] = np.asarray(dose_image.GetSpacing(), dtype=np.float64)
        dataset.attrs["origin_mm"] = np.asarray(dose_image.GetOrigin(), dtype=np.float64)
        dataset.attrs["array_order"] = "zyx"
    return dose


def resampling_check(path, dose_ct, body_mask, ct_spacing, ct_origin):
    """Reads the written file back and interpolates its dose trilinearly, using only the file's own
    grid attributes, at the world positions of the case's CT voxels inside BODY; returns the largest
    difference from pyRadPlan's own CT-grid dose. A wrong axis order, flip or origin shows as a
    difference of several Gy; float32 rounding alone stays below 1e-3 Gy."""
    with h5py.File(path, "r") as f:
        dataset = f["dose/total"]
        dose = dataset[...].astype(np.float64)
        spacing = np.asarray(dataset.attrs["spacing_mm"])
        origin = np.asarray(dataset.attrs["origin_mm"])
    zyx = np.argwhere(body_mask > 0)
    world_xyz = ct_origin + zyx[:, ::-1] * ct_spacing
    index_zyx = ((world_xyz - origin) / spacing)[:, ::-1].T
    sampled = ndimage.map_coordinates(dose, index_zyx, order=1, mode="nearest")
    expected = dose_ct[zyx[:, 0], zyx[:, 1], zyx[:, 2]]
    return float(np.abs(sampled - expected).max())


@contextlib.contextmanager
def native_output_to_stderr():
    """IPOPT prints through the C runtime to file descriptor 1; send it to stderr so that stdout
    carries only the JSON figures."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def main():
    args = parse_arguments()
    wall_start = time.perf_counter()
    import_s = wall_start - PROCESS_START
    ct, cst, structures, ct_spacing, ct_origin = load_case(args.case)
    masks = {name: s["mask"] for name, s in structures.items()}

    pln = PhotonPlan(machine="Generic", prescribed_dose=PRESCRIPTION_GY, num_of_fractions=25)
    pln.prop_stf = {
        "gantry_angles": [float(a) for a in args.gantry_deg.split(",")],
        "couch_angles": [0.0] * len(args.gantry_deg.split(",")),
        "bixel_width": args.bixel_mm,
        "iso_center": cst.target_center_of_mass(),
    }
    pln.prop_dose_calc = {
        "engine": "SVDPB",
        "dose_grid": {"resolution": {"x": args.dose_grid_mm, "y": args.dose_grid_mm, "z": args.dose_grid_mm}},
    }
    pln.prop_opt = {"solver": "ipopt", "max_iter": args.max_iterations}

    t0 = time.perf_counter()
    stf = generate_stf(ct, cst, pln)
    t1 = time.perf_counter()
    dij = calc_dose_influence(ct, cst, stf, pln)
    t2 = time.perf_counter()
    opt_info = {}
    with native_output_to_stderr():
        weights = fluence_optimization(ct, cst, stf, dij, pln, opt_info=opt_info)
    t3 = time.perf_counter()
    dose_ct = sitk.GetArrayFromImage(dij.compute_result_ct_grid(weights)["physical_dose"]).astype(np.float64)
    dose_grid_image = dij.compute_result_dose_grid(weights)["physical_dose"]
    raw = dose_metrics(dose_ct, masks)
    scale = PRESCRIPTION_GY / raw["OuterTarget D95"]
    normalised = dose_metrics(dose_ct * scale, masks)
    t4 = time.perf_counter()

    beamlets, nnz, matrix_bytes = influence_size(dij)
    iterations = opt_info.get("num_iter")
    result_info = opt_info.get("result_info") if isinstance(opt_info.get("result_info"), dict) else {}
    figures = {
        "pyradplan_version": pyRadPlan.__version__,
        "iso_center_mm": [float(v) for v in np.ravel(pln.prop_stf["iso_center"])],
        "dose_grid_shape_xyz": [int(v) for v in dose_grid_image.GetSize()],
        "dose_grid_origin_mm": [float(v) for v in dose_grid_image.GetOrigin()],
        "beamlets": beamlets,
        "nonzeros": nnz,
        "influence_matrix_gb": matrix_bytes / 1e9,
        "iterations": iterations,
        "solver_status": str(result_info.get("status", "")),
        "time_import_s": import_s,
        "time_load_s": t0 - wall_start,
        "time_stf_s": t1 - t0,
        "time_dose_influence_s": t2 - t1,
        "time_optimisation_s": t3 - t2,
        "time_per_iteration_s": (t3 - t2) / iterations if iterations else None,
        "time_evaluation_s": t4 - t3,
        "time_plan_s": t4 - t0,
        "peak_memory_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9,
        "normalisation_factor": scale,
        "raw": raw,
        "normalised_d95_50": normalised,
    }

    provenance = {
        "software": f"pyRadPlan {pyRadPlan.__version__}",
        "engine": "SVDPB 6 MV Generic",
        "gantry_deg": np.asarray([float(a) for a in args.gantry_deg.split(",")]),
        "bixel_mm": args.bixel_mm,
        "note": "total dose, not normalised; normalisation_factor scales OuterTarget D95 to 50 Gy",
        "normalisation_factor": scale,
        "metrics_json": json.dumps(figures),
    }
    write_dose(args.output, dose_grid_image, provenance)
    figures["check_max_difference_gy"] = resampling_check(args.output, dose_ct, masks[BODY], ct_spacing, ct_origin)
    figures["time_total_s"] = time.perf_counter() - PROCESS_START

    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    # The dose read back through its own grid attributes must reproduce pyRadPlan's CT-grid dose.
    if figures["check_max_difference_gy"] > 0.01:
        print(f"geometry check failed: written dose differs from pyRadPlan's CT-grid dose by up to "
              f"{figures['check_max_difference_gy']:.3f} Gy", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
