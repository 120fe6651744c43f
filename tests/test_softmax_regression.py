"""cross_entropy, its gradient and onehot against torch; SoftmaxRegression against scikit-learn."""
import numpy as np
import pytest
import scipy.special
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.datasets import load_digits, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from coursepkg.softmax import (
    SoftmaxRegression,
    cross_entropy,
    cross_entropy_grad,
    log_softmax,
    logsumexp,
    onehot,
    softmax,
)

pytestmark = pytest.mark.ch3


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64, requires_grad=grad)


# ---------------------------------------------------------------- softmax family vs scipy on extreme inputs


@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4])
def test_softmax_family_matches_scipy(scale):
    Z = np.random.default_rng(0).normal(scale=scale, size=(7, 5))
    Z[0, :2] = -np.inf
    np.testing.assert_allclose(logsumexp(Z, axis=1), scipy.special.logsumexp(Z, axis=1), rtol=1e-12)
    np.testing.assert_allclose(softmax(Z, axis=0), scipy.special.softmax(Z, axis=0), rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(log_softmax(Z[1:], axis=1), scipy.special.log_softmax(Z[1:], axis=1), rtol=1e-12)


@settings(max_examples=30)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=st.floats(-1e4, 1e4)),
       st.floats(-1e3, 1e3))
def test_lse_bounds_and_shift_invariance(Z, c):
    lse = logsumexp(Z, axis=1)
    m = Z.max(axis=1)
    assert np.all(lse >= m - 1e-9) and np.all(lse <= m + np.log(Z.shape[1]) + 1e-9)
    np.testing.assert_allclose(softmax(Z + c), softmax(Z), atol=1e-9)
    np.testing.assert_allclose(softmax(Z).sum(axis=1), 1.0, rtol=1e-12)


# ---------------------------------------------------------------- cross-entropy and its gradient vs torch


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("scale", [1.0, 50.0, 1e4])
def test_cross_entropy_and_gradient_match_torch(seed, scale):
    rng = np.random.default_rng(seed)
    n, C = 13, 4
    Z, y = rng.normal(scale=scale, size=(n, C)), rng.integers(0, C, size=n)
    Zt = t(Z, grad=True)
    loss = F.cross_entropy(Zt, torch.as_tensor(y))
    loss.backward()
    assert cross_entropy(Z, y) == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(cross_entropy_grad(Z, y), Zt.grad.numpy(), rtol=1e-10, atol=1e-15)
    s = F.cross_entropy(t(Z), torch.as_tensor(y), reduction="sum").item()
    assert cross_entropy(Z, y, reduction="sum") == pytest.approx(s, rel=1e-12)
    np.testing.assert_allclose(cross_entropy_grad(Z, y, reduction="sum"), n * Zt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_gradient_of_linear_model_matches_autograd():
    """dJ/dW = (1/n) (softmax(XW^T) - Y)^T X, the formula used by SoftmaxRegression."""
    rng = np.random.default_rng(3)
    X, W, y = rng.normal(size=(20, 3)), rng.normal(size=(5, 3)), rng.integers(0, 5, size=20)
    Wt = t(W, grad=True)
    F.cross_entropy(t(X) @ Wt.T, torch.as_tensor(y)).backward()
    np.testing.assert_allclose(cross_entropy_grad(X @ W.T, y).T @ X, Wt.grad.numpy(), rtol=1e-10)


def test_two_classes_recover_binary_logistic_loss():
    """C = 2: -ln softmax(z)_y = ln(1 + exp(-(s)(z_y - z_other))), the binary logistic loss with w = w1 - w0."""
    rng = np.random.default_rng(4)
    Z, y = rng.normal(scale=3, size=(30, 2)), rng.integers(0, 2, size=30)
    s = Z[:, 1] - Z[:, 0]
    binary = F.binary_cross_entropy_with_logits(t(s), t(y)).item()
    assert cross_entropy(Z, y) == pytest.approx(binary, rel=1e-12)


def test_base2_loss_upper_bounds_zero_one_loss():
    rng = np.random.default_rng(5)
    Z, y = rng.normal(scale=2, size=(500, 4)), rng.integers(0, 4, size=500)
    per_row = cross_entropy(Z, y, reduction="none") / np.log(2)
    wrong = np.argmax(Z, axis=1) != y
    assert np.all(per_row >= wrong) and wrong.any()


def test_onehot_matches_torch():
    y = np.array([3, 0, 2, 2])
    np.testing.assert_array_equal(onehot(y, 5), F.one_hot(torch.as_tensor(y), 5).numpy())


@pytest.mark.parametrize("call, message", [
    (lambda: cross_entropy(np.zeros((2, 3)), [0, 3]), r"labels in 0\.\.2"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, -1]), r"labels in 0\.\.2"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, 1.5]), "integer"),
    (lambda: cross_entropy(np.zeros(3), [0]), "2-D"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, 1, 2]), r"shape \(2,\)"),
    (lambda: cross_entropy(np.array([[np.nan, 0.0]]), [0]), "NaN"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, np.nan]), "NaN"),
    (lambda: cross_entropy(np.zeros((2, 3)), [0, 1], reduction="avg"), "reduction"),
    (lambda: onehot([0, 4], 3), r"0\.\.2"),
    (lambda: onehot([0, 1], 0), "C must be"),
    (lambda: SoftmaxRegression().fit(np.ones(3), [0, 1, 2]), "2-D"),
    (lambda: SoftmaxRegression().fit(np.ones((3, 1)), [0, 0, 0]), "at least 2 classes"),
    (lambda: SoftmaxRegression().fit(np.ones((3, 1)), [0, 1]), r"shape \(3,\)"),
    (lambda: SoftmaxRegression(lam=-1).fit(np.ones((2, 1)), [0, 1]), "lam"),
    (lambda: SoftmaxRegression(lr=0).fit(np.ones((2, 1)), [0, 1]), "lr"),
    (lambda: SoftmaxRegression().predict(np.ones((2, 1))), "not fitted"),
])
def test_bad_input_raises_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- the estimator vs scikit-learn


