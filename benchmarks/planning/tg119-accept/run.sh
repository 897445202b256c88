#!/bin/bash
# TG-119 plan runs for benchmarks/results/planning-tg119-accept-2026-11-28.md: for each spec, a fresh
# RTCLUSTER_HOME, the case, one job, `rtcluster run -n $RANKS --drain` (RANKS default 3: coordinator + 2 workers) under /usr/bin/time -v, then the metrics,
# stage times, peak RSS and load averages (metrics.py). Usage: run.sh spec.yaml... (release build of rtcluster).
# KERNEL_CACHE=dir: the runs share that directory as their data directory's store/kernels (a warm pencil-beam
# kernel cache after the first run); unset, every run starts cold. LOG_LEVEL=debug: per-phase timestamps in the log.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${RTCLUSTER_BIN:-$here/../../../.build/release/rtcluster}
case_file=${TG119_CASE:-/work/shared/data/tg119/case.h5}
ranks=${RANKS:-3}
for spec in "$@"; do
  name=$(basename "$spec" .yaml)
  home=/tmp/tg119-accept-$name; rm -rf "$home"; log=$home.log
  export RTCLUSTER_HOME=$home
  "$bin" case add "$case_file" --id tg119 > "$log" 2>&1
  if [ -n "${KERNEL_CACHE:-}" ]; then mkdir -p "$KERNEL_CACHE"; ln -s "$(cd "$KERNEL_CACHE" && pwd)" "$home/store/kernels"; fi
  "$bin" submit tg119 "$spec" >> "$log" 2>&1
  echo "start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$log"
  /usr/bin/time -v "$bin" run -n "$ranks" --drain --log-level "${LOG_LEVEL:-info}" >> "$log" 2>&1
  echo "end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$log"
  python3 "$here/metrics.py" "$name" "$home" "$log"
done
