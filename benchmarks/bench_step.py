"""Performance suite (issue 7): the library's training step against the autograd formulation, the machine's
GEMM rate, peak memory at the paper's scale, and batched-grid throughput. One command:

    python benchmarks/bench_step.py [--sizes small paper] [--repeats 9] [--device cpu|cuda] [--skip-memory]

The step is one full-batch gradient step of f_L + f_Q on the regularised objective
(1/n)||g - y||^2 + lam_tr R_tr + lam_1 R_1 (R_1 on a fixed set of 100 inputs), float32, timed twice: with the
eager elementwise passes (the default) and with them fused by torch.compile (`fused=True`). The step, its fused
variant and the bare pair of GEMMs are timed in interleaved rounds (best of 3 calls each per round); the fraction
of the machine's GEMM rate is the median over rounds of (GEMM-pair time / step time), both doing the same
4 (n + n') m d flops. What separates the step from the GEMM rate is the elementwise work on (n, m) arrays, which is
memory-bound: 16 array passes eager, 7 fused.
The "authors' formulation" is the same mathematics written as in the authors' JAX code: the second-order
Taylor expansion of the network by nested forward-mode products (torch.func.jvp) over the flattened
parameters, and reverse-mode autograd for the gradient. Prints every figure with its ratio and writes
benchmarks/results/bench_step.json.
"""
import argparse, json, os, platform, resource, subprocess, sys, time
from pathlib import Path
# Idle OpenMP threads spin briefly (the libgomp default) unless the caller chose otherwise: right for a benchmark on a
# quiet machine; on a shared machine set OMP_WAIT_POLICY=PASSIVE (the test suite does).
os.environ.setdefault("OMP_WAIT_POLICY", "ACTIVE")
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

def library_step_fn(net, X, y, X1, lam_tr=0.01, lam_1=1e-3, lr=1.0, fused=False, td=None):
    obj = make_objective(net, X, y, "flq", lam_1=lam_1, lam_tr=lam_tr, n_k="d", dist="gaussian", r1_mode="fixed", X_r1=X1,
                         fused=fused, td=td)
    def step(U):
        G, terms = obj.value_and_grad(U)
        return torch.add(U, G, alpha=-lr), terms["objective"]   # the update of GradientDescent
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

def gemm_pair(n_all, m, d, device):
    "The step's two GEMM shapes on fresh fp32 data: (n_all x d)(d x m) into a buffer, then (m x n_all)(n_all x d)"
    dev = resolve_device(device)
    A, B, M = torch.randn(n_all, d, device=dev), torch.randn(m, d, device=dev), torch.randn(n_all, m, device=dev)
    out = torch.empty(n_all, m, device=dev)
    def both():
        torch.matmul(A, B.T, out=out); return M.T @ A
    return both

def interleaved(fns, U, rounds, reps, sync):
    "Per round, the best of `reps` calls of each function in turn (interleaving cancels drifts of a shared machine)"
    for f in fns.values(): f(U); sync()
    out = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter(); f(U); sync(); ts.append(time.perf_counter() - t0)
            out[k].append(min(ts))
    return out

