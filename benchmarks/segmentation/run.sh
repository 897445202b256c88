#!/bin/sh
# Segmentation accuracy and timing benchmark (release build). Usage: benchmarks/segmentation/run.sh [OUT.md]
# Needs python3 with pydicom, pylibjpeg, pylibjpeg-openjpeg, nibabel, numpy (PYTHON=… to choose the interpreter)
# for the real-CT conversion; the real-CT part is skipped when the data folder is absent.
set -eu
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
DATA=${DATA:-/work/shared/data/ct-abdomen-dicom}
OUT=${1:-benchmarks/results/segmentation-$(date +%Y-%m-%d).md}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
swift build -c release --product SegmentationBench >/dev/null
BIN=$(swift build -c release --show-bin-path)/SegmentationBench
{
    echo "# Segmentation benchmark — $(date +%Y-%m-%d)"
    echo
    echo "Machine: $(uname -srm), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), release build, one process."
    echo
    "$BIN" phantom 96x96x48 1 3
    echo
    "$BIN" phantom standard 1 1
    echo
    "$BIN" phantom large 1 1
    echo
    if [ -d "$DATA" ]; then
        "$PYTHON" benchmarks/segmentation/convert_ct_abdomen.py "$DATA" "$WORK" >/dev/null
        "$BIN" nifti "$WORK/ct.nii.gz" "$WORK/labels.nii.gz"
    else
        echo "(real CT skipped: $DATA absent)"
    fi
} > "$OUT"
echo "wrote $OUT"
