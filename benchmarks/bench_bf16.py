"""Mixed precision at the paper's size (issue 11, item 5): the fused training step of the reproduction's objective
(loss + lam_tr R_tr, the figure's units) with float32 products against bfloat16 inputs to its two large products,
and the bare pair of GEMMs in both dtypes, at 1 and 2 threads. One command, on a quiet machine:

    python benchmarks/bench_bf16.py [--size paper] [--repeats 9] [--threads 1 2]

Writes benchmarks/results/bench_bf16.json; the effect on test losses is measured on whole runs in notebook 13.
"""
import argparse, json, os, platform, sys
from pathlib import Path
os.environ.setdefault("OMP_WAIT_POLICY", "ACTIVE")
import torch
sys.path.insert(0, str(Path(__file__).parent))
from bench_step import SIZES, setup, interleaved, median
from ntk_escape.regulariser import make_objective

def step_fn(net, X, y, gemm_dtype, td=None, lam_tr=10.0, lr=4.0):
    "One fused gradient step of the figure-convention objective (lam = 1e-2 at n = 1000 is lam_tr = 10)"
    obj = make_objective(net, X, y, "flq", lam_tr=lam_tr, n_k="d", fused=True, gemm_dtype=gemm_dtype, td=td)
    def step(U):
        G, terms = obj.value_and_grad(U)
        return torch.add(U, G, alpha=-lr)
    return step, obj

def gemm_pair(n, m, d, dtype):
    "The step's two product shapes, (n x d)(d x m) and (m x n)(n x d), with inputs in `dtype`"
    A, B, M = (torch.randn(*s).to(dtype) for s in ((n, d), (m, d), (n, m)))
    return lambda U: (torch.matmul(A, B.T), M.T @ A)

def bench(size, threads, repeats):
    torch.set_num_threads(threads)
    d, m, n = SIZES[size]
    net, X, y, _, U = setup(d, m, n, "cpu")
    f32, obj = step_fn(net, X, y, "same")
    b16, _ = step_fn(net, X, y, "bfloat16", td=obj.td)
    t = interleaved(dict(fp32=f32, bf16=b16, gemm_fp32=gemm_pair(n, m, d, torch.float32),
                         gemm_bf16=gemm_pair(n, m, d, torch.bfloat16)), U, repeats, 3, lambda: None)
    U32, U16 = f32(U), b16(U)
    flops = 4 * n * m * d
    s = {k: median(v) for k, v in t.items()}
    return dict(size=size, d=d, m=m, n=n, threads=threads, step_fp32_s=s["fp32"], step_bf16_s=s["bf16"],
                step_speedup=s["fp32"] / s["bf16"], gemm_fp32_gflops=flops / s["gemm_fp32"] / 1e9,
                gemm_bf16_gflops=flops / s["gemm_bf16"] / 1e9, gemm_speedup=s["gemm_fp32"] / s["gemm_bf16"],
                update_rel_diff=((U16 - U32).norm() / (U32 - U).norm()).item(), rounds=repeats, per_round=t)

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="paper", choices=list(SIZES)); p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--out", default=str(Path(__file__).parent / "results" / "bench_bf16.json"))
    a = p.parse_args()
    rows = []
    for th in a.threads:
        r = bench(a.size, th, a.repeats); rows.append(r)
        print(f"{a.size}, {th} thread(s): step fp32 {r['step_fp32_s'] * 1e3:.1f} ms, bf16 {r['step_bf16_s'] * 1e3:.1f} ms "
              f"({r['step_speedup']:.2f}x); GEMM pair {r['gemm_fp32_gflops']:.0f} vs {r['gemm_bf16_gflops']:.0f} GFLOP/s "
              f"({r['gemm_speedup']:.2f}x); update rel. diff {r['update_rel_diff']:.1e}")
    machine = dict(cpu=platform.processor() or platform.machine(), cpus=os.cpu_count(), torch=torch.__version__,
                   load_avg=os.getloadavg()[0], omp_wait_policy=os.environ["OMP_WAIT_POLICY"])
    Path(a.out).write_text(json.dumps(dict(machine=machine, rows=rows), indent=1))
    print("wrote", a.out)
