"Fast tests of the theory checks: expressivity (08), landscape certificates (09), steps to an SOSP (10)"
import math, copy
import pytest
import torch
from ntk_escape.core import *
from ntk_escape.data import *
from ntk_escape.model import *
from ntk_escape.ntk import *
from ntk_escape.regulariser import *
from ntk_escape.training import *
from ntk_escape.expressivity import *
from ntk_escape.landscape import *
from ntk_escape.optimisation import *

def test_expressivity_loss_falls_with_width():
    rows = [expressivity_row(m, d=10, n=200, n_test=1000, n_fit=2000) for m in (200, 800, 3200)]
    test = [r["test_loss"] for r in rows]
    assert test[0] > test[1] > test[2] and test[2] < 0.02
    assert all(r["R_tr"] < 1e-12 for r in rows)
    assert rows[2]["R_1"] < rows[0]["R_1"] and rows[2]["rms_remainder"] < rows[0]["rms_remainder"] / 2
    assert all(3 < r["fro_over_m14"] < 10 for r in rows)    # the QuadNTK scale ||U||_F ~ m^(1/4)

def test_pair_construction_parity():
    g = make_generator(0)
    tgt = paper_target(6, "sphere", g)
    net = init_network(6, 40, generator=g, dtype="float64")
    X = sample_inputs(30, 6, "sphere", g, dtype="float64")
    alpha, _ = fit_pair_scalars(net, tgt, sample_inputs(500, 6, "sphere", g, dtype="float64"))
    s = (torch.randint(0, 2, (20,), generator=g) * 2 - 1).double()
    U, Um = (sign_randomised_movement(alpha, tgt.sparse.directions, sg) for sg in (s, -s))
    torch.testing.assert_close(quadratic_term(net, X, U), sparse_features(net, X, tgt.sparse.directions) @ alpha, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(linear_term(net, X, Um), -linear_term(net, X, U), rtol=1e-10, atol=1e-12)
    Up = project_out_training_rows(net, X, U)
    assert linear_term(net, X, Up).abs().max() < 1e-10
    torch.testing.assert_close(pair_split(Up)[1], pair_split(U)[1], rtol=0, atol=1e-12)

def _tiny(model, lams=(0.3, 0.5, 1e-4), seed=0, d=3, m=8, n=12):
    g = make_generator(seed)
    net = init_network(d, m, generator=g, dtype="float64")
    X = sample_inputs(n, d, "gaussian", g, dtype="float64")
    y = torch.randn(n, generator=g, dtype=torch.float64)
    obj = make_objective(net, X, y, model, *lams, n_k=2, r1_mode="fixed", r1_samples=6, generators=[g])
    return obj, torch.randn(m, d, generator=g, dtype=torch.float64) * 0.5

@pytest.mark.parametrize("model", ["flq", "fq"])
def test_lanczos_matches_dense_hessian(model):
    obj, U = _tiny(model)
    H = dense_hessian(obj, U)
    ev = torch.linalg.eigvalsh(H)
    assert ev[0] < 0 < ev[-1]                                  # an indefinite point: the test can fail
    v = torch.randn_like(U)
    for method, tol in (("autograd", 1e-12), ("central", 1e-8)):
        err = (hvp_fn(obj, U, method)(v).reshape(-1) - H @ v.reshape(-1)).norm() / (H @ v.reshape(-1)).norm()
        assert err < tol, (method, err)
    ext = hessian_extremes(hvp_fn(obj, U, "autograd"), U.shape)
    scale = ev.abs().max().item()
    assert abs(ext["lam_min"] - ev[0].item()) < 1e-8 * scale and abs(ext["lam_max"] - ev[-1].item()) < 1e-8 * scale

def test_certificate_needs_fixed_r1():
    obj, U = _tiny("flq")
    fresh = make_objective(obj.net, obj.F.X, obj.y, "flq", lam_1=0.1, n_k=2, r1_samples=5, generators=[make_generator(0)])
    with pytest.raises(InputError, match="r1_mode='fixed'"): hvp_fn(fresh, U)

def _saddle_problem():
    return make_problem(ProblemConfig(d=5, m=30, n=100, n_test=200), seeds=(0,), dtype="float64")

def test_saddle_hessian_is_symmetric_and_strict():
    pb = _saddle_problem()
    net = TwoLayerNet(pb.net.W0[0], pb.net.a[0], pb.net.activation)
    obj = make_objective(net, pb.X[0], pb.y[0], "fq")
    Z = torch.zeros(30, 5, dtype=torch.float64)
    G, _ = obj.value_and_grad(Z)
    assert G.abs().max() == 0
    blocks = saddle_hessian_blocks(net, pb.X[0], pb.y[0])
    v = torch.randn(30, 5, dtype=torch.float64)
    torch.testing.assert_close(hvp_fn(obj, Z, "autograd")(v), torch.einsum("rjk,rk->rj", blocks, v), rtol=1e-10, atol=1e-14)
    ext = hessian_extremes(hvp_fn(obj, Z), Z.shape)
    assert ext["lam_min"] < 0 and abs(ext["lam_min"] + ext["lam_max"]) < 1e-7 * ext["lam_max"]

def test_plain_gd_stalls_perturbed_gd_escapes():
    pb = _saddle_problem()
    base = dict(model="fq", steps=600, lr=2.0, log_points=5, dtype="float64")
    plain = train(pb, TrainConfig(**base), progress=False)
    pert = train(pb, TrainConfig(**base, noise="small_grad", noise_std=1e-3, noise_threshold=1e-4, noise_interval=50), progress=False)
    assert plain.U.abs().max() == 0
    assert plain.logs[-1]["objective"] == plain.logs[0]["objective"]
    assert pert.logs[-1]["objective"] < 0.5 * plain.logs[-1]["objective"] and pert.logs[-1]["perturbations"] >= 1

def test_steps_to_sosp_reaches_and_certifies():
    obj = sosp_problem(4, 20)
    r = steps_to_sosp(obj, torch.zeros(20, 4, dtype=torch.float64), lr=1.5, generator=make_generator(1))
    assert r["reached"] and r["perturbations"] >= 1 and 0 < r["steps"] < 30000
    assert r["grad_norm"] <= 1e-3 and r["lam_min"] >= -math.sqrt(1e-3) * r["lam_max"]

def test_u_star_when_n_exceeds_md():
    "More training points than parameters: the training row space has rank md < n and the construction still works"
    g = make_generator(5)
    tgt = paper_target(4, "gaussian", g)
    net = init_network(4, 10, generator=g, dtype="float64")
    X, y = make_dataset(tgt, 60, g, dtype=torch.float64)
    us = construct_u_star(net, X, y, tgt, n_k="d", n_fit=300, generator=g)
    assert training_row_space(net, X).n_k <= 40
    assert linear_term(net, X, us.U_sparse).abs().max() < 1e-8
    assert torch.isfinite(us.U).all()
