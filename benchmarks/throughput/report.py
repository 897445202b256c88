"""Writes a benchmark's results: `<stem>-<date>.json`, a Markdown summary `<stem>-<date>.md` and the plots
`<stem>-<date>.png` (measured cases/hour vs ranks with ideal scaling and the model) and
`<stem>-<date>-model.png` (the model's 2-512 rank predictions for both networks)."""
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def write(info, folder, stem):
    """Writes the four files and returns their paths."""
    os.makedirs(folder, exist_ok=True)
    base = os.path.join(folder, f"{stem}-{info['date'][:10]}")
    with open(base + ".json", "w") as handle:
        json.dump(info, handle, indent=1)
    measured_plot(info, base + ".png")
    model_plot(info, base + "-model.png")
    with open(base + ".md", "w") as handle:
        handle.write(markdown(info, os.path.basename(base)))
    return [base + ".json", base + ".md", base + ".png", base + "-model.png"]


def measured_plot(info, path):
    runs = [r for r in info["runs"] if r.get("cases_per_hour")]
    ranks = [r["ranks"] for r in runs]
    rate = [r["cases_per_hour"] for r in runs]
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    axes.plot(ranks, rate, "o-", label="measured")
    if 1 in ranks:
        base = rate[ranks.index(1)]
        axes.plot(ranks, [base * r for r in ranks], "k--", label="ideal (1-rank rate x ranks)")
    predicted = {v["ranks"]: v["predicted_cases_per_hour"] for v in info["model"]["validation"]}
    axes.plot(ranks, [predicted.get(r) for r in ranks], "s:", label="model")
    axes.axvline(info["machine"]["nproc"], color="grey", lw=0.8)
    axes.text(info["machine"]["nproc"], 0, f" {info['machine']['nproc']} cores", color="grey", va="bottom")
    for run in runs:
        axes.annotate(f"other load {run['background_cores']:.1f} cores", (run["ranks"], run["cases_per_hour"]),
                      textcoords="offset points", xytext=(0, -14), ha="center", fontsize=7, color="C0")
    axes.set_xlabel("MPI ranks (rank 0 coordinates; from 2 ranks it runs no tasks)")
    axes.set_ylabel("cases per hour")
    axes.set_xticks(ranks)
    axes.set_ylim(bottom=0)
    axes.set_title(f"rtcluster throughput, {info['date'][:10]}, {info['machine']['nproc']} shared cores")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def model_plot(info, path):
    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    for curve in info["model"]["scaling"]:
        ranks = [p["ranks"] for p in curve["points"]]
        axes.plot(ranks, [p["cases_per_hour"] for p in curve["points"]], "o-",
                  label=f"{curve['network']}, max-jobs {curve['max_jobs']}")
    for worlds in info["model"]["several_worlds"]:
        axes.plot([p["ranks"] for p in worlds["points"]], [p["cases_per_hour"] for p in worlds["points"]], "^--",
                  label=f"{worlds['network']}: one world per {worlds['ranks_per_world']} ranks")
    first = info["model"]["scaling"][0]["points"][0]
    ideal_ranks = [p["ranks"] for p in info["model"]["scaling"][0]["points"]]
    axes.plot(ideal_ranks, [first["cases_per_hour"] * (r - 1) / (first["ranks"] - 1) for r in ideal_ranks], "k--",
              label="ideal (linear in workers)")
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xlabel("MPI ranks (one core each)")
    axes.set_ylabel("predicted cases per hour")
    axes.set_title("scaling model, this cohort: one coordinator vs one per 8 ranks")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def number(value, digits=0):
    return "–" if value is None else f"{value:.{digits}f}"


