#!/usr/bin/env python3
r"""Issue 6: why is rtcluster's TG-119 Core D10 above pyRadPlan's at the same objectives? Compares the two
engines' dose fall-off, on the plans (subcommand `plan`) and on single beams in water (`water-pyradplan`,
`profiles`). Record: benchmarks/results/dose-penumbra-pyradplan-2026-11-29.md.

Usage (python with numpy, scipy, h5py; the pyRadPlan venv ~/.cache/rtcluster/pyradplan-venv has them all):

  # 1. plan level (no dose calculation): radial profiles from the Core's axis, the 90 %-50 % gap distance,
  #    Core DVH and Core dose by distance to the target, both doses normalised to OuterTarget D95 = 50 Gy
  compare_penumbra_pyradplan.py plan --ours RESULT.h5 --theirs /work/pyradplan-tg119-dose.h5 \
      [--case /work/shared/data/tg119/case.h5] [--blur-mm S ...] [--json out.json]
  # 1b. Core D10 against the final dose's noise: rtcluster results of one plan (same weights, different final
  #     histories), their inverse-variance mean, a fit in sigma^2, and pyRadPlan's dose with their noise added
  compare_penumbra_pyradplan.py noise --ours A.h5 B.h5 C.h5 [--write-combined mean.h5] [--json out.json]
  # 1c. the optimiser's model D_pb w + smoothed correction against the final Monte Carlo dose; MATRIX: a dose job
  #     storing the plan's pencil-beam matrix (benchmarks/dose/penumbra/tg119-pb-matrix.yaml)
  compare_penumbra_pyradplan.py model --plan RESULT.h5 --matrix MATRIX.h5 [--json out.json]

  # 2a. pyRadPlan 0.5.0 (SVDPB, machine "Generic" 6 MV) on a water tank: one 5 mm beamlet and a 10x10 cm
  #     field, gantry 0, SAD 1000 mm, isocentre at DEPTH below the surface (needs the pyRadPlan venv; heavy:
  #     run under flock /tmp/rtcluster-heavy.lock)
  compare_penumbra_pyradplan.py water-pyradplan --tank tank.h5 --out pyr-water.h5 [--depth-mm 100] [--grid-mm 2]
      [--field-mm X Z] [--skip-beamlet]
  #     memory: 10x10 cm at 2 mm plus the beamlet at 1 mm peaked at 6.7 GB; a 1x20 cm field at 1 mm at 22.4 GB (!)


  # 2b. lateral profiles (x through the central axis) at depths 1.5, 5, 10 cm: 80-20 % penumbra, field
  #     width (50 %), dose 5/10/20 mm outside the field edge in % of the central axis; of any number of
  #     dose files (rtcluster dose results or 2a's output), each NAME=FILE[:DATASET]
  compare_penumbra_pyradplan.py profiles --surface-y-mm Y0 --field-mm 100 \
      ours=field.h5 theirs=pyr-water.h5:/field/total [--json out.json]

Conventions: dose files hold a (z, y, x) float dataset with attributes origin_mm (x, y, z of voxel 0's centre)
and spacing_mm (x, y, z); world = origin + index * spacing. Gantry 0 beams travel along +y (the tank's surface at
`--surface-y-mm`), so depth = y - surface; lateral profiles run along x at the isocentre's z.
"""
import argparse
import json
import sys

import h5py
import numpy as np
from scipy import ndimage

PRESCRIPTION_GY = 50.0
TARGET, CORE, BODY = "OuterTarget", "Core", "BODY"


# ----------------------------------------------------------------------------------------------------------
# shared helpers
# ----------------------------------------------------------------------------------------------------------
class DoseGrid:
    """A dose array (z, y, x) with its grid; `at(xyz)` interpolates trilinearly at world points (N, 3)."""

    def __init__(self, path, dataset="dose/total"):
        with h5py.File(path, "r") as f:
            d = f[dataset]
            self.dose = d[...].astype(np.float64)
            self.origin = np.asarray(d.attrs["origin_mm"], dtype=float)
            self.spacing = np.asarray(d.attrs["spacing_mm"], dtype=float)
            self.factor = float(f.attrs["normalisation_factor"]) if "normalisation_factor" in f.attrs else 1.0
            metrics = json.loads(f.attrs["metrics_json"]) if "metrics_json" in f.attrs else {}
            # rtcluster plan results: the stored dose is the normalised one (metrics carry the prescription)
            self.stored_normalised = isinstance(metrics, dict) and "prescription" in metrics
        self.norm = 1.0
        self.path = path

    def at(self, xyz):
        xyz = np.atleast_2d(np.asarray(xyz, dtype=float))
        index_zyx = ((xyz - self.origin) / self.spacing)[:, ::-1].T
        return ndimage.map_coordinates(self.dose, index_zyx, order=1, mode="nearest")


def percentile_dose(values, volume_pct):
    """Dx: the dose that x % of the volume receives at least ((100 - x)th percentile, linear interpolation)."""
    return float(np.percentile(values, 100.0 - volume_pct))


def crossing(positions, values, level):
    """Position where `values` first crosses `level` going along `positions` (linear interpolation); None if never."""
    above = values >= level
    for i in range(1, len(values)):
        if above[i] != above[i - 1]:
            v0, v1 = values[i - 1], values[i]
            return float(positions[i - 1] + (level - v0) / (v1 - v0) * (positions[i] - positions[i - 1]))
    return None


# ----------------------------------------------------------------------------------------------------------
# 1. plan level
# ----------------------------------------------------------------------------------------------------------
def load_case(path):
    with h5py.File(path, "r") as f:
        spacing = np.asarray(f["ct"].attrs.get("spacing_mm", f.attrs["spacing_mm"]), dtype=float)
        origin = np.asarray(f["ct"].attrs.get("origin_mm", f.attrs["origin_mm"]), dtype=float)
        masks = {name: f["structures"][name][...] > 0 for name in (TARGET, CORE, BODY)}
    return spacing, origin, masks


def ct_points(mask, spacing, origin):
    zyx = np.argwhere(mask)
    return origin + zyx[:, ::-1] * spacing


def dose_grid_values(g, masks, spacing, origin):
    """Dose-grid voxels whose centre falls in a contoured CT voxel (nearest CT voxel), per structure."""
    nz, ny, nx = g.dose.shape
    idx = [np.rint((g.origin[a] + g.spacing[a] * np.arange(n) - origin[a]) / spacing[a]).astype(int)
           for a, n in enumerate((nx, ny, nz))]
    shape = masks[TARGET].shape
    inside = [(i >= 0) & (i < shape[2 - a]) for a, i in enumerate(idx)]
    zz, yy, xx = np.meshgrid(np.clip(idx[2], 0, shape[0] - 1), np.clip(idx[1], 0, shape[1] - 1),
                             np.clip(idx[0], 0, shape[2] - 1), indexing="ij")
    valid = inside[2][:, None, None] & inside[1][None, :, None] & inside[0][None, None, :]
    return {name: g.dose[masks[name][zz, yy, xx] & valid] for name in (TARGET, CORE)}


