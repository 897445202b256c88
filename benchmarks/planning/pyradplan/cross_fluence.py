"""Issue 6: is rtcluster's higher TG-119 Core D10 its fluence or its dose physics? Puts rtcluster's optimised
beamlet weights into pyRadPlan's dose influence matrix (the same lattice of 5 mm bixels through the isocentre) and
reads the plan the pyRadPlan way, next to pyRadPlan's own optimised plan and rtcluster's own final dose.

If rtcluster's fluence, dosed by pyRadPlan's engine, gives pyRadPlan's Core D10, the difference lies in the dose
engines; if it keeps rtcluster's higher value, it lies in the fluence the optimiser chose.

Usage (the pyRadPlan venv of run.sh; heavy, about 4 GB and 6-7 minutes: run it under the machine's heavy lock):
  ~/.cache/rtcluster/pyradplan-venv/bin/python cross_fluence.py --ours RESULT.h5 [--ours RESULT2.h5 ...]
      [--case /work/shared/data/tg119/case.h5] [--weights-out pyr-weights.h5] [--weights-text pyr-weights.txt]
      [--json out.json]

RESULT.h5: rtcluster plan results of jobs/tg119-plan.yaml (they carry /plan/beamlets: beam index, u, v, width).
--weights-out writes pyRadPlan's optimised weights in rtcluster's beamlet order of the first result (float64
/plan/weights, zero where pyRadPlan has no bixel) with the fraction of pyRadPlan's fluence that found no rtcluster
beamlet.

Metrics: tg119_plan.dose_metrics on the CT grid (pyRadPlan's dose resampled trilinearly by pyRadPlan; rtcluster's
final dose read trilinearly at the CT voxel centres), each normalised to OuterTarget D95 = 50 Gy.
"""

import argparse
import json
import sys

import h5py
import numpy as np
import SimpleITK as sitk
from scipy import ndimage

import tg119_plan as base

MATCH_MM = 0.05


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ours", action="append", required=True, help="rtcluster plan result (repeatable)")
    parser.add_argument("--case", default="/work/shared/data/tg119/case.h5")
    parser.add_argument("--max-iterations", type=int, default=500)
    parser.add_argument("--weights-out", help="pyRadPlan's weights in rtcluster's beamlet order (HDF5)")
    parser.add_argument("--weights-text", help="the same weights as text, one per line")
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    return parser.parse_args()


def rtcluster_plan(path):
    """Weights (un-normalised), beamlets [beam, u, v, width], gantry angles and isocentre of an rtcluster plan result."""
    with h5py.File(path, "r") as f:
        factor = float(f.attrs["normalisation_factor"])
        weights = f["plan/weights"][...].astype(np.float64) / factor
        beamlets = f["plan/beamlets"][...].astype(np.float64)
        gantry = f["plan/beams"][...][:, 0].astype(np.float64)
        iso = np.asarray(f.attrs["isocentre_mm"], dtype=np.float64)
    if beamlets.shape != (weights.size, 4):
        raise ValueError(f"{path}: /plan/beamlets has shape {beamlets.shape} for {weights.size} weights")
    return weights, beamlets, gantry, iso, factor


def rtcluster_offsets(beamlets, gantry):
    """World offsets (mm, LPS) from the isocentre of each beamlet's centre on the isocentre plane (Dose/Beam.swift)."""
    theta = np.radians(gantry[beamlets[:, 0].astype(int)])
    u, v = beamlets[:, 1], beamlets[:, 2]
    return np.stack([u * np.cos(theta), u * np.sin(theta), v], axis=1)


