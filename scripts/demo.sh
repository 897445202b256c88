#!/usr/bin/env bash
# The main jobs end to end on the embedded defaults: installs and builds what is missing, checks
# the MPI world with 2 ranks, generates a synthetic thorax CT, registers it as a case, runs the
# auto-contouring job on 2 MPI ranks, then the lung plan (jobs/lung-plan.yaml: segmentation + 7 beams,
# 60 Gy in 30 fractions) on 2 ranks, prints its key metrics and writes the result bundle with DICOM.
# Usage: scripts/demo.sh            (data in $RTCLUSTER_HOME or ./rtcluster-data)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
bin=.build/release/rtcluster
work=${RTCLUSTER_DEMO_DIR:-$(mktemp -d)}
case_id="thorax-demo-$(date +%Y%m%d%H%M%S)"

echo "== MPI world with 2 ranks"
scripts/mpirun.sh -n 2 "$bin" selftest

echo "== synthetic thorax CT with ground-truth structures"
"$bin" phantom thorax --out "$work/thorax.h5" --seed 7

echo "== register the case"
"$bin" case add "$work/thorax.h5" --id "$case_id" --site demo-hospital
"$bin" case show "$case_id"

echo "== submit the auto-contouring job"
"$bin" submit "$case_id" jobs/segment.yaml

echo "== queue"
"$bin" status

echo "== run the queue on 2 ranks (rank 0 coordinates, rank 1 runs the slab tasks)"
"$bin" run -n 2 --drain
"$bin" status
"$bin" list --case "$case_id"

echo "== results of the segmentation job"
segment_job=$("$bin" list --case "$case_id" --state succeeded --json | grep -o '"id" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
"$bin" results "$segment_job" --out "$work/results-$segment_job"
ls -l "$work/results-$segment_job"

echo "== submit the lung plan (segmentation + 7 beams, 60 Gy in 30 fractions to the PTV: jobs/lung-plan.yaml)"
plan_job=$("$bin" submit "$case_id" jobs/lung-plan.yaml --json | grep -o '"id" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$')

echo "== run the plan on 2 ranks (influence batches and the final dose on rank 1, evaluation on rank 0)"
plan_started=$SECONDS
"$bin" run -n 2 --drain
plan_seconds=$((SECONDS - plan_started))
"$bin" status "$plan_job"

echo "== result bundle of the plan (DVH, metrics, images, report, RT Dose and RT Struct)"
bundle="$work/results-$plan_job"
"$bin" results "$plan_job" --out "$bundle" --dicom
ls -l "$bundle"

echo "== key metrics of the plan (after normalisation to PTV D95 = 60 Gy)"
python3 - "$bundle/metrics.json" "$plan_seconds" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in m["structures"]}
def line(label, value, unit): print(f"  {label:<26}{value:8.2f} {unit}")
ptv = s["ptv"]
line("PTV D95", ptv["d95_gy"], "Gy"); line("PTV D2", ptv["d2_gy"], "Gy"); line("PTV Dmax", ptv["dmax_gy"], "Gy")
lungs = [s[n] for n in ("lung_left", "lung_right") if n in s]
volume = sum(l["volume_cm3"] for l in lungs)
line("lungs V20Gy", sum(l["v_gy"]["20"] * l["volume_cm3"] for l in lungs) / volume, "%")
for l in lungs: line(f"{l['name']} V20Gy", l["v_gy"]["20"], "%")
line("spinal canal Dmax", s["spinal_canal"]["dmax_gy"], "Gy")
line("heart Dmean", s["heart"]["dmean_gy"], "Gy")
line("homogeneity index", m["plan"]["homogeneity_index"], "")
line("Paddick CI", m["plan"]["paddick_ci"], "")
o = m["optimizer"]
print(f"  optimiser: {o['iterations']} iterations, stop: {o['stop_reason']}, normalisation factor {m['prescription']['factor']:.4f}")
goals = m["goals"]
for g in goals:
    relation = "<=" if g["comparator"] == "max" else ">="
    print(f"  goal {g['structure']} {g['metric']} {relation} {g['limit']:g} {g['unit']}: {g['value']:.2f} {g['unit']} {'pass' if g['passed'] else 'FAIL'}")
print(f"  goals passed: {sum(g['passed'] for g in goals)}/{len(goals)}; plan run on 2 ranks: {sys.argv[2]} s")
PY
echo "== the report rendered in headless Chromium (the check a physicist's browser would do)"
scripts/render_report.sh "$bundle" "$bundle/report-screenshot.png"
echo "open $bundle/report.html in a browser"
