#!/usr/bin/env bash
# The real CT series end to end through the product: `case add` of the JPEG 2000 DICOM folder, a
# `segment` job (jobs/segment.yaml) run by the MPI scheduler on N ranks, then the masks compared with
# the TotalSegmentator reference in world coordinates (compare_real_series.py).
# Usage: benchmarks/segmentation/real_series_job.sh [RANKS]   (default 2; needs a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
RANKS=${1:-2}
DATA=${DATA:-/work/shared/data/ct-abdomen-dicom}
BIN=.build/release/rtcluster
[ -d "$DATA/dicom" ] || { echo "real CT series absent ($DATA): skipped"; exit 0; }
[ -x "$BIN" ] || swift build -c release --product rtcluster
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export RTCLUSTER_HOME="$WORK/data"
"$BIN" case add "$DATA/dicom" --id abdomen --site reference >/dev/null
JOB=$("$BIN" submit abdomen jobs/segment.yaml --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
START=$(date +%s.%N)
scripts/mpirun.sh -n "$RANKS" "$BIN" worker --drain >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; exit 1; }
END=$(date +%s.%N)
"$BIN" status "$JOB"
"$BIN" results "$JOB" --out "$WORK/out" >/dev/null
echo "segment job on $RANKS ranks: $(python3 -c "print(round($END - $START, 2))") s wall (incl. MPI start-up)"
python3 benchmarks/segmentation/compare_real_series.py "$WORK/out/result.h5" "$DATA/reference/totalsegmentator_labels.nii.gz"