def check_same_plan_geometry(path, beamlets, gantry, iso, first_gantry, iso_pyr):
    """Refuses a result whose bixels or isocentre differ from pyRadPlan's set-up: offsets from different isocentres, or
    10 mm bixels (every one of which lies on the 5 mm lattice), would all 'match' and put the fluence in the wrong place."""
    widths = set(np.unique(beamlets[:, 3]).tolist())
    if widths != {5.0}:
        raise SystemExit(f"{path}: bixel widths {sorted(widths)} mm, but pyRadPlan's plan has 5 mm bixels")
    if np.abs(iso - iso_pyr).max() > MATCH_MM:
        raise SystemExit(f"{path}: isocentre {iso.tolist()} mm differs from pyRadPlan's {iso_pyr.tolist()} mm")
    if not np.array_equal(gantry, first_gantry):
        raise SystemExit(f"{path}: gantry angles {gantry.tolist()} differ from the first result's {first_gantry.tolist()}")


def pyradplan_rays(stf):
    """(gantry angle, ray offset from the isocentre) per dij column, in column order."""
    out = []
    for beam in stf.beams:
        for ray in beam.rays:
            out.append((float(beam.gantry_angle), np.asarray(ray.ray_pos, dtype=np.float64)))
    return out


def column_map(offsets, beam_of, gantry, rays):
    """dij column of each rtcluster beamlet (-1 where pyRadPlan has none). pyRadPlan's world axes may differ from
    LPS by signs or an x/y swap; the variant matching the most beamlets within MATCH_MM is taken (the first of equals,
    identity first) and reported with the number of variants that matched as many (a symmetric target ties)."""
    variants = {}
    for swap in (False, True):
        for signs in [(a, b, c) for a in (1, -1) for b in (1, -1) for c in (1, -1)]:
            variants[(swap, signs)] = None
    best = None
    for (swap, signs) in variants:
        columns = np.full(len(offsets), -1, dtype=np.int64)
        lookup = {}
        for column, (g, pos) in enumerate(rays):
            p = pos[[1, 0, 2]] if swap else pos
            p = p * np.asarray(signs, dtype=np.float64)
            key = (round(g % 360.0, 3), round(p[0] / MATCH_MM), round(p[1] / MATCH_MM), round(p[2] / MATCH_MM))
            lookup[key] = column
        for n, o in enumerate(offsets):
            key = (round(gantry[beam_of[n]] % 360.0, 3), round(o[0] / MATCH_MM), round(o[1] / MATCH_MM),
                   round(o[2] / MATCH_MM))
            columns[n] = lookup.get(key, -1)
        matched = int((columns >= 0).sum())
        if best is None or matched > best[0]:
            best = (matched, swap, signs, columns, 1)
        elif matched == best[0]:
            best = best[:4] + (best[4] + 1,)
    return best


def trilinear_at_ct(path, mask, spacing, origin, factor):
    """An rtcluster result's raw dose (/dose/total divided by its factor) read trilinearly at the mask's CT voxels
    (0 outside its dose grid)."""
    with h5py.File(path, "r") as f:
        dataset = f["dose/total"]
        dose = dataset[...].astype(np.float64) / factor
        d_spacing = np.asarray(dataset.attrs["spacing_mm"], dtype=np.float64)
        d_origin = np.asarray(dataset.attrs["origin_mm"], dtype=np.float64)
    zyx = np.argwhere(mask > 0)
    world = origin + zyx[:, ::-1] * spacing
    index_zyx = ((world - d_origin) / d_spacing)[:, ::-1].T
    return zyx, ndimage.map_coordinates(dose, index_zyx, order=1, mode="constant", cval=0.0)


def metrics_pair(dose_ct, masks):
    raw = base.dose_metrics(dose_ct, masks)
    scale = base.PRESCRIPTION_GY / raw["OuterTarget D95"]
    return {"factor": scale, "raw": raw, "normalised": base.dose_metrics(dose_ct * scale, masks)}