def structure_metrics(t, c):
    return {"PTV D95": percentile_dose(t, 95), "PTV D50": percentile_dose(t, 50), "PTV D5": percentile_dose(t, 5),
            "PTV Dmean": float(t.mean()),
            "HI": (percentile_dose(t, 5) - percentile_dose(t, 95)) / percentile_dose(t, 50),
            "Core D2": percentile_dose(c, 2), "Core D5": percentile_dose(c, 5), "Core D10": percentile_dose(c, 10),
            "Core D20": percentile_dose(c, 20), "Core D50": percentile_dose(c, 50), "Core Dmean": float(c.mean()),
            "Core V25Gy %": float((c >= 25.0).mean() * 100)}


def radial_profiles(engines, masks, spacing, origin, slices_mm):
    """Axial-plane rays from the Core's axis (the Core's centroid in each slice) outward every 30 degrees: the
    structures along each ray and, per dose (normalised with its .norm), where the dose falls through 90, 50 and
    30 % of the prescription walking inward from the target's inner edge."""
    angles = np.arange(0, 360, 30)
    radii = np.arange(0.0, 45.01, 0.5)
    profiles = []
    for z_mm in slices_mm:
        k = int(round((z_mm - origin[2]) / spacing[2]))
        yy, xx = np.nonzero(masks[CORE][k])
        cx, cy = origin[0] + xx.mean() * spacing[0], origin[1] + yy.mean() * spacing[1]
        zw = origin[2] + k * spacing[2]
        for ang in angles:
            u = np.array([np.cos(np.radians(ang)), np.sin(np.radians(ang))])
            xyz = np.column_stack([cx + radii * u[0], cy + radii * u[1], np.full_like(radii, zw)])
            # structure along the ray: nearest CT voxel
            ij = np.rint((xyz - origin) / spacing).astype(int)
            in_t = masks[TARGET][ij[:, 2], ij[:, 1], ij[:, 0]]
            in_c = masks[CORE][ij[:, 2], ij[:, 1], ij[:, 0]]
            core_edge = float(radii[in_c].max() + spacing[0] / 2) if in_c.any() else None
            target_inner = float(radii[in_t].min() - spacing[0] / 2) if in_t.any() else None
            row = {"z_mm": zw, "angle_deg": int(ang), "core_edge_mm": core_edge, "target_inner_mm": target_inner}
            for key, g in engines.items():
                d = g.at(xyz) * g.norm
                r90 = r50 = r30 = None
                if target_inner is not None:
                    inward = radii <= target_inner + 6.0
                    r_in, d_in = radii[inward][::-1], d[inward][::-1]
                    r90, r50, r30 = (crossing(r_in, d_in, lvl * PRESCRIPTION_GY) for lvl in (0.9, 0.5, 0.3))
                row[key] = {"r90_mm": r90, "r50_mm": r50, "r30_mm": r30,
                            "gap_90_50_mm": (r90 - r50) if (r90 is not None and r50 is not None) else None,
                            "dose_at_core_edge": float(np.interp(core_edge, radii, d)) if core_edge else None,
                            "dose_at_axis": float(d[0]),
                            "profile": [round(float(v), 3) for v in d]}
            profiles.append(row)
    return radii, profiles


def mean_gap(profiles, key):
    v = [r[key]["gap_90_50_mm"] for r in profiles if r[key]["gap_90_50_mm"] is not None]
    return float(np.mean(v)) if v else None


