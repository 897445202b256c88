#!/bin/sh
# Peer side by side: plastimatch's body segmentation vs ours on the same volumes (issue 4, item 6).
# Usage: benchmarks/segmentation/plastimatch_peer.sh [SOURCE ...]   (SOURCE as for `SegmentationBench speed`;
# default: the 512×512×160 thorax phantom and, when the data folder exists, the real series tiled to 160 slices).
# Needs: plastimatch (apt), python3 with numpy and nibabel (PYTHON=…; pydicom, pylibjpeg, pylibjpeg-openjpeg for the
# real series), a release build of SegmentationBench. PEER_OPTIONS: space-separated plastimatch option sets to
# compare, "default" for none (e.g. PEER_OPTIONS="default --fill-holes"; --fill-holes ran over 4 minutes on the
# 512×512×160 phantom here and was stopped). Prints a markdown table.
set -eu
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
DATA=${DATA:-/work/shared/data/ct-abdomen-dicom}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
swift build -c release --product SegmentationBench >/dev/null
BIN=$(swift build -c release --show-bin-path)/SegmentationBench
if [ $# -eq 0 ]; then
    set -- phantom:512x512x160
    if [ -d "$DATA" ]; then
        "$PYTHON" benchmarks/segmentation/convert_ct_abdomen.py "$DATA" "$WORK" >/dev/null
        set -- "$@" "nifti:$WORK/ct.nii.gz:160"
    fi
fi
now() { date +%s.%N; }
echo "| volume | plastimatch options | plastimatch s | plastimatch Mvox/s | ours (all six) s | body Dice | ours / peer / ours-only / peer-only cm³ |"
echo "|---|---|---|---|---|---|---|"
i=0
for source in "$@"; do
    i=$((i + 1))
    dir="$WORK/v$i"
    mkdir -p "$dir"
    t0=$(now)
    SEGMENTATION_DUMP="$dir" "$BIN" speed "$source" 1 1x1 >"$dir/ours.md"
    t1=$(now)
    ours=$(grep '^| \*\*total' "$dir/ours.md" | head -1 | cut -d'|' -f3 | tr -d ' ')
    "$PYTHON" benchmarks/segmentation/plastimatch_peer.py nifti "$dir"
    read -r nx ny nz _ <"$dir/grid.txt"
    mvox=$(echo "$nx * $ny * $nz / 1000000" | bc -l)
    for set in ${PEER_OPTIONS:-default}; do
        options=$([ "$set" = default ] || echo "$set")
        t0=$(now)
        # shellcheck disable=SC2086
        plastimatch segment --input "$dir/ct.nii.gz" --output-img "$dir/peer.nii.gz" $options >"$dir/peer.log" 2>&1
        t1=$(now)
        t=$(echo "$t1 - $t0" | bc -l)
        d=$("$PYTHON" benchmarks/segmentation/plastimatch_peer.py dice "$dir" "$dir/peer.nii.gz")
        printf '| %s (%sx%sx%s) | %s | %.2f | %.1f | %s | %s | %s |\n' "$source" "$nx" "$ny" "$nz" "$set" "$t" \
            "$(echo "$mvox / $t" | bc -l)" "$ours" "$(echo "$d" | sed 's/.*dice=\([0-9.]*\).*/\1/')" \
            "$(echo "$d" | sed 's/.*ours_cc=\([0-9.]*\) peer_cc=\([0-9.]*\) ours_only_cc=\([0-9.]*\) peer_only_cc=\([0-9.]*\)/\1 \/ \2 \/ \3 \/ \4/')"
    done
done
