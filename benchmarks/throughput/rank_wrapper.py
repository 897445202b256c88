#!/usr/bin/env python3
"""Runs one MPI rank's command and records what it used: peak resident memory, CPU and wall seconds.

Usage (under mpirun): rank_wrapper.py OUT_DIR -- COMMAND ARGS...
Writes OUT_DIR/rank-<R>.json with rank, peak_rss_mb, user_s, sys_s, wall_s, exit_code, where R is the
rank from OMPI_COMM_WORLD_RANK (or PMIX_RANK). The child inherits the environment, so it joins the MPI
world that mpirun started; the wrapper exits with the child's exit code (128 + signal when killed).
"""
import json
import os
import resource
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 64
    out_dir, command = sys.argv[1], sys.argv[3:]
    rank = int(os.environ.get("OMPI_COMM_WORLD_RANK", os.environ.get("PMIX_RANK", "0")))
    start = time.monotonic()
    code = subprocess.call(command)
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    record = {
        "rank": rank,
        "peak_rss_mb": usage.ru_maxrss / 1024.0,  # Linux reports kilobytes
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "wall_s": wall,
        "exit_code": code if code >= 0 else 128 - code,
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"rank-{rank}.json"), "w") as handle:
        json.dump(record, handle)
    return record["exit_code"]


if __name__ == "__main__":
    sys.exit(main())