median = lambda xs: sorted(xs)[len(xs) // 2]

def bench_size(name, device, repeats, sync):
    d, m, n = SIZES[name]
    net, X, y, X1, U = setup(d, m, n, device)
    lib, obj = library_step_fn(net, X, y, X1)
    fus, _ = library_step_fn(net, X, y, X1, fused=True, td=obj.td)
    t0 = time.perf_counter(); fus(U); sync(); t_compile = time.perf_counter() - t0   # compiles (or loads Inductor's cache)
    gemm = gemm_pair(n + N_R1, m, d, device)
    t = interleaved(dict(eager=lib, fused=fus, gemm=lambda U: gemm()), U, repeats, 3, sync)
    aut = autograd_step_fn(net, X, y, X1, obj.td)
    t_aut = median(interleaved(dict(a=aut), U, max(2, repeats // 3), 1, sync)["a"])
    U_aut, U_lib, U_fus = aut(U)[0], lib(U)[0], fus(U)[0]
    rel = lambda A: ((A - U_aut).norm() / (U_aut - U).norm()).item()   # relative difference of two updates
    flops = 4 * (n + N_R1) * m * d
    t_lib, t_fus, t_gemm = median(t["eager"]), median(t["fused"]), median(t["gemm"])
    frac = lambda k: median([g / s for g, s in zip(t["gemm"], t[k])])   # per round: GEMM time / step time
    return dict(size=name, d=d, m=m, n=n, n_r1=N_R1, library_step_s=t_lib, fused_step_s=t_fus, fused_first_call_s=t_compile,
                autograd_step_s=t_aut, speedup=t_aut / t_lib, speedup_fused=t_aut / t_fus,
                update_rel_diff=rel(U_lib), update_rel_diff_fused=rel(U_fus), gemm_flops_per_step=flops,
                achieved_gflops=flops / t_lib / 1e9, achieved_gflops_fused=flops / t_fus / 1e9, gemm_pair_s=t_gemm,
                machine_gemm_gflops=flops / t_gemm / 1e9, fraction_of_gemm_rate=frac("eager"),
                fraction_of_gemm_rate_fused=frac("fused"), rounds=repeats, per_round=t)

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
from ntk_escape.experiments.reproduce import reproduce_config
cfg = reproduce_config("paper")
tc = TrainConfig.from_dict(cfg["train"].to_dict() | dict(steps=int(sys.argv[1]), log_points=2, check_every=10**9))
t0 = time.perf_counter()
problem = make_problem(cfg["problem"], [1], cfg["target"], "cpu", tc.dtype)
grid = {k: v[:int(sys.argv[2])] for k, v in cfg["grid"].items()}
res = train(problem, tc, grid, progress=False)
def peak_rss_gib():
    # VmHWM is the peak of this process image; ru_maxrss may carry the parent's peak over a fork + exec
    try: return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 2**20
    except (OSError, StopIteration): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
print(json.dumps(dict(steps=tc.steps, runs=len(res.runs), seconds=time.perf_counter() - t0, peak_rss_gib=peak_rss_gib())))
"""

def bench_memory(steps=5, lambdas=1):
    "Peak resident memory of a paper-scale run (one seed, `lambdas` values of the grid batched, top directions and test set included)"
    res = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(steps), str(lambdas)], capture_output=True, text=True)
    if res.returncode != 0: return dict(error=res.stderr.strip().splitlines()[-1] if res.stderr else "failed")
    return json.loads(res.stdout.strip().splitlines()[-1])

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", default=["small", "paper"], choices=list(SIZES))
    p.add_argument("--repeats", type=int, default=9, help="rounds of interleaved timings (each the best of 3 calls)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--out", default=str(Path(__file__).parent / "results" / "bench_step.json"))
    a = p.parse_args(argv)
    dev = resolve_device(a.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    machine = dict(device=str(dev), name=torch.cuda.get_device_name(dev) if dev.type == "cuda" else platform.processor() or platform.machine(),
                   torch_threads=torch.get_num_threads(), cpus=os.cpu_count(), torch=torch.__version__,
                   load_avg=os.getloadavg()[0], omp_wait_policy=os.environ.get("OMP_WAIT_POLICY"))
    print(f"machine: {machine}")
    out = dict(machine=machine, steps=[])
    for s in a.sizes:
        r = bench_size(s, a.device, a.repeats, sync); out["steps"].append(r)
        print(f"[{s}] d={r['d']} m={r['m']} n={r['n']}: autograd formulation {r['autograd_step_s']*1e3:.1f} ms; library step "
              f"{r['library_step_s']*1e3:.1f} ms eager -> speed-up {r['speedup']:.1f}x, {r['fused_step_s']*1e3:.1f} ms fused "
              f"(first call {r['fused_first_call_s']:.1f} s) -> {r['speedup_fused']:.1f}x (target >= 5x); "
              f"updates agree to {r['update_rel_diff']:.1e} / {r['update_rel_diff_fused']:.1e}")
        print(f"[{s}] GEMM work at {r['achieved_gflops']:.1f} GFLOP/s eager, {r['achieved_gflops_fused']:.1f} GFLOP/s fused, vs the "
              f"machine's {r['machine_gemm_gflops']:.1f} GFLOP/s for the same shapes -> {100*r['fraction_of_gemm_rate']:.0f}% eager, "
              f"{100*r['fraction_of_gemm_rate_fused']:.0f}% fused (target >= 50% at paper size)")
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
