"""One drained run per rank count: fresh data directory, same cohort, `scripts/mpirun.sh -n R ... worker --drain`
with every rank wrapped by rank_wrapper.py, then the run's metrics."""
import os
import resource
import subprocess
import sys
import time

import measure
from cohort import UNAVAILABLE, register

HERE = os.path.dirname(os.path.abspath(__file__))
# Phase labels of job kinds whose result files carry no `timings_phase_names` attribute: a segment job's phases
# are the Segmentation pipeline's local steps in order (jobs/segment.yaml requests every structure).
SCHEDULING = "scheduling: round trip - compute (messages, prefetch queue, wake-up)"
PHASE_LABELS = {"segment": ["bodyCandidates", "tissues", "organs", "lungs"]}


def drain(binary, ranks, data_dir, run_dir, timeout_s):
    """Runs the MPI world until the queue is empty; returns wall seconds, exit code and the machine's busy CPU
    seconds outside this run (other users of the shared machine) during it."""
    log_path = os.path.join(run_dir, "worker.log")
    command = ["scripts/mpirun.sh", "-n", str(ranks), sys.executable, os.path.join(HERE, "rank_wrapper.py"),
               os.path.join(run_dir, "ranks"), "--", binary, "worker", "--drain", "--data-dir", data_dir,
               "--log-level", "debug"]
    environment = dict(os.environ, RTCLUSTER_MPI_TIMEOUT=str(timeout_s))
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = measure.machine_busy_seconds()
    start = time.monotonic()
    with open(log_path, "w") as log, measure.RunQueueSampler() as runnable:
        code = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    wall = time.monotonic() - start
    busy = measure.machine_busy_seconds() - busy_before
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after_children.ru_utime + after_children.ru_stime) - (before_children.ru_utime + before_children.ru_stime)
    background = max(0.0, (busy - own) / wall) if wall > 0 else 0.0
    cores = os.cpu_count()
    # Under fair sharing every runnable process gets cores / runnable of a core, so other users' load in
    # processes is their cores' worth times runnable / cores (when the machine is saturated).
    queue = runnable.mean or 0.0
    return {"wall_s": wall, "exit_code": code, "log": log_path, "background_cores": background,
            "runnable_mean": queue, "background_processes": background * max(1.0, queue / cores)}


def phase_label(kind, phase, names):
    """A readable name of phase `phase` of a `kind` job."""
    labels = names or PHASE_LABELS.get(kind)
    return f"{kind}:{labels[phase]}" if labels and phase < len(labels) else f"{kind}:phase{phase}"


def run_one(binary, cohort, ranks, work_dir, skipped_kinds, timeout_s):
    """Registers the cohort in a fresh data directory, drains it with `ranks` ranks and measures the run."""
    run_dir = os.path.join(work_dir, f"ranks-{ranks}")
    data_dir = os.path.join(run_dir, "data")
    os.makedirs(run_dir, exist_ok=True)
    register(binary, cohort, data_dir, skipped_kinds)
    world = drain(binary, ranks, data_dir, run_dir, timeout_s)
    jobs = measure.registry_jobs(binary, data_dir)
    log = measure.coordinator_log(world["log"])
    unavailable = sorted({j["kind"] for j in jobs if j["state"] == "failed" and UNAVAILABLE in (j["error"] or "")})
    failed = [j for j in jobs if j["state"] != "succeeded" and j["kind"] not in unavailable]
    done = [j for j in jobs if j["state"] == "succeeded"]
    traces = []
    for job in done:
        rows, attributes, size = measure.result_timings(os.path.join(data_dir, job["result_path"]))
        if attributes["ranks"] != ranks:
            raise ValueError(f"job {job['id']}: result says {attributes['ranks']} ranks, run had {ranks}")
        entry = log.get(job["id"], {"claimed": None, "phases": {}, "last_done": {}, "succeeded": None, "collective": []})
        segments = measure.coordinator_segments(entry)
        traces.append({"job": job["id"], "case": job["case"], "kind": job["kind"], "rows": rows,
                       "phase_names": attributes["phase_names"], "wall_s": attributes["wall_seconds"],
                       "result_bytes": size, "coordinator": segments, "collective_phases": sorted(entry["collective"]),
                       "latency_s": job["finished"] - job["started"], "started": job["started"],
                       "finished": job["finished"]})
    return {"ranks": ranks, "world": world, "jobs": jobs, "traces": traces, "failed": failed,
            "unavailable_kinds": unavailable, "rank_usage": measure.rank_usage(os.path.join(run_dir, "ranks"))}


