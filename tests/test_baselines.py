"Fast tests of the baselines (tiny sizes)"
import pytest
import torch
from ntk_escape.core import *
from ntk_escape.data import *
from ntk_escape.model import *
from ntk_escape.ntk import *
from ntk_escape.training import *
from ntk_escape.baselines import *

def test_kernel_ridge_matches_direct_solve():
    g = make_generator(0)
    net = init_network(5, 40, generator=g, dtype="float64")
    X, Xt = sample_inputs(20, 5, "gaussian", g, dtype="float64"), sample_inputs(30, 5, "gaussian", g, dtype="float64")
    y, yt = torch.randn(20, generator=g, dtype=torch.float64), torch.randn(30, generator=g, dtype=torch.float64)
    K, Kt = ntk_gram(net, X), ntk_cross_gram(net, Xt, X)
    rows = kernel_ridge(K, Kt, y, yt, ridges=(0.0, 0.1))
    direct = Kt @ torch.linalg.solve(K + 0.1 * K.diagonal().mean() * torch.eye(20, dtype=torch.float64), y)
    torch.testing.assert_close(rows[1]["test_loss"], (direct - yt).square().mean(), rtol=1e-10, atol=0)
    assert rows[0]["train_loss"] < 1e-12 < rows[1]["train_loss"]

def test_closed_form_gd_matches_trainer():
    pb = make_problem(ProblemConfig(d=8, m=200, n=60, n_test=300), seeds=(1, 2), dtype="float64")
    K, Kt = ntk_grams(pb)
    res = train(pb, TrainConfig(model="fl", steps=200, lr=1.0, log_points=6, dtype="float64"), progress=False)
    steps = sorted({r["step"] for r in res.logs})
    for row in kernel_gd(K, Kt, pb.y, pb.y_test, steps, lr=1.0):
        for i, s in enumerate(pb.seeds):
            r = next(r for r in res.logs if r["seed"] == s and r["step"] == row["step"])
            assert r["test_loss"] == pytest.approx(row["test_loss"][i].item(), rel=1e-9)
            assert r["train_loss"] == pytest.approx(row["train_loss"][i].item(), rel=1e-9, abs=1e-14)
    flow = kernel_gd(K, Kt, pb.y, pb.y_test, [1e12], flow=True)[0]["test_loss"]
    torch.testing.assert_close(flow, kernel_ridge(K, Kt, pb.y, pb.y_test, (0.0,))[0]["test_loss"], rtol=1e-8, atol=0)
