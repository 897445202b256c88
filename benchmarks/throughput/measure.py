"""Reads what one drained run left behind and turns it into numbers.

Sources: the registry (`rtcluster list --json`, refined to millisecond timestamps from the registry's own
columns when readable), each result file's `/timings/tasks` rows and provenance attributes, the coordinator's
debug log (claim, phase start, task done and success times per job) and the per-rank usage records written
by rank_wrapper.py.
"""
import glob
import json
import os
import re
import sqlite3
import subprocess
from datetime import datetime

import h5py
import numpy as np

TIMING_COLUMNS = ["phase", "task", "rank", "seconds", "round_trip_seconds", "bytes_in", "bytes_out"]
LOG_LINE = re.compile(r"^(\S+) (\w+) rank=(\d+) job=(\S+) task=(\S+) (.*)$")


def parse_time(text):
    """Seconds since the epoch of a registry or log timestamp (UTC, with or without milliseconds)."""
    text = text.rstrip("Z").replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).timestamp()
        except ValueError:
            continue
    raise ValueError(f"unreadable timestamp {text!r}")


def registry_jobs(binary, data_dir):
    """Jobs of the data directory as dicts (id, kind, case, state, error, submitted/started/finished seconds)."""
    listing = subprocess.run([binary, "list", "--json", "--limit", "10000", "--data-dir", data_dir],
                             capture_output=True, text=True, check=True)
    jobs = {}
    for record in json.loads(listing.stdout):
        jobs[record["id"]] = {
            "id": record["id"], "kind": record["kind"], "case": record["case"], "state": record["state"],
            "error": record.get("error"), "result_path": record.get("result_path"),
            "submitted": parse_time(record["submitted"]),
            "started": parse_time(record["started"]) if record.get("started") else None,
            "finished": parse_time(record["finished"]) if record.get("finished") else None,
            "timestamp_resolution_s": 1.0,
        }
    database = os.path.join(data_dir, "registry.sqlite")
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        rows = connection.execute("SELECT id, submitted_at, started_at, finished_at FROM jobs").fetchall()
        connection.close()
    except sqlite3.Error:
        rows = []
    for job_id, submitted, started, finished in rows:
        if job_id in jobs and started and finished:
            jobs[job_id].update(submitted=parse_time(submitted), started=parse_time(started),
                                finished=parse_time(finished), timestamp_resolution_s=0.001)
    return [jobs[key] for key in sorted(jobs)]


def result_timings(path):
    """The `/timings/tasks` rows (dicts by column name), the root attributes of interest and the file size."""
    with h5py.File(path, "r") as handle:
        columns = str(handle.attrs["timings_tasks_columns"]).split(",")
        if columns != TIMING_COLUMNS:
            raise ValueError(f"{path}: unexpected timing columns {columns}")
        table = np.asarray(handle["/timings/tasks"])
        if table.ndim != 2 or table.shape[1] != len(columns):
            raise ValueError(f"{path}: /timings/tasks has shape {table.shape}")
        names = handle.attrs.get("timings_phase_names")
        attributes = {
            "wall_seconds": float(handle.attrs["wall_seconds"]),
            "ranks": int(handle.attrs["ranks"]),
            "kind": str(handle.attrs["kind"]),
            "phase_names": str(names).split(",") if names is not None else None,
        }
    rows = [dict(zip(columns, map(float, row))) for row in table]
    return rows, attributes, os.path.getsize(path)


def coordinator_log(path):
    """Per job: claim time, phase start times, last task-done time per phase, success time (epoch seconds) and the
    collective phases (the coordinator logs "phase N: collective of M members")."""
    jobs = {}
    with open(path, errors="replace") as handle:
        for line in handle:
            match = LOG_LINE.match(line.strip())
            if not match or match.group(4) == "-":
                continue
            stamp, _, _, job, task, message = match.groups()
            entry = jobs.setdefault(int(job), {"claimed": None, "phases": {}, "last_done": {}, "succeeded": None,
                                              "collective": []})
            seconds = parse_time(stamp)
            if message.startswith("claimed "):
                entry["claimed"] = seconds
            elif message.startswith("phase "):
                phase = int(message.split()[1].rstrip(":"))
                entry["phases"][phase] = seconds
                if "collective of" in message:
                    entry["collective"].append(phase)
            elif message.startswith("task done"):
                phase = int(task.split(".")[0])
                entry["last_done"][phase] = max(entry["last_done"].get(phase, 0.0), seconds)
            elif message.startswith("succeeded"):
                entry["succeeded"] = seconds
    return jobs


def coordinator_segments(entry):
    """Coordinator-side times of one job from its log entry: setup (claim to first phase: registry claim, case
    read, split), global steps between phases, finish (last task to success: merge, result write, registry)."""
    phases = sorted(entry["phases"])
    if entry["claimed"] is None or entry["succeeded"] is None or not phases:
        return None
    setup = entry["phases"][phases[0]] - entry["claimed"]
    gaps = []
    for k, following in zip(phases, phases[1:]):
        gaps.append(max(0.0, entry["phases"][following] - entry["last_done"].get(k, entry["phases"][k])))
    last = phases[-1]
    finish = entry["succeeded"] - entry["last_done"].get(last, entry["phases"][last])
    return {"setup_s": max(0.0, setup), "global_s": gaps, "finish_s": max(0.0, finish)}


def rank_usage(directory):
    """The rank_wrapper.py records of a run, by rank."""
    records = {}
    for path in glob.glob(os.path.join(directory, "rank-*.json")):
        with open(path) as handle:
            record = json.load(handle)
        records[record["rank"]] = record
    return [records[key] for key in sorted(records)]


def machine_busy_seconds():
    """CPU seconds spent busy by the whole machine since boot (all cores), from /proc/stat."""
    with open("/proc/stat") as handle:
        fields = [float(value) for value in handle.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def percentile(values, q):
    """The q-th percentile (linear interpolation) or None for no values."""
    return float(np.percentile(values, q)) if len(values) else None


class RunQueueSampler:
    """Samples the machine's runnable process count (`procs_running` in /proc/stat, less the sampler itself)
    every `period_s` in a background thread while used as a context manager; `mean` is the average."""

    def __init__(self, period_s=0.1):
        import threading
        self.period_s, self.samples, self.stop = period_s, [], threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self):
        while not self.stop.wait(self.period_s):
            with open("/proc/stat") as handle:
                for line in handle:
                    if line.startswith("procs_running"):
                        self.samples.append(max(0, int(line.split()[1]) - 1))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        self.thread.join()

    @property
    def mean(self):
        return float(np.mean(self.samples)) if self.samples else None
