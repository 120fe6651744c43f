"""Finite differences against closed forms; the check flags a deliberately wrong gradient."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import check_grad

from coursepkg.mlp import loss_and_gradients, loss_value
from coursepkg.gradcheck import check_gradient, numerical_gradient
from coursepkg.mlp import init_params

pytestmark = pytest.mark.ch2


@settings(max_examples=15)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=5))
def test_numerical_gradient_of_known_function(values):
    x = np.array(values)
    f = lambda v: float(np.sum(np.sin(v) * v ** 2))
    exact = np.cos(x) * x ** 2 + 2 * x * np.sin(x)
    np.testing.assert_allclose(numerical_gradient(f, x), exact, atol=1e-7)


def test_matches_scipy_check_grad_and_keeps_x():
    A = np.array([[3.0, 1.0], [0.5, 2.0]])
    f = lambda v: float(v @ A @ v)
    grad = lambda v: (A + A.T) @ v  # the identity d/dv v^T A v = (A + A^T) v
    x = np.array([0.4, -1.1])
    before = x.copy()
    result = check_gradient(f, grad, x)
    assert result.ok and result.max_relative_error < 1e-7
    assert check_grad(f, grad, x) < 1e-6  # scipy's own finite-difference check agrees
    np.testing.assert_array_equal(x, before)


def test_backprop_passes_and_a_wrong_entry_is_located():
    Thetas = init_params([3, 4, 2], rng=0)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(6, 3)), rng.integers(0, 2, size=(6, 2)).astype(float)
    shape = Thetas[0].shape

    def f(T0):
        return loss_value([T0, Thetas[1]], X, Y, hidden="tanh", lam=0.1)

    _, grads = loss_and_gradients(Thetas, X, Y, hidden="tanh", lam=0.1)
    assert check_gradient(f, grads[0], Thetas[0]).ok
    wrong = grads[0].copy()
    wrong[2, 1] *= -1.5
    result = check_gradient(f, wrong, Thetas[0])
    assert not result.ok and result.index == (2, 1)
    assert "FAILED" in str(result) and "(2, 1)" in str(result)
    assert shape == grads[0].shape


def test_bad_input():
    with pytest.raises(ValueError, match=r"eps must be a finite number in \(0, 1\)"):
        numerical_gradient(lambda v: 0.0, np.ones(2), eps=0)
    with pytest.raises(ValueError, match="f must return a scalar"):
        numerical_gradient(lambda v: v, np.ones(2))
    with pytest.raises(ValueError, match=r"grad must have the shape of x, \(2,\)"):
        check_gradient(lambda v: 0.0, np.ones(3), np.ones(2))
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_gradient(3, np.ones(2))


def test_correct_cross_entropy_gradient_passes_at_confident_logits():
    """Issue 18: relative error alone (floor 1e-8) failed a correct gradient; torch's gradcheck passes it."""
    import torch

    from coursepkg.softmax import cross_entropy, cross_entropy_grad

    Z = np.array([[30.0, 0.0, -5.0], [0.0, 25.0, 3.0]])
    y = [0, 1]
    result = check_gradient(lambda z: cross_entropy(z, y), cross_entropy_grad(Z, y), Z)
    assert result.ok, str(result)
    Zt = torch.tensor(Z, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda z: torch.nn.functional.cross_entropy(z, torch.tensor(y)), (Zt,), eps=1e-6, atol=1e-8, rtol=1e-5)
    # the absolute tolerance does not hide a wrong gradient of the same size
    wrong = cross_entropy_grad(Z, y)
    wrong[0, 2] += 1e-6
    assert not check_gradient(lambda z: cross_entropy(z, y), wrong, Z).ok
