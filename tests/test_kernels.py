"""Chapter 5: kernel functions, feature maps and kernel ridge, against scikit-learn and closed forms."""
import warnings

import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime
from sklearn.base import clone
from sklearn.kernel_ridge import KernelRidge as SkKernelRidge
from sklearn.metrics.pairwise import pairwise_kernels

from coursepkg import kernels
from coursepkg.kernels import (
    IllConditionedWarning,
    KernelRidge,
    kernel_ridge_alpha,
    kernel_ridge_loss,
    linear_kernel,
    n_polynomial_features,
    polynomial_feature_map,
    polynomial_kernel,
    rbf_feature_map_1d,
    rbf_kernel,
    sigmoid_kernel,
    squared_distances,
)

pytestmark = pytest.mark.ch5


def _data(n=30, m=20, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(m, d))


@pytest.mark.parametrize("sigma", [0.1, 0.7, 3.0])
def test_rbf_equals_scikit_learn(sigma):
    X, Y = _data()
    theirs = pairwise_kernels(X, Y, metric="rbf", gamma=1 / (2 * sigma**2))
    np.testing.assert_allclose(rbf_kernel(X, Y, sigma), theirs, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(rbf_kernel(X, None, sigma),
                               pairwise_kernels(X, metric="rbf", gamma=1 / (2 * sigma**2)), rtol=1e-12, atol=1e-14)


def test_other_kernels_equal_scikit_learn():
    X, Y = _data()
    np.testing.assert_allclose(linear_kernel(X, Y), pairwise_kernels(X, Y, metric="linear"), rtol=1e-12)
    for degree, coef0 in [(1, 0.0), (2, 0.0), (3, 1.0), (4, 2.5)]:
        theirs = pairwise_kernels(X, Y, metric="polynomial", degree=degree, gamma=1.0, coef0=coef0)
        np.testing.assert_allclose(polynomial_kernel(X, Y, degree, coef0), theirs, rtol=1e-12)
    theirs = pairwise_kernels(X, Y, metric="sigmoid", gamma=0.3, coef0=-0.2)
    np.testing.assert_allclose(sigmoid_kernel(X, Y, gamma=0.3, r=-0.2), theirs, rtol=1e-12)


def test_squared_distances_are_exact_and_nonnegative():
    from scipy.spatial.distance import cdist

    X, Y = _data()
    np.testing.assert_allclose(squared_distances(X, Y), cdist(X, Y, "sqeuclidean"), rtol=1e-10, atol=1e-12)
    # near-identical large vectors: the expansion cancels catastrophically; it must not go negative
    Z = 1e4 + np.random.default_rng(1).normal(scale=1e-6, size=(5, 4))
    assert np.all(squared_distances(Z) >= 0)
    assert np.all(rbf_kernel(Z, None, 1.0) <= 1.0)


@settings(max_examples=20)
@given(st.integers(1, 4), st.integers(1, 4), st.sampled_from([0.0, 1.0, 2.0]), st.integers(0, 10**6))
def test_polynomial_feature_map_reproduces_the_kernel(d, degree, coef0, seed):
    X, Y = _data(6, 5, d, seed)
    phi_X, phi_Y = polynomial_feature_map(X, degree, coef0), polynomial_feature_map(Y, degree, coef0)
    np.testing.assert_allclose(phi_X @ phi_Y.T, polynomial_kernel(X, Y, degree, coef0), rtol=1e-9, atol=1e-9)
    assert phi_X.shape[1] == n_polynomial_features(d, degree, exact=coef0 == 0)


def test_feature_count_matches_scikit_learn_polynomial_features():
    from sklearn.preprocessing import PolynomialFeatures

    X = np.ones((1, 5))
    assert n_polynomial_features(5, 3, exact=False) == PolynomialFeatures(3).fit(X).n_output_features_


def test_truncated_rbf_feature_map_converges():
    x = np.linspace(-1, 1, 9)
    exact = rbf_kernel(x[:, None], None, sigma=0.8)
    errors = []
    for n_terms in (2, 5, 10, 25):
        phi = rbf_feature_map_1d(x, sigma=0.8, n_terms=n_terms)
        errors.append(np.max(np.abs(phi @ phi.T - exact)))
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-12


@settings(max_examples=15)
@given(st.floats(0.05, 5.0), st.integers(0, 10**6))
def test_rbf_matrix_is_positive_semidefinite_with_unit_diagonal(sigma, seed):
    X, _ = _data(15, 1, 2, seed)
    K = rbf_kernel(X, None, sigma)
    np.testing.assert_allclose(np.diag(K), 1.0)
    np.testing.assert_allclose(K, K.T)
    assert np.linalg.eigvalsh(K).min() > -1e-10


@pytest.mark.parametrize("sigma, lam", [(0.3, 1e-3), (1.0, 1e-1), (2.0, 1.0)])
def test_kernel_ridge_equals_scikit_learn(sigma, lam):
    X, Y = _data(60, 25, 2, 3)
    y = np.sin(X[:, 0]) + 0.1 * X[:, 1]
    ours = KernelRidge(sigma=sigma, lam=lam).fit(X, y)
    theirs = SkKernelRidge(kernel="rbf", gamma=1 / (2 * sigma**2), alpha=lam).fit(X, y)
    np.testing.assert_allclose(ours.predict(Y), theirs.predict(Y), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.alpha_, theirs.dual_coef_, rtol=1e-6, atol=1e-8)


def test_kernel_ridge_polynomial_and_linear_equal_scikit_learn():
    X, Y = _data(40, 10, 3, 4)
    y = X[:, 0] * X[:, 1] - X[:, 2]
    for ours, theirs in [
        (KernelRidge(kernel="linear", lam=0.5), SkKernelRidge(kernel="linear", alpha=0.5)),
        (KernelRidge(kernel="polynomial", degree=3, coef0=1.0, lam=0.1),
         SkKernelRidge(kernel="polynomial", degree=3, coef0=1.0, gamma=1.0, alpha=0.1)),
    ]:
        np.testing.assert_allclose(ours.fit(X, y).predict(Y), theirs.fit(X, y).predict(Y), rtol=1e-7, atol=1e-9)


@settings(max_examples=10)
@given(st.floats(0.2, 3.0), st.floats(1e-2, 10.0), st.integers(0, 10**6))
def test_closed_form_zeroes_the_gradient_of_the_lecture_loss(sigma, lam, seed):
    X, _ = _data(12, 1, 2, seed)
    y = np.random.default_rng(seed).normal(size=12)
    K = rbf_kernel(X, None, sigma)
    alpha = kernel_ridge_alpha(K, y, lam)
    grad = approx_fprime(alpha, kernel_ridge_loss, 1e-6, K, y, lam)
    assert np.max(np.abs(grad)) < 1e-4 * (1 + np.abs(y).max())
    # and it is a minimum: any perturbation raises the (convex) loss
    step = np.random.default_rng(seed + 1).normal(size=12)
    assert kernel_ridge_loss(alpha + 1e-3 * step, K, y, lam) >= kernel_ridge_loss(alpha, K, y, lam)


def test_ridge_matches_scipy_dense_solve():
    X, _ = _data(50, 1, 2, 5)
    y = np.cos(X[:, 0])
    K = rbf_kernel(X, None, 0.5)
    np.testing.assert_allclose(kernel_ridge_alpha(K, y, 0.01), np.linalg.solve(K + 0.01 * np.eye(50), y), rtol=1e-8)


def test_singular_system_raises_and_ill_conditioned_warns():
    X = np.vstack([np.zeros((2, 1)), np.ones((2, 1))])  # duplicated points: K is exactly singular
    with pytest.raises(ValueError, match="increase lam"):
        KernelRidge(sigma=1.0, lam=0.0).fit(X, [0.0, 1.0, 2.0, 3.0])
    x = np.linspace(0, 1, 40)[:, None]  # a wide bandwidth on close points: K has rank ~ a few
    with pytest.warns(IllConditionedWarning, match="ill-conditioned"):
        try:
            KernelRidge(sigma=0.5, lam=1e-12).fit(x, np.sin(x[:, 0]))
        except ValueError as exc:  # numerically singular is also an acceptable, clear outcome
            assert "increase lam" in str(exc)
            warnings.warn("ill-conditioned (raised)", IllConditionedWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        KernelRidge(sigma=0.5, lam=1e-3).fit(x, np.sin(x[:, 0]))  # well posed: silent


@pytest.mark.parametrize("make, message", [
    (lambda: rbf_kernel(np.ones((3, 2)), None, sigma=0.0), "sigma must be a finite number > 0"),
    (lambda: rbf_kernel(np.ones((3, 2)), None, sigma=-1.0), "sigma must be"),
    (lambda: rbf_kernel(np.ones((3, 2)), np.ones((3, 3)), 1.0), "Y must have 2 features"),
    (lambda: rbf_kernel(np.ones(3), None, 1.0), "2-D"),
    (lambda: rbf_kernel(np.full((3, 2), np.nan), None, 1.0), "NaN"),
    (lambda: KernelRidge(lam=-1.0).fit(np.ones((3, 1)), np.ones(3)), "lam must be a finite number >= 0"),
    (lambda: KernelRidge(sigma=0).fit(np.ones((3, 1)), np.ones(3)), "sigma must be"),
    (lambda: KernelRidge().fit(np.ones((3, 1)), np.ones(4)), r"y must have shape \(3,\)"),
    (lambda: KernelRidge().fit(np.ones((3, 1)), [1.0, np.nan, 2.0]), "NaN"),
    (lambda: KernelRidge(kernel="cubic").fit(np.ones((3, 1)), np.ones(3)), "kernel must be one of"),
    (lambda: KernelRidge().predict(np.ones((3, 1))), "not fitted"),
    (lambda: KernelRidge().fit(np.eye(3), np.ones(3)).predict(np.ones((2, 2))), "3 features"),
    (lambda: polynomial_kernel(np.ones((2, 2)), degree=0), "degree must be an integer >= 1"),
    (lambda: kernel_ridge_alpha(np.ones((2, 3)), np.ones(2), 1.0), "K must be square"),
])
def test_bad_input_is_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_estimator_contract():
    model = KernelRidge(sigma=0.4, lam=0.1)
    assert clone(model).get_params() == model.get_params()
    X, _ = _data(20, 1, 1, 6)
    assert model.fit(X, X[:, 0]) is model
    assert kernels.KernelSVM.__name__ == "KernelSVM"  # lazily re-exported from kernel_svm
