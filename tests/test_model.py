"Fast unit tests of the data and model layers (mirroring the notebooks' checks)"
import math
import numpy as np
import pytest
import torch
from ntk_escape.core import *
from ntk_escape.data import *
from ntk_escape.model import *

@pytest.fixture
def setup():
    g = make_generator(0)
    net = init_network(6, 40, generator=g, dtype="float64")
    X = sample_inputs(30, 6, "sphere", g, dtype="float64")
    U = torch.randn(40, 6, generator=g, dtype=torch.float64) / math.sqrt(6)
    return net, X, U

@pytest.mark.parametrize("p", [1, 2, 3, 4])
def test_taylor_terms_match_nested_jvp(setup, p):
    net, X, U = setup
    closed, oracle = taylor_term(net, X, U, p), taylor_term_jvp(net, X, U, p)
    assert ((closed - oracle).norm() / oracle.norm()).item() <= 1e-10

@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivatives_match_autograd(name):
    act = Activation(name, 1.0)
    z = torch.linspace(-5, 5, 101, dtype=torch.float64, requires_grad=True)
    out = act(z)
    for p in range(1, 5):
        out, = torch.autograd.grad(out.sum(), z, create_graph=True)
        torch.testing.assert_close(act(z.detach(), p), out.detach(), rtol=1e-12, atol=1e-12)

def test_initialisation_is_zero_and_symmetric(setup):
    net, X, _ = setup
    assert torch.equal(net.W0[:20], net.W0[20:])
    assert network_output(net, X).abs().max() < 1e-14

def test_linear_term_blind_to_pair_sums(setup):
    net, X, U = setup
    q, p = pair_split(U)
    assert linear_term(net, X, pair_merge(torch.zeros_like(q), p)).abs().max() < 1e-13
    torch.testing.assert_close(quadratic_term_pairs(net, X, q, p), quadratic_term(net, X, U))

@pytest.mark.parametrize("P", [1, 2, 3])
def test_truncation_error_slope(setup, P):
    net, X, U = setup
    ts = np.logspace(-2.5, -0.5, 7)
    errs = [(network_output(net, X, t * U) - taylor_sum(net, X, t * U, P)).abs().mean().item() for t in ts]
    slope = np.polyfit(np.log(ts), np.log(errs), 1)[0]
    assert abs(slope - (P + 1)) < 0.05
    assert bool((( network_output(net, X, U) - taylor_sum(net, X, U, P)).abs() <= remainder_bound(net, X, U, P)).all())

def test_quadntk_scale_remainder_vanishes():
    rows = taylor_scale_table(widths=(200, 3200), d=10, n=500)
    assert all(r["rms_fQ"] > 0.2 for r in rows)
    assert rows[1]["rms_remainder"] < rows[0]["rms_remainder"] / 1.5

def test_hermite_and_gegenbauer_orthonormal():
    from scipy import special
    x, w = special.roots_hermitenorm(30)
    x, w = torch.tensor(x), torch.tensor(w / w.sum())
    H = torch.stack([hermite(l, x) for l in range(6)])
    torch.testing.assert_close((H * w) @ H.T, torch.eye(6, dtype=torch.float64))
    for d in (3, 7):
        t, wq = sphere_quadrature(d)
        Q = torch.stack([math.sqrt(harmonic_dim(d, l)) * gegenbauer(l, t, d) for l in range(6)])
        torch.testing.assert_close((Q * wq) @ Q.T, torch.eye(6, dtype=torch.float64))

@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_targets_have_unit_variance(dist):
    g = make_generator(1)
    for tgt in (paper_target(10, dist, g), low_degree_plus_sparse(10, 2, dist, g), low_degree_plus_sparse(10, 2, dist, g, dense="quadratic")):
        assert abs(tgt.variances()["total"] - 1) < 1e-12
        X = sample_inputs(100_000, 10, dist, g, dtype="float64")
        assert abs(tgt(X).var().item() - 1) < 0.04

@pytest.mark.parametrize("bad, msg", [
    (lambda: init_network(4, 3), "m must be even"),
    (lambda: init_network(0, 4), "d must be an integer >= 1"),
    (lambda: init_network(4, 4, "relu"), "activation must be one of"),
    (lambda: sample_inputs(4, 3, "cube"), "dist must be one of"),
    (lambda: taylor_term(init_network(3, 4), torch.randn(2, 3), torch.zeros(4, 3), -1), "p must be an integer >= 0"),
    (lambda: linear_term(init_network(3, 4), torch.randn(2, 5), torch.zeros(4, 3)), "X must have shape"),
    (lambda: linear_term(init_network(3, 4), torch.randn(2, 3), torch.zeros(4, 3, dtype=torch.float64)), "U must have the network's dtype"),
    (lambda: linear_term(init_network(3, 4), torch.full((2, 3), float("nan")), torch.zeros(4, 3)), "non-finite"),
])
def test_bad_input_messages(bad, msg):
    with pytest.raises(InputError, match=None) as e: bad()
    assert msg in str(e.value) and "\n" not in str(e.value)

@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_requested_without_cuda():
    with pytest.raises(InputError, match="CUDA is not available"): resolve_device("cuda")
