#!/usr/bin/env bash
# Cluster throughput benchmark (issue 8): cases per hour, latency, stage shares, rank utilisation, memory and
# MPI bytes for a cohort of synthetic thorax cases drained with 1..4 ranks, plus the scaling model.
# Usage: benchmarks/throughput/run.sh [--quick] [--ranks 1,2,3,4] [--cases N] [--keep] [--no-tg119]
# Environment: RTCLUSTER_BIN (default .build/release/rtcluster, built with swift build -c release when missing).
# Writes benchmarks/results/throughput-<date>.{json,md,png} (--quick: throughput-quick-<date>.*).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${RTCLUSTER_BIN:-$PWD/.build/release/rtcluster}
if [[ ! -x "$BIN" ]]; then
    swift build -c release --product rtcluster
    BIN=$PWD/.build/release/rtcluster
fi
command -v mpirun >/dev/null || { echo "mpirun not found (install openmpi-bin)" >&2; exit 1; }
if ! python3 -c 'import numpy, h5py, matplotlib' 2>/dev/null; then
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore numpy h5py matplotlib
fi
python3 benchmarks/throughput/test_model.py
RTCLUSTER_BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN") exec python3 benchmarks/throughput/driver.py "$@"
