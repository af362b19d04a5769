"Fast tests of the regulariser, the trainer and the baselines (float64, tiny sizes)"
import math, copy
from pathlib import Path
import pytest
import torch
from ntk_escape.core import *
from ntk_escape.data import *
from ntk_escape.model import *
from ntk_escape.ntk import *
from ntk_escape.regulariser import *
from ntk_escape.training import *

def _objective(model, lam_1, lam_tr, lam_4, seed=0, d=6, m=16, n=9):
    g = make_generator(seed)
    net = init_network(d, m, generator=g, dtype="float64")
    X = sample_inputs(n, d, "gaussian", g, dtype="float64")
    y = torch.randn(n, generator=g, dtype=torch.float64)
    U = torch.randn(m, d, generator=g, dtype=torch.float64) * 0.3
    obj = make_objective(net, X, y, model, lam_1, lam_tr, lam_4, n_k=3, r1_mode="fixed", r1_samples=5, generators=[g])
    return obj, U

TERMS = dict(loss=(0, 0, 0), R_1=(0.3, 0, 0), R_tr=(0, 0.7, 0), n24=(0, 0, 0.05), all=(0.3, 0.7, 0.05))

@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("term", list(TERMS))
def test_gradient_matches_autograd(model, term):
    obj, U = _objective(model, *TERMS[term])
    G, terms = obj.value_and_grad(U)
    Ug = U.clone().requires_grad_()
    L = objective_autograd(obj, Ug)
    auto, = torch.autograd.grad(L, Ug)
    assert ((G - auto).norm() / auto.norm()).item() <= 1e-10
    assert abs((terms["objective"] - L) / L).item() <= 1e-12

def test_penalties_match_dense_jacobian():
    obj, U = _objective("flq", 1.0, 1.0, 0.0)
    net, X, X1 = obj.net, obj.F.X, obj.F1.X
    J, J1 = ntk_features(net, X), ntk_features(net, X1)
    Vh = torch.linalg.svd(J, full_matrices=False).Vh[:3]
    u = U.reshape(-1); u_perp = u - Vh.T @ (Vh @ u)
    t = obj.value(U)
    torch.testing.assert_close(t["r_tr"], (J @ u_perp).square().mean(), rtol=1e-10, atol=0)
    torch.testing.assert_close(t["r_1"], (J1 @ u_perp).square().mean(), rtol=1e-10, atol=0)
    assert t["r_tr"] > 0 and t["r_1"] > 0

def test_norm24_penalty():
    U = torch.randn(7, 3, dtype=torch.float64)
    val, grad = norm24_penalty(U)
    Ug = U.clone().requires_grad_()
    auto, = torch.autograd.grad(norm24(Ug) ** 8, Ug)
    torch.testing.assert_close(grad, auto, rtol=1e-10, atol=0)
    torch.testing.assert_close(val, (U.norm(dim=1) ** 4).sum() ** 2)

PC = ProblemConfig(d=6, m=40, n=24, n_test=100)
CFG = TrainConfig(steps=30, lr=0.5, lam_tr=0.1, r1_samples=10, noise="always", noise_std=1e-3, log_points=5, dtype="float64")
GRID = {"lam_1": [0.0, 0.01, 0.1]}
KEYS = lambda logs: [k for k in logs[0] if k != "seconds"]

@pytest.fixture(scope="module")
def batched():
    return train(make_problem(PC, seeds=(3, 4), dtype="float64"), CFG, GRID, progress=False)

def test_batched_equals_one_at_a_time(batched):
    for s in (3, 4):
        for lam in GRID["lam_1"]:
            one = train(make_problem(PC, seeds=(s,), dtype="float64"), CFG, {"lam_1": [lam]}, progress=False)
            rows = [r for r in batched.logs if r["seed"] == s and r["lam_1"] == lam]
            assert len(rows) == len(one.logs) == len(log_steps(30, 5))
            for rb, r1 in zip(rows, one.logs):
                for k in KEYS(rows):
                    assert rb[k] == pytest.approx(r1[k], rel=1e-10, abs=1e-13), k

def test_same_seed_identical_metrics(batched):
    again = train(make_problem(PC, seeds=(3, 4), dtype="float64"), CFG, GRID, progress=False)
    assert [[r[k] for k in KEYS(again.logs)] for r in again.logs] == [[r[k] for k in KEYS(batched.logs)] for r in batched.logs]
    other = train(make_problem(PC, seeds=(5, 4), dtype="float64"), CFG, GRID, progress=False)
    rows = lambda res, s: [r[k] for r in res.logs if r["seed"] == s for k in KEYS(res.logs) if k != "seed"]
    assert rows(other, 4) == pytest.approx(rows(batched, 4), rel=1e-10)   # a seed's runs do not depend on its neighbours
    assert rows(other, 5) != rows(batched, 3)                              # another seed gives other metrics

def test_fused_training_matches_eager(batched):
    "The torch.compile'd elementwise kernels change nothing but rounding (float64, noise and fresh R_1 included)"
    fused = train(make_problem(PC, seeds=(3, 4), dtype="float64"), CFG, GRID, progress=False, fused=True)
    assert fused.U.shape == batched.U.shape
    assert ((fused.U - batched.U).norm() / batched.U.norm()).item() < 1e-10
    for rf, rb in zip(fused.logs, batched.logs):
        for k in KEYS(batched.logs):
            assert rf[k] == pytest.approx(rb[k], rel=1e-9, abs=1e-12), k

