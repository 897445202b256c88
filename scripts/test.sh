#!/usr/bin/env bash
# Runs all tests on a fresh Debian machine: installs what is missing, builds, runs the unit and
# integration tests (swift test), the multi-rank MPI smoke tests and the demo end to end.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n== %s (%ds)\n' "$1" $(( $(date +%s) - start )); }

step "setup: system packages and release build"
scripts/setup.sh

step "Python helpers for independent cross-checks (pydicom, h5py; tests skip what is absent)"
if ! python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore pydicom pylibjpeg pylibjpeg-openjpeg numpy h5py scipy; then
  echo "test.sh: pip install failed; the cross-checks that need these packages will be skipped" >&2
fi

step "debug build of all targets and tests"
if ! swift build --build-tests > .build/build-tests.log 2>&1; then
  grep -E 'error' .build/build-tests.log | head -40 >&2
  echo "test.sh: debug build failed (full log: .build/build-tests.log)" >&2
  exit 1
fi

step "unit and integration tests (swift test)"
if ! swift test --skip-build > .build/test-output.log 2>&1; then
  grep -E '✘|recorded an issue|error:' .build/test-output.log | head -60 >&2
  echo "test.sh: swift test failed (full log: .build/test-output.log)" >&2
  exit 1
fi
grep -E "Test run with" .build/test-output.log | tail -1
grep -E '➜|skipped' .build/test-output.log | head -20 || true

step "MPI layer under mpirun: collective self-test with 2 and 3 ranks"
for n in 2 3; do
  out=$(scripts/mpirun.sh -n "$n" .build/release/rtcluster selftest --json)
  echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["ok"] and r["size"] == int(sys.argv[1]), r
print("  %d ranks: %d checks passed" % (r["size"], len(r["checks"])))' "$n"
done

step "demo end to end in a temporary data directory"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RTCLUSTER_HOME="$tmp/data" RTCLUSTER_DEMO_DIR="$tmp" scripts/demo.sh > "$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log"; exit 1; }
tail -5 "$tmp/demo.log"

step "throughput benchmark smoke test (--quick: 4 small cases, 1 and 2 ranks; no timed assertions)"
benchmarks/throughput/run.sh --quick --out "$tmp/throughput" 2>&1 | tail -3

step "all tests passed"
