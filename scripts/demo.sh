#!/usr/bin/env bash
# The main job end to end on the embedded defaults: installs and builds what is missing, checks
# the MPI world with 2 ranks, generates a synthetic thorax CT, registers it as a case, submits
# the auto-contouring job, runs the queue on 2 MPI ranks and copies the result file out.
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

echo "== submit the auto-contouring job (plan jobs need the dose engine and optimiser, not built yet)"
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