def plan_level(args):
    spacing, origin, masks = load_case(args.case)
    engines = {"rtcluster": DoseGrid(args.ours), "pyRadPlan": DoseGrid(args.theirs)}
    out = {"case": args.case, "files": {k: g.path for k, g in engines.items()},
           "normalisation_factor": {k: g.factor for k, g in engines.items()}}

    # rtcluster's plan result stores /dose/total already normalised (Sources/Cluster/README.md: "/dose/total
    # (normalised)"; normalisation_factor is informational); pyRadPlan's file is raw. So `raw` divides a result
    # that carries metrics_json with a prescription by its factor, and every `norm` row scales the raw dose to
    # OuterTarget D95 = 50 Gy in that row's own evaluation (CT grid: trilinear dose at the contoured CT voxels,
    # pyRadPlan's convention; dose grid: dose voxels whose centre lies in a contoured CT voxel, rtcluster's).
    pts = {name: ct_points(m, spacing, origin) for name, m in masks.items() if name != BODY}
    dvh = {}
    for key, g in engines.items():
        if g.stored_normalised:
            g.dose = g.dose / g.factor
        evaluations = {"ct_grid": {name: g.at(p) for name, p in pts.items()},
                       "dose_grid": dose_grid_values(g, masks, spacing, origin)}
        row = {"factor_file": g.factor}
        for conv, raw in evaluations.items():
            f = PRESCRIPTION_GY / percentile_dose(raw[TARGET], 95)
            row[f"factor_{conv}"] = f
            for label, scale in (("raw", 1.0), ("norm", f)):
                row[f"{conv} {label}"] = structure_metrics(raw[TARGET] * scale, raw[CORE] * scale)
        g.norm = row["factor_ct_grid"]
        dvh[key] = row
    out["dvh"] = dvh
    # Split of the Core D10 difference (CT grid): raw dose difference times pyRadPlan's factor + factor difference.
    a, b = dvh["rtcluster"], dvh["pyRadPlan"]
    d_raw = a["ct_grid raw"]["Core D10"] - b["ct_grid raw"]["Core D10"]
    out["core_d10_split_ct_grid"] = {
        "difference_normalised": a["ct_grid norm"]["Core D10"] - b["ct_grid norm"]["Core D10"],
        "from_raw_dose": d_raw * b["factor_ct_grid"],
        "from_normalisation_factor": a["ct_grid raw"]["Core D10"] * (a["factor_ct_grid"] - b["factor_ct_grid"]),
    }

    # Core dose by distance to the target (CT grid, mm, Euclidean with the CT spacing) and to the Core's surface.
    dist_target = ndimage.distance_transform_edt(~masks[TARGET], sampling=spacing[::-1])
    core_idx = np.argwhere(masks[CORE])
    core_dist = dist_target[masks[CORE]]
    norm_core = {k: g.at(pts[CORE]) * g.norm for k, g in engines.items()}
    d10_level = {k: percentile_dose(v, 10) for k, v in norm_core.items()}
    bins = [0, 6, 7, 8, 9, 10, 12, 15, 20, 30, 200]
    table = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        sel = (core_dist >= lo) & (core_dist < hi)
        if not sel.any():
            continue
        r = {"distance_mm": f"{lo}-{hi}", "voxels": int(sel.sum())}
        for k, v in norm_core.items():
            r[f"{k} mean"] = float(v[sel].mean())
            r[f"{k} share of hottest 10 %"] = float((v[sel] >= d10_level[k]).sum() / max(1, (v >= d10_level[k]).sum()))
        r["difference"] = r["rtcluster mean"] - r["pyRadPlan mean"]
        table.append(r)
    out["core_by_distance_to_target"] = table
    # The voxels that set D10: ranks around 10 % of the Core's voxels from the hottest, with their distance to the
    # target and z (D10 is the (100 - 10)th percentile, i.e. between ranks floor/ceil(0.1 * (N - 1)) from the top).
    ranks = {}
    for k, v in norm_core.items():
        order = np.argsort(-v)
        r0 = int(0.1 * (len(v) - 1))
        ranks[k] = [{"rank": int(r), "dose": float(v[order[r]]), "distance_mm": float(core_dist[order[r]]),
                     "z_mm": float(origin[2] + core_idx[order[r], 0] * spacing[2])} for r in range(r0 - 12, r0 + 9)]
    out["core_d10_ranks"] = ranks
    # The 8-9 mm Core voxels (where D10 is read) grouped by in-plane position: one column along z each.
    shell = (core_dist >= 8.0) & (core_dist < 9.0)
    columns = []
    for yx in sorted(set(map(tuple, core_idx[shell][:, 1:].tolist()))):
        sel = shell & (core_idx[:, 1] == yx[0]) & (core_idx[:, 2] == yx[1])
        columns.append({"y_index": yx[0], "x_index": yx[1], "voxels": int(sel.sum()),
                        **{f"{k} mean": float(v[sel].mean()) for k, v in norm_core.items()},
                        **{f"{k} sd": float(v[sel].std()) for k, v in norm_core.items()}})
    out["core_columns_8_9mm"] = columns
    # Where the hottest 10 % of the Core lies: z (inside / beyond the target's z range) and distance.
    zt = np.where(masks[TARGET].any(axis=(1, 2)))[0]
    beyond = (core_idx[:, 0] < zt.min()) | (core_idx[:, 0] > zt.max())
    out["core_beyond_target_z"] = {
        "voxels": int(beyond.sum()),
        **{f"{k} mean": float(v[beyond].mean()) for k, v in norm_core.items()},
        **{f"{k} mean within target z": float(v[~beyond].mean()) for k, v in norm_core.items()},
        **{f"{k} hottest-10% voxels beyond target z": int(((v >= d10_level[k]) & beyond).sum()) for k, v in norm_core.items()},
    }

    radii, profiles = radial_profiles(engines, masks, spacing, origin, args.slices_mm)
    out["radial_radii_mm"] = radii.tolist()
    out["radial"] = profiles

    # What-if: blur pyRadPlan's dose with an isotropic Gaussian (sigma mm), renormalise D95 = 50 Gy on the CT
    # grid and read Core D10 (a fixed plan, no re-optimisation: an upper bound of what a wider penumbra costs).
    blur = []
    g = engines["pyRadPlan"]
    for s in args.blur_mm:
        # exact Gaussian transfer function (sub-voxel sigma on the 3 mm grid; ndimage.gaussian_filter's sampled
        # kernel is nearly the identity below one voxel); the dose is ~0 at the grid's faces, so wrap-around is nil
        blurred = (np.fft.ifftn(ndimage.fourier_gaussian(np.fft.fftn(g.dose), sigma=s / g.spacing[::-1])).real
                   if s > 0 else g.dose)
        tmp = DoseGrid.__new__(DoseGrid)
        tmp.dose, tmp.origin, tmp.spacing = blurred, g.origin, g.spacing
        t, c = tmp.at(pts[TARGET]), tmp.at(pts[CORE])
        f = PRESCRIPTION_GY / percentile_dose(t, 95)
        tmp.norm = f
        _, prof = radial_profiles({"blurred": tmp}, masks, spacing, origin, args.slices_mm)
        blur.append({"sigma_mm": s, "factor": f, "Core D10": percentile_dose(c * f, 10),
                     "gap_90_50_mm": mean_gap(prof, "blurred"),
                     "Core Dmean": float(c.mean() * f), "HI": (percentile_dose(t, 5) - percentile_dose(t, 95)) / percentile_dose(t, 50)})
    out["pyradplan_blur_whatif"] = blur

    report_plan(out)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)


def report_plan(out):
    print("# DVH, raw (rtcluster: stored dose / its factor) and normalised to OuterTarget D95 = 50 Gy per evaluation")
    keys = ["PTV D95", "PTV D50", "PTV D5", "HI", "Core D2", "Core D5", "Core D10", "Core D20", "Core D50",
            "Core Dmean", "Core V25Gy %"]
    cols = [(k, c) for c in ("ct_grid raw", "ct_grid norm", "dose_grid norm") for k in out["dvh"]]
    print("| metric | " + " | ".join(f"{k} {c}" for k, c in cols) + " |")
    for m in keys:
        print(f"| {m} | " + " | ".join(f"{out['dvh'][k][c][m]:.3f}" for k, c in cols) + " |")
    print("factors (file, CT grid, dose grid):", {k: (round(r["factor_file"], 4), round(r["factor_ct_grid"], 4),
                                                     round(r["factor_dose_grid"], 4)) for k, r in out["dvh"].items()})
    print("Core D10 split (CT grid):", {k: round(v, 3) for k, v in out["core_d10_split_ct_grid"].items()})
    print("\n# Core dose by distance to OuterTarget (normalised)")
    for r in out["core_by_distance_to_target"]:
        print(f"| {r['distance_mm']} | {r['voxels']} | {r['rtcluster mean']:.2f} | {r['pyRadPlan mean']:.2f} | "
              f"{r['difference']:+.2f} | {100 * r['rtcluster share of hottest 10 %']:.0f} % | {100 * r['pyRadPlan share of hottest 10 %']:.0f} % |")
    for k, rows in out["core_d10_ranks"].items():
        print(f"{k} ranks {rows[0]['rank']}-{rows[-1]['rank']} from the hottest: " + ", ".join(
            f"{r['dose']:.2f}@{r['distance_mm']:.1f}mm" for r in rows))
    for c in out["core_columns_8_9mm"]:
        print(f"column (y {c['y_index']}, x {c['x_index']}) {c['voxels']} voxels: rtcluster {c['rtcluster mean']:.2f} ± "
              f"{c['rtcluster sd']:.2f}, pyRadPlan {c['pyRadPlan mean']:.2f} ± {c['pyRadPlan sd']:.2f}")
    print("beyond target z:", {k: (round(v, 2) if isinstance(v, float) else v) for k, v in out["core_beyond_target_z"].items()})
    print("\n# radial: z, angle, core edge, target inner, r90/r50/gap ours | theirs, dose at core edge ours | theirs")
    for r in out["radial"]:
        a, b = r["rtcluster"], r["pyRadPlan"]
        f = lambda v: "—" if v is None else f"{v:.1f}"
        print(f"| {r['z_mm']:.1f} | {r['angle_deg']} | {f(r['core_edge_mm'])} | {f(r['target_inner_mm'])} | "
              f"{f(a['r90_mm'])} / {f(a['r50_mm'])} / {f(a['r30_mm'])} / {f(a['gap_90_50_mm'])} | {f(b['r90_mm'])} / {f(b['r50_mm'])} / {f(b['r30_mm'])} / {f(b['gap_90_50_mm'])} | "
              f"{f(a['dose_at_core_edge'])} | {f(b['dose_at_core_edge'])} | {f(a['dose_at_axis'])} | {f(b['dose_at_axis'])} |")
    for k in ("rtcluster", "pyRadPlan"):
        v = [r[k]["gap_90_50_mm"] for r in out["radial"] if r[k]["gap_90_50_mm"] is not None]
        w = [r[k]["r50_mm"] - r[k]["r30_mm"] for r in out["radial"] if r[k]["r30_mm"] is not None and r[k]["r50_mm"] is not None]
        print(f"{k}: 90-50 % distance mean {np.mean(v):.2f} mm (sd {np.std(v):.2f}, n={len(v)}); 50-30 % mean {np.mean(w):.2f} mm")
    print("\n# pyRadPlan blurred (what-if)")
    for r in out["pyradplan_blur_whatif"]:
        print(f"| {r['sigma_mm']} | {r['factor']:.4f} | {r['Core D10']:.2f} | {r['Core Dmean']:.2f} | {r['HI']:.3f} | {r['gap_90_50_mm']:.2f} |")



