#!/bin/sh
# Fluence-optimisation and gamma-index timing (release build). Usage: benchmarks/optimization/run.sh [OUT.md]
set -eu
cd "$(dirname "$0")/../.."
OUT=${1:-benchmarks/results/optimization-$(date +%Y-%m-%d).md}
swift build -c release --product OptimizationBench >/dev/null
BIN=$(swift build -c release --show-bin-path)/OptimizationBench
{
    echo "# Optimisation and dose-QA benchmark — $(date +%Y-%m-%d)"
    echo
    echo "Machine: $(uname -srm), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), release build, one process, one OpenBLAS thread."
    echo
    OPENBLAS_NUM_THREADS=1 "$BIN" "${ITERATIONS:-100}" "${GAMMA_SIZE:-128}"
} > "$OUT"
echo "wrote $OUT"
