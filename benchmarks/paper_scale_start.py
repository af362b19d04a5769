"""Start the authors' paper-scale configuration on the CPU for a few hundred steps: step time and peak memory.

The configuration is exactly `reproduce_config('paper')` (d = 100, n = 1000, m = 10 000, n_test = 10 000,
f_L + f_Q, lr = 1, lam_tr = 0.01, the lam_1 grid of six values, fresh R_1 inputs of 100 points per step) except
for the number of steps and, in the first part, the number of seeds. Usage:

    python benchmarks/paper_scale_start.py [--steps 200] [--seeds 1] [--full-grid-steps 4] [--threads N] [--full-grid-only]

Part 1 times one seed's six runs over `--steps` steps; part 2 the full 30-run grid over a few steps (step times
leave out the steps that include a test-set evaluation).

Writes benchmarks/results/paper_scale_start.json.
"""
import argparse, json, os, platform, resource, sys, time
from pathlib import Path
import torch
from ntk_escape.core import *
from ntk_escape.training import *
from ntk_escape.experiments.reproduce import reproduce_config

def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # ru_maxrss is in KiB on Linux

def timed_run(seeds, steps, log_points, device):
    cfg = reproduce_config("paper")
    tc = TrainConfig.from_dict(cfg["train"].to_dict() | dict(steps=steps, log_points=log_points, check_every=10**9))
    t0 = time.perf_counter()
    problem = make_problem(cfg["problem"], seeds, cfg["target"], device, tc.dtype)
    t_problem = time.perf_counter() - t0
    stamps = []
    res = train(problem, tc, cfg["grid"], progress=False, callback=lambda step, gd: stamps.append(time.perf_counter()))
    total = time.perf_counter() - t0
    # step times between consecutive callbacks, leaving out steps that include a test evaluation (logged steps)
    logged = set(log_steps(steps, log_points))
    dts = [b - a for i, (a, b) in enumerate(zip(stamps, stamps[1:]), start=2) if (i - 1) not in logged]
    dts.sort()
    final = [r for r in res.logs if r["step"] == steps]
    return dict(seeds=list(seeds), runs=len(res.runs), steps=steps, setup_seconds=round(t_problem, 2),
                total_seconds=round(total, 1), train_loop_seconds=round(res.seconds, 1),
                step_seconds_median=round(dts[len(dts) // 2], 4) if dts else None,
                step_seconds_min=round(dts[0], 4) if dts else None,
                train_loss_final_mean=sum(r["train_loss"] for r in final) / len(final),
                test_loss_final_mean=sum(r["test_loss"] for r in final) / len(final),
                peak_rss_gib_after=round(peak_rss_gib(), 2))

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=200); p.add_argument("--seeds", type=int, nargs="+", default=[1])
    p.add_argument("--full-grid-steps", type=int, default=4)
    p.add_argument("--full-grid-only", action="store_true", help="rerun part 2 only, keeping part 1 of an existing output"); p.add_argument("--threads", type=int, default=None)
    p.add_argument("--device", default="cpu"); p.add_argument("--out", default=str(Path(__file__).parent / "results" / "paper_scale_start.json"))
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    out = dict(machine=dict(cpu_threads=torch.get_num_threads(), os_cpus=os.cpu_count(), torch=torch.__version__, python=platform.python_version(),
                            load_average_at_start=os.getloadavg()),
               config=reproduce_config("paper")["problem"].to_dict(), note="CPU timings on a shared machine are indicative only")
    if a.full_grid_only and Path(a.out).exists(): out["one_seed"] = json.loads(Path(a.out).read_text())["one_seed"]
    else:
        print("part 1: one seed, the six-point lam_1 grid,", a.steps, "steps", flush=True)
        out["one_seed"] = timed_run(a.seeds, a.steps, 3, a.device); print(out["one_seed"], flush=True)
    if a.full_grid_steps > 0:
        print("part 2: the full grid (5 seeds x 6 weights),", a.full_grid_steps, "steps", flush=True)
        out["full_grid"] = timed_run(reproduce_config("paper")["seeds"], a.full_grid_steps, 2, a.device); print(out["full_grid"], flush=True)
    out["peak_rss_gib"] = round(peak_rss_gib(), 2)
    out["load_average_at_end"] = os.getloadavg()
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=2)); print("wrote", a.out)

if __name__ == "__main__": main()
