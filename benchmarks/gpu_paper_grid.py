"""The authors' grid on one GPU: 6 lambda x 3 seeds at gradient time 20 000 (lr 4 x 5000 steps; lambda = 0.1 at
lr 2 x 10 000) at d = 100, n = 1000, m = 10 000, all seeds as one batched program per schedule, in the published
figure's units (issue 11). Reports wall time, peak GPU memory and the per-lambda test losses.

    python benchmarks/gpu_paper_grid.py --device cuda                      # the real thing
    python benchmarks/gpu_paper_grid.py --device cuda --lr 1 --steps 20000 # the authors' own schedule
    python benchmarks/gpu_paper_grid.py --device cuda --fused              # elementwise passes fused by torch.compile (Triton)
    python benchmarks/gpu_paper_grid.py --device cuda --one-program        # all 18 runs as one program (per-lambda strides)
    python benchmarks/gpu_paper_grid.py --device cpu --small --steps 40    # the same script at a tiny size, on the CPU

Writes <out>/gpu_paper_grid.json beside run_reproduce's own files (config.json, metrics.csv, summary.csv, figure.png).
"""
import argparse, json, platform, time
from pathlib import Path
import torch
from ntk_escape.core import resolve_device
from ntk_escape.experiments.reproduce import run_reproduce

SMALL = dict(d=20, m=400, n=89, n_test=500)  # n = floor(d^1.5), as in the paper

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--steps", type=int, default=None, help="override T (default 5000)")
    p.add_argument("--lr", type=float, default=None, help="override the learning rate (default 4)")
    p.add_argument("--seeds", type=int, nargs="+", default=None, help="override the seeds (default 1 11 111)")
    p.add_argument("--convention", default="figure", help="figure (default) or committed")
    p.add_argument("--bf16", action="store_true", help="bfloat16 inputs to the two large products")
    p.add_argument("--small", action="store_true", help="tiny problem sizes, to test the script on a CPU")
    p.add_argument("--tf32", action="store_true", help="allow TF32 matrix products on the GPU (faster, ~1e-3 relative error)")
    p.add_argument("--fused", action="store_true", help="fuse the elementwise passes with torch.compile (Triton on the GPU)")
    p.add_argument("--one-program", action="store_true", help="the whole grid as one batched program (each lambda at its own schedule)")
    p.add_argument("--out", default=None)
    a = p.parse_args(argv)
    dev = resolve_device(a.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.cuda.reset_peak_memory_stats(dev)
    out = Path(a.out or ("results/reproduce_paper_" + ("small_" if a.small else "") + ("one_" if a.one_program else "") + dev.type))
    t0 = time.perf_counter()
    res = run_reproduce("paper", device=str(dev), out=out, progress=True, seeds=a.seeds, convention=a.convention, lr=a.lr,
                        steps=a.steps, gemm_dtype="bfloat16" if a.bf16 else "same",
                        problem_overrides=SMALL if a.small else None, fused=a.fused,
                        one_program=a.one_program)
    if dev.type == "cuda": torch.cuda.synchronize(dev)
    wall = time.perf_counter() - t0
    report = dict(device=str(dev), device_name=torch.cuda.get_device_name(dev) if dev.type == "cuda" else platform.machine(),
                  torch=torch.__version__, tf32=bool(a.tf32 and dev.type == "cuda"), fused=a.fused, bf16=a.bf16, small=a.small, one_program=a.one_program,
                  steps=res["config"]["train"]["steps"], runs=len({(r["seed"], r["lam"]) for r in res["logs"]}),
                  wall_seconds=wall, train_seconds=res["train_seconds"],
                  peak_gpu_memory_gib=torch.cuda.max_memory_allocated(dev) / 2**30 if dev.type == "cuda" else None,
                  summary=res["summary"], ratios=res["ratios"])
    (out / "gpu_paper_grid.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"{report['runs']} runs x {report['steps']} steps on {report['device_name']}: wall {wall:.1f} s "
          f"(training {res['train_seconds']:.1f} s), peak GPU memory {report['peak_gpu_memory_gib'] or 0:.2f} GiB")
    for row in res["summary"]:
        print({k: row[k] for k in row if k in ("method", "lam", "lr", "steps", "test_loss_mean", "test_loss_std", "published_test_loss")})
    print(f"wrote {out / 'gpu_paper_grid.json'}")

if __name__ == "__main__": main()
