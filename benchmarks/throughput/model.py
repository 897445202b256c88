#!/usr/bin/env python3
"""Scaling model of the rtcluster scheduler: a discrete-event simulation of one coordinator and its workers.

What is simulated (mirrors Sources/Cluster/Scheduling/Coordinator.swift and MPIWorkerPool.swift):
- Rank 0 is a single FIFO server. Its work items: claiming a job (registry claim, case read, split: the measured
  `setup_s`), handling each task message on dispatch and on receipt (`coordinator_msg_s` per task, plus decoding
  the reply), the job's global steps between phases (`global_s`) and merging + writing the result file
  (`finish_s`: the result-file I/O on the coordinator).
- Up to `max_jobs` jobs are in flight (the worker's `--max-jobs`, default 4); a job is claimed whenever a worker
  slot is free and there is room. Free slots get the next task round-robin over the jobs in flight; a job's next
  phase starts only when all tasks of the current phase are back (dynamic dispatch, phase barrier). A worker rank
  holds up to 2 tasks (8 when tasks take under 0.5 ms), as MPIWorkerPool's prefetch does, and runs them in order.
- A task's compute time is the measured `/timings/tasks` seconds of that task; encoding and decoding its messages
  costs `codec_s_per_byte` per byte (worker side, the reply's decoding on rank 0).
- Messages cost latency + bytes / bandwidth and all pass rank 0's network link (one FIFO link each way), which
  every worker shares. A reply is noticed `reply_delay_s` after it is sent (polling sleeps, run-queue waits);
  the worker meanwhile runs its next held task.
- Collective phases (a plan's optimisation and re-optimisation: every worker is a member of one bulk-synchronous
  projected L-BFGS, as Coordinator.fillIdleWorkers does): the earliest ready one is dispatched as soon as every
  worker is idle; while it waits, no job is claimed and no other task is started (the gang rule). Each of the W
  members runs for T(W) = T1 (s + (1 - s) ceil(B / W) / B) + rounds x 2 (W - 1) (latency + round_bytes /
  bandwidth), where T1 is the measured one-member time, B = 16 the dose-grid blocks dealt to the members,
  s = 0.24 the share of a member's work that every member repeats (L-BFGS vector work, block sums, rounds: two
  members each used 62 % of one member's CPU time, benchmarks/results/planning-collective-2026-11-28.md); a
  round is MPICollectiveExchange's gather to member 0 and send back, W - 1 messages each way through member 0's
  link; 150 rounds of 334 kB (TG-119: 137 iterations, 8 x 16 x 2611 bytes per member and round) bound it above. Members of one gang run at the same time, so on shared cores each is stretched by max(1, (W + b) /
  cores) for the whole phase; its task message is split over the members (the matrix once), the reply is not.
- One rank: no MPI; rank 0 runs the tasks itself, one at a time, between its other work.
- Shared cores on the measuring machine: a work item starting while k other ranks are computing is stretched by
  max(1, (k + 1 + b) / cores), where b is the number of other users' runnable processes (fair sharing, fixed at
  the item's start; b = their CPU in cores x mean run-queue length / cores, both measured during the run). More
  ranks therefore get a larger share of a busy machine. On a cluster every rank has its own core (no stretch).

Calibration (no free parameter except the reply delay):
- per task: the mean compute time over the runs with at most 2 ranks (a collective phase has one member there:
  its time is T1), each divided by its run's stretch
  max(1, (1 + b) / cores) (one rank computes at a time in those runs);
- per job: the coordinator times of the 2-rank run (from the coordinator's debug log; in the 1-rank run the gaps
  between a job's phases also hold other jobs' tasks), likewise divided by the stretch;
- `coordinator_msg_s`: wall time per task of a 2-rank `selftest` job of empty tasks (no compute, no payload) —
  an upper bound on rank 0's cost per task, so the predicted knee is a lower bound;
- `codec_s_per_byte`: sum(round_trip - seconds) / sum(bytes) of the 1-rank run (in-process, no MPI);
- `reply_delay_s`: fitted so that the simulated 2-rank drain lasts as long as the measured one; the 3- and
  4-rank runs are held out (the 1-rank run shares the task-time calibration but not the fit);
- which phases are collective: from the coordinator's log (`collective_phases` of each trace); records made
  before the log was kept say it by structure only: a phase whose task count equals the run's worker count in
  every run, over at least two different worker counts (an ordinary phase's task count does not depend on the
  ranks; no time of the held-out runs enters). Cluster predictions cap it at 1 ms (a dedicated node has no run queue; the
  coordinator's longest idle sleep is 1 ms).

Usage: model.py RESULTS.json [--write]   (re-evaluates the model on a recorded benchmark and prints the tables;
       --write also rewrites the record's JSON, Markdown and plots with the re-evaluated model)
"""
import heapq
import json
import sys
from collections import deque

