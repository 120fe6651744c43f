"""The perceptron against Novikoff's theorem, scikit-learn's Perceptron and the update's closed form."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.svm import LinearSVC

from coursepkg.perceptron import Perceptron, margin, mistake_bound, perceptron_predict, perceptron_update, sign

pytestmark = pytest.mark.ch1


def separable(seed, n=60, d=2, gap=0.5):
    """Points labelled by a random hyperplane (u, c), with no point closer than ``gap`` to it.

    Returns X, y in {-1, +1}, and the generating (u, c), which separates (X, y) by construction.
    """
    rng = np.random.default_rng(seed)
    u = rng.normal(size=d)
    u /= np.linalg.norm(u)
    c = rng.uniform(-1.0, 1.0)  # keeps both classes well populated
    X = rng.normal(scale=2.0, size=(8 * n, d))
    s = X @ u + c
    keep = np.abs(s) >= gap
    X, s = X[keep][:n], s[keep][:n]
    y = np.where(s > 0, 1, -1)
    assert len(np.unique(y)) == 2  # both classes present
    return X, y, u, c


def novikoff(X, y, w, b):
    """(R / gamma)^2 in the augmented space x~ = (x, 1), w~ = (w, b), computed from scratch."""
    R2 = max(float(x @ x) + 1.0 for x in X)
    gamma = min(yi * (x @ w + b) for x, yi in zip(X, y)) / np.sqrt(w @ w + b * b)
    assert gamma > 0, "(w, b) must separate the data"
    return R2 / gamma**2


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([-1, 1, 1, -1])


# ---------------------------------------------------------------- convergence and Novikoff's bound


@settings(max_examples=25)
@given(seed=st.integers(0, 2**32 - 1), d=st.sampled_from([2, 3, 5]), shuffle=st.booleans())
def test_separable_data_converges_within_novikoffs_bound(seed, d, shuffle):
    X, y, u, c = separable(seed, d=d)
    bound = novikoff(X, y, u, c)
    # every epoch but the last makes >= 1 mistake, so bound + 1 epochs always suffice
    clf = Perceptron(max_iter=int(bound) + 2, shuffle=shuffle, random_state=seed).fit(X, y)
    assert clf.converged_
    assert clf.mistakes_[-1] == 0
    assert all(m > 0 for m in clf.mistakes_[:-1])
    assert sum(clf.mistakes_) <= bound
    np.testing.assert_array_equal(clf.predict(X), y)
    assert np.all(y * clf.decision_function(X) > 0)
    assert mistake_bound(X, y, u, c) == pytest.approx(bound, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_bound_with_a_max_margin_hyperplane_from_linear_svc(seed):
    X, y, _, _ = separable(seed, d=3)
    svm = LinearSVC(C=1e4, max_iter=200_000).fit(X, y)
    w, b = svm.coef_[0], float(svm.intercept_[0])
    assert np.all(y * (X @ w + b) > 0), "LinearSVC must separate the data before it can be used"
    bound = novikoff(X, y, w, b)
    clf = Perceptron(max_iter=int(bound) + 2).fit(X, y)
    assert clf.converged_ and sum(clf.mistakes_) <= bound
    assert mistake_bound(X, y, w, b) == pytest.approx(bound, rel=1e-12)
    assert margin(X, y, w, b) == pytest.approx(
        np.min(y * (X @ w + b)) / np.linalg.norm(np.append(w, b)), rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_scikit_learn_perceptron(seed):
    """sklearn's Perceptron with these settings runs the same rule (update when y (w^T x + b) <= 0,
    step 1, from zero, in order). Both must separate the training data; the rule being the same,
    the learned (w, b) agree too (sklearn keeps running epochs that change nothing)."""
    X, y, _, _ = separable(seed, d=2 + seed % 3)
    ours = Perceptron(max_iter=1000).fit(X, y)
    theirs = SkPerceptron(shuffle=False, eta0=1, alpha=0, fit_intercept=True, tol=None, max_iter=1000).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), y)
    np.testing.assert_array_equal(theirs.predict(X), y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_[0], rtol=1e-12, atol=1e-12)
    assert ours.intercept_ == pytest.approx(theirs.intercept_[0], abs=1e-12)


def test_learning_rate_only_rescales_the_solution():
    X, y, _, _ = separable(7, d=3)
    one = Perceptron(max_iter=1000).fit(X, y)
    small = Perceptron(max_iter=1000, lr=0.1).fit(X, y)
    assert small.mistakes_ == one.mistakes_
    np.testing.assert_allclose(small.coef_, 0.1 * one.coef_, rtol=1e-12)
    assert small.intercept_ == pytest.approx(0.1 * one.intercept_, rel=1e-12, abs=1e-15)


def test_xor_never_converges():
    clf = Perceptron(max_iter=25).fit(XOR_X, XOR_Y)
    assert not clf.converged_
    assert len(clf.mistakes_) == 25
    assert all(m >= 1 for m in clf.mistakes_)
    assert np.any(clf.predict(XOR_X) != XOR_Y)


# ---------------------------------------------------------------- the update rule in closed form

vectors = st.lists(st.floats(-10, 10), min_size=3, max_size=3).map(np.array)


@settings(max_examples=50)
@given(w=vectors, x=vectors, b=st.floats(-10, 10), y=st.sampled_from([-1, 1]), lr=st.floats(0.01, 5.0))
def test_update_closed_form(w, x, b, y, lr):
    w_before = w.copy()
    w_new, b_new, mistake = perceptron_update(w, b, x, y, lr)
    np.testing.assert_array_equal(w, w_before)  # the input is not modified
    if y * (w @ x + b) <= 0:
        assert mistake is True
        np.testing.assert_allclose(w_new, w + lr * y * x, rtol=1e-14, atol=1e-14)
        assert b_new == pytest.approx(b + lr * y, abs=1e-14)
        # the score moves towards y by lr (||x||^2 + 1)
        gain = y * (w_new @ x + b_new) - y * (w @ x + b)
        assert gain == pytest.approx(lr * (x @ x + 1.0), rel=1e-9, abs=1e-9)
    else:
        assert mistake is False
        np.testing.assert_array_equal(w_new, w)
        assert b_new == b


@pytest.mark.parametrize("y", [-1, 1])
def test_score_exactly_zero_counts_as_a_mistake(y):
    x = np.array([1.0, -2.0])
    w_new, b_new, mistake = perceptron_update(np.zeros(2), 0.0, x, y)
    assert mistake is True
    np.testing.assert_array_equal(w_new, y * x)
    assert b_new == y
    # a non-zero w orthogonal to x with b = 0 also scores 0
    _, _, mistake = perceptron_update(np.array([2.0, 1.0]), 0.0, x, y)
    assert mistake is True


def test_sign_and_predict_put_zero_in_the_positive_class():
    np.testing.assert_array_equal(sign([-1e-300, 0.0, -0.0, 3.0]), [-1.0, 1.0, 1.0, 1.0])
    X = np.array([[1.0, 1.0], [2.0, -1.0], [0.0, 0.0]])
    w, b = np.array([1.0, -1.0]), 0.0
    np.testing.assert_array_equal(perceptron_predict(X, w, b), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(perceptron_predict(X, w, -0.5), [-1.0, 1.0, -1.0])


# ---------------------------------------------------------------- labels and scikit-learn API


def test_zero_one_labels_round_trip():
    X, y_pm, _, _ = separable(3)
    y01 = (y_pm + 1) // 2
    clf = Perceptron(max_iter=1000).fit(X, y01)
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    np.testing.assert_array_equal(clf.predict(X), y01)
    pm = Perceptron(max_iter=1000).fit(X, y_pm)
    np.testing.assert_array_equal(pm.classes_, [-1, 1])
    np.testing.assert_array_equal(pm.predict(X), y_pm)
    np.testing.assert_array_equal(clf.coef_, pm.coef_)  # same problem, same weights
    assert clf.score(X, y01) == 1.0


def test_clone_gives_an_unfitted_copy_with_the_same_parameters():
    est = Perceptron(max_iter=7, lr=0.5, shuffle=True, random_state=3)
    fitted = est.fit(*separable(1)[:2])
    copy = clone(fitted)
    assert copy is not fitted
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "coef_")
    X, y, _, _ = separable(1)
    np.testing.assert_array_equal(copy.fit(X, y).coef_, fitted.coef_)  # same seed, same result


# ---------------------------------------------------------------- bad input


def test_any_two_labels_are_accepted_and_returned():
    """Issue 17: {1, 2} and strings are two classes like any other; the first sorted label is -1."""
    for labels in ([1, 2], ["no", "yes"]):
        y = np.array([labels[int(v > 0)] for v in XOR_Y])
        clf = Perceptron(max_iter=50).fit(np.c_[XOR_X, XOR_X[:, 0] * XOR_X[:, 1]], y)
        assert set(clf.predict(np.c_[XOR_X, XOR_X[:, 0] * XOR_X[:, 1]])) <= set(labels)
        assert list(clf.classes_) == labels


def test_one_class_is_refused_not_extrapolated():
    """Issue 18: fitting on one class used to predict a label it never saw (-1)."""
    with pytest.raises(ValueError, match="at least 2 classes"):
        Perceptron().fit([[1.0, 1], [2, 2]], [1, 1])


@pytest.mark.parametrize("y, message", [
    ([1, 2, 3, 2], "exactly 2 classes"),
    ([-1, 0, 1, 1], "exactly 2 classes"),
    ([1, -1, 1], "shape"),
    ([1, -1, np.nan, 1], "NaN"),
])
def test_bad_labels(y, message):
    with pytest.raises(ValueError, match=message):
        Perceptron().fit(XOR_X, y)


@pytest.mark.parametrize("X, message", [
    (np.ones(4), "2-D"),
    (np.array([[0.0, 1.0], [np.nan, 1.0], [1.0, 0.0], [1.0, 1.0]]), "NaN"),
    (np.ones((0, 2)), "at least one row"),
])
def test_bad_X(X, message):
    with pytest.raises(ValueError, match=message):
        Perceptron().fit(X, [1, -1, 1, -1])


@pytest.mark.parametrize("params, message", [
    ({"max_iter": 0}, "max_iter"),
    ({"max_iter": 2.5}, "max_iter"),
    ({"max_iter": True}, "max_iter"),
    ({"lr": "a"}, "lr"),
    ({"lr": 0.0}, "lr"),
    ({"lr": -1.0}, "lr"),
])
def test_bad_hyperparameters(params, message):
    with pytest.raises(ValueError, match=message):
        Perceptron(**params).fit(XOR_X, XOR_Y)


def test_predict_before_fit_and_wrong_width():
    with pytest.raises(ValueError, match="not fitted"):
        Perceptron().predict(XOR_X)
    clf = Perceptron(max_iter=3).fit(XOR_X, XOR_Y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(np.ones((2, 3)))


@pytest.mark.parametrize("kwargs, message", [
    ({"y": 0}, "y must be -1 or \\+1"),
    ({"y": 2}, "y must be -1 or \\+1"),
    ({"x": np.ones(3)}, "shape"),
    ({"x": np.array([np.nan, 1.0])}, "NaN"),
])
def test_update_bad_input(kwargs, message):
    args = {"w": np.zeros(2), "b": 0.0, "x": np.ones(2), "y": 1} | kwargs
    with pytest.raises(ValueError, match=message):
        perceptron_update(**args)


def test_mistake_bound_needs_a_separating_hyperplane():
    X, y, u, c = separable(2)
    with pytest.raises(ValueError, match="separate"):
        mistake_bound(X, y, -u, -c)
    with pytest.raises(ValueError, match="separate"):
        mistake_bound(XOR_X, XOR_Y, np.array([1.0, 1.0]), -1.0)