def summarise(run):
    """The reported numbers of one run (see README.md, "Reading the numbers")."""
    traces = run["traces"]
    ranks = run["ranks"]
    if not traces:
        return {"ranks": ranks, "jobs_succeeded": 0}
    start = min(t["started"] for t in traces)
    makespan = max(t["finished"] for t in traces) - start
    cases = {t["case"] for t in traces}
    latencies = [t["latency_s"] for t in traces]
    turnaround = [t["finished"] - start for t in traces]
    stages, busy, per_kind_bytes = {}, {r: 0.0 for r in range(ranks)}, {}
    for trace in traces:
        moved = 0.0
        for row in trace["rows"]:
            label = phase_label(trace["kind"], int(row["phase"]), trace["phase_names"])
            stages[label] = stages.get(label, 0.0) + row["seconds"]
            stages[SCHEDULING] = stages.get(SCHEDULING, 0.0) + max(0.0, row["round_trip_seconds"] - row["seconds"])
            busy[int(row["rank"])] = busy.get(int(row["rank"]), 0.0) + row["seconds"]
            moved += row["bytes_in"] + row["bytes_out"]
        per_kind_bytes.setdefault(trace["kind"], []).append(moved)
        segments = trace["coordinator"]
        if segments:
            for name, value in (("coordinator: claim + case read + split", segments["setup_s"]),
                                ("coordinator: global steps", sum(segments["global_s"])),
                                ("coordinator: merge + result write", segments["finish_s"])):
                stages[name] = stages.get(name, 0.0) + value
                busy[0] += value
    if ranks == 1:
        # One rank runs everything in turn, so the coordinator's share is exactly what the tasks and their
        # messaging leave of the makespan; the log gaps also hold other jobs' tasks run in between.
        coordinator_keys = [k for k in stages if k.startswith("coordinator:")]
        logged = sum(stages[k] for k in coordinator_keys)
        serial = makespan - sum(v for k, v in stages.items() if k not in coordinator_keys)
        if logged > 0 and serial > 0:
            for key in coordinator_keys:
                stages[key] *= serial / logged
            busy[0] = makespan
    total = sum(stages.values())
    usage = {u["rank"]: u for u in run["rank_usage"]}
    return {
        "ranks": ranks,
        "jobs_succeeded": len(traces),
        "jobs_by_kind": {k: sum(1 for t in traces if t["kind"] == k) for k in sorted({t["kind"] for t in traces})},
        "cases": len(cases),
        "makespan_s": makespan,
        "mpirun_wall_s": run["world"]["wall_s"],
        "cases_per_hour": len(cases) / makespan * 3600 if makespan > 0 else None,
        "jobs_per_hour": len(traces) / makespan * 3600 if makespan > 0 else None,
        "latency_s": {"median": measure.percentile(latencies, 50), "p95": measure.percentile(latencies, 95)},
        "turnaround_s": {"median": measure.percentile(turnaround, 50), "p95": measure.percentile(turnaround, 95)},
        "stage_seconds": stages,
        "stage_shares": {k: v / total for k, v in stages.items()} if total > 0 else {},
        "rank_utilisation": {str(r): busy[r] / makespan for r in sorted(busy)},
        "rank_cpu_utilisation": {str(r): (u["user_s"] + u["sys_s"]) / u["wall_s"] for r, u in sorted(usage.items()) if u["wall_s"] > 0},
        "peak_rss_mb": {str(r): u["peak_rss_mb"] for r, u in sorted(usage.items())},
        "mpi_bytes_per_job": {k: {"median": measure.percentile(v, 50), "max": max(v)} for k, v in per_kind_bytes.items()},
        "background_cores": run["world"]["background_cores"],
        "background_processes": run["world"]["background_processes"],
        "runnable_mean": run["world"]["runnable_mean"],
        "unavailable_kinds": run["unavailable_kinds"],
        "failed_jobs": [{"id": j["id"], "kind": j["kind"], "state": j["state"], "error": j["error"]} for j in run["failed"]],
    }


def message_cost(binary, cohort, work_dir, tasks, timeout_s):
    """Coordinator cost of one task message, measured with a 2-rank `selftest` job of `tasks` empty tasks
    (no compute, no payload): the job's wall time per task is an upper bound on what rank 0 spends per task."""
    run_dir = os.path.join(work_dir, "message-cost")
    data_dir = os.path.join(run_dir, "data")
    os.makedirs(run_dir, exist_ok=True)
    case = cohort.cases[0]
    spec = os.path.join(run_dir, "empty.yaml")
    with open(spec, "w") as handle:
        handle.write(f"kind: selftest\nname: empty tasks\ntasks: {tasks}\nslices_per_task: 0\ncompute_iterations: 0\n")
    from cohort import run_cli
    run_cli(binary, "case", "add", case.path, "--id", case.case_id, data_dir=data_dir)
    job = run_cli(binary, "submit", case.case_id, spec, data_dir=data_dir)
    world = drain(binary, 2, data_dir, run_dir, timeout_s)
    record = next(j for j in measure.registry_jobs(binary, data_dir) if j["id"] == job["id"])
    if record["state"] != "succeeded":
        raise RuntimeError(f"message-cost selftest job {record['state']}: {record['error']} (log {world['log']})")
    _, attributes, _ = measure.result_timings(os.path.join(data_dir, record["result_path"]))
    return {"tasks": tasks, "wall_s": attributes["wall_seconds"], "per_task_s": attributes["wall_seconds"] / tasks,
            "background_cores": world["background_cores"], "background_processes": world["background_processes"]}