# ----------------------------------------------------------------------------------------------------------
# 1b. how much of the Core D10 is the final dose's statistical noise
# ----------------------------------------------------------------------------------------------------------
def normalised_metrics(g, masks, spacing, origin, pts):
    """(CT grid, dose grid) Core D10 / Dmean, HI and factor after scaling OuterTarget D95 to 50 Gy."""
    out = {}
    for conv, vals in (("ct", {TARGET: g.at(pts[TARGET]), CORE: g.at(pts[CORE])}),
                       ("dose_grid", dose_grid_values(g, masks, spacing, origin))):
        f = PRESCRIPTION_GY / percentile_dose(vals[TARGET], 95)
        m = structure_metrics(vals[TARGET] * f, vals[CORE] * f)
        out[conv] = {"factor": f, "Core D10": m["Core D10"], "Core Dmean": m["Core Dmean"], "HI": m["HI"]}
    return out


def noise_study(args):
    """rtcluster results of one plan (same weights, final doses of different history counts, independent noise):
    Core D10 per file, of their inverse-variance-weighted mean, and the fit Core D10 = a + b * sigma^2
    (sigma = mean relative standard error in the target) extrapolated to sigma = 0; and pyRadPlan's dose with
    each file's relative noise added (independent Gaussian per voxel)."""
    spacing, origin, masks = load_case(args.case)
    pts = {name: ct_points(masks[name], spacing, origin) for name in (TARGET, CORE)}
    rows, doses, variances = [], [], []
    ref_w = None
    for path in args.ours:
        g = DoseGrid(path)
        with h5py.File(path, "r") as f:
            w = f["plan/weights"][...] / g.factor
            unc = f["dose/uncertainty"][...].astype(np.float64) / g.factor
        if ref_w is None:
            ref_w = w
        elif w.shape != ref_w.shape or np.max(np.abs(w - ref_w)) > 1e-9 * np.max(np.abs(ref_w)):
            raise SystemExit(f"{path}: different plan weights; the noise study needs one plan's final doses")
        if g.stored_normalised:
            g.dose = g.dose / g.factor
        tgt = dose_grid_values(g, masks, spacing, origin)[TARGET]
        sel = g.dose > 0
        rel = np.divide(unc, g.dose, out=np.zeros_like(unc), where=sel)
        t_rel = dose_grid_values(type("G", (), {"dose": rel, "origin": g.origin, "spacing": g.spacing})(), masks, spacing, origin)[TARGET]
        sigma = float(np.mean(t_rel[tgt > 0]))
        m = normalised_metrics(g, masks, spacing, origin, pts)
        rows.append({"file": path, "sigma_target_pct": 100 * sigma, **{f"{c} {k}": v for c, d in m.items() for k, v in d.items()}})
        doses.append(g.dose)
        variances.append(np.where(unc > 0, unc ** 2, np.inf))
        g.rel = rel
        rows[-1]["_grid"] = g
    # inverse-variance-weighted mean of the final doses
    inv = [1.0 / v for v in variances]
    comb = sum(d * i for d, i in zip(doses, inv)) / np.maximum(sum(inv), 1e-300)
    comb = np.where(np.isfinite(comb), comb, np.mean(doses, axis=0))
    g0 = rows[0]["_grid"]
    gc = type("G", (), {})()
    gc.dose, gc.origin, gc.spacing = comb, g0.origin, g0.spacing
    gc.at = lambda xyz, gc=gc: DoseGrid.at(gc, xyz)
    sig_c = 1.0 / np.sqrt(sum(1.0 / (r["sigma_target_pct"] ** 2) for r in rows))
    mc = normalised_metrics(gc, masks, spacing, origin, pts)
    if args.write_combined:
        with h5py.File(args.write_combined, "w") as f:
            f.attrs["note"] = "inverse-variance mean of the final doses of " + ", ".join(args.ours) + " (raw, not normalised)"
            d = f.create_dataset("dose/total", data=comb.astype(np.float32))
            d.attrs["origin_mm"], d.attrs["spacing_mm"], d.attrs["array_order"] = g0.origin, g0.spacing, "zyx"
    combined = {"file": "inverse-variance mean", "sigma_target_pct": float(sig_c),
                **{f"{c} {k}": v for c, d in mc.items() for k, v in d.items()}}
    fits = {}
    table = [r for r in rows] + [combined]
    s2 = np.array([r["sigma_target_pct"] ** 2 for r in table])
    for key in ("ct Core D10", "dose_grid Core D10", "ct factor", "dose_grid factor"):
        yv = np.array([r[key] for r in table])
        b, a = np.polyfit(s2, yv, 1)
        fits[key] = {"at_sigma0": float(a), "per_pct2": float(b)}
    # pyRadPlan with each file's relative noise (3 noise seeds each)
    theirs = DoseGrid(args.theirs)
    whatif = []
    for r in rows:
        g = r["_grid"]
        if g.rel.shape != theirs.dose.shape:
            continue
        for seed in range(args.noise_seeds):
            rng = np.random.default_rng(seed)
            tmp = type("G", (), {})()
            tmp.dose, tmp.origin, tmp.spacing = theirs.dose * (1.0 + g.rel * rng.standard_normal(g.rel.shape)), theirs.origin, theirs.spacing
            tmp.at = lambda xyz, tmp=tmp: DoseGrid.at(tmp, xyz)
            m = normalised_metrics(tmp, masks, spacing, origin, pts)
            whatif.append({"noise_of": r["file"], "sigma_target_pct": r["sigma_target_pct"], "seed": seed,
                           **{f"{c} {k}": v for c, d in m.items() for k, v in d.items()}})
    clean = normalised_metrics(theirs, masks, spacing, origin, pts)
    for r in rows:
        del r["_grid"]
    out = {"rtcluster": table, "fit_vs_sigma2": fits, "pyradplan_clean": clean, "pyradplan_with_noise": whatif}
    print("| file | sigma % | CT factor | CT Core D10 | CT Core Dmean | dose-grid factor | dose-grid Core D10 |")
    for r in table:
        print(f"| {r['file']} | {r['sigma_target_pct']:.2f} | {r['ct factor']:.4f} | {r['ct Core D10']:.2f} | {r['ct Core Dmean']:.2f} | "
              f"{r['dose_grid factor']:.4f} | {r['dose_grid Core D10']:.2f} |")
    print("fit:", json.dumps(fits))
    print("pyRadPlan clean:", json.dumps(clean))
    for r in whatif:
        print(f"| pyRadPlan + noise of {r['noise_of']} (seed {r['seed']}) | {r['sigma_target_pct']:.2f} | {r['ct factor']:.4f} | "
              f"{r['ct Core D10']:.2f} | {r['ct Core Dmean']:.2f} | {r['dose_grid factor']:.4f} | {r['dose_grid Core D10']:.2f} |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)


# ----------------------------------------------------------------------------------------------------------
# 1c. the optimiser's model against the final Monte Carlo dose (rtcluster pencil beam + correction)
# ----------------------------------------------------------------------------------------------------------
def smooth_within_regions(c, regions, sigma_vox, truncate=2.0):
    """c_s = G*(m c) / G*m within each region label > 0 (Gaussian, sigma in voxels, cut at truncate sigma), 0 where
    the label is 0: the correction smoothing of `correction_smoothing_regions: structures` as docs/job-spec.md
    describes it."""
    out = np.zeros_like(c)
    for label in np.unique(regions):
        if label == 0:
            continue
        m = (regions == label).astype(np.float64)
        num = ndimage.gaussian_filter(c * m, sigma_vox, truncate=truncate)
        den = ndimage.gaussian_filter(m, sigma_vox, truncate=truncate)
        sel = m > 0
        out[sel] = num[sel] / np.maximum(den[sel], 1e-12)
    return out


def model_study(args):
    """Reconstructs the model the plan's last re-optimisation saw, D_pb w + c with c = S[D_mc w - D_pb w] taken
    at the final weights and the final Monte Carlo dose (the job's c was taken at the previous round's weights
    with 1e4 histories: an approximation, checked against the job's recorded model D95), and compares it with
    the final Monte Carlo dose in the target and the Core."""
    import scipy.sparse as sparse
    spacing, origin, masks = load_case(args.case)
    plan = DoseGrid(args.plan)
    with h5py.File(args.plan, "r") as f:
        w = f["plan/weights"][...] / plan.factor
        model_d95 = [float(v) for v in f.attrs.get("model_target_d95_gy", [])]
        mc_d95 = [float(v) for v in f.attrs.get("monte_carlo_target_d95_gy", [])]
        sigma_mm = float(f.attrs.get("correction_smoothing_mm", 6.0))
    if plan.stored_normalised:
        plan.dose = plan.dose / plan.factor
    with h5py.File(args.matrix, "r") as f:
        g = f["influence"]
        a = sparse.csc_matrix((g["data"][...], g["indices"][...], g["indptr"][...]), shape=tuple(g.attrs["shape"]))
    if a.shape[1] != w.size:
        raise SystemExit(f"matrix has {a.shape[1]} beamlets, the plan {w.size}")
    d_pb = (a @ w).reshape(plan.dose.shape)
    delta = plan.dose - d_pb
    # regions on the dose grid (voxel centre in a contoured CT voxel): target > Core > BODY by overlap priority,
    # body voxels of no structure a region of their own; outside the body 0
    nz, ny, nx = plan.dose.shape
    idx = [np.clip(np.rint((plan.origin[k] + plan.spacing[k] * np.arange(n) - origin[k]) / spacing[k]).astype(int), 0,
                   masks[TARGET].shape[2 - k] - 1) for k, n in enumerate((nx, ny, nz))]
    zz, yy, xx = np.meshgrid(idx[2], idx[1], idx[0], indexing="ij")
    regions = np.zeros(plan.dose.shape, dtype=np.int8)
    body = masks[BODY][zz, yy, xx]
    regions[body] = 3
    regions[masks[CORE][zz, yy, xx]] = 2
    regions[masks[TARGET][zz, yy, xx]] = 1
    c_s = smooth_within_regions(delta, regions, sigma_mm / plan.spacing[::-1])
    model = d_pb + c_s
    t, c = regions == 1, regions == 2
    out = {"model_d95_recorded": model_d95, "mc_d95_recorded": mc_d95,
           "target": {"model D95": percentile_dose(model[t], 95), "MC D95": percentile_dose(plan.dose[t], 95),
                      "pencil beam D95": percentile_dose(d_pb[t], 95),
                      "mean MC - model": float((plan.dose - model)[t].mean())}}
    f_mc = PRESCRIPTION_GY / percentile_dose(plan.dose[t], 95)
    f_model = PRESCRIPTION_GY / percentile_dose(model[t], 95)
    out["core"] = {"model D10 raw": percentile_dose(model[c], 10), "MC D10 raw": percentile_dose(plan.dose[c], 10),
                   "pencil beam D10 raw": percentile_dose(d_pb[c], 10),
                   "model D10 (model's own D95 = 50)": percentile_dose(model[c] * f_model, 10),
                   "MC D10 (MC D95 = 50)": percentile_dose(plan.dose[c] * f_mc, 10),
                   "model Dmean raw": float(model[c].mean()), "MC Dmean raw": float(plan.dose[c].mean())}
    # by distance to the target and for the notch column (dose grid voxels)
    dist = ndimage.distance_transform_edt(regions != 1, sampling=plan.spacing[::-1])
    rows = []
    for lo, hi in ((0, 4), (4, 7), (7, 10), (10, 15), (15, 30)):
        sel = c & (dist >= lo) & (dist < hi)
        if sel.any():
            rows.append({"distance_mm": f"{lo}-{hi}", "voxels": int(sel.sum()), "MC": float(plan.dose[sel].mean()),
                         "model": float(model[sel].mean()), "pencil beam": float(d_pb[sel].mean()),
                         "MC - model": float((plan.dose - model)[sel].mean()),
                         "MC - pencil beam": float(delta[sel].mean())})
    out["core_by_distance"] = rows
    # each Core voxel's in-plane column: MC - model averaged along z, the hottest MC columns first
    ci = np.argwhere(c)
    cols = {}
    for (k, j, i) in ci:
        cols.setdefault((j, i), []).append(k)
    col_rows = []
    for (j, i), ks in cols.items():
        ks = np.array(ks)
        col_rows.append({"y_index": int(j), "x_index": int(i), "voxels": len(ks),
                         "x_mm": float(plan.origin[0] + i * plan.spacing[0]), "y_mm": float(plan.origin[1] + j * plan.spacing[1]),
                         "distance_mm": float(np.median(dist[ks, j, i])),
                         "MC": float(plan.dose[ks, j, i].mean()), "model": float(model[ks, j, i].mean()),
                         "MC - model": float((plan.dose - model)[ks, j, i].mean())})
    col_rows.sort(key=lambda r: -r["MC"])
    out["core_columns"] = col_rows
    print(json.dumps({k: out[k] for k in ("model_d95_recorded", "mc_d95_recorded", "target", "core")}, indent=1))
    print("| distance to target | voxels | MC | model | pencil beam | MC - model | MC - pencil beam |")
    for r in rows:
        print(f"| {r['distance_mm']} mm | {r['voxels']} | {r['MC']:.2f} | {r['model']:.2f} | {r['pencil beam']:.2f} | "
              f"{r['MC - model']:+.2f} | {r['MC - pencil beam']:+.2f} |")
    print("| column (y, x) at (x, y) mm | voxels | distance | MC | model | MC - model |")
    for r in col_rows[:12]:
        print(f"| ({r['y_index']}, {r['x_index']}) at ({r['x_mm']:.1f}, {r['y_mm']:.1f}) | {r['voxels']} | {r['distance_mm']:.1f} | "
              f"{r['MC']:.2f} | {r['model']:.2f} | {r['MC - model']:+.2f} |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)


# ----------------------------------------------------------------------------------------------------------
# 2a. pyRadPlan on the water tank
# ----------------------------------------------------------------------------------------------------------
def water_pyradplan(args):
    """One 5 mm beamlet and a 10 x 10 cm field with pyRadPlan's SVDPB (machine "Generic", 6 MV), gantry 0, SAD
    1000 mm, isocentre `--depth-mm` below the tank's surface on the tank's central axis. The field is every bixel
    whose centre lies inside it at weight 1 (as rtcluster's open_field); pyRadPlan's bixel grid is centred on the
    isocentre (centres at multiples of 5 mm), so for the field the isocentre is moved by half a bixel in x and z
    (the field then spans 20 x 20 bixels = 100 mm, centred 2.5 mm from the beam's axis). Writes /beamlet/total and
    /field/total (z, y, x) Gy per unit weight with origin_mm / spacing_mm, and the set-up as attributes."""
    import time
    import SimpleITK as sitk
    import pyRadPlan
    from pyRadPlan import CT, PhotonPlan, StructureSet, calc_dose_influence, generate_stf
    from pyRadPlan.cst import OAR, Target

    with h5py.File(args.tank, "r") as f:
        hu = f["ct/hu"][...].astype(np.float32)
        spacing = np.asarray(f["ct"].attrs.get("spacing_mm", f.attrs["spacing_mm"]), dtype=float)
        origin = np.asarray(f["ct"].attrs.get("origin_mm", f.attrs["origin_mm"]), dtype=float)

    def image(a):
        im = sitk.GetImageFromArray(a, isVector=False)
        im.SetSpacing(tuple(float(v) for v in spacing))
        im.SetOrigin(tuple(float(v) for v in origin))
        im.SetDirection((1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0))
        return im

    water = hu > -500
    ys = np.where(water.any(axis=(0, 2)))[0]
    surface_y = origin[1] + (ys.min() - 0.5) * spacing[1]
    centre_x = origin[0] + (hu.shape[2] - 1) / 2 * spacing[0]
    centre_z = origin[2] + (hu.shape[0] - 1) / 2 * spacing[2]
    iso_y = surface_y + args.depth_mm
    ct = CT(cube_hu=image(hu))
    zz, yy, xx = np.meshgrid(origin[2] + spacing[2] * np.arange(hu.shape[0]), origin[1] + spacing[1] * np.arange(hu.shape[1]),
                             origin[0] + spacing[0] * np.arange(hu.shape[2]), indexing="ij")
    results = {}
    setups = [("beamlet", np.array([centre_x, iso_y, centre_z]), 5.0, args.beamlet_grid_mm),
              ("field", np.array([centre_x + 2.5, iso_y, centre_z + 2.5]), np.asarray(args.field_mm) / 2 + 5.0, args.grid_mm)]
    with h5py.File(args.out, "w") as out:
        out.attrs["software"] = f"pyRadPlan {pyRadPlan.__version__}"
        out.attrs["engine"] = "SVDPB 6 MV Generic"
        out.attrs["surface_y_mm"] = surface_y
        out.attrs["depth_mm"] = args.depth_mm
        out.attrs["enable_dij_sampling"] = bool(args.dij_sampling)
        for name, iso, half, grid in setups[1:] if args.skip_beamlet else setups:
            # the stf's target: a slab around the isocentre plane covering the field (bixels of the box's projection)
            hx, hz = (half, half) if np.isscalar(half) else half
            box = (np.abs(xx - centre_x) <= hx) & (np.abs(zz - centre_z) <= hz) & (np.abs(yy - iso_y) <= 10.0) & water
            body = water.astype(np.uint8)
            cst = StructureSet(vois=[Target(name="box", ct_image=ct, mask=image(box.astype(np.uint8))),
                                     OAR(name="BODY", ct_image=ct, mask=image(body))], ct_image=ct)
            pln = PhotonPlan(machine="Generic", prescribed_dose=1.0, num_of_fractions=1)
            pln.prop_stf = {"gantry_angles": [0.0], "couch_angles": [0.0], "bixel_width": 5.0, "iso_center": iso.tolist()}
            pln.prop_dose_calc = {"engine": "SVDPB", "dose_grid": {"resolution": {"x": grid, "y": grid, "z": grid}},
                                  "enable_dij_sampling": bool(args.dij_sampling)}
            t0 = time.perf_counter()
            stf = generate_stf(ct, cst, pln)
            rays = stf.beams[0].rays
            pos = np.array([np.asarray(r.ray_pos_bev, dtype=float) for r in rays])  # bev (x, y, z), y along the beam
            world_x, world_z = iso[0] + pos[:, 0], iso[2] + pos[:, 2]
            if name == "beamlet":
                weights = ((np.abs(pos[:, 0]) < 1e-6) & (np.abs(pos[:, 2]) < 1e-6)).astype(float)
            else:
                weights = ((np.abs(world_x - centre_x) < args.field_mm[0] / 2) & (np.abs(world_z - centre_z) < args.field_mm[1] / 2)).astype(float)
            dij = calc_dose_influence(ct, cst, stf, pln)
            dose_image = dij.compute_result_dose_grid(weights)["physical_dose"]
            dose = sitk.GetArrayFromImage(dose_image).astype(np.float32)
            seconds = time.perf_counter() - t0
            d = out.create_dataset(f"{name}/total", data=dose, compression="gzip", compression_opts=1)
            d.attrs["origin_mm"] = np.asarray(dose_image.GetOrigin(), dtype=float)
            d.attrs["spacing_mm"] = np.asarray(dose_image.GetSpacing(), dtype=float)
            d.attrs["array_order"] = "zyx"
            d.attrs["isocentre_mm"] = iso
            d.attrs["rays"] = len(rays)
            d.attrs["weighted_beamlets"] = int(weights.sum())
            d.attrs["seconds"] = seconds
            results[name] = {"rays": len(rays), "weighted": int(weights.sum()), "seconds": round(seconds, 1),
                             "grid_mm": grid, "isocentre_mm": iso.tolist(), "load": open("/proc/loadavg").read().split()[:3]}
            print(name, results[name], flush=True)
            del dij
    print(json.dumps({"surface_y_mm": surface_y, **results}))



# ----------------------------------------------------------------------------------------------------------
# 2b. lateral profiles in water
# ----------------------------------------------------------------------------------------------------------
def edge_metrics(x, d, centre, cax, outward):
    """80 %, 50 %, 20 % crossings of profile d (normalised to cax) walking from `centre` in direction `outward`."""
    sel = (x - centre) * outward >= 0
    xs, ds = x[sel], d[sel] / cax
    order = np.argsort((xs - centre) * outward)
    xs, ds = xs[order], ds[order]
    x80, x50, x20 = (crossing(xs, ds, lvl) for lvl in (0.8, 0.5, 0.2))
    return x80, x50, x20


def profile_metrics(grid, surface_y, depth, kind, field_mm, z_half_mm):
    """Lateral (x) profile at `depth` below the surface through the beam's centre (found from the dose)."""
    y = surface_y + depth
    # centre in x and z: dose-weighted centroid of the plane's voxels above 50 % of the plane's maximum
    iy = int(round((y - grid.origin[1]) / grid.spacing[1]))
    plane = grid.dose[:, iy, :]
    hot = plane >= 0.5 * plane.max()
    zi, xi = np.nonzero(hot)
    cx = grid.origin[0] + np.average(xi, weights=plane[hot]) * grid.spacing[0]
    cz = grid.origin[2] + np.average(zi, weights=plane[hot]) * grid.spacing[2]
    offsets = np.arange(-80.0, 80.0001, 0.25)

    def line(cx, cz, along):
        """profile through (cx, cz) along x (along = 0) or z (along = 2), averaged over +-z_half_mm across."""
        across = np.arange(-z_half_mm, z_half_mm + 1e-9, grid.spacing[2]) if z_half_mm > 0 else np.array([0.0])
        rows = []
        for a in across:
            px, pz = (cx + offsets, np.full_like(offsets, cz + a)) if along == 0 else (np.full_like(offsets, cx + a), cz + offsets)
            rows.append(grid.at(np.column_stack([px, np.full_like(offsets, y), pz])))
        return np.mean(rows, axis=0)

    # re-centre twice on the midpoint of the 50 % crossings in x and in z (the centroid is voxel-biased)
    for _ in range(2):
        for along in (0, 2):
            pr = line(cx, cz, along)
            c0 = float(np.max(pr[np.abs(offsets) <= 1.0]))
            lo = edge_metrics(offsets, pr, 0.0, c0, -1)[1]
            hi = edge_metrics(offsets, pr, 0.0, c0, 1)[1]
            if lo is not None and hi is not None:
                if along == 0:
                    cx += 0.5 * (lo + hi)
                else:
                    cz += 0.5 * (lo + hi)
    x = cx + offsets
    prof = line(cx, cz, 0)
    if kind == "beamlet":
        # 4-fold symmetry of the square beamlet: average the x profile with the z profile through the centre
        prof = 0.5 * (prof + line(cx, cz, 2))
        prof = 0.5 * (prof + prof[::-1])
    cax = float(np.mean(prof[np.abs(x - cx) <= (min(5.0, field_mm / 4) if kind == "field" else 0.5)]))
    r = {"depth_mm": depth, "centre_x_mm": cx, "centre_z_mm": cz, "cax": cax}
    edges = []
    for side, outward in (("L", -1), ("R", 1)):
        x80, x50, x20 = edge_metrics(x, prof, cx, cax, outward)
        e = {"side": side, "x80": x80, "x50": x50, "x20": x20,
             "penumbra_80_20_mm": abs(x20 - x80) if x80 is not None and x20 is not None else None}
        if x50 is not None:
            for dist in (5.0, 10.0, 20.0):
                e[f"tail_{int(dist)}mm_pct"] = float(100 * np.interp(x50 + outward * dist, x, prof) / cax)
        edges.append(e)
    r["edges"] = edges
    ok = [e["penumbra_80_20_mm"] for e in edges if e["penumbra_80_20_mm"] is not None]
    r["penumbra_80_20_mm"] = float(np.mean(ok)) if ok else None
    if edges[0]["x50"] is not None and edges[1]["x50"] is not None:
        r["width_50_mm"] = edges[1]["x50"] - edges[0]["x50"]
    for dist in (5, 10, 20):
        vals = [e.get(f"tail_{dist}mm_pct") for e in edges if e.get(f"tail_{dist}mm_pct") is not None]
        r[f"tail_{dist}mm_pct"] = float(np.mean(vals)) if vals else None
    if kind == "beamlet":
        # share of the plane's dose beyond a radius from the beamlet's axis (its lateral tail weight)
        zi_all, xi_all = np.indices(plane.shape)
        rad = np.hypot(grid.origin[0] + xi_all * grid.spacing[0] - cx, grid.origin[2] + zi_all * grid.spacing[2] - cz)
        total = plane.sum()
        for rr in (5, 10, 20, 40):
            r[f"plane_share_beyond_{rr}mm_pct"] = float(100 * plane[rad > rr].sum() / total)
    r["profile_x_mm"] = [round(float(v - cx), 2) for v in x[::4]]
    r["profile_pct"] = [round(float(100 * v / cax), 3) for v in prof[::4]]
    return r


def central_axis_depth_dose(g, surface_y, cx, cz):
    """Depth dose on the central axis (mean over +-2 mm in x and z against noise), % of its maximum; dmax from a
    parabola through the three highest points of the 1 mm resampled curve smoothed over 5 mm."""
    depths = np.arange(1.0, 251.0, 1.0)
    d = np.mean([g.at(np.column_stack([np.full_like(depths, cx + a), surface_y + depths, np.full_like(depths, cz + b)]))
                 for a in (-2.0, 0.0, 2.0) for b in (-2.0, 0.0, 2.0)], axis=0)
    smooth = np.convolve(d, np.ones(5) / 5, mode="same")
    i = int(np.argmax(smooth[2:-2])) + 2
    y0, y1, y2 = smooth[i - 1:i + 2]
    shift = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2) if (y0 - 2 * y1 + y2) != 0 else 0.0
    dmax = float(y1 - 0.25 * (y0 - y2) * shift)
    return {"dmax_mm": float(depths[i] + shift), "pdd_pct": {str(k): float(100 * np.interp(k, depths, d) / dmax) for k in (15, 50, 100, 200)}}


def profiles(args):
    out = {"surface_y_mm": args.surface_y_mm, "engines": {}}
    for item in args.files:
        name, _, rest = item.partition("=")
        path, _, dataset = rest.partition(":")
        kind = "beamlet" if "beamlet" in name else "field"
        g = DoseGrid(path, dataset or "dose/total")
        rows = [profile_metrics(g, args.surface_y_mm, d, kind, args.field_mm, args.z_average_mm if kind == "field" else 0)
                for d in args.depths_mm]
        pdd = central_axis_depth_dose(g, args.surface_y_mm, rows[0]["centre_x_mm"], rows[0]["centre_z_mm"])
        out["engines"][name] = {"file": path, "dataset": dataset or "dose/total", "kind": kind, "depths": rows, "pdd": pdd}
        print(f"| {name} PDD | dmax {pdd['dmax_mm'] / 10:.2f} cm | " + " | ".join(
            f"{d / 10:g} cm {pdd['pdd_pct'][str(d)]:.1f} %" for d in (50, 100, 200)) + " |")
        for r in rows:
            line = f"| {name} | {r['depth_mm'] / 10:.1f} | {r['penumbra_80_20_mm']:.2f} | " + " / ".join(
                f"{e['penumbra_80_20_mm']:.2f}" for e in r["edges"]) + f" | {r.get('width_50_mm', float('nan')):.1f} | "
            line += " | ".join(f"{r[f'tail_{d}mm_pct']:.2f}" for d in (5, 10, 20))
            if kind == "beamlet":
                line += " | " + " | ".join(f"{r[f'plane_share_beyond_{rr}mm_pct']:.1f}" for rr in (5, 10, 20, 40))
            print(line + " |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("plan", help="plan-level comparison on TG-119")
    a.add_argument("--ours", required=True, help="rtcluster plan result.h5")
    a.add_argument("--theirs", default="/work/pyradplan-tg119-dose.h5", help="pyRadPlan dose file")
    a.add_argument("--case", default="/work/shared/data/tg119/case.h5")
    a.add_argument("--slices-mm", type=float, nargs="+", default=[-20.0, 0.0, 20.0])
    a.add_argument("--blur-mm", type=float, nargs="*", default=[0.0, 0.5, 1.0, 1.5, 2.0])
    a.add_argument("--json")
    a.set_defaults(func=plan_level)
    n = sub.add_parser("noise", help="Core D10 against the final dose's noise (one plan, several final doses)")
    n.add_argument("--ours", nargs="+", required=True, help="rtcluster plan results with the same weights")
    n.add_argument("--theirs", default="/work/pyradplan-tg119-dose.h5")
    n.add_argument("--case", default="/work/shared/data/tg119/case.h5")
    n.add_argument("--noise-seeds", type=int, default=3)
    n.add_argument("--write-combined", help="write the inverse-variance mean dose (raw) here")
    n.add_argument("--json")
    n.set_defaults(func=noise_study)
    mo = sub.add_parser("model", help="the optimiser's model (pencil beam + correction) against the final Monte Carlo dose")
    mo.add_argument("--plan", required=True, help="rtcluster plan result (engine pencil_beam with correction)")
    mo.add_argument("--matrix", required=True, help="dose result storing the same pencil-beam matrix (/influence)")
    mo.add_argument("--case", default="/work/shared/data/tg119/case.h5")
    mo.add_argument("--json")
    mo.set_defaults(func=model_study)
    w = sub.add_parser("water-pyradplan", help="pyRadPlan beamlet and field in the water tank")
    w.add_argument("--tank", required=True, help="`rtcluster phantom water --box` case file")
    w.add_argument("--out", required=True)
    w.add_argument("--depth-mm", type=float, default=100.0, help="isocentre depth (SSD = 1000 - depth)")
    w.add_argument("--field-mm", type=float, nargs=2, default=[100.0, 100.0], help="field x (profile) and z, mm")
    w.add_argument("--skip-beamlet", action="store_true", help="compute the field only")
    w.add_argument("--grid-mm", type=float, default=2.0, help="dose grid of the field")
    w.add_argument("--beamlet-grid-mm", type=float, default=1.0, help="dose grid of the beamlet")
    w.add_argument("--dij-sampling", action="store_true", help="keep pyRadPlan's default random sampling of "
                   "low doses beyond 20 mm (the TG-119 plan had it); off by default for smooth profiles")
    w.set_defaults(func=water_pyradplan)
    q = sub.add_parser("profiles", help="lateral profiles, penumbra and tails in water")
    q.add_argument("files", nargs="+", help="NAME=FILE[:DATASET]; NAME containing 'beamlet' is read as a beamlet")
    q.add_argument("--surface-y-mm", type=float, default=-150.0, help="tank surface (default: rtcluster's tank)")
    q.add_argument("--depths-mm", type=float, nargs="+", default=[15.0, 50.0, 100.0])
    q.add_argument("--field-mm", type=float, default=100.0, help="field width along the profile (x), mm: the central-axis "
                   "dose is the mean within min(5, width/4) mm of the centre")
    q.add_argument("--z-average-mm", type=float, default=10.0, help="field profiles: mean over z within this")
    q.add_argument("--json")
    q.set_defaults(func=profiles)
    args = p.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
