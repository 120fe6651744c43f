"""Chapter 5: the kernel SVM's loss, sub-gradient and training, against closed forms and scikit-learn."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_circles
from sklearn.svm import SVC

from coursepkg.datasets import make_moons
from coursepkg.kernels import KernelSVM, kernel_svm_loss, kernel_svm_step, kernel_svm_subgradient
from coursepkg.kernels import rbf_kernel

pytestmark = pytest.mark.ch5


def _problem(seed=0, n=30):
    X, y = make_moons(n=n, noise=0.2, rng=seed)
    return X, 2 * y - 1, rbf_kernel(X, None, 0.5)


@settings(max_examples=15)
@given(st.integers(0, 10**6), st.floats(1e-4, 1.0))
def test_subgradient_equals_finite_differences_away_from_kinks(seed, lam):
    X, y, K = _problem(seed % 50)
    rng = np.random.default_rng(seed)
    alpha, b = rng.normal(scale=0.5, size=len(y)), float(rng.normal())
    margins = y * (b + K @ alpha)
    if np.min(np.abs(margins - 1)) < 1e-3:  # too near a kink for a central difference
        return
    g_alpha, g_b = kernel_svm_subgradient(alpha, b, K, y, lam)
    eps = 1e-7
    theta = np.append(alpha, b)
    loss = lambda t: kernel_svm_loss(t[:-1], t[-1], K, y, lam)  # noqa: E731
    numeric = np.array([(loss(theta + eps * e) - loss(theta - eps * e)) / (2 * eps) for e in np.eye(len(theta))])
    np.testing.assert_allclose(np.append(g_alpha, g_b), numeric, atol=1e-5)


def test_loss_by_hand_and_one_step():
    K, y = np.eye(2), np.array([1.0, -1.0])
    assert kernel_svm_loss(np.zeros(2), 0.0, K, y, 0.5) == 1.0  # both margins 0: hinge 1 each
    # alpha = (2, -2): margins 2 > 1, hinge 0; penalty 0.5 * 8 = 4
    assert kernel_svm_loss(np.array([2.0, -2.0]), 0.0, K, y, 0.5) == 4.0
    alpha, b = kernel_svm_step(np.zeros(2), 0.0, K, y, lam=0.5, lr=1.0)
    np.testing.assert_allclose(alpha, [0.5, -0.5])
    assert b == 0.0


def test_separates_non_linear_data_and_loss_decreases():
    X, y = make_circles(n_samples=200, noise=0.05, factor=0.4, random_state=0)  # no line separates
    clf = KernelSVM(sigma=0.5, lam=1e-3, max_iter=300, tol=0.02).fit(X, y)
    history = np.array(clf.loss_history_)
    assert history[0] == pytest.approx(1.0)  # alpha = 0, b = 0: every hinge is 1
    assert history[-1] < 0.2 * history[0]
    assert np.mean(history[-20:]) < np.mean(history[:20])
    assert np.mean(clf.predict(X) == y) >= 0.97
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    X_test, y_test = make_circles(n_samples=400, noise=0.05, factor=0.4, random_state=1)
    ours = np.mean(clf.predict(X_test) == y_test)
    theirs = SVC(kernel="rbf", gamma=1 / (2 * 0.5**2), C=1 / (2 * 1e-3 * len(y))).fit(X, y).score(X_test, y_test)
    assert ours >= theirs - 0.03  # the same objective (up to scaling), so close test accuracy


def test_fitted_loss_is_the_best_in_history():
    X, y, K = _problem(1, 60)
    clf = KernelSVM(sigma=0.5, lam=1e-2, lr=2.0, max_iter=100).fit(X, y)
    assert kernel_svm_loss(clf.alpha_, clf.intercept_, K, y, 1e-2) == pytest.approx(min(clf.loss_history_))


@pytest.mark.parametrize("make, message", [
    (lambda: KernelSVM(sigma=0.0).fit(np.eye(3), [0, 1, 1]), "sigma must be"),
    (lambda: KernelSVM(lam=-1).fit(np.eye(3), [0, 1, 1]), "lam must be"),
    (lambda: KernelSVM(lr=0).fit(np.eye(3), [0, 1, 1]), "lr must be a finite number > 0"),
    (lambda: KernelSVM().fit(np.eye(3), [0, 1, 2]), "exactly 2 classes"),
    (lambda: KernelSVM().fit(np.eye(3), [0, 1]), r"y must have shape \(3,\)"),
    (lambda: KernelSVM().fit(np.full((3, 2), np.nan), [0, 1, 1]), "NaN"),
    (lambda: KernelSVM().predict(np.eye(3)), "not fitted"),
    (lambda: kernel_svm_loss(np.zeros(2), 0.0, np.eye(3), [1, -1], 0.1), "K must have"),
])
def test_bad_input_is_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()
