"""Prints one TG-119 run's figures: normalisation factor, peak RSS, wall time, load averages, stage seconds, and
PTV (OuterTarget) D95/D10/Dmean, Core D10/Dmean, HI, Paddick CI from the result file (h5py),
the correction rounds and their model mismatch (also in the target edge shell and interior, and D95 model vs MC).
Usage: metrics.py NAME RTCLUSTER_HOME LOG"""
import glob, json, re, sys
import h5py

name, home, log_path = sys.argv[1:4]
log = open(log_path).read()
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", log)
wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", log)
loads = re.findall(r"load ([\d. ]+)", log)
files = glob.glob(f"{home}/store/results/job-*/*.h5")
if not files:
    sys.exit(f"{name}: no result file")
with h5py.File(files[0], "r") as f:
    a = dict(f.attrs)
m = json.loads(a["metrics_json"])
stages = {k[len("stage_seconds_"):]: round(float(v), 1) for k, v in a.items() if k.startswith("stage_seconds_")}
s = {x["name"]: x for x in m["structures"]}
t, c = s["OuterTarget"], s["Core"]
print(f"{name}: PTV D95 {t['d95_gy']:.2f} D10 {t['d10_gy']:.2f} Dmean {t['dmean_gy']:.2f} | Core D10 {c['d10_gy']:.2f} "
      f"Dmean {c['dmean_gy']:.2f} | HI {m['plan']['homogeneity_index']:.3f} CI {m['plan']['paddick_ci']:.3f} | "
      f"factor {float(a['normalisation_factor']):.4f} | goals {sum(g['passed'] for g in m['goals'])}/{len(m['goals'])}")
mismatch = [round(float(x), 4) for x in a.get("model_mismatch_relative", [])]
sigma = f" | final dose mean σ/D in the target {float(a['target_relative_uncertainty']):.2%}" if "target_relative_uncertainty" in a else ""
print(f"  correction rounds {int(a.get('correction_iterations', 1))} | model mismatch (MC - model)/MC per round {mismatch}{sigma}")
def series(key, digits=4):
    return [round(float(x), digits) for x in a.get(key, [])]
if "model_mismatch_edge_relative" in a:
    # per Monte Carlo recomputation: correction rounds 1..n (round 1 against the pencil beam alone), then the final dose
    print(f"  target edge shell ({float(a['target_edge_fraction']):.3f} of the target) vs interior, (MC - model)/MC per recomputation: "
          f"edge {series('model_mismatch_edge_relative')} interior {series('model_mismatch_interior_relative')}")
    print(f"  D95 model {series('model_target_d95_gy', 2)} MC {series('monte_carlo_target_d95_gy', 2)} | "
          f"edge share of the coldest 5 % (MC) {series('monte_carlo_coldest_edge_share', 3)}")
if "optimizer_iterations_per_round" in a:
    its = [int(x) for x in a['optimizer_iterations_per_round']]
    secs = [float(x) for x in a.get('optimizer_seconds_per_round', [])]
    evals = [int(x) for x in a.get('optimizer_evaluations_per_round', [])]
    per = [f"{1000 * s / max(i, 1):.1f}" for s, i in zip(secs, its)]
    print(f"  optimiser per round: iterations {its}, evaluations {evals}, minimisation s {[round(x, 2) for x in secs]}, ms per iteration {per}")
print(f"  stages {stages} | wall {wall.group(1) if wall else '?'} | peak RSS {int(rss.group(1)) / 1e6 if rss else 0:.2f} GB | load {loads}")
