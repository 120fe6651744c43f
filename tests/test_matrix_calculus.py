"""The deck's three matrix-calculus examples: hand-derived gradients equal torch autograd."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from coursepkg.matrix_calculus import affine_of_square, affine_of_tanh, squared_norm_affine

pytestmark = pytest.mark.ch2


def _t(a):
    return torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64, requires_grad=True)


def _compare(ours, y_t, tensors):
    y, grads = ours
    y_t.backward()
    assert y == pytest.approx(y_t.item(), rel=1e-12)
    for key, t in tensors.items():
        np.testing.assert_allclose(grads[key], t.grad.numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=10)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 1000))
def test_all_three_examples_match_autograd(d, p, seed):
    rng = np.random.default_rng(seed)
    w, W1, beta, b1, b = rng.normal(size=p), rng.normal(size=(p, d)), rng.normal(size=d), rng.normal(size=p), 0.7
    beta_p = rng.normal(size=p)
    T = {"w": _t(w), "beta": _t(beta_p), "b": _t(b)}
    _compare(affine_of_tanh(w, beta_p, b), T["w"] @ torch.tanh(T["beta"]) + T["b"], T)
    T = {"w": _t(w), "W1": _t(W1), "beta": _t(beta), "b1": _t(b1), "b": _t(b)}
    _compare(affine_of_square(w, W1, beta, b1, b), T["w"] @ (T["W1"] @ T["beta"] + T["b1"]) ** 2 + T["b"], T)
    T = {"W1": _t(W1), "beta": _t(beta), "b1": _t(b1)}
    _compare(squared_norm_affine(W1, beta, b1), ((T["W1"] @ T["beta"] + T["b1"]) ** 2).sum(), T)


def test_shape_errors():
    with pytest.raises(ValueError, match=r"b1 must have shape \(2,\) to match W1"):
        squared_norm_affine(np.ones((2, 3)), np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"beta must have shape \(3,\)"):
        affine_of_square(np.ones(2), np.ones((2, 3)), np.ones(2), np.ones(2), 0.0)