def _standardised(loader, n=None):
    X, y = loader(return_X_y=True)
    if n is not None:
        X, y = X[:n], y[:n]
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("loader, n, alpha", [(load_iris, None, 1e-3), (load_digits, 400, 1e-2)])
def test_matches_sklearn_multinomial_logistic_regression(loader, n, alpha):
    X, y = _standardised(loader, n)
    # sklearn minimises C sum_i l_i + ||W||^2 / 2, i.e. mean loss + ||W||^2 / (2 C n): C = 1 / (alpha n)
    theirs = LogisticRegression(C=1.0 / (alpha * len(X)), tol=1e-10, max_iter=5000).fit(X, y)
    ours = SoftmaxRegression(lr=0.5, max_iter=3000, lam=alpha, momentum=0.9, tol=1e-6).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-3)
    assert ours.loss_history_[-1] <= ours.loss_history_[0]


def test_minibatch_sgd_reaches_the_full_batch_accuracy():
    X, y = _standardised(load_iris)
    full = SoftmaxRegression(lr=0.5, max_iter=500, lam=1e-3).fit(X, y)
    sgd = SoftmaxRegression(lr=0.05, max_iter=100, batch_size=16, lam=1e-3, random_state=0).fit(X, y)
    assert sgd.score(X, y) >= full.score(X, y) - 0.03
    assert np.mean(sgd.loss_history_[-10:]) < sgd.loss_history_[0]


def test_sample_frequencies_match_probabilities():
    """Monte Carlo: 4000 draws per point; each frequency within 5 standard errors of p."""
    X, y = _standardised(load_iris)
    clf = SoftmaxRegression(lr=0.5, max_iter=50).fit(X, y)
    points = X[[0, 70, 130]]
    P = clf.predict_proba(points)
    draws = clf.sample(np.repeat(points, 4000, axis=0), rng=0).reshape(3, 4000)
    freq = np.stack([(draws == k).mean(axis=1) for k in clf.classes_], axis=1)
    assert np.all(np.abs(freq - P) <= 5 * np.sqrt(P * (1 - P) / 4000) + 1e-12)


def test_labels_are_kept_and_ties_go_to_the_lowest_class():
    X = np.array([[0.0], [1.0], [2.0]])
    clf = SoftmaxRegression(max_iter=1).fit(X, ["b", "c", "a"])
    assert list(clf.classes_) == ["a", "b", "c"]
    clf.coef_, clf.intercept_ = np.zeros((3, 1)), np.zeros(3)
    assert list(clf.predict(X)) == ["a", "a", "a"]
