#!/usr/bin/env bash
# pyRadPlan 0.5.0 on TG-119, set up like jobs/tg119-plan.yaml, for the side-by-side comparison with
# rtcluster's plan job (issue 6). Creates (once) a virtual environment with pyRadPlan and IPOPT,
# runs tg119_plan.py and prints its figures as JSON; the solver log and progress bars go to a log.
#
# Usage: benchmarks/planning/pyradplan/run.sh [tg119_plan.py options]
#   e.g. run.sh --output /work/pyradplan-tg119-dose.h5 --json /tmp/pyradplan-tg119.json
# Environment: PYRADPLAN_VENV (default ~/.cache/rtcluster/pyradplan-venv),
#              PYRADPLAN_LOG (default /tmp/pyradplan-tg119.log).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${PYRADPLAN_VENV:-$HOME/.cache/rtcluster/pyradplan-venv}"
log="${PYRADPLAN_LOG:-/tmp/pyradplan-tg119.log}"
requirements=(pyradplan==0.5.0 pydantic==2.13.5 ipyopt numpy h5py scipy)
stamp="$venv/.rtcluster-requirements"

apt_install() {
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        echo "need the Debian packages $* (install them as root)" >&2
        return 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        apt_install python3-venv
    fi
    python3 -m venv "$venv"
fi

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${requirements[*]}" ]; then
    "$venv/bin/pip" install -q --upgrade pip
    # ipyopt ships manylinux wheels with IPOPT inside; where pip has to build it from source it
    # needs IPOPT's headers and pkg-config.
    if ! "$venv/bin/pip" install -q "${requirements[@]}"; then
        apt_install coinor-libipopt-dev pkg-config
        "$venv/bin/pip" install -q "${requirements[@]}"
    fi
    echo "${requirements[*]}" > "$stamp"
fi

{
    echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC') $(uname -n), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$venv/bin/pip" list 2>/dev/null | grep -iE '^(pyradplan|pydantic|ipyopt|numpy|scipy|h5py|simpleitk) ' | sed 's/^/# /'
} | tee "$log" >&2

set +e
"$venv/bin/python" "$here/tg119_plan.py" "$@" 2>>"$log"
status=$?
set -e
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log" >&2
exit $status