def markdown(info, stem):
    m, s = info["machine"], info["settings"]
    lines = [f"# Cluster throughput benchmark, {info['date'][:10]}", "",
             f"- command: `benchmarks/throughput/run.sh{' --quick' if s['quick'] else ''} --ranks {','.join(map(str, s['ranks']))} --cases {s['cases']}`"
             f" (binary {info['binary']}; plan every {s['plan_every']} cases; TG-119: {s['tg119'] or 'no'}; worker --max-jobs {s['max_jobs']})",
             f"- commit: {info['commit']} (benchmark scripts); binary: {info.get('binary_built', 'unknown')}",
             f"- machine: {m['nproc']} cores, {m['cpu_model']}, {m['memory_gb']} GB RAM; {m['mpirun']}",
             f"- shared machine: load average {' '.join(m['loadavg_start'])} at the start, {' '.join(m.get('loadavg_end', []))} at the end;"
             " other users' load during each run in the table (cores busy outside this benchmark)",
             f"- cohort: {len(info['cohort'])} cases generated ({', '.join(sorted({c['size'] for c in info['cohort']}))}),"
             f" {max(r.get('cases', 0) for r in info['runs'])} with a job of an available kind; total time {number(info['elapsed_s'])} s"]
    for kind, why in info["skipped_kinds"].items():
        lines.append(f"- **{kind} jobs skipped**: {why}")
    lines += ["", f"![cases per hour vs ranks]({stem}.png)", "",
              "| ranks | jobs | makespan s | cases/h | jobs/h | latency median s | p95 s | turnaround p95 s | other load (cores) | rank busy (tasks+coord) | rank CPU | peak RSS MB per rank |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in info["runs"]:
        if not r.get("makespan_s"):
            lines.append(f"| {r['ranks']} | 0 | – | – | – | – | – | – | – | – | – | – |")
            continue
        busy = " / ".join(f"{v:.2f}" for v in r["rank_utilisation"].values())
        cpu = " / ".join(f"{v:.2f}" for v in r["rank_cpu_utilisation"].values())
        rss = " / ".join(f"{v:.0f}" for v in r["peak_rss_mb"].values())
        lines.append(f"| {r['ranks']} | {r['jobs_succeeded']} | {r['makespan_s']:.1f} | {r['cases_per_hour']:.0f} | {r['jobs_per_hour']:.0f} | "
                     f"{r['latency_s']['median']:.2f} | {r['latency_s']['p95']:.2f} | {r['turnaround_s']['p95']:.1f} | "
                     f"{r['background_cores']:.2f} | {busy} | {cpu} | {rss} |")
    lines += ["", "Per-stage time shares (sum over jobs of: task compute per phase from `/timings/tasks`; scheduling = round trip − compute;"
              " coordinator steps from its log):", "",
              "| stage | " + " | ".join(f"{r['ranks']} ranks" for r in info["runs"]) + " |",
              "|---|" + "---|" * len(info["runs"])]
    stages = sorted({k for r in info["runs"] for k in r.get("stage_shares", {})})
    for stage in stages:
        lines.append(f"| {stage} | " + " | ".join(f"{100 * r.get('stage_shares', {}).get(stage, 0):.1f} %" for r in info["runs"]) + " |")
    lines += ["", "Bytes moved over MPI per job (task messages + replies; median / max):", ""]
    for r in info["runs"]:
        parts = [f"{k} {v['median'] / 1e6:.2f} / {v['max'] / 1e6:.2f} MB" for k, v in r.get("mpi_bytes_per_job", {}).items()]
        lines.append(f"- {r['ranks']} ranks: {'; '.join(parts)}")
    model = info["model"]
    c = model["calibration"]
    lines += ["", "## Scaling model (benchmarks/throughput/model.py)", "",
              *([f"Model re-evaluated on the recorded traces at commit {info['model_commit']} (the measurements above are unchanged).", ""]
                if info.get("model_commit") else []),
              f"Calibrated on the runs with ≤ 2 ranks: coordinator time per task message {1e3 * c['coordinator_msg_s']:.2f} ms"
              f" (dispatch + receipt), worker codec {1e9 * c['codec_s_per_byte']:.2f} ns/byte, {model['calibrated_jobs']} jobs' task times and coordinator times.", "",
              "| ranks | measured makespan s | predicted s | error | measured cases/h | predicted cases/h | compute stretch (oversubscription) | used for calibration |",
              "|---|---|---|---|---|---|---|---|"]
    for v in model["validation"]:
        lines.append(f"| {v['ranks']} | {number(v['measured_makespan_s'], 1)} | {v['predicted_makespan_s']:.1f} | {number(v['makespan_error_pct'], 1)} % | "
                     f"{number(v['measured_cases_per_hour'])} | {number(v['predicted_cases_per_hour'])} | {v['stretch']:.2f} | {'yes' if v['calibration_run'] else 'no'} |")
    lines += ["", f"![model predictions]({stem}-model.png)", "",
              "| network | max-jobs | " + " | ".join(str(p["ranks"]) for p in model["scaling"][0]["points"]) + " | knee (ranks) | bottleneck past the knee |",
              "|---|---|" + "---|" * len(model["scaling"][0]["points"]) + "---|---|"]
    for curve in model["scaling"]:
        after = next((p for p in curve["points"] if curve["knee_ranks"] and p["ranks"] > curve["knee_ranks"]), curve["points"][-1])
        lines.append(f"| {curve['network']} | {curve['max_jobs']} | " + " | ".join(f"{p['cases_per_hour']:.0f}" for p in curve["points"]) +
                     f" | {curve['knee_ranks'] or '> ' + str(curve['points'][-1]['ranks'])} | {after['bottleneck']} (coordinator {after['coordinator_utilisation']:.0%} busy,"
                     f" {after['coordinator_io_share']:.0%} of it I/O; workers {after['worker_utilisation']:.0%};"
                     f" collective phases waiting or running {after.get('gang_share', 0):.0%} of the time; link {after['link_utilisation']:.0%}) |")
    for worlds in model["several_worlds"]:
        last = worlds["points"][-1]
        lines.append(f"\nSeveral coordinators ({worlds['network']}): one MPI world per {worlds['ranks_per_world']} ranks, all draining the"
                     f" same registry, gives {last['cases_per_hour']:.0f} cases/h on {last['ranks']} ranks (linear in the number of worlds"
                     " while the registry keeps up; see README).")
    lines.append("")
    return "\n".join(lines)
