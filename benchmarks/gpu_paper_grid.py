"""The authors' full grid on one GPU (issue 7.5): 6 lambda x 5 seeds x 20 000 steps at d = 100, n = 1000,
m = 10 000, as one batched program. Reports wall time, peak GPU memory and the final test losses.

    python benchmarks/gpu_paper_grid.py --device cuda                      # the real thing (target <= 10 min on an H200)
    python benchmarks/gpu_paper_grid.py --device cuda --fused              # elementwise passes fused by torch.compile (Triton)
    python benchmarks/gpu_paper_grid.py --device cpu --small --steps 40    # the same script at a tiny size, on the CPU

Writes <out>/gpu_paper_grid.json beside run_reproduce's own files (config.json, metrics.csv, summary.csv, figure.png).
"""
import argparse, json, platform, time
from pathlib import Path
import torch
from ntk_escape.core import resolve_device
from ntk_escape.reproduce import run_reproduce

SMALL = dict(d=20, m=400, n=89, n_test=500)  # n = floor(d^1.5), as in the paper

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--steps", type=int, default=None, help="override T (default: the paper's 20 000)")
    p.add_argument("--small", action="store_true", help="tiny problem sizes, to test the script on a CPU")
    p.add_argument("--tf32", action="store_true", help="allow TF32 matrix products on the GPU (faster, ~1e-3 relative error)")
    p.add_argument("--fused", action="store_true", help="fuse the elementwise passes with torch.compile (Triton on the GPU)")
    p.add_argument("--out", default=None)
    a = p.parse_args(argv)
    dev = resolve_device(a.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.cuda.reset_peak_memory_stats(dev)
    out = Path(a.out or ("results/reproduce_paper_" + ("small_" if a.small else "") + dev.type))
    t0 = time.perf_counter()
    res = run_reproduce("paper", device=str(dev), out=out, progress=True,
                        overrides=dict(steps=a.steps) if a.steps else None,
                        problem_overrides=SMALL if a.small else None, fused=a.fused)
    if dev.type == "cuda": torch.cuda.synchronize(dev)
    wall = time.perf_counter() - t0
    report = dict(device=str(dev), device_name=torch.cuda.get_device_name(dev) if dev.type == "cuda" else platform.machine(),
                  torch=torch.__version__, tf32=bool(a.tf32 and dev.type == "cuda"), fused=a.fused, small=a.small,
                  steps=res["config"]["train"]["steps"], runs=len({(r["seed"], r["lam_1"]) for r in res["logs"]}),
                  wall_seconds=wall, train_seconds=res["train_seconds"],
                  peak_gpu_memory_gib=torch.cuda.max_memory_allocated(dev) / 2**30 if dev.type == "cuda" else None,
                  summary=res["summary"], ratios=res["ratios"])
    (out / "gpu_paper_grid.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"{report['runs']} runs x {report['steps']} steps on {report['device_name']}: wall {wall:.1f} s "
          f"(training {res['train_seconds']:.1f} s), peak GPU memory {report['peak_gpu_memory_gib'] or 0:.2f} GiB")
    for row in res["summary"]:
        print({k: row[k] for k in row if k in ("label", "method", "test_loss_mean", "test_loss_std", "r_1_mean")})
    print(f"wrote {out / 'gpu_paper_grid.json'}")

if __name__ == "__main__": main()
