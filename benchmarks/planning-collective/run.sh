#!/usr/bin/env bash
# TG-119 plan with the optimisation as a collective phase on 1 and 2 members: `rtcluster run -n 2` (one worker)
# and `run -n 3` (two workers), release build. The final recomputation is left out (it is not part of the
# optimisation). Prints per run: iterations, the members' task seconds, ms per iteration, bytes per evaluation.
# Usage: benchmarks/planning-collective/run.sh [case.h5]   (BIN=path/to/rtcluster to override the binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/rtcluster}
CASE=${1:-/work/shared/data/tg119/case.h5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export RTCLUSTER_HOME="$work/data"
sed '/^final_histories_per_beamlet:/d' jobs/tg119-plan.yaml > "$work/plan.yaml"
"$BIN" case add "$CASE" --id tg119 --site bench > /dev/null
for ranks in 2 3; do
  id=$("$BIN" submit tg119 "$work/plan.yaml" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  echo "== run -n $ranks (job $id), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "wall %e s, peak RSS of rank 0 / mpirun %M KB" "$BIN" run -n "$ranks" --drain --timeout 3600 > /dev/null
  python3 benchmarks/planning-collective/summarise.py "$work/data/store/results/job-$id/result.h5"
done
