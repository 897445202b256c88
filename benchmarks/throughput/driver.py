#!/usr/bin/env python3
"""Cluster throughput benchmark (issue 8): one cohort, drained with each rank count, measured and modelled.

Usage: benchmarks/throughput/run.sh [--quick] [--ranks 1,2,3,4] [--cases N]   (see README.md)
Exit code 0 when every job of an available kind succeeded and the output is well formed, 1 otherwise.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

import cohort as cohort_module
import model
import report
import runs

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def machine():
    """What the numbers were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    mpirun = subprocess.run(["mpirun", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "memory_gb": round(memory_kb / 1048576, 1),
            "mpirun": mpirun[0] if mpirun else None, "loadavg_start": open("/proc/loadavg").read().split()[:3]}


def commit():
    """The commit the benchmark ran from (with a marker for uncommitted changes in Sources)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "Sources"], cwd=ROOT).returncode != 0
    return head + (" (uncommitted changes in Sources)" if dirty else "")


def binary_built(binary):
    """The binary's version and modification time (it may come from another checkout than this commit)."""
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    built = datetime.fromtimestamp(os.path.getmtime(binary), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"version {version}, built {built}"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke test: 4 small cases, ranks 1,2 (about 2 minutes)")
    parser.add_argument("--ranks", help="comma-separated rank counts (default 1,2,3,4; quick: 1,2)")
    parser.add_argument("--cases", type=int, help="thorax cases in the cohort (default 24; quick: 4)")
    parser.add_argument("--plan-every", type=int, help="every n-th thorax case also gets a plan job (0: none; default 2, quick: 4)")
    parser.add_argument("--no-tg119", action="store_true", help="leave TG-119 out even when its case file exists")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results"), help="results folder")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (data directories, logs)")
    parser.add_argument("--timeout", type=int, default=1800, help="mpirun timeout per run in seconds")
    return parser.parse_args()


def main():
    args = arguments()
    binary = os.environ.get("RTCLUSTER_BIN", os.path.join(ROOT, ".build", "release", "rtcluster"))
    if args.plan_every is None:
        args.plan_every = 4 if args.quick else 2
    ranks = [int(r) for r in (args.ranks or ("1,2" if args.quick else "1,2,3,4")).split(",")]
    count = args.cases or (4 if args.quick else 24)
    tg119 = None if (args.quick or args.no_tg119) else "/work/shared/data/tg119/case.h5"
    os.chdir(ROOT)
    work = tempfile.mkdtemp(prefix="rtcluster-throughput.")
    started = time.monotonic()
    try:
        info = {"machine": machine(), "commit": commit(), "binary": binary, "binary_built": binary_built(binary),
                "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "settings": {"quick": args.quick, "ranks": ranks, "cases": count, "plan_every": args.plan_every,
                             "tg119": tg119 if tg119 and os.path.exists(tg119) else None, "max_jobs": 4}}
        group = cohort_module.generate(binary, work, count, args.quick, args.plan_every, tg119)
        info["cohort"] = [{"case": c.case_id, "size": c.size, "seed": c.seed} for c in group.cases]
        skipped, measured = set(), []
        for r in ranks:
            run = runs.run_one(binary, group, r, work, skipped, args.timeout)
            skipped.update(run["unavailable_kinds"])
            summary = runs.summarise(run)
            measured.append((run, summary))
            print(f"ranks {r}: {summary.get('cases_per_hour') or 0:.0f} cases/h, makespan {summary.get('makespan_s') or 0:.1f} s, "
                  f"{summary['jobs_succeeded']} jobs, background load {run['world']['background_cores']:.2f} cores",
                  file=sys.stderr)
        info["skipped_kinds"] = {kind: "job kind not implemented by this build: left out of the mix"
                                 for kind in sorted(skipped)}
        info["message_cost"] = runs.message_cost(binary, group, work, 1000 if args.quick else 5000, args.timeout)
        info["runs"] = [summary for _, summary in measured]
        info["traces"] = {str(run["ranks"]): model.compact_traces(run) for run, _ in measured}
        info["model"] = model.evaluate(info)
        info["elapsed_s"] = time.monotonic() - started
        info["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        problems = validate(info, measured)
        paths = report.write(info, args.out, "throughput-quick" if args.quick else "throughput")
        for path in paths:
            print(f"written {path}", file=sys.stderr)
        for problem in problems:
            print(f"FAIL: {problem}", file=sys.stderr)
        args.keep = args.keep or bool(problems)
        return 1 if problems else 0
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def validate(info, measured):
    """What makes the benchmark fail: failed jobs, runs that produced nothing, malformed numbers."""
    problems = []
    for run, summary in measured:
        if run["world"]["exit_code"] != 0:
            problems.append(f"{run['ranks']} ranks: mpirun exited {run['world']['exit_code']} (log {run['world']['log']})")
        for job in summary.get("failed_jobs", []):
            problems.append(f"{run['ranks']} ranks: job {job['id']} ({job['kind']}) {job['state']}: {job['error']}")
        if summary["jobs_succeeded"] == 0:
            problems.append(f"{run['ranks']} ranks: no job succeeded")
        elif not (summary["makespan_s"] > 0 and summary["latency_s"]["p95"] is not None and len(summary["peak_rss_mb"]) == run["ranks"]):
            problems.append(f"{run['ranks']} ranks: malformed summary {json.dumps(summary)[:300]}")
    json.dumps(info)  # everything must serialise
    return problems


if __name__ == "__main__":
    sys.exit(main())
