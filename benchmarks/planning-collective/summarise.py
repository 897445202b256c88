"""Summarises the collective optimisation of a plan result file (rtcluster plan job)."""
import json
import sys

import h5py

with h5py.File(sys.argv[1], "r") as f:
    attrs = f.attrs
    metrics = json.loads(attrs["metrics_json"])
    phases = attrs["timings_phase_names"].split(",")
    phase = phases.index("optimisation")
    rows = [r for r in f["/timings/tasks"][()] if int(r[0]) == phase]
    beamlets = int(attrs["beamlet_count"])
    nz = f["/dose/total"].shape[0]
    blocks = min(16, nz)
    iterations = metrics["optimizer"]["iterations"]
    members = len(rows)
    seconds = max(r[3] for r in rows)
    per_evaluation = 8 * blocks * (beamlets + 1)
    print(f"members {members}, ranks {int(attrs['ranks'])}, beamlets {beamlets}, z-blocks {blocks}, nonzeros {int(attrs['nonzeros'])}")
    print(f"iterations {iterations} (stop: {metrics['optimizer']['stop_reason']}), "
          f"cost {metrics['optimizer']['objective_initial']:.6g} -> {metrics['optimizer']['objective_final']:.6g}")
    print("member task seconds " + ", ".join(f"{r[3]:.2f} (rank {int(r[2])}, {int(r[5])} bytes in)" for r in rows)
          + f"; {1000 * seconds / max(iterations, 1):.1f} ms per iteration")
    print(f"stage seconds: influence {attrs['stage_seconds_influence']:.1f}, optimisation {attrs['stage_seconds_optimisation']:.1f} "
          f"(coordinator set-up + dispatch + members)")
    if members > 1:
        print(f"bytes per evaluation: each member sends and receives {per_evaluation} (member 0: {members - 1} x that); "
              "squared terms only, so no statistics rounds")
    else:
        print("one member: no messages")
