"Sample-complexity sweep task: one-line validation errors, tiny points per method, the collapse and alpha* measures"
import math
import numpy as np
import pytest
import torch
from ntk_escape.core import InputError
from ntk_escape.generalisation import *
from ntk_escape.sweep import SweepSpec, run_sweep, load_records

TASK = "ntk_escape.generalisation:sample_complexity_point"

@pytest.mark.parametrize("kw, msg", [
    (dict(method="ntk", d=16, alpha=4.5), "alpha must be in (0, 4], got 4.5"),
    (dict(method="ntk", d=16, alpha=-1), "alpha must be in (0, 4]"),
    (dict(method="ntk", d=1, alpha=2), "d must be an integer >= 2"),
    (dict(method="krr", d=16, alpha=2), "method must be one of 'ntk', 'flq', 'flq_reg'"),
    (dict(method="ntk", d=3, alpha=0.5), "n = floor(d^alpha) = floor(3^0.5) = 1 is too small"),
    (dict(method="flq_reg", d=16, alpha=0.75), "needs n >= n_k = 16 top directions"),
    (dict(method="flq_reg", d=8, alpha=1.5, k=2, n_k="B"), "needs n >= n_k = 45 top directions"),
    (dict(method="ntk", d=8, alpha=2, target="cube"), "target must be one of"),
])
def test_validate_messages(kw, msg):
    with pytest.raises(InputError) as e: sample_complexity_point.validate(**kw)
    assert msg in str(e.value) and "\n" not in str(e.value)

def test_validate_runs_before_launch(tmp_path):
    spec = SweepSpec(TASK, grid=dict(alpha=[1.5, 9.0]), fixed=dict(method="ntk", d=8))
    with pytest.raises(InputError, match=r"alpha must be in \(0, 4\]"): run_sweep(spec, tmp_path / "s", progress=False)
    assert not (tmp_path / "s").exists()

@pytest.mark.parametrize("method", SC_METHODS)
def test_tiny_point(method):
    r = sample_complexity_point(method, d=6, alpha=1.5, seed=1, m_per_d=10, n_test=200, steps=40)
    assert r["n"] == 14 and r["m"] == 60 and math.isfinite(r["test_loss"]) and r["seconds"] > 0
    if method == "ntk": assert r["test_loss_oracle"] <= r["test_loss"] + 1e-12 and r["ridge"] > 0
    else: assert r["status"] == "completed" and r["lam_tr"] == (10.0 if method == "flq_reg" else 0.0)

def test_tiny_sweep_k2(tmp_path):
    spec = SweepSpec(TASK, grid=dict(method=["ntk", "flq_reg"], alpha=[2.0]), fixed=dict(d=5, k=2, n_k="B", m_per_d=10, n_test=100, steps=20))
    recs = run_sweep(spec, tmp_path, progress=False)
    assert [r["result"]["n"] for r in recs] == [25, 25] and all(math.isfinite(r["result"]["test_loss"]) for r in recs)
    rows = read_results(tmp_path / "results.csv")
    assert {r["method"] for r in rows} == {"ntk", "flq_reg"} and all(isinstance(r["test_loss"], float) for r in rows)

def test_loo_matches_brute_force():
    g = torch.Generator().manual_seed(3)
    X = torch.randn(20, 3, generator=g, dtype=torch.float64)
    K, y = X @ X.T + 1.0, X[:, 0] + 0.3 * torch.randn(20, generator=g, dtype=torch.float64)
    for rho, err in loo_ridge_errors(K, y, (0.1,)).items():
        s, brute = K.diagonal().mean(), []
        for i in range(20):
            keep = torch.arange(20) != i
            c = torch.linalg.solve(K[keep][:, keep] + rho * s * torch.eye(19, dtype=torch.float64), y[keep])
            brute.append((K[i, keep] @ c - y[i]) ** 2)
        assert torch.allclose(err, torch.stack(brute).mean(), rtol=1e-9)

def _curves(p_true, p_plot, ds=(16, 24, 32, 48)):
    "Loss 1/(1 + n/d^p_true) measured at n = t d^p_true (the same t for every d), plotted against n/d^p_plot"
    t = np.logspace(-1, 1, 7)
    return {d: (t * d**p_true / d**p_plot, 1 / (1 + t)) for d in ds}

def test_collapse_spread_exact_vs_not():
    assert collapse_spread(_curves(1, 1))["spread"] < 1e-12
    assert collapse_spread(_curves(2, 2))["spread"] < 1e-12
    assert collapse_spread(_curves(1, 2))["spread"] > 0.1 and collapse_spread(_curves(2, 1))["spread"] > 0.1
    noisy = {d: (x, y * (1.1 if d == 16 else 1.0)) for d, (x, y) in _curves(1, 1).items()}
    s = collapse_spread(noisy)["spread"]  # one curve off by 10%: std over 4 curves of (log 1.1, 0, 0, 0)
    assert abs(s - np.std([math.log(1.1), 0, 0, 0])) < 1e-12

def test_collapse_table_picks_the_right_scaling():
    rows = []
    for meth, p in (("ntk", 2), ("flq_reg", 1)):
        for d, (x, y) in _curves(p, 0).items():
            for n, l in zip(x, y):
                a = math.log(n) / math.log(d)
                for seed, f in ((0, 1.01), (1, 0.99)): rows.append(dict(method=meth, d=d, alpha=a, n=n, seed=seed, test_loss=l * f, seconds=1.0))
    tab = {r["method"]: r for r in collapse_table(summarise_sweep(rows), rows)}
    assert tab["ntk"]["better"] == "n/d^2" and tab["flq_reg"]["better"] == "n/d^1"
    assert tab["ntk"]["spread n/d^2"] < 1e-9 and tab["flq_reg"]["spread n/d^1"] < 1e-9
    assert tab["ntk"]["spread n/d^1"] > 0.1 and tab["flq_reg"]["spread n/d^2"] > 0.1
    assert abs(tab["ntk"]["noise_floor"] - math.log(1.01 / 0.99) / 2 / math.sqrt(2)) < 1e-9

def test_alpha_star_table_and_exponent():
    summ = [dict(method="ntk", d=d, alpha=a, n=int(d**a), mean=l, std=0.0, seeds=1, seconds=0.0)
            for d in (8, 16, 32) for a, l in ((1.0, 0.9), (2.0, 0.9 * (5 * d**2 / d**2.5) ** 0), (3.0, 0.1))]
    atab = alpha_star_table(summ, thresholds=(0.3,))
    assert [r["note"] for r in atab] == ["", "", ""] and all(2 < r["alpha_star"] < 3 for r in atab)
    assert sample_exponent(atab)[0]["dims"] == 3

def test_alpha_star():
    assert abs(alpha_star([1, 2], [0.6, 0.15], 0.3) - 1.5) < 1e-12
    assert alpha_star([1, 2], [0.2, 0.1], 0.3) == 1.0 and math.isnan(alpha_star([1, 2], [0.9, 0.5], 0.3))
    with pytest.raises(InputError, match="threshold must be > 0"): alpha_star([1, 2], [1, 1], 0)
