"""Chapter 5 exercises: the RBF kernel matrix, kernel ridge, one sub-gradient step of the kernel SVM."""
import numpy as np

from ..datasets import make_curve_1d, make_moons
from ..kernel_svm import kernel_svm_step
from ..kernels import KernelRidge, rbf_kernel
from .spec import Case, Exercise


def _kernel_ridge_fit_predict(X_train, y_train, X_test, sigma, lam):
    return KernelRidge(sigma=sigma, lam=lam).fit(X_train, y_train).predict(X_test)


def _rng(seed):
    return np.random.default_rng(seed)


_X1, _y1 = make_curve_1d(n=30, noise=0.1, rng=0)
_Xm, _ym = make_moons(n=20, noise=0.2, rng=1)
_ym = 2.0 * _ym - 1.0
_Km = rbf_kernel(_Xm, None, 0.5)

EXERCISES = [
    Exercise(
        id="5.1",
        name="rbf_kernel_matrix",
        title="The RBF kernel matrix without loops",
        reference=rbf_kernel,
        cases=(
            Case((np.array([[0.0], [1.0]]), np.array([[0.0], [1.0]]), 1.0)),
            Case((np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]]), 5.0)),
            Case((_rng(0).normal(size=(6, 3)), _rng(1).normal(size=(4, 3)), 0.7)),
            Case((_rng(2).normal(size=(50, 5)), _rng(3).normal(size=(40, 5)), 2.0)),
        ),
        hint="K[i, j] = exp(-||X[i] - Y[j]||^2 / (2 sigma^2)). Get all squared distances at once from "
             "||x||^2 + ||y||^2 - 2 x.y: row norms of X as a column, of Y as a row, minus 2 X @ Y.T. "
             "Clip tiny negatives at 0. The result has shape (len(X), len(Y)).",
    ),
    Exercise(
        id="5.2",
        name="kernel_ridge_fit_predict",
        title="Kernel ridge regression: fit alpha, then predict",
        reference=_kernel_ridge_fit_predict,
        cases=(
            Case((np.array([[0.0], [1.0]]), np.array([1.0, -1.0]), np.array([[0.5]]), 1.0, 1.0)),
            Case((_X1, _y1, np.linspace(0, 1, 7)[:, None], 0.1, 1e-2)),
            Case((_X1, _y1, np.linspace(0, 1, 7)[:, None], 0.3, 1.0)),
            Case((_Xm, _ym, _rng(4).normal(size=(5, 2)), 0.5, 0.1)),
        ),
        hint="alpha solves (K + lam I) alpha = y with K = rbf(X_train, X_train, sigma) (use np.linalg.solve "
             "or a Cholesky solve, not an inverse). Predictions are rbf(X_test, X_train, sigma) @ alpha.",
        rtol=1e-6,
        atol=1e-8,
    ),
    Exercise(
        id="5.3",
        name="kernel_svm_step",
        title="One sub-gradient step of the kernel SVM",
        reference=kernel_svm_step,
        cases=(
            Case((np.zeros(2), 0.0, np.eye(2), np.array([1.0, -1.0]), 0.1, 1.0)),
            Case((np.array([0.5, -0.5]), 0.2, np.eye(2), np.array([1.0, -1.0]), 0.1, 0.5)),
            Case((np.zeros(20), 0.0, _Km, _ym, 1e-3, 1.0)),
            Case((_rng(5).normal(size=20), 0.3, _Km, _ym, 1e-2, 0.1)),
        ),
        hint="Margins m_i = y_i (b + (K alpha)_i). The active points have m_i < 1 (strictly). With "
             "a = y * active: g_alpha = -(K @ a) / n + 2 lam K alpha and g_b = -sum(a) / n. "
             "Return (alpha - lr g_alpha, b - lr g_b).",
    ),
]