import numpy as np

LOCAL = {"name": "this machine (shared memory)", "latency_s": 1e-6, "bandwidth_Bps": 5e9}
NETWORKS = [{"name": "1.5 us / 10 GB/s", "latency_s": 1.5e-6, "bandwidth_Bps": 10e9},
            {"name": "50 us / 1 GB/s", "latency_s": 50e-6, "bandwidth_Bps": 1e9}]
# A dedicated node has no run queue: the wait for a reply is at most the coordinator's longest idle sleep.
POLL_DELAY_CAP_S = 1e-3
# Several coordinators: one MPI world (one coordinator) per this many ranks, all draining the same registry.
WORLD_RANKS = 8
SCALE_RANKS = [2, 4, 8, 16, 32, 64, 128, 256, 512]
# Collective optimisation (see the module docstring): dose-grid blocks, repeated share, rounds and bytes per round.
COLLECTIVE_BLOCKS = 16
COLLECTIVE_SERIAL_SHARE = 0.24
COLLECTIVE_ROUNDS = 150
COLLECTIVE_ROUND_BYTES = 334_208


def compact_traces(run):
    """The per-job inputs the model needs from one measured run (kept in the results JSON)."""
    jobs = []
    for trace in run["traces"]:
        phases = {}
        for row in trace["rows"]:
            phases.setdefault(int(row["phase"]), []).append(
                [row["seconds"], row["round_trip_seconds"], row["bytes_in"], row["bytes_out"]])
        jobs.append({"job": trace["job"], "case": trace["case"], "kind": trace["kind"],
                     "phases": [phases[k] for k in sorted(phases)], "coordinator": trace["coordinator"],
                     "result_bytes": trace["result_bytes"]})
        jobs[-1]["collective"] = trace.get("collective_phases")
    return {"ranks": run["ranks"], "background_cores": run["world"]["background_cores"],
            "background_processes": run["world"]["background_processes"], "jobs": jobs}


def oversubscription(background, cores):
    """Stretch of work in the calibration runs (at most 2 ranks: one computes at a time) on `cores` cores shared
    fairly with `background` runnable processes of other users."""
    return max(1.0, (1 + background) / cores)


def background_of(record):
    """Other users' runnable processes during a recorded run (older records: their cores' worth)."""
    return record.get("background_processes", record["background_cores"])


def two_or_one(runs):
    """The 2-rank run among `runs`, else the first one."""
    return next((run for run in runs if run["ranks"] == 2), runs[0])


def workers_of(ranks):
    """Worker ranks of a world of `ranks` ranks (one rank: rank 0 works itself)."""
    return max(1, ranks - 1)


def collective_phases(traces):
    """Per (case, kind): the indices of its collective phases — from the coordinator's log where the traces carry
    it, else by structure (task count = worker count in every run, over at least two worker counts)."""
    logged, counts = {}, {}
    for run in traces.values():
        for job in run["jobs"]:
            key = (job["case"], job["kind"])
            if job.get("collective") is not None:
                logged[key] = set(job["collective"])
            counts.setdefault(key, []).append((workers_of(run["ranks"]), [len(p) for p in job["phases"]]))
    result = {}
    for key, seen in counts.items():
        if key in logged:
            result[key] = logged[key]
            continue
        phases = min(len(c) for _, c in seen)
        varied = len({w for w, _ in seen}) >= 2
        result[key] = {k for k in range(phases) if varied and all(c[k] == w for w, c in seen)}
    return result


