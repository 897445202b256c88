#!/usr/bin/env bash
# Scheduler benchmark (issue 3): throughput of `selftest` tasks through `rtcluster run -n N --drain`
# (release build) for empty tasks and for tasks carrying 1 MiB each way, on 2, 3 and 4 ranks, and the
# submit-to-done latency of a one-task job on a running `--serve` world.
#
# Throughput is tasks / the job's wall time from claim to result (the coordinator's own measurement,
# recorded in the job's note event), so mpirun start-up is excluded; each point is run REPEATS times and
# the median, min and max are shown. Latency is finished_at - submitted_at from the registry (ms precision).
#
# Usage: benchmarks/scheduler/run.sh [--no-build]     (writes benchmarks/results/scheduler-<date>.md)
# Environment: EMPTY_TASKS (20000), MB_TASKS (200), REPEATS (3), LATENCY_JOBS (10), RANKS ("2 3 4").
set -euo pipefail
cd "$(dirname "$0")/../.."
EMPTY_TASKS=${EMPTY_TASKS:-20000}
MB_TASKS=${MB_TASKS:-200}
REPEATS=${REPEATS:-3}
LATENCY_JOBS=${LATENCY_JOBS:-10}
RANKS=${RANKS:-"2 3 4"}
command -v python3 >/dev/null || { echo "python3 is needed to read the registry" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "mpirun not found (install openmpi-bin)" >&2; exit 1; }
[[ "${1:-}" == "--no-build" ]] || swift build -c release --product rtcluster
BIN=$PWD/.build/release/rtcluster
WORK=$(mktemp -d /tmp/rtcluster-scheduler-bench.XXXXXX)
SERVE_PID=
cleanup() { [[ -n "$SERVE_PID" ]] && kill -KILL "$SERVE_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
DATA=(--data-dir "$WORK/data")
LOAD_BEFORE=$(uptime)
"$BIN" phantom thorax --out "$WORK/thorax.h5" --size small --seed 3 >/dev/null
"$BIN" case add "$WORK/thorax.h5" --id thorax "${DATA[@]}" >/dev/null

# submit SPEC-LINES -> job id
submit() {
    printf 'kind: selftest\n%b\n' "$1" > "$WORK/spec.yaml"
    "$BIN" submit thorax "$WORK/spec.yaml" "${DATA[@]}" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
# wall seconds (claim to result) of a finished job, from its note event
wall_seconds() {
    python3 - "$WORK/data/registry.sqlite" "$1" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
state, = db.execute("SELECT state FROM jobs WHERE id = ?", (int(sys.argv[2]),)).fetchone()
if state != "succeeded": sys.exit(f"job {sys.argv[2]} is {state}")
note, = db.execute("SELECT message FROM events WHERE job_id = ? AND kind = 'note' ORDER BY id DESC", (int(sys.argv[2]),)).fetchone()
print(re.search(r"wall ([0-9.]+) s", note).group(1))
PY
}
# median min max of numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {printf "%.0f | %.0f | %.0f", v[int((NR+1)/2)], v[1], v[NR]}'; }

# throughput RANKS TASKS SPEC-LINES -> "median | min | max" tasks/s
throughput() {
    local ranks=$1 tasks=$2 lines=$3 rates=()
    for _ in $(seq "$REPEATS"); do
        local job; job=$(submit "tasks: $tasks\n$lines")
        "$BIN" run -n "$ranks" --drain --timeout 600 "${DATA[@]}" >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log" >&2; exit 1; }
        local wall; wall=$(wall_seconds "$job")
        rates+=("$(python3 -c "print($tasks / $wall)")")
    done
    printf '%s\n' "${rates[@]}" | stats
}

ROWS=""
for ranks in $RANKS; do
    empty=$(throughput "$ranks" "$EMPTY_TASKS" "slices_per_task: 0")
    mb=$(throughput "$ranks" "$MB_TASKS" "slices_per_task: 0\npayload_bytes: 1048576")
    ROWS+="| $ranks | $empty | $mb |"$'\n'
    echo "ranks $ranks: empty $empty tasks/s; 1 MiB each way $mb tasks/s" >&2
done

# latency POLL_MS -> "median | min | max" ms over LATENCY_JOBS one-task jobs submitted one after another
latency() {
    local poll=$1
    "$BIN" run -n 2 --serve --poll-ms "$poll" --timeout 600 "${DATA[@]}" >"$WORK/serve.log" 2>&1 &
    SERVE_PID=$!
    sleep 3
    local values=()
    for _ in $(seq "$LATENCY_JOBS"); do
        local job; job=$(submit "tasks: 1\nslices_per_task: 1")
        values+=("$(python3 - "$WORK/data/registry.sqlite" "$job" <<'PY'
import sqlite3, sys, time
from datetime import datetime
db = sqlite3.connect(sys.argv[1], timeout=30)
for _ in range(60000):
    row = db.execute("SELECT state, submitted_at, finished_at FROM jobs WHERE id = ?", (int(sys.argv[2]),)).fetchone()
    if row[0] in ("succeeded", "failed", "cancelled"): break
    time.sleep(0.001)
if row[0] != "succeeded": sys.exit(f"job {sys.argv[2]} is {row[0]}")
t = lambda s: datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f")
print((t(row[2]) - t(row[1])).total_seconds() * 1000)
PY
)")
    done
    kill -USR1 "$SERVE_PID"; wait "$SERVE_PID" || true; SERVE_PID=
    printf '%s\n' "${values[@]}" | stats
}
LAT10=$(latency 10)
LAT250=$(latency 250)
echo "latency: poll 10 ms $LAT10 ms; poll 250 ms $LAT250 ms" >&2

DATE=$(date -u +%Y-%m-%d)
OUT=benchmarks/results/scheduler-$DATE.md
{
    echo "# Scheduler benchmark, $DATE"
    echo
    echo "- command: \`benchmarks/scheduler/run.sh\` (release build; EMPTY_TASKS=$EMPTY_TASKS, MB_TASKS=$MB_TASKS, REPEATS=$REPEATS, LATENCY_JOBS=$LATENCY_JOBS)"
    echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo ' (with uncommitted changes in Sources)')"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM; $(mpirun --version | head -1)"
    echo "- load before: $LOAD_BEFORE"
    echo "- load after: $(uptime)"
    echo
    echo "Throughput in tasks/s = tasks / job wall time from claim to result file (coordinator's measurement, mpirun"
    echo "start-up excluded); median | min | max of $REPEATS runs. Empty: \`slices_per_task: 0\`, no compute, no payload"
    echo "($EMPTY_TASKS tasks). 1 MiB: \`payload_bytes: 1048576\` sent to the worker and echoed back, checked by the"
    echo "coordinator ($MB_TASKS tasks)."
    echo
    echo "| ranks | empty median | min | max | 1 MiB each way median | min | max |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s' "$ROWS"
    echo
    echo "Submit-to-done latency of a one-task job (\`tasks: 1\`, one CT slice) on a running \`run -n 2 --serve\` world,"
    echo "finished_at - submitted_at in the registry, $LATENCY_JOBS jobs one after another; median | min | max in ms:"
    echo
    echo "| --poll-ms | median | min | max |"
    echo "|---|---|---|---|"
    echo "| 10 | $LAT10 |"
    echo "| 250 (default) | $LAT250 |"
} > "$OUT"
echo "written $OUT" >&2
cat "$OUT"
