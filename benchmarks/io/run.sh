#!/bin/bash
# zlib against libdeflate on the chunks of a case file's CT (one thread). Usage: benchmarks/io/run.sh CASE.h5 [LEVEL]
# Needs gcc, zlib1g-dev, libdeflate-dev (scripts/setup.sh installs the libraries) and python3 with h5py.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
case_file=${1:?usage: run.sh CASE.h5 [LEVEL]}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/chunk_codecs" "$here/chunk_codecs.c" -lz -ldeflate
shape=$(python3 - "$case_file" "$work/ct.raw" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    hu = f["/ct/hu"][()].astype("<i2")
hu.tofile(sys.argv[2])
print(*hu.shape)
PY
)
"$work/chunk_codecs" "$work/ct.raw" $shape "${2:-4}"