def collective_seconds(one_member_s, members, network):
    """A member's time in a collective phase of `members` members whose single member takes `one_member_s`."""
    if members <= 1:
        return one_member_s
    blocks = -(-COLLECTIVE_BLOCKS // members) / COLLECTIVE_BLOCKS
    compute = one_member_s * (COLLECTIVE_SERIAL_SHARE + (1 - COLLECTIVE_SERIAL_SHARE) * blocks)
    # Member 0 receives every other member's contribution, then sends each the outcome (MPICollectiveExchange).
    exchange = 2 * (members - 1) * (network["latency_s"] + COLLECTIVE_ROUND_BYTES / network["bandwidth_Bps"])
    return compute + COLLECTIVE_ROUNDS * exchange


def calibrate(traces, cores, message_cost):
    """The model's workload and constants from the recorded traces of the runs with at most 2 ranks."""
    runs = [t for t in traces.values() if t["ranks"] <= 2] or list(traces.values())
    message = message_cost["per_task_s"] / oversubscription(background_of(message_cost), cores)
    one = next((t for t in runs if t["ranks"] == 1), None)
    codec = 0.0
    if one:
        extra = sum(max(0.0, rt - s) for j in one["jobs"] for p in j["phases"] for s, rt, _, _ in p)
        moved = sum(bi + bo for j in one["jobs"] for p in j["phases"] for _, _, bi, bo in p)
        codec = extra / moved / oversubscription(background_of(one), cores) if moved else 0.0
    # Task times: mean over the calibration runs. Coordinator times: from the 2-rank run when there is one (in a
    # 1-rank run the gaps between a job's phases also hold other jobs' tasks, which rank 0 runs itself).
    coordinator_run = two_or_one(runs)
    collective = collective_phases(traces)
    jobs = {}
    for run in runs:
        stretch = oversubscription(background_of(run), cores)
        for job in run["jobs"]:
            seen = jobs.setdefault((job["case"], job["kind"]), {
                "kind": job["kind"], "case": job["case"], "samples": [], "setup_s": 0.0, "global_s": None,
                "finish_s": 0.0, "result_bytes": job["result_bytes"],
                "collective": sorted(collective.get((job["case"], job["kind"]), ()))})
            seen["samples"].append([[[s / stretch, bi, bo] for s, _, bi, bo in p] for p in job["phases"]])
            segments = job["coordinator"]
            if run is coordinator_run and segments:
                seen["setup_s"] = segments["setup_s"] / stretch
                seen["finish_s"] = segments["finish_s"] / stretch
                seen["global_s"] = [gap / stretch for gap in segments["global_s"]]
    for job in jobs.values():
        samples = job.pop("samples")
        job["phases"] = [[[float(np.mean([sample[k][i][0] for sample in samples])), task[1], task[2]]
                          for i, task in enumerate(phase)] for k, phase in enumerate(samples[0])]
        job["global_s"] = job["global_s"] or [0.0] * (len(job["phases"]) - 1)
    return {"jobs": [jobs[k] for k in sorted(jobs)], "codec_s_per_byte": codec, "coordinator_msg_s": message,
            "reply_delay_s": 0.0}


def fit_reply_delay(workload, run, cores, max_jobs):
    """The per-reply wake-up delay (polling sleeps, run-queue waits) that makes the simulated drain of the
    2-rank run as long as the measured one: bisection over 0-100 ms (the makespan grows with the delay)."""
    low, high = 0.0, 0.1
    for _ in range(30):
        middle = (low + high) / 2
        point = predict(dict(workload, reply_delay_s=middle), run["ranks"], LOCAL, max_jobs, (cores, run["background"]))
        if point["makespan_s"] < run["makespan_s"]:
            low = middle
        else:
            high = middle
    return (low + high) / 2


class Simulation:
    """One simulated drain of `jobs` with `ranks` ranks; `run()` returns makespan and utilisations."""

    def __init__(self, workload, jobs, ranks, network, max_jobs, sharing):
        self.w, self.queue, self.ranks, self.net = workload, deque(jobs), ranks, network
        self.max_jobs, self.sharing, self.stretched = max_jobs, sharing, [0.0, 0.0]
        self.now, self.events, self.sequence = 0.0, [], 0
        self.coordinator_work, self.coordinator_busy = deque(), False
        self.busy = {"coordinator": 0.0, "messages": 0.0, "io": 0.0, "global": 0.0, "workers": 0.0, "link": 0.0,
                     "gang": 0.0}
        self.gang_since = None
        self.link_free = {"out": 0.0, "in": 0.0}
        computes = [task[0] for job in jobs for phase in job["phases"] for task in phase]
        # MPIWorkerPool prefetch: a rank holds 2 tasks, 8 when its tasks take under 0.5 ms on average.
        self.limit = 1 if ranks == 1 else (8 if computes and np.mean(computes) < 0.5e-3 else 2)
        self.workers = [{"held": 0, "tasks": deque(), "running": False} for _ in range(max(1, ranks - 1))]
        self.active, self.cursor, self.finished = [], 0, 0

    def at(self, time, action):
        self.sequence += 1
        heapq.heappush(self.events, (time, self.sequence, action))

    def coordinator(self, seconds, action, category):
        """Queues `seconds` of rank-0 work; `action` runs when it is done."""
        self.coordinator_work.append((seconds, action, category))
        if not self.coordinator_busy:
            self.next_coordinator_item()

    def next_coordinator_item(self):
        if not self.coordinator_work:
            self.coordinator_busy = False
            self.fill()
            return
        seconds, action, category = self.coordinator_work.popleft()
        seconds = self.stretch(seconds, on_coordinator=True)
        self.busy["coordinator"] += seconds
        self.busy[category] += seconds
        self.coordinator_busy = True

        def done():
            action()
            self.next_coordinator_item()
        self.at(self.now + seconds, done)

    def stretch(self, seconds, on_coordinator=False, members=1):
        """`seconds` of work starting now (on rank 0 or a worker) on cores shared with the other ranks computing
        now and with other users; a member of a collective of `members` shares them with the other members."""
        if self.sharing is None:
            return seconds
        cores, background = self.sharing
        running = sum(1 for worker in self.workers if worker["running"])
        running += 1 if self.coordinator_busy and not on_coordinator else 0
        running = max(running, members - 1)
        stretched = seconds * max(1.0, (running + 1 + background) / cores)
        self.stretched[0] += seconds
        self.stretched[1] += stretched
        return stretched

    def idle_slots(self):
        return sum(self.limit - worker["held"] for worker in self.workers)

    def fill(self):
        """The coordinator's loop when it has nothing queued: claim jobs while there is room, dispatch tasks."""
        while self.idle_slots() > 0 and not self.coordinator_busy:
            gang = min((job for job in self.active if job["gang"] is not None), key=lambda job: job["gang"], default=None)
            if gang is not None:
                if all(worker["held"] == 0 for worker in self.workers):
                    self.dispatch_collective(gang)
                return
            if len(self.active) < self.max_jobs and self.queue:
                job = dict(self.queue.popleft(), phase=0, pending=deque(), remaining=0, gang=None)
                self.active.append(job)
                self.coordinator(job["setup_s"], lambda job=job: self.start_phase(job), "io")
                return
            job = self.next_job_with_tasks()
            if job is None:
                return
            worker = min((w for w in self.workers if w["held"] < self.limit), key=lambda w: w["held"])
            worker["held"] += 1
            self.dispatch(job, job["pending"].popleft(), worker)

    def next_job_with_tasks(self):
        for offset in range(len(self.active)):
            job = self.active[(self.cursor + offset) % len(self.active)]
            if job["pending"]:
                self.cursor = (self.cursor + offset + 1) % len(self.active)
                return job
        return None

    def start_phase(self, job):
        if job["phase"] in job["collective"]:
            # Ready; dispatched to every worker at once when all are idle (fill's gang rule).
            self.sequence += 1
            job["gang"] = self.sequence
            job["remaining"] = len(self.workers)
            if self.gang_since is None:
                self.gang_since = self.now
            return
        job["pending"] = deque(job["phases"][job["phase"]])
        job["remaining"] = len(job["pending"]) + 1
        self.receive(job, None)

    def dispatch_collective(self, job):
        """Sends the member tasks of `job`'s ready collective phase, one to each (idle) worker."""
        job["gang"] = None
        one_member_s, bytes_in, bytes_out = job["phases"][job["phase"]][0]
        members = len(self.workers)
        seconds = collective_seconds(one_member_s, members, self.net)
        for worker in self.workers:
            worker["held"] += 1
            self.dispatch(job, (seconds, bytes_in / members, bytes_out), worker, members)

    def transfer(self, direction, size, arrive):
        """Sends `size` bytes over rank 0's link in `direction`; `arrive` runs on delivery."""
        start = max(self.now, self.link_free[direction])
        self.link_free[direction] = start + size / self.net["bandwidth_Bps"]
        self.busy["link"] += size / self.net["bandwidth_Bps"]
        self.at(self.link_free[direction] + self.net["latency_s"], arrive)

    def dispatch(self, job, task, worker, members=1):
        compute, bytes_in, bytes_out = task
        codec = self.w["codec_s_per_byte"] * (bytes_in + bytes_out)
        if self.ranks == 1:
            self.coordinator(compute + codec, lambda: self.receive(job, worker), "workers")
            return
        decode_reply = codec * bytes_out / (bytes_in + bytes_out) / 2 if bytes_in + bytes_out else 0.0
        half = self.w["coordinator_msg_s"] / 2
        run = (compute + codec - decode_reply, bytes_out, half + decode_reply, job, members)
        self.coordinator(half, lambda: self.transfer("out", bytes_in, lambda: self.arrive(worker, run)), "messages")

    def arrive(self, worker, run):
        worker["tasks"].append(run)
        if not worker["running"]:
            self.execute(worker)

    def execute(self, worker):
        """The worker runs its next held task, then sends the reply (noticed after the wake-up delay)."""
        seconds, bytes_out, handling, job, members = worker["tasks"].popleft()
        seconds = self.stretch(seconds, members=members)
        worker["running"] = True
        self.busy["workers"] += seconds

        def finished():
            self.at(self.now + self.w["reply_delay_s"], lambda: self.transfer(
                "in", bytes_out, lambda: self.coordinator(handling, lambda: self.receive(job, worker), "messages")))
            worker["running"] = False
            if worker["tasks"]:
                self.execute(worker)
        self.at(self.now + seconds, finished)

    def receive(self, job, worker):
        """A task of `job` is back from `worker` (None: its phase has just started)."""
        if worker is not None:
            worker["held"] -= 1
        job["remaining"] -= 1
        if job["remaining"] > 0:
            return
        if job["phase"] in job["collective"]:
            self.end_gang(job)
        if job["phase"] + 1 < len(job["phases"]):
            job["phase"] += 1
            self.coordinator(job["global_s"][job["phase"] - 1], lambda: self.start_phase(job), "global")
        else:
            self.coordinator(job["finish_s"], lambda: self.complete(job), "io")

    def end_gang(self, job):
        """Closes the span in which a collective phase waited for or held the workers (none other is ready)."""
        if self.gang_since is not None and all(other["gang"] is None for other in self.active):
            self.busy["gang"] += self.now - self.gang_since
            self.gang_since = None

    def complete(self, job):
        self.active.remove(job)
        self.finished += 1

    def run(self):
        self.fill()
        while self.events:
            self.now, _, action = heapq.heappop(self.events)
            action()
        workers = max(1, self.ranks - 1)
        span = self.now or 1e-12
        return {"makespan_s": self.now, "jobs": self.finished,
                "mean_stretch": self.stretched[1] / self.stretched[0] if self.stretched[0] else 1.0,
                "coordinator_utilisation": self.busy["coordinator"] / span,
                "coordinator_io_share": self.busy["io"] / max(self.busy["coordinator"], 1e-12),
                "coordinator_message_share": self.busy["messages"] / max(self.busy["coordinator"], 1e-12),
                "worker_utilisation": self.busy["workers"] / (workers * span),
                "gang_share": self.busy["gang"] / span,
                "link_utilisation": self.busy["link"] / (2 * span)}


def predict(workload, ranks, network, max_jobs=4, sharing=None, copies=1):
    """Simulated drain of the workload (`copies` times the calibrated jobs) on `ranks` ranks."""
    jobs = [job for _ in range(copies) for job in workload["jobs"]]
    result = Simulation(workload, jobs, ranks, network, max_jobs, sharing).run()
    cases = len({job["case"] for job in workload["jobs"]}) * copies
    result["cases_per_hour"] = cases / result["makespan_s"] * 3600 if result["makespan_s"] > 0 else None
    return result


def bottleneck(point):
    """What limits a simulated point most."""
    if point["coordinator_utilisation"] > 0.8:
        kind = "I/O on the coordinator" if point["coordinator_io_share"] > 0.5 else "coordinator CPU (messages, global steps)"
        return kind
    if point["link_utilisation"] > 0.8:
        return "rank 0's network link"
    if point["gang_share"] >= 0.4:
        return "collective phases (each plan's optimisation waits for and holds every worker)"
    if point["worker_utilisation"] < 0.5:
        return "too few tasks in flight (--max-jobs x tasks per phase)"
    return "workers (compute)"


def evaluate(info):
    """Calibrates on the recorded runs, validates against every measured rank count and predicts 8-512 ranks."""
    cores = info["machine"]["nproc"]
    workload = calibrate(info["traces"], cores, info["message_cost"])
    two = next((r for r in info["runs"] if r["ranks"] == 2 and r.get("makespan_s")), None)
    if two:
        trace = info["traces"]["2"]
        workload["reply_delay_s"] = fit_reply_delay(
            workload, {"ranks": 2, "background": background_of(trace), "makespan_s": two["makespan_s"]},
            cores, info["settings"]["max_jobs"])
    validation = []
    for summary in info["runs"]:
        trace = info["traces"][str(summary["ranks"])]
        point = predict(workload, summary["ranks"], LOCAL, info["settings"]["max_jobs"], (cores, background_of(trace)))
        measured = summary.get("makespan_s")
        validation.append({"ranks": summary["ranks"], "stretch": point["mean_stretch"],
                           "measured_makespan_s": measured, "predicted_makespan_s": point["makespan_s"],
                           "measured_cases_per_hour": summary.get("cases_per_hour"),
                           "predicted_cases_per_hour": point["cases_per_hour"],
                           "makespan_error_pct": 100 * (point["makespan_s"] - measured) / measured if measured else None,
                           "calibration_run": summary["ranks"] <= 2})
    scaling = []
    for network in NETWORKS:
        for max_jobs in (4, 64):
            points = []
            cluster = dict(workload, reply_delay_s=min(workload["reply_delay_s"], POLL_DELAY_CAP_S))
            for ranks in SCALE_RANKS:
                copies = max(1, -(-ranks // max(1, len(workload["jobs"]))))
                point = predict(cluster, ranks, network, max_jobs, None, copies)
                point.update(ranks=ranks, bottleneck=bottleneck(point))
                points.append(point)
            scaling.append({"network": network["name"], "max_jobs": max_jobs, "points": points,
                            "knee_ranks": knee(points)})
    worlds = []
    for curve in scaling:
        if curve["max_jobs"] != 4:
            continue
        per_world = next(p for p in curve["points"] if p["ranks"] == WORLD_RANKS)
        worlds.append({"network": curve["network"], "ranks_per_world": WORLD_RANKS,
                       "points": [{"ranks": r, "cases_per_hour": per_world["cases_per_hour"] * r / WORLD_RANKS}
                                  for r in SCALE_RANKS if r >= WORLD_RANKS]})
    return {"calibration": {k: v for k, v in workload.items() if k != "jobs"},
            "several_worlds": worlds,
            "calibrated_jobs": len(workload["jobs"]), "validation": validation, "scaling": scaling}


def knee(points):
    """The first rank count after which doubling the ranks gains less than 20 % throughput."""
    for a, b in zip(points, points[1:]):
        if b["cases_per_hour"] < 1.2 * a["cases_per_hour"]:
            return a["ranks"]
    return None


def main():
    arguments = [a for a in sys.argv[1:] if a != "--write"]
    if len(arguments) != 1:
        print(__doc__, file=sys.stderr)
        return 64
    with open(arguments[0]) as handle:
        info = json.load(handle)
    result = evaluate(info)
    if "--write" in sys.argv:
        import os
        import subprocess
        import report
        info["model"] = result
        info["model_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                              text=True, check=False).stdout.strip() or "unknown"
        folder, name = os.path.split(os.path.abspath(arguments[0]))
        for path in report.write(info, folder, name[: -len(f"-{info['date'][:10]}.json")]):
            print(f"written {path}", file=sys.stderr)
    print(json.dumps(result["calibration"]))
    for row in result["validation"]:
        print(f"{row['ranks']} ranks: measured {row['measured_makespan_s']:.1f} s, predicted {row['predicted_makespan_s']:.1f} s "
              f"({row['makespan_error_pct']:+.1f} %)")
    for curve in result["scaling"]:
        print(f"{curve['network']}, max-jobs {curve['max_jobs']}: knee at {curve['knee_ranks']} ranks")
        for p in curve["points"]:
            print(f"  {p['ranks']:4d} ranks {p['cases_per_hour']:10.0f} cases/h  coord {p['coordinator_utilisation']:.2f} "
                  f"workers {p['worker_utilisation']:.2f} link {p['link_utilisation']:.2f} gang {p['gang_share']:.2f}  {p['bottleneck']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
