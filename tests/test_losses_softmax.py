"""Losses against torch.nn.functional; softmax, log_softmax and logsumexp against torch and their laws."""
import warnings

import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursepkg.losses import binary_cross_entropy, categorical_cross_entropy, squared_error
from coursepkg.softmax import log_softmax, logsumexp, softmax

pytestmark = pytest.mark.ch1


def t(a):
    return torch.as_tensor(np.asarray(a, dtype=float), dtype=torch.float64)


logits = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
    elements=st.floats(-50.0, 50.0),
)


# ---------------------------------------------------------------- losses vs torch


@pytest.mark.parametrize("shape", [(10,), (8, 3), (2, 3, 4)])
@pytest.mark.parametrize("seed", range(3))
def test_squared_error_matches_mse_loss(shape, seed):
    rng = np.random.default_rng(seed)
    y, y_hat = rng.normal(size=shape), rng.normal(scale=3.0, size=shape)
    assert squared_error(y, y_hat) == pytest.approx(F.mse_loss(t(y_hat), t(y)).item(), rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_binary_cross_entropy_matches_torch(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=30).astype(float)
    p = rng.uniform(1e-6, 1 - 1e-6, size=30)
    assert binary_cross_entropy(y, p) == pytest.approx(F.binary_cross_entropy(t(p), t(y)).item(), rel=1e-10)
    # and with logits: p = sigmoid(s)
    s = rng.normal(scale=3.0, size=30)
    p = torch.sigmoid(t(s)).numpy()
    expected = F.binary_cross_entropy_with_logits(t(s), t(y)).item()
    assert binary_cross_entropy(y, p) == pytest.approx(expected, rel=1e-10)


def test_binary_cross_entropy_at_certain_probabilities():
    """p = 0 or 1: ln is kept finite; a right certain guess costs ~0, a wrong one costs a lot."""
    assert binary_cross_entropy([1, 0], [1.0, 0.0]) == pytest.approx(0.0, abs=1e-9)
    wrong = binary_cross_entropy([1, 0], [0.0, 1.0])
    assert np.isfinite(wrong) and wrong > 20


@pytest.mark.parametrize("seed", range(5))
def test_categorical_cross_entropy_matches_nll_loss(seed):
    rng = np.random.default_rng(seed)
    n, K = 25, 4
    P = softmax(rng.normal(scale=2.0, size=(n, K)))
    labels = rng.integers(0, K, size=n)
    Y = np.eye(K)[labels]
    expected = F.nll_loss(torch.log(t(P)), torch.as_tensor(labels)).item()
    assert categorical_cross_entropy(Y, P) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_categorical_cross_entropy_on_softmax_is_torchs_cross_entropy(seed):
    rng = np.random.default_rng(seed)
    Z = rng.normal(scale=3.0, size=(20, 5))
    labels = rng.integers(0, 5, size=20)
    expected = F.cross_entropy(t(Z), torch.as_tensor(labels)).item()
    assert categorical_cross_entropy(np.eye(5)[labels], softmax(Z)) == pytest.approx(expected, rel=1e-10)
    # soft targets (rows of Y are distributions): torch takes class probabilities as target too
    Y = softmax(rng.normal(size=(20, 5)))
    expected = F.cross_entropy(t(Z), t(Y)).item()
    assert categorical_cross_entropy(Y, softmax(Z)) == pytest.approx(expected, rel=1e-10)


# ---------------------------------------------------------------- softmax family vs torch


@pytest.mark.parametrize("shape, axis", [
    ((7,), 0), ((7,), -1), ((5, 4), 0), ((5, 4), -1), ((3, 4, 5), 0), ((3, 4, 5), 1), ((3, 4, 5), -1),
])
def test_softmax_family_matches_torch(shape, axis):
    Z = np.random.default_rng(len(shape)).normal(scale=5.0, size=shape)
    np.testing.assert_allclose(softmax(Z, axis=axis), torch.softmax(t(Z), dim=axis).numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(log_softmax(Z, axis=axis), torch.log_softmax(t(Z), dim=axis).numpy(),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(logsumexp(Z, axis=axis), torch.logsumexp(t(Z), dim=axis).numpy(), rtol=1e-12)
    assert softmax(Z, axis=axis).shape == Z.shape
    assert logsumexp(Z, axis=axis).shape == np.sum(Z, axis=axis).shape


@settings(max_examples=50)
@given(Z=logits, c=st.floats(-1000.0, 1000.0), data=st.data())
def test_softmax_laws(Z, c, data):
    axis = data.draw(st.integers(-Z.ndim, Z.ndim - 1), label="axis")
    S = softmax(Z, axis=axis)
    assert np.all(S >= 0)
    np.testing.assert_allclose(S.sum(axis=axis), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(Z + c, axis=axis), S, rtol=1e-9, atol=1e-12)  # shift invariance
    np.testing.assert_allclose(np.exp(log_softmax(Z, axis=axis)), S, rtol=1e-12, atol=1e-300)
    assert np.all(log_softmax(Z, axis=axis) <= 1e-12)
    np.testing.assert_allclose(S, torch.softmax(t(Z), dim=axis).numpy(), rtol=1e-9, atol=1e-15)


@settings(max_examples=50)
@given(Z=logits, c=st.floats(-1000.0, 1000.0), data=st.data())
def test_logsumexp_laws(Z, c, data):
    axis = data.draw(st.integers(-Z.ndim, Z.ndim - 1), label="axis")
    lse = logsumexp(Z, axis=axis)
    m, C = Z.max(axis=axis), Z.shape[axis]
    assert np.all(lse >= m - 1e-12)
    assert np.all(lse <= m + np.log(C) + 1e-12)
    np.testing.assert_allclose(logsumexp(Z + c, axis=axis), lse + c, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(lse, torch.logsumexp(t(Z), dim=axis).numpy(), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- stability and infinities




def test_large_logits_are_stable():
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        lse = logsumexp(np.array([1e4, 1e4]))
        Z = np.array([[1e4, -1e4, 5e3], [-1e4, -1e4 + 1.0, -2e4]])
        S = softmax(Z)
        L = log_softmax(Z)
    assert lse == pytest.approx(1e4 + np.log(2.0), rel=1e-15)
    assert np.all(np.isfinite(S)) and np.all(np.isfinite(L))
    # exp(Z - logsumexp(Z)) is exact for a slightly perturbed Z (relative eps), i.e. to about
    # |Z| eps = 1e4 * 2.2e-16 relative in the output; 1e-10 leaves room and still catches real errors
    np.testing.assert_allclose(S.sum(axis=-1), 1.0, rtol=1e-10)
    np.testing.assert_allclose(S, torch.softmax(t(Z), dim=-1).numpy(), rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(L, torch.log_softmax(t(Z), dim=-1).numpy(), rtol=1e-12, atol=1e-10)
    np.testing.assert_array_equal(S[0], [1.0, 0.0, 0.0])
    # the second row by hand: softmax([0, 1, -1e4]) on its first two entries
    np.testing.assert_allclose(S[1, :2], [1 / (1 + np.e), np.e / (1 + np.e)], rtol=1e-10)


def test_minus_infinity_entries():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(softmax(np.array([0.0, -np.inf])), [1.0, 0.0])
        assert logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
        assert logsumexp(np.array([0.0, -np.inf])) == 0.0
        lse = logsumexp(np.array([[-np.inf, -np.inf, -np.inf], [1.0, 2.0, -np.inf]]), axis=1)
    assert lse[0] == -np.inf
    assert lse[1] == pytest.approx(np.log(np.e + np.e**2), rel=1e-15)
    expected = torch.logsumexp(t([[-np.inf, -np.inf, -np.inf], [1.0, 2.0, -np.inf]]), dim=1).numpy()
    np.testing.assert_array_equal(lse, expected)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("fn", [softmax, log_softmax, logsumexp])
@pytest.mark.parametrize("bad, message", [(np.array([0.0, np.nan]), "NaN"), (np.array([1.0, np.inf]), r"\+inf")])
def test_softmax_family_rejects_nan_and_plus_inf(fn, bad, message):
    with pytest.raises(ValueError, match=message):
        fn(bad)


@pytest.mark.parametrize("fn", [squared_error, binary_cross_entropy])
def test_losses_reject_nan_and_shape_mismatch(fn):
    with pytest.raises(ValueError, match="NaN"):
        fn([1.0, 0.0], [np.nan, 0.5])
    with pytest.raises(ValueError, match="NaN"):
        fn([np.nan, 0.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="same shape"):
        fn([1.0, 0.0, 1.0], [0.5, 0.5])


@pytest.mark.parametrize("y", [[0, 2], [-1, 1], [0.5, 1]])
def test_binary_cross_entropy_rejects_labels_outside_0_1(y):
    with pytest.raises(ValueError, match="labels"):
        binary_cross_entropy(y, [0.5, 0.5])


@pytest.mark.parametrize("p", [[1.5, 0.5], [-0.1, 0.5]])
def test_binary_cross_entropy_rejects_p_outside_0_1(p):
    with pytest.raises(ValueError, match="probabilities"):
        binary_cross_entropy([1, 0], p)


def test_categorical_cross_entropy_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        categorical_cross_entropy([0.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="probabilities"):
        categorical_cross_entropy([[0.0, 1.0]], [[-0.5, 1.5]])
    with pytest.raises(ValueError, match="same shape"):
        categorical_cross_entropy([[0.0, 1.0]], [[0.2, 0.3, 0.5]])
    with pytest.raises(ValueError, match="NaN"):
        categorical_cross_entropy([[0.0, 1.0]], [[np.nan, 1.0]])
