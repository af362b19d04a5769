"""Benchmark of the top directions and the projector at the authors' scale.

d = 100, n = 1000 training points, m = 10 000, Gaussian inputs, float32 network (the Gram and its
eigendecomposition are float64 inside `top_directions`). Computes the top directions for n_k = d and
n_k = B(d, 1) = d + 1, then P_perp U for a random movement U, and reports wall times and the peak
resident memory of the process (torch's import included). The dense Jacobian would take 4 GB here.

Run: `python benchmarks/bench_spectrum.py [--threads 2] [--out benchmarks/results/spectrum_bench.json]`
"""
import argparse, json, os, platform, resource, sys, time
from pathlib import Path

def peak_rss_gb() -> float:
    "Peak resident set size of this process so far, in GB (ru_maxrss is in KB on Linux)"
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--d", type=int, default=100)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--m", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(Path(__file__).parent / "results" / "spectrum_bench.json"))
    args = p.parse_args(argv)
    t_start = time.perf_counter()
    import torch
    torch.set_num_threads(args.threads)
    from ntk_escape.core import make_generator
    from ntk_escape.data import sample_inputs, low_degree_dim
    from ntk_escape.model import init_network, linear_term
    from ntk_escape.ntk import top_directions
    from ntk_escape.spectrum import empirical_spectrum, limit_eigenvalues, assign_plateaus
    rss_import = peak_rss_gb()
    t_import = time.perf_counter() - t_start

    g = make_generator(args.seed)
    net = init_network(args.d, args.m, generator=g)           # float32, as the authors' experiment
    X = sample_inputs(args.n, args.d, "gaussian", g)
    U = torch.randn(args.m, args.d, generator=g) * (args.m ** 0.25 / (args.m * args.d) ** 0.5)  # |U|_F ~ m^(1/4)
    res = dict(config=vars(args) | dict(torch=torch.__version__, python=platform.python_version(), machine=platform.machine(),
                                        omp_wait_policy=os.environ.get("OMP_WAIT_POLICY")),
               import_s=t_import, peak_rss_after_import_gb=rss_import)
    for name, n_k in (("n_k=d", args.d), ("n_k=B(d,1)", low_degree_dim(args.d, 1))):
        t0 = time.perf_counter()
        td = top_directions(net, X, n_k=n_k)
        t1 = time.perf_counter()
        Up = td.project_perp(net, U)
        t2 = time.perf_counter()
        # sanity: P_perp is a projector and removes the top components of the training predictions
        idem = (td.project(net, Up).norm() / U.norm()).item()
        top_left = (td.eigvecs.T @ linear_term(net, X, Up)).norm().item() / linear_term(net, X, U).norm().item()
        res[name] = dict(n_k=n_k, top_directions_s=t1 - t0, project_perp_s=t2 - t1, gap=(td.eigvals_all[n_k - 1] / td.eigvals_all[n_k]).item(),
                         rel_norm_P_of_Pperp_U=idem, rel_top_training_part_left=top_left)
    t0 = time.perf_counter()
    lam = empirical_spectrum(net, X)
    table = limit_eigenvalues(net.activation, args.d, "gaussian", max_degree=3)
    plateaus = assign_plateaus(lam, table)
    res["spectrum_s"] = time.perf_counter() - t0
    res["plateaus"] = [{k: r[k] for k in ("degree", "radial", "multiplicity", "mean", "limit", "rel_error")} for r in plateaus]
    res["total_s"] = time.perf_counter() - t_start
    res["peak_rss_gb"] = peak_rss_gb()
    res["limits"] = dict(peak_rss_gb=1.5, total_s=120)
    res["within_limits"] = res["peak_rss_gb"] <= 1.5 and res["total_s"] <= 120

    print(f"d = {args.d}, n = {args.n}, m = {args.m}, gaussian, {args.threads} threads (torch {torch.__version__})")
    print(f"  import: {t_import:.1f} s, peak RSS after import {rss_import:.2f} GB")
    for name in ("n_k=d", "n_k=B(d,1)"):
        r = res[name]
        print(f"  {name:11s} (n_k = {r['n_k']}): top_directions {r['top_directions_s']:.2f} s, project_perp {r['project_perp_s']:.2f} s,"
              f" gap {r['gap']:.2f}, |P P_perp U|/|U| = {r['rel_norm_P_of_Pperp_U']:.1e}")
    print(f"  empirical spectrum + limit plateaus: {res['spectrum_s']:.2f} s;"
          f" plateaus (degree, mean, limit): {[(r['degree'], round(r['mean'], 6), round(r['limit'], 6)) for r in plateaus]}")
    print(f"  total {res['total_s']:.1f} s, peak RSS {res['peak_rss_gb']:.2f} GB  ->  within limits (1.5 GB, 120 s): {res['within_limits']}")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(res, indent=1))
        print(f"  wrote {args.out}")
    return 0 if res["within_limits"] else 1

if __name__ == "__main__":
    sys.exit(main())
