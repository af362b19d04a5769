"""Performance suite (issue 7): the library's training step against the autograd formulation, the machine's
GEMM rate, peak memory at the paper's scale, and batched-grid throughput. One command:

    python benchmarks/bench_step.py [--sizes small paper] [--repeats 5] [--device cpu|cuda] [--skip-memory]

The step is one full-batch gradient step of f_L + f_Q on the regularised objective
(1/n)||g - y||^2 + lam_tr R_tr + lam_1 R_1 (R_1 on a fixed set of 100 inputs), float32.
The "authors' formulation" is the same mathematics written as in the authors' JAX code: the second-order
Taylor expansion of the network by nested forward-mode products (torch.func.jvp) over the flattened
parameters, and reverse-mode autograd for the gradient. Prints every figure with its ratio and writes
benchmarks/results/bench_step.json.
"""
import argparse, json, os, platform, resource, subprocess, sys, time
from pathlib import Path
import torch
from torch.func import jvp, grad_and_value
from ntk_escape.core import *
from ntk_escape.data import *
from ntk_escape.model import *
from ntk_escape.regulariser import make_objective

SIZES = dict(small=(40, 4000, 400), paper=(100, 10_000, 1000))
N_R1 = 100

def setup(d, m, n, device, seed=0, dtype=torch.float32):
    g = make_generator(seed)
    tgt = paper_target(d, "gaussian", g)
    net = init_network(d, m, generator=g, dtype=torch.float64)
    X, y = make_dataset(tgt, n, g, dtype=torch.float64)
    X1 = sample_inputs(N_R1, d, "gaussian", g, dtype=torch.float64)
    U = 0.01 * torch.randn(m, d, generator=g, dtype=torch.float64)
    dev = resolve_device(device)
    cast = lambda t: t.to(dev, dtype)
    net = net.to(dev, dtype)
    return net, cast(X), cast(y), cast(X1), cast(U)

def library_step_fn(net, X, y, X1, lam_tr=0.01, lam_1=1e-3, lr=1.0):
    obj = make_objective(net, X, y, "flq", lam_1=lam_1, lam_tr=lam_tr, n_k="d", dist="gaussian", r1_mode="fixed", X_r1=X1)
    def step(U):
        G, terms = obj.value_and_grad(U)
        return U - lr * G, terms["objective"]
    return step, obj

def autograd_step_fn(net, X, y, X1, td, lam_tr=0.01, lam_1=1e-3, lr=1.0):
    "The authors' formulation: Taylor terms by nested jvp over the flattened parameters, gradient by autograd"
    m, d = net.m, net.d
    theta0 = net.W0.reshape(-1)
    Ek = td.eigvecs; coefk = Ek / td.singvals.square()  # U_k S_k^-2
    from ntk_escape.ntk import ntk_cross_gram
    K1 = ntk_cross_gram(net, X1, X)
    Xall = torch.cat([X, X1])
    def f(theta): return (net.activation(Xall @ theta.view(m, d).T) * net.a).sum(-1)
    def loss(theta):
        dtheta = theta - theta0
        f0, f1 = jvp(f, (theta0,), (dtheta,))
        _, f2 = jvp(lambda t: jvp(f, (t,), (dtheta,))[1], (theta0,), (dtheta,))
        g = f0 + f1 + 0.5 * f2
        n = X.shape[0]
        fl, fl1 = f1[:n], f1[n:]
        r_tr = (fl - Ek @ (Ek.T @ fl)).square().mean()
        h = fl1 - K1 @ (coefk @ (Ek.T @ fl))
        return (g[:n] - y).square().mean() + lam_tr * r_tr + lam_1 * h.square().mean()
    gv = grad_and_value(loss)
    def step(U):
        G, val = gv(theta0 + U.reshape(-1))
        return U - lr * G.view(m, d), val
    return step

def timeit(fn, U, repeats, sync):
    U1, _ = fn(U); sync()  # warm-up
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter(); U1, _ = fn(U); sync(); ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2], U1

