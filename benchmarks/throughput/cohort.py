"""The benchmark cohort: synthetic thorax cases of different seeds and sizes, optionally TG-119, and the job mix.

A cohort is generated once (`rtcluster phantom thorax`) and registered into a fresh data directory for every
rank count, so each run drains exactly the same queue.
"""
import json
import os
import subprocess
from dataclasses import dataclass, field

# Grid sizes cycled through by the cohort: the CLI's named sizes plus two in between, so the cohort spans about
# 0.16 M to 7.9 M voxels the way a clinic's CTs differ in field of view and slice count.
FULL_SIZES = ["standard", "small", "160x160x80", "96x96x48", "large", "standard", "128x128x96", "small"]
QUICK_SIZES = ["small", "96x96x48", "standard", "small"]
UNAVAILABLE = "is not implemented by this build"


@dataclass
class Case:
    """One case of the cohort: its id, source file and grid size."""
    case_id: str
    path: str
    size: str
    seed: int


@dataclass
class Submission:
    """One job of the mix: a case and a spec file."""
    case_id: str
    spec: str
    kind: str


@dataclass
class Cohort:
    """The cases and the job mix of one benchmark."""
    cases: list = field(default_factory=list)
    jobs: list = field(default_factory=list)


def run_cli(binary, *args, data_dir=None):
    """Runs `rtcluster ARGS --json` and returns the parsed JSON; raises with the CLI's error on failure."""
    command = [binary, *args, "--json"] + (["--data-dir", data_dir] if data_dir else [])
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stdout.strip()} {done.stderr.strip()}")
    return json.loads(done.stdout)


def generate(binary, work_dir, count, quick, plan_every, tg119_path):
    """Writes `count` thorax phantoms (seeds 101, 102, ...; sizes cycled) and the job mix.

    Every thorax case gets a `segment` job (jobs/segment.yaml); every `plan_every`-th one also a `plan` job
    (jobs/lung-plan.yaml; with `quick`, a copy with 150/300 histories per beamlet so that the smoke test stays
    short); TG-119 (when `tg119_path` exists) gets jobs/tg119-plan.yaml.
    """
    sizes = QUICK_SIZES if quick else FULL_SIZES
    cohort = Cohort()
    os.makedirs(os.path.join(work_dir, "cases"), exist_ok=True)
    plan_spec = "jobs/lung-plan.yaml"
    if quick:
        plan_spec = os.path.join(work_dir, "lung-plan-quick.yaml")
        with open("jobs/lung-plan.yaml") as source, open(plan_spec, "w") as target:
            for line in source:
                if line.startswith("histories_per_beamlet:"):
                    line = "histories_per_beamlet: 150\n"
                elif line.startswith("final_histories_per_beamlet:"):
                    line = "final_histories_per_beamlet: 300\n"
                target.write(line)
    for i in range(count):
        seed = 101 + i
        size = sizes[i % len(sizes)]
        path = os.path.join(work_dir, "cases", f"thorax-{seed}.h5")
        run_cli(binary, "phantom", "thorax", "--out", path, "--seed", str(seed), "--size", size)
        case = Case(f"thorax-{seed}", path, size, seed)
        cohort.cases.append(case)
        cohort.jobs.append(Submission(case.case_id, "jobs/segment.yaml", "segment"))
        if plan_every > 0 and i % plan_every == plan_every - 1:
            cohort.jobs.append(Submission(case.case_id, plan_spec, "plan"))
    if tg119_path and os.path.exists(tg119_path):
        cohort.cases.append(Case("tg119", tg119_path, "167x167x129", 0))
        cohort.jobs.append(Submission("tg119", "jobs/tg119-plan.yaml", "plan"))
    return cohort


def register(binary, cohort, data_dir, skipped_kinds):
    """Registers the cases that have a job of an available kind and submits those jobs; returns the job ids
    by submission (in submission order)."""
    wanted = [job for job in cohort.jobs if job.kind not in skipped_kinds]
    needed = {job.case_id for job in wanted}
    for case in cohort.cases:
        if case.case_id in needed:
            run_cli(binary, "case", "add", case.path, "--id", case.case_id, data_dir=data_dir)
    submitted = []
    for job in wanted:
        record = run_cli(binary, "submit", job.case_id, job.spec, data_dir=data_dir)
        submitted.append((record["id"], job))
    return submitted
