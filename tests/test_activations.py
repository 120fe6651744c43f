"""Activations g(z) and g'(z) against torch (values and autograd), finite differences and laws."""
import warnings

import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from coursepkg.activations import (
    ACTIVATIONS,
    elu,
    elu_grad,
    get_activation,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    step,
    step_grad,
    tanh,
    tanh_grad,
)

pytestmark = pytest.mark.ch1

# name -> (ours, ours', torch version of g); torch's defaults are alpha = 0.01 (leaky) and 1 (elu)
TORCH = {
    "sigmoid": (sigmoid, sigmoid_grad, torch.sigmoid),
    "tanh": (tanh, tanh_grad, torch.tanh),
    "relu": (relu, relu_grad, torch.relu),
    "leaky_relu": (leaky_relu, leaky_relu_grad, lambda t: F.leaky_relu(t, negative_slope=0.01)),
    "elu": (elu, elu_grad, lambda t: F.elu(t, alpha=1.0)),
}
KINKED = {"step", "relu", "leaky_relu"}  # not differentiable at 0 (elu with alpha=1 is C^1)

# random points, the kink (both signed zeros) and values far out where exp over/underflows
SPECIAL = np.array([0.0, -0.0, 1e-300, -1e-300, 30.0, -30.0, 745.0, -745.0, 1000.0, -1000.0])


def grid(seed=0):
    z = np.random.default_rng(seed).normal(scale=4.0, size=(5, 8))
    z.flat[: SPECIAL.size] = SPECIAL
    return z


def torch_value_and_grad(fn, z):
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    y = fn(t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


def central_difference(g, z, h=1e-5):
    return (g(z + h) - g(z - h)) / (2 * h)


# ---------------------------------------------------------------- values and gradients vs torch


@pytest.mark.parametrize("name", sorted(TORCH))
def test_value_and_grad_match_torch_autograd(name):
    g, dg, torch_g = TORCH[name]
    z = grid()
    value, grad = torch_value_and_grad(torch_g, z)
    assert g(z).shape == z.shape and dg(z).shape == z.shape
    np.testing.assert_allclose(g(z), value, rtol=1e-12, atol=1e-300)
    # 1 - tanh(z)^2 cancels for large |z| (in torch too): compare gradients to an absolute eps
    np.testing.assert_allclose(dg(z), grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("z0, name, expected", [
    (0.0, "relu", 0.0), (-0.0, "relu", 0.0),
    (0.0, "leaky_relu", 0.01), (-0.0, "leaky_relu", 0.01),
    (0.0, "elu", 1.0), (-0.0, "elu", 1.0),
])
def test_derivative_at_the_kink_is_torchs(z0, name, expected):
    """The convention at z = 0: what torch's autograd returns, stated as a number as well."""
    _, dg, torch_g = TORCH[name]
    _, torch_grad = torch_value_and_grad(torch_g, np.array([z0]))
    assert torch_grad[0] == expected
    assert dg(np.array([z0]))[0] == expected


@pytest.mark.parametrize("alpha", [0.2, 0.5, 2.0])
def test_non_default_alpha_matches_torch(alpha):
    z = grid(1)
    value, grad = torch_value_and_grad(lambda t: F.leaky_relu(t, negative_slope=alpha), z)
    np.testing.assert_allclose(leaky_relu(z, alpha), value, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(leaky_relu_grad(z, alpha), grad, rtol=1e-12, atol=1e-15)
    value, grad = torch_value_and_grad(lambda t: F.elu(t, alpha=alpha), z)
    np.testing.assert_allclose(elu(z, alpha), value, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(elu_grad(z, alpha), grad, rtol=1e-12, atol=1e-15)


def test_step_is_heaviside_with_one_at_zero():
    z = grid()
    expected = torch.heaviside(torch.tensor(z), torch.tensor(1.0, dtype=torch.float64)).numpy()
    np.testing.assert_array_equal(step(z), expected)
    np.testing.assert_array_equal(step(z), (z >= 0).astype(float))
    np.testing.assert_array_equal(step_grad(z), np.zeros_like(z))


# ---------------------------------------------------------------- laws as properties

points = st.lists(st.floats(-20.0, 20.0), min_size=1, max_size=20).map(np.array)


@settings(max_examples=40)
@given(z=points)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_equals_central_difference_away_from_kinks(name, z):
    g, dg = get_activation(name)
    if name in KINKED or name == "elu":
        z = np.where(np.abs(z) < 1e-3, 1.0, z)  # h = 1e-5 must not straddle 0
    np.testing.assert_allclose(dg(z), central_difference(g, z), rtol=1e-6, atol=1e-8)


@settings(max_examples=50)
@given(z=st.lists(st.floats(-800.0, 800.0), min_size=1, max_size=20).map(np.array))
def test_sigmoid_symmetry_and_tanh_identity(z):
    np.testing.assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sigmoid_grad(z), sigmoid(z) * (1.0 - sigmoid(z)), rtol=1e-12, atol=1e-300)
    # tanh(z) = 2 sigmoid(2z) - 1 (closed form)
    np.testing.assert_allclose(tanh(z), 2.0 * sigmoid(2.0 * z) - 1.0, rtol=1e-12, atol=1e-15)


@settings(max_examples=50)
@given(z=st.lists(st.floats(-700.0, 700.0), min_size=1, max_size=20).map(np.array))
def test_sigmoid_matches_its_closed_form_within_range(z):
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-12, atol=1e-300)
    assert np.all((sigmoid(z) >= 0) & (sigmoid(z) <= 1))


# ---------------------------------------------------------------- stability


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_no_warning_and_finite_at_large_magnitude(name):
    """Overflow, invalid or divide-by-zero must not happen. Underflow to 0 (exp(-1000)) is
    harmless and silent under numpy's default, so it is not turned into an error here."""
    g, dg = get_activation(name)
    z = np.array([-1000.0, -745.0, -40.0, 0.0, 40.0, 710.0, 1000.0])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        value, grad = g(z), dg(z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))


def test_saturation_values():
    z = np.array([-1000.0, 1000.0])
    np.testing.assert_array_equal(sigmoid(z), [0.0, 1.0])
    np.testing.assert_array_equal(tanh(z), [-1.0, 1.0])
    np.testing.assert_array_equal(elu(z), [-1.0, 1000.0])
    np.testing.assert_array_equal(sigmoid_grad(z), [0.0, 0.0])


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", ["Sigmoid", "softmax", "", None, ["relu"]])
def test_unknown_activation_name(bad):
    with pytest.raises(ValueError, match="name must be an activation, one of"):
        get_activation(bad)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("which", [0, 1])
def test_nan_input_is_rejected(name, which):
    fn = get_activation(name)[which]
    with pytest.raises(ValueError, match="NaN"):
        fn(np.array([0.0, np.nan]))