def gemm_rate(n_all, m, d, device, repeats, sync):
    "Measured fp32 rate of the step's two GEMM shapes: (n_all x d)(d x m) and (m x n_all)(n_all x d)"
    dev = resolve_device(device)
    A, B, M = torch.randn(n_all, d, device=dev), torch.randn(m, d, device=dev), torch.randn(n_all, m, device=dev)
    out = torch.empty(n_all, m, device=dev)
    def both():
        torch.matmul(A, B.T, out=out); return M.T @ A
    both(); sync()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter(); both(); sync(); ts.append(time.perf_counter() - t0)
    ts.sort()
    return 4 * n_all * m * d / ts[len(ts) // 2]

def bench_size(name, device, repeats, sync):
    d, m, n = SIZES[name]
    net, X, y, X1, U = setup(d, m, n, device)
    lib, obj = library_step_fn(net, X, y, X1)
    t_lib, U_lib = timeit(lib, U, repeats, sync)
    aut = autograd_step_fn(net, X, y, X1, obj.td)
    t_aut, U_aut = timeit(aut, U, max(2, repeats // 2), sync)
    agree = ((U_lib - U_aut).norm() / (U_lib - U).norm()).item()  # relative difference of the two updates
    flops = 4 * (n + N_R1) * m * d
    rate = gemm_rate(n + N_R1, m, d, device, repeats, sync)
    return dict(size=name, d=d, m=m, n=n, n_r1=N_R1, library_step_s=t_lib, autograd_step_s=t_aut, speedup=t_aut / t_lib,
                update_rel_diff=agree, gemm_flops_per_step=flops, achieved_gflops=flops / t_lib / 1e9,
                machine_gemm_gflops=rate / 1e9, fraction_of_gemm_rate=flops / t_lib / rate)

def bench_batched(device, repeats, sync, B=6, steps=5):
    "Throughput of B runs as one batched program against B runs one at a time (steps per second of all runs)"
    d, m, n = SIZES["small"]
    net, X, y, X1, U = setup(d, m, n, device)
    lam = torch.logspace(-5, -1, B, dtype=X.dtype, device=X.device)
    bnet = TwoLayerNet(net.W0[None], net.a[None], net.activation)
    objb = make_objective(bnet, X[None], y[None], "flq", lam_1=lam, lam_tr=0.01, n_k="d", dist="gaussian", r1_mode="fixed", X_r1=X1)
    Ub = U.expand(B, m, d).clone()
    def batched():
        V = Ub
        for _ in range(steps): G, _ = objb.value_and_grad(V); V = V - G
        return V
    objs = [make_objective(net, X, y, "flq", lam_1=float(l), lam_tr=0.01, n_k="d", dist="gaussian", r1_mode="fixed", X_r1=X1, td=objb.td.__class__(objb.td.X[0], objb.td.eigvecs[0], objb.td.singvals[0], objb.td.eigvals_all[0])) for l in lam]
    def sequential():
        out = []
        for o in objs:
            V = U
            for _ in range(steps): G, _ = o.value_and_grad(V); V = V - G
            out.append(V)
        return torch.stack(out)
    batched(); sequential(); sync()
    tb = min(_t(batched, sync) for _ in range(repeats)); ts = min(_t(sequential, sync) for _ in range(repeats))
    diff = ((batched() - sequential()).norm() / (Ub - batched()).norm()).item()
    return dict(runs=B, steps=steps, batched_s=tb, sequential_s=ts, throughput_ratio=ts / tb, rel_diff=diff)

def _t(fn, sync):
    t0 = time.perf_counter(); fn(); sync(); return time.perf_counter() - t0

MEMORY_SCRIPT = r"""
import resource, sys, time, torch, json
from ntk_escape.training import *
from ntk_escape.reproduce import reproduce_config
cfg = reproduce_config("paper")
tc = TrainConfig.from_dict(cfg["train"].to_dict() | dict(steps=int(sys.argv[1]), log_points=2, check_every=10**9))
t0 = time.perf_counter()
problem = make_problem(cfg["problem"], [1], cfg["target"], "cpu", tc.dtype)
grid = {k: v[:int(sys.argv[2])] for k, v in cfg["grid"].items()}
res = train(problem, tc, grid, progress=False)
print(json.dumps(dict(steps=tc.steps, runs=len(res.runs), seconds=time.perf_counter() - t0,
                      peak_rss_gib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)))
"""

def bench_memory(steps=5, lambdas=1):
    "Peak resident memory of a paper-scale run (one seed, `lambdas` values of the grid batched, top directions and test set included)"
    res = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(steps), str(lambdas)], capture_output=True, text=True)
    if res.returncode != 0: return dict(error=res.stderr.strip().splitlines()[-1] if res.stderr else "failed")
    return json.loads(res.stdout.strip().splitlines()[-1])

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", default=["small", "paper"], choices=list(SIZES))
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--device", default="cpu")
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--out", default=str(Path(__file__).parent / "results" / "bench_step.json"))
    a = p.parse_args(argv)
    dev = resolve_device(a.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    machine = dict(device=str(dev), name=torch.cuda.get_device_name(dev) if dev.type == "cuda" else platform.processor() or platform.machine(),
                   torch_threads=torch.get_num_threads(), cpus=os.cpu_count(), torch=torch.__version__,
                   load_avg=os.getloadavg()[0])
    print(f"machine: {machine}")
    out = dict(machine=machine, steps=[])
    for s in a.sizes:
        r = bench_size(s, a.device, a.repeats, sync); out["steps"].append(r)
        print(f"[{s}] d={r['d']} m={r['m']} n={r['n']}: library step {r['library_step_s']*1e3:.1f} ms, autograd formulation "
              f"{r['autograd_step_s']*1e3:.1f} ms -> speed-up {r['speedup']:.1f}x (target >= 5x); updates agree to {r['update_rel_diff']:.1e}")
        print(f"[{s}] achieved {r['achieved_gflops']:.1f} GFLOP/s of GEMM work vs the machine's {r['machine_gemm_gflops']:.1f} GFLOP/s "
              f"for the same shapes -> {100*r['fraction_of_gemm_rate']:.0f}% (target >= 50% at paper size)")
    b = bench_batched(a.device, max(2, a.repeats // 2), sync); out["batched"] = b
    print(f"[batched] {b['runs']} runs x {b['steps']} steps: batched {b['batched_s']:.2f} s vs one at a time {b['sequential_s']:.2f} s "
          f"-> throughput ratio {b['throughput_ratio']:.2f}x (results agree to {b['rel_diff']:.1e})")
    if not a.skip_memory and dev.type == "cpu":
        out["memory"] = []
        for lams in (1, 6):
            mem = bench_memory(lambdas=lams); out["memory"].append(mem)
            print(f"[memory] paper-scale run ({mem.get('runs')} run(s) batched, {mem.get('steps')} steps, top directions and 10 000 test points included): "
                  f"peak RSS {mem.get('peak_rss_gib', float('nan')):.2f} GiB" + (" (target <= 2 GB = 1.86 GiB)" if lams == 1 else ""))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=2))
    print(f"wrote {a.out}")

if __name__ == "__main__": main()