def main():
    args = parse_arguments()
    ct, cst, structures, ct_spacing, ct_origin = base.load_case(args.case)
    masks = {name: s["mask"] for name, s in structures.items()}
    union = np.zeros_like(masks[base.BODY])
    for m in masks.values():
        union |= (m > 0).astype(union.dtype)

    first = rtcluster_plan(args.ours[0])
    gantry = first[2]
    pln = base.PhotonPlan(machine="Generic", prescribed_dose=base.PRESCRIPTION_GY, num_of_fractions=25)
    pln.prop_stf = {"gantry_angles": [float(g) for g in gantry], "couch_angles": [0.0] * len(gantry),
                    "bixel_width": 5.0, "iso_center": cst.target_center_of_mass()}
    pln.prop_dose_calc = {"engine": "SVDPB", "dose_grid": {"resolution": {"x": 3.0, "y": 3.0, "z": 3.0}}}
    pln.prop_opt = {"solver": "ipopt", "max_iter": args.max_iterations}
    stf = base.generate_stf(ct, cst, pln)
    dij = base.calc_dose_influence(ct, cst, stf, pln)
    with base.native_output_to_stderr():
        pyr_weights = np.asarray(base.fluence_optimization(ct, cst, stf, dij, pln), dtype=np.float64)
    rays = pyradplan_rays(stf)
    iso_pyr = np.ravel(np.asarray(pln.prop_stf["iso_center"], dtype=np.float64))

    def ct_dose(weights):
        image = dij.compute_result_ct_grid(weights)["physical_dose"]
        return sitk.GetArrayFromImage(image).astype(np.float64)

    figures = {"pyradplan_columns": len(rays), "pyradplan_isocentre_mm": iso_pyr.tolist(),
               "pyradplan": metrics_pair(ct_dose(pyr_weights), masks), "results": []}
    for n, path in enumerate(args.ours):
        weights, beamlets, g, iso, factor = first if n == 0 else rtcluster_plan(path)
        check_same_plan_geometry(path, beamlets, g, iso, gantry, iso_pyr)
        if weights.sum() <= 0:
            raise SystemExit(f"{path}: the plan's weights are all zero")
        offsets = rtcluster_offsets(beamlets, g)
        beam_of = beamlets[:, 0].astype(int)
        matched, swap, signs, columns, tied = column_map(offsets, beam_of, g, rays)
        if matched < 0.99 * weights.size:
            raise SystemExit(f"{path}: only {matched} of {weights.size} beamlets found a pyRadPlan bixel (nothing written)")
        mapped = np.zeros(len(rays))
        ok = columns >= 0
        mapped[columns[ok]] = weights[ok]
        entry = {"file": path, "beamlets": int(weights.size), "matched": matched, "axis_swap_xy": swap,
                 "axis_signs": list(signs), "axis_variants_matching_as_many": tied, "isocentre_mm": iso.tolist(),
                 "weight_fraction_unmatched": float(weights[~ok].sum() / weights.sum()),
                 "rtcluster_weights_in_pyradplan": metrics_pair(ct_dose(mapped), masks)}
        own = np.zeros(masks[base.BODY].shape)
        zyx, values = trilinear_at_ct(path, union, ct_spacing, ct_origin, factor)
        own[zyx[:, 0], zyx[:, 1], zyx[:, 2]] = values
        entry["rtcluster_own_final_dose"] = metrics_pair(own, masks)
        figures["results"].append(entry)
        if n == 0 and (args.weights_out or args.weights_text):
            inverse = np.full(len(rays), -1, dtype=np.int64)
            inverse[columns[ok]] = np.nonzero(ok)[0]
            ours_order = np.zeros(weights.size)
            hit = inverse >= 0
            ours_order[inverse[hit]] = pyr_weights[hit]
            if args.weights_out:
                with h5py.File(args.weights_out, "w") as f:
                    f.create_dataset("plan/weights", data=ours_order)
                    f.attrs["source"] = "pyRadPlan 0.5.0 SVDPB, IPOPT, TG-119 case objectives"
                    f.attrs["unmatched_weight_fraction"] = float(pyr_weights[~hit].sum() / pyr_weights.sum())
            if args.weights_text:
                np.savetxt(args.weights_text, ours_order, fmt="%.17g")
            figures["pyradplan_weight_fraction_without_rtcluster_beamlet"] = float(pyr_weights[~hit].sum() / pyr_weights.sum())

    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
