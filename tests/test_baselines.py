"Fast tests of the baselines and of the reproduction driver (tiny sizes)"
import json, os
from pathlib import Path
import pytest
import torch
from ntk_escape.core import *
from ntk_escape.data import *
from ntk_escape.model import *
from ntk_escape.ntk import *
from ntk_escape.training import *
from ntk_escape.baselines import *
from ntk_escape import reproduce as rp

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

def test_reproduce_writes_every_output(tmp_path):
    r = rp.run_reproduce("cpu", "cpu", tmp_path, seeds=[1], progress=False, steps=2, overrides=dict(log_points=2))
    assert sorted(os.listdir(tmp_path)) == ["config.json", "figure.pdf", "figure.png", "metrics.csv", "ntk.json", "parts",
                                            "summary.csv", "summary.json"]
    cfg = json.loads((tmp_path / "config.json").read_text())
    assert cfg["problem"]["d"] == 40 and cfg["train"]["steps"] == 2 and cfg["seeds"] == [1] and cfg["convention"] == "figure"
    rows = rp.read_csv(tmp_path / "metrics.csv")
    lams = rp.reproduce_config("cpu")["lams"]
    assert len(rows) == len(r["logs"]) == len(lams) * len(log_steps(2, 2))
    assert {r_["lam"] for r_ in rows} == set(lams) and all(r_["lam_tr"] == pytest.approx(400 * r_["lam"]) for r_ in rows)
    assert all(r_["penalty_sum"] == pytest.approx(400 * r_["r_tr"]) and r_["time"] == r_["lr"] * r_["step"] for r_ in rows)
    assert any("NTK" in s["method"] for s in r["summary"]) and r["ratios"]["ratio_vs_ntk"] > 0

def test_reproduce_committed_convention(tmp_path):
    r = rp.run_reproduce("cpu", "cpu", tmp_path, seeds=[1], lams=[0, 1e-3], convention="committed", progress=False, steps=2,
                         overrides=dict(log_points=2))
    assert {(x["lam"], x["lam_1"], x["lam_tr"]) for x in r["logs"]} == {(0.0, 0.0, 0.01), (1e-3, 1e-3, 0.01)}

def test_reproduce_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="scale must be one of"): rp.run_reproduce("laptop")
    with pytest.raises(InputError, match="convention must be one of"): rp.run_reproduce("cpu", convention="paper")
    with pytest.raises(InputError, match="seed must be an integer"): rp.run_reproduce("cpu", seeds=[1.5])
    with pytest.raises(InputError, match="lr must be > 0"): rp.run_reproduce("cpu", lr=0)
    with pytest.raises(InputError, match="lam must be >= 0"): rp.run_reproduce("cpu", lams=[-1.0])
    with pytest.raises(InputError, match="steps must be an integer >= 1"): rp.run_reproduce("cpu", steps=0)
    f = tmp_path / "file"; f.write_text("x")
    with pytest.raises(InputError, match="exists and is not a folder"): rp.run_reproduce("cpu", out=f)
    with pytest.raises(InputError, match="cannot be written"): rp.run_reproduce("cpu", out=f / "sub")

def test_reproduce_interrupt_keeps_checkpoint_and_metrics(tmp_path, monkeypatch):
    orig = rp.train
    def interrupted(*a, **k):
        def stop(step, gd):
            if step == 2: raise KeyboardInterrupt
        return orig(*a, **(k | dict(callback=stop)))
    monkeypatch.setattr(rp, "train", interrupted)
    part = tmp_path / "parts" / "seeds1_lr16"
    with pytest.raises(KeyboardInterrupt) as e:
        rp.run_reproduce("cpu", "cpu", tmp_path, seeds=[1], progress=False, steps=4, overrides=dict(log_points=3))
    assert str(part / "checkpoint.pt") in str(e.value) and str(part / "metrics_partial.csv") in str(e.value)
    assert (part / "checkpoint.pt").exists() and len(rp.read_csv(part / "metrics_partial.csv")) > 0
    monkeypatch.setattr(rp, "train", orig)
    r = rp.run_reproduce("cpu", "cpu", tmp_path, seeds=[1], progress=False, steps=4, overrides=dict(log_points=3))
    assert not (part / "checkpoint.pt").exists() and r["logs"][-1]["step"] == 4
    again = rp.run_reproduce("cpu", "cpu", tmp_path, seeds=[1], progress=False, steps=4, overrides=dict(log_points=3))
    assert again["logs"] == r["logs"] and again["train_seconds"] == r["train_seconds"]     # finished parts are read back

def test_reproduce_divergence_names_lr(tmp_path):
    with pytest.raises(TrainingDiverged) as e:
        rp.run_reproduce("cpu", "cpu", tmp_path, seeds=[1], lams=[0], progress=False, steps=300, lr=5000.0, overrides=dict(log_points=4))
    part = tmp_path / "parts" / "seeds1_lr5000"
    assert "lr = 5000" in str(e.value) and "metrics_partial.csv" in str(e.value) and (part / "metrics_partial.csv").exists()
