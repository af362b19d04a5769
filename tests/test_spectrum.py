"Fast unit tests of the spectrum layer, mirroring the checks (a)-(e) of nbs/04_spectrum.ipynb at small sizes"
import json, math
import numpy as np
import pytest
import torch
from ntk_escape.core import *
from ntk_escape.data import *
from ntk_escape.model import *
from ntk_escape.ntk import *
from ntk_escape.spectrum import *

SIG = Activation("sigmoid", 1.0)

@pytest.fixture(scope="module")
def sphere6():
    "Sphere, d = 6, m = 1000, N = 700: network, inputs, spectrum with eigenvectors and the limit table"
    d, m, N = 6, 1000, 700
    g = make_generator(0)
    net = init_network(d, m, generator=g, dtype="float64")
    X = sample_inputs(N, d, "sphere", g, dtype="float64")
    lam, vec = empirical_spectrum(net, X, k=2, eigenvectors=True)
    return dict(d=d, m=m, N=N, net=net, X=X, lam=lam, vec=vec, table=limit_eigenvalues(SIG, d))

# --- the empirical spectrum ---------------------------------------------------------------------

def test_empirical_spectrum_is_the_nonzero_spectrum_of_dense_covariance():
    g = make_generator(1)
    net = init_network(4, 10, generator=g, dtype="float64")
    X = sample_inputs(12, 4, "sphere", g, dtype="float64")
    J = ntk_features(net, X)
    dense = torch.linalg.eigvalsh(J.T @ J / 12).flip(0)
    torch.testing.assert_close(empirical_spectrum(net, X), dense[:12], rtol=0, atol=1e-12)
    assert dense[12:].abs().max() < 1e-12

def test_bad_inputs_give_clear_errors():
    g = make_generator(2)
    net = init_network(4, 10, generator=g, dtype="float64")
    X = sample_inputs(12, 4, "sphere", g, dtype="float64")
    with pytest.raises(InputError, match=r"N = 12 samples cannot resolve the B\(d=4, k=2\) = 14"): empirical_spectrum(net, X, k=2)
    with pytest.raises(InputError, match="k must be an integer >= 0"): empirical_spectrum(net, X, k=-1)
    with pytest.raises(InputError, match="non-finite"): empirical_spectrum(net, X, gram=torch.full((12, 12), float("nan")))
    with pytest.raises(InputError, match="n_k = 200 top directions need N > n_k"): spectrum_report(5, 20, N=100, n_k=200)
    with pytest.raises(InputError, match="d must be an integer >= 3"): spectrum_report(2, 20)
    with pytest.raises(InputError, match="m must be even"): spectrum_report(5, 21)
    with pytest.raises(InputError, match="need d >= 3"): funk_hecke_eigenvalues(SIG, 2)
    with pytest.raises(InputError, match=r"rho must lie in \[-1, 1\]"): neuron_correlation(SIG, 5, 1.5)
    with pytest.raises(InputError, match="eps must be > 0"): spectral_groups(limit_eigenvalues(SIG, 5, max_degree=3), 1, 8, eps=0)

# --- the infinite-width eigenvalues ---------------------------------------------------------------

def test_neuron_correlation_matches_monte_carlo():
    g = make_generator(3)
    W = sample_inputs(200_000, 8, "sphere", g, dtype="float64") / math.sqrt(8)
    for dist in DISTRIBUTIONS:
        x, xp = sample_inputs(3, 8, dist, g, dtype="float64"), sample_inputs(3, 8, dist, g, dtype="float64")
        mc = (SIG(x @ W.T, 1) * SIG(xp @ W.T, 1)).mean(1)
        rho = (x * xp).sum(1) / (x.norm(dim=1) * xp.norm(dim=1))
        torch.testing.assert_close(neuron_correlation(SIG, 8, rho, x.norm(dim=1), xp.norm(dim=1)), mc, rtol=0, atol=3e-4)

@pytest.mark.parametrize("d", [3, 7, 20])
def test_funk_hecke_agrees_with_series_and_trace(d):
    fh = funk_hecke_eigenvalues(SIG, d, max_degree=40)
    series = harmonic_eigenvalues(SIG, d, "sphere", max_degree=40)
    torch.testing.assert_close(fh, series[:, 0], rtol=0, atol=1e-13)
    trace = sum(float(harmonic_dim(d, l)) * fh[l] for l in range(41))
    assert abs(trace - d * neuron_correlation(SIG, d, 1.0)) < 1e-8

def test_gaussian_radial_operator_has_rank_two():
    ev = harmonic_eigenvalues(SIG, 8, "gaussian", max_degree=4, n_radial=10)
    assert ev[0, 1] == 0 and bool((ev[1:, 1] > 0).all())
    from ntk_escape.spectrum import _radial_quadrature
    r, pr = _radial_quadrature(8, "gaussian", 10)
    t, wt = sphere_quadrature(8, 40)
    K = r[:, None, None] * r[None, :, None] * t * neuron_correlation(SIG, 8, t, r[:, None, None], r[None, :, None], n_nodes=40)
    for l in range(3):
        nys = torch.linalg.eigvalsh(pr.sqrt()[:, None] * (K * gegenbauer(l, t, 8) * wt).sum(-1) * pr.sqrt()).flip(0)
        torch.testing.assert_close(nys[:2], ev[l], rtol=0, atol=1e-12 * nys[0].item())
        assert nys[2].abs() < 1e-12 * nys[0]

