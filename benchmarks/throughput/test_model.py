#!/usr/bin/env python3
"""Analytic checks of the scaling model (model.py): cases whose makespan follows by hand. Run by run.sh before
every benchmark; exits non-zero on the first failure."""
import math
import sys

import model

# No network cost, no codec, no coordinator cost, no wake-up delay: only the scheduling rules remain.
IDEAL = {"name": "ideal", "latency_s": 0.0, "bandwidth_Bps": math.inf}


def workload(jobs):
    return {"jobs": jobs, "codec_s_per_byte": 0.0, "coordinator_msg_s": 0.0, "reply_delay_s": 0.0}


def job(case, phases, collective=()):
    """A job of `phases` (lists of task seconds); `collective` names the collective phases (one task: T1)."""
    return {"kind": "plan", "case": case, "setup_s": 0.0, "finish_s": 0.0, "global_s": [0.0] * (len(phases) - 1),
            "result_bytes": 0, "collective": list(collective), "phases": [[[t, 0, 0] for t in p] for p in phases]}


def close(a, b, what, tolerance=1e-9):
    if abs(a - b) > tolerance * max(1.0, abs(b)):
        raise AssertionError(f"{what}: {a} != {b}")


def test_ordinary_phase_spreads_over_workers():
    # 6 tasks of 1 s on 3 workers (4 ranks): two rounds.
    point = model.predict(workload([job("a", [[1.0] * 6])]), 4, IDEAL)
    close(point["makespan_s"], 2.0, "6 x 1 s on 3 workers")


def test_one_rank_runs_everything_itself():
    point = model.predict(workload([job("a", [[1.0] * 3]), job("b", [[2.0]])]), 1, IDEAL)
    close(point["makespan_s"], 5.0, "one rank: the sum of the tasks")


def test_collective_member_time():
    close(model.collective_seconds(8.0, 1, IDEAL), 8.0, "one member")
    close(model.collective_seconds(8.0, 2, IDEAL), 8.0 * (0.24 + 0.76 * 0.5), "two members")
    close(model.collective_seconds(8.0, 3, IDEAL), 8.0 * (0.24 + 0.76 * 6 / 16), "three members: 6 of 16 blocks")
    close(model.collective_seconds(8.0, 64, IDEAL), model.collective_seconds(8.0, 16, IDEAL),
          "members beyond the 16 blocks add nothing")
    network = {"latency_s": 1e-6, "bandwidth_Bps": 1e9}
    exchange = model.COLLECTIVE_ROUNDS * 2 * 3 * (1e-6 + model.COLLECTIVE_ROUND_BYTES / 1e9)
    close(model.collective_seconds(8.0, 4, network) - model.collective_seconds(8.0, 4, IDEAL), exchange,
          "4 members: member 0 receives 3 contributions and sends 3 outcomes per round")


def test_collective_phase_holds_every_worker():
    # Phase 0: 2 tasks of 1 s; phase 1 collective with T1 = 4 s; 3 workers.
    point = model.predict(workload([job("a", [[1.0, 1.0], [4.0]], collective=[1])]), 4, IDEAL)
    close(point["makespan_s"], 1.0 + model.collective_seconds(4.0, 3, IDEAL), "ordinary phase, then the gang")


def test_gang_waits_for_every_worker_and_blocks_other_work():
    # Job a: one 10 s task. Job b: a 0.5 s task, a collective phase (T1 = 2 s), then a 1 s task. 2 workers
    # (3 ranks). b's gang is ready at 0.5 s but waits for a's task, then holds both workers; b's last task follows.
    jobs = [job("a", [[10.0]]), job("b", [[0.5], [2.0], [1.0]], collective=[1])]
    point = model.predict(workload(jobs), 3, IDEAL)
    close(point["makespan_s"], 10.0 + model.collective_seconds(2.0, 2, IDEAL) + 1.0, "gang after the drain")
    # The same phase treated as an ordinary one-task phase runs beside a's task.
    plain = model.predict(workload([job("a", [[10.0]]), job("b", [[0.5], [2.0], [1.0]])]), 3, IDEAL)
    close(plain["makespan_s"], 10.0, "without the gang rule b finishes beside a")
    # No job is claimed while a gang waits: with room for 2 jobs, c is claimed when a ends (10 s) but only
    # starts after b's gang.
    jobs = [job("a", [[10.0]]), job("b", [[0.5], [2.0]], collective=[1]), job("c", [[3.0]])]
    point = model.predict(workload(jobs), 3, IDEAL, max_jobs=2)
    close(point["makespan_s"], 10.0 + model.collective_seconds(2.0, 2, IDEAL) + 3.0, "c waits for the gang")


def test_gang_members_share_cores():
    # 3 members on 2 cores, no other load: each member is stretched by 3 / 2 for the whole phase.
    point = model.predict(workload([job("a", [[4.0]], collective=[0])]), 4, IDEAL, sharing=(2, 0.0))
    close(point["makespan_s"], 1.5 * model.collective_seconds(4.0, 3, IDEAL), "3 members on 2 cores")
    close(point["mean_stretch"], 1.5, "every member, not only the last one started, is stretched")


def test_collective_phases_from_log_or_structure():
    def run(ranks, counts, logged=None):
        return {"ranks": ranks, "jobs": [{"case": "c", "kind": "plan", "collective": logged,
                                          "phases": [[[1.0, 1.0, 0, 0]] * n for n in counts]}]}
    traces = {"1": run(1, [5, 1, 7]), "2": run(2, [5, 1, 7]), "3": run(3, [5, 2, 7]), "4": run(4, [5, 3, 7])}
    assert model.collective_phases(traces)[("c", "plan")] == {1}, "task count = worker count over 1..3 workers"
    calibration_only = {"1": run(1, [5, 1, 7]), "2": run(2, [5, 1, 7])}
    assert model.collective_phases(calibration_only)[("c", "plan")] == set(), "one worker count says nothing"
    logged = {"1": run(1, [5, 1, 7], [1]), "2": run(2, [5, 1, 7], [1])}
    assert model.collective_phases(logged)[("c", "plan")] == {1}, "the coordinator's log decides"


def main():
    tests = [value for name, value in globals().items() if name.startswith("test_")]
    for test in tests:
        test()
    print(f"model checks: {len(tests)} passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
