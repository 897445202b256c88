#!/usr/bin/env bash
# mpirun with the flags this kind of machine needs: root allowed, more ranks than cores, no core
# binding (shared machine), a timeout so a hung rank cannot hang the caller, short crash backtraces.
# Usage: scripts/mpirun.sh -n 2 .build/release/rtcluster selftest
set -euo pipefail
exec env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_odls_base_sigkill_timeout=0 \
  mpirun --oversubscribe --bind-to none --timeout "${RTCLUSTER_MPI_TIMEOUT:-300}" \
  -x SWIFT_BACKTRACE=enable=no -x OPENBLAS_NUM_THREADS=1 "$@"