def test_limit_gram_matches_wide_network():
    g = make_generator(4)
    for dist in DISTRIBUTIONS:
        X = sample_inputs(4, 6, dist, g, dtype="float64")
        wide = init_network(6, 200_000, generator=g, dtype="float64")
        assert (ntk_gram(wide, X) - ntk_limit_gram(SIG, X)).abs().max() < 5e-3

# --- the lemma's checks (a)-(e) ------------------------------------------------------------------

def test_a_plateaus_have_harmonic_sizes_and_top_is_low_degree(sphere6):
    lam, table, d = sphere6["lam"], sphere6["table"], sphere6["d"]
    plateaus = assign_plateaus(lam, table)
    assert [(r["degree"], r["multiplicity"]) for r in plateaus[:4]] == [(1, 6), (0, 1), (2, 20), (3, 50)]
    jumps = {j + 1 for j in range(150) if lam[j] / lam[j + 1] > 2}
    assert {6, 7, 27} <= jumps <= {r["stop"] for r in plateaus}
    for k in (1, 2):
        B = low_degree_dim(d, k)
        assert {r["degree"] for r in plateaus if r["stop"] <= B} == set(range(k + 1))
        assert lam[B - 1] / lam[B] > 2
        groups = spectral_groups(table, k, sphere6["m"], N=sphere6["N"])
        assert groups["top_leads"] and groups["positions"]["top"] == list(range(B))

def test_b_top_directions_are_polynomials_of_degree_at_most_k(sphere6):
    net, X, lam, vec, d = (sphere6[key] for key in ("net", "X", "lam", "vec", "d"))
    g = make_generator(5)
    Xf, Xe = sample_inputs(1000, d, "sphere", g, dtype="float64"), sample_inputs(1000, d, "sphere", g, dtype="float64")
    for k in (1, 2):
        B = low_degree_dim(d, k)
        Ff, Fe = (direction_predictions(net, X, vec[:, :B], lam[:B], Z) for Z in (Xf, Xe))
        assert degree_variance_explained(Ff, Xf, Fe, Xe, k).min() > 0.99
        assert degree_variance_explained(Ff, Xf, Fe, Xe, k - 1).mean() < 0.3

def test_c_plateau_means_approach_funk_hecke_as_width_grows():
    rows = plateau_convergence((100, 3200), d=6, N=500, n_degrees=3)
    worst = {m: max(abs(r["width_part"]) for r in rows if r["m"] == m) for m in (100, 3200)}
    assert worst[3200] < worst[100] / 2
    assert all(abs(r["rel_error"]) < 0.03 for r in rows if r["m"] == 3200)

@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_d_null_space_has_dimension_md_over_2(dist):
    g = make_generator(6)
    net = init_network(3, 8, generator=g, dtype="float64")
    J = ntk_features(net, sample_inputs(200, 3, dist, g, dtype="float64"))
    sv = torch.linalg.svdvals(J)
    assert int((sv > 1e-10 * sv[0]).sum()) == 8 * 3 // 2
    p = torch.randn(4, 3, generator=g, dtype=torch.float64)
    assert (J @ pair_merge(torch.zeros_like(p), p).reshape(-1)).abs().max() < 1e-13

def test_e_bottom_movement_barely_moves_test_predictions(sphere6):
    net, X, lam, vec, d, m, N = (sphere6[key] for key in ("net", "X", "lam", "vec", "d", "m", "N"))
    g = make_generator(7)
    Xt = sample_inputs(1000, d, "sphere", g, dtype="float64")
    pos = spectral_groups(sphere6["table"], 1, m, N=N)["positions"]
    rms = {grp: linear_term(net, Xt, movement_in_directions(net, X, vec[:, idx], lam[idx], m ** 0.25, g)).pow(2).mean().sqrt().item()
           for grp, idx in pos.items()}
    assert rms["bottom"] < 0.01 < rms["middle"] < rms["top"]
    assert rms["middle"] > 5 * rms["bottom"]

# --- the report -----------------------------------------------------------------------------------

def test_spectrum_report_writes_json_and_png(tmp_path):
    rep = spectrum_report(6, 400, k=1, dist="sphere", N=400, out=tmp_path / "run")
    saved = json.loads((tmp_path / "run" / "spectrum.json").read_text())
    assert saved["config"]["N"] == 400 and len(saved["eigenvalues"]) == 400
    assert (tmp_path / "run" / "spectrum.png").stat().st_size > 10_000
    assert rep["groups"]["top"] == 7 and rep["groups"]["top_leads"] and rep["gaps"]["B(6,1)=7"] > 2
    assert [r["degree"] for r in rep["plateaus"][:3]] == [1, 0, 2]
    gauss = spectrum_report(6, 400, k=1, dist="gaussian", N=400)
    assert [(r["degree"], r["radial"]) for r in gauss["plateaus"][:3]] == [(1, 0), (0, 0), (2, 0)]