def test_interrupt_keeps_checkpoint_and_resume_matches(batched, tmp_path):
    ck = tmp_path / "run.pt"
    def stop(step, gd):
        if step == 13: raise KeyboardInterrupt
    pb = make_problem(PC, seeds=(3, 4), dtype="float64")
    with pytest.raises(TrainingInterrupted) as e:
        train(pb, CFG, GRID, checkpoint=ck, callback=stop, progress=False)
    assert isinstance(e.value, KeyboardInterrupt) and str(ck) in str(e.value) and ck.exists()
    saved = torch.load(ck, weights_only=False)
    assert saved["step"] == 13 and len(saved["logs"]) == len(e.value.result.logs) > 0
    resumed = train(pb, CFG, GRID, checkpoint=ck, resume=True, progress=False)
    assert len(resumed.logs) == len(batched.logs)
    for ra, rb in zip(resumed.logs, batched.logs):
        assert all(ra[k] == rb[k] for k in KEYS(batched.logs))
    assert torch.equal(resumed.U, batched.U)

def test_resume_refuses_other_config(tmp_path):
    ck = tmp_path / "run.pt"
    pb = make_problem(PC, seeds=(3,), dtype="float64")
    cfg = TrainConfig(steps=5, dtype="float64", log_points=2)
    train(pb, cfg, checkpoint=ck, progress=False)
    with pytest.raises(InputError, match="different configuration"):
        train(pb, TrainConfig(steps=5, lr=0.3, dtype="float64", log_points=2), checkpoint=ck, resume=True, progress=False)

def test_divergence_message_names_lr_and_keeps_logs():
    pb = make_problem(PC, seeds=(3,), dtype="float64")
    with pytest.raises(TrainingDiverged) as e:
        train(pb, TrainConfig(steps=200, lr=2000.0, log_points=10, dtype="float64"), progress=False)
    msg = str(e.value)
    assert "lr = 2000" in msg and "diverged at step" in msg and "\n" not in msg
    assert e.value.result.status == "diverged" and len(e.value.result.logs) > 0
    assert all(math.isfinite(r["train_loss"]) for r in e.value.result.logs)

def test_divergence_mark_mode_keeps_other_runs():
    pb = make_problem(PC, seeds=(3, 4), dtype="float64")
    res = train(pb, TrainConfig(steps=100, lr=0.5, log_points=6, dtype="float64"), {"lam_tr": [0.0, 1e30]}, on_divergence="mark", progress=False)
    assert set(res.diverged_at) == {1, 3}
    assert {r["lam_tr"] for r in res.logs if r["step"] == 100} == {0.0}

@pytest.mark.parametrize("kwargs,msg", [
    (dict(lr=0), "lr must be > 0"), (dict(lr=-1.0), "lr must be > 0"), (dict(lam_1=-1e-3), "lam_1 must be >= 0"),
    (dict(lam_tr=-1.0), "lam_tr must be >= 0"), (dict(lam_4=-1.0), "lam_4 must be >= 0"), (dict(steps=0), "steps must be an integer >= 1"),
    (dict(steps=1.5), "steps must be an integer"), (dict(model="cubic"), "model must be one of"), (dict(noise="always"), "needs noise_std > 0"),
])
def test_bad_config_messages(kwargs, msg):
    with pytest.raises(InputError, match=msg.replace("(", r"\(")) as e:
        TrainConfig(**kwargs)
    assert "\n" not in str(e.value)

def test_bad_seed_and_grid_messages():
    with pytest.raises(InputError, match="seed must be an integer"): make_problem(PC, seeds=(1.5,))
    with pytest.raises(InputError, match="seed must be an integer >= 0"): make_problem(PC, seeds=(-2,))
    pb = make_problem(PC, seeds=(3,), dtype="float64")
    with pytest.raises(InputError, match="lam_1 must be >= 0"): train(pb, CFG, {"lam_1": [-1.0]}, progress=False)
    with pytest.raises(InputError, match="grid keys"): train(pb, CFG, {"lr": [1.0]}, progress=False)

def test_noise_toggles():
    pb = make_problem(PC, seeds=(3,), dtype="float64"); pb.y = torch.zeros_like(pb.y)
    base = dict(steps=40, lr=0.5, log_points=4, dtype="float64")
    count = lambda res: [r["perturbations"] for r in res.logs if r["step"] == 40]
    plain = train(pb, TrainConfig(**base), progress=False)
    assert plain.U.abs().max() == 0 and count(plain) == [0]        # U = 0 is stationary when y = 0
    once = train(pb, TrainConfig(**base, noise="small_grad", noise_std=1e-2, noise_threshold=1e-6, noise_interval=1000), progress=False)
    assert count(once) == [1] and once.U.norm() > 0               # the zero gradient triggers one kick, the interval forbids more
    always = train(pb, TrainConfig(**base, noise="always", noise_std=1e-2), progress=False)
    assert count(always) == [40] and always.U.norm() > once.U.norm()
    big = train(pb, TrainConfig(**base, noise="small_grad", noise_std=1e-2, noise_threshold=1e9, noise_interval=10), progress=False)
    assert count(big) == [4]                                      # always small: limited by the interval alone
