"""Kernel ridge fit + predict: :class:`coursepkg.kernels.KernelRidge` vs scikit-learn's ``KernelRidge``.

RBF kernel, sigma = 0.5 (gamma = 2), lambda = 0.01, n = 4,000 training points in 5-D, 1,000 test
points (goal: ratio <= 1.2). Agreement: predictions allclose (rtol 1e-6, atol 1e-8).
"""
import numpy as np

from .core import best_times, make_row, peak_memory_mb

SIZES = {"full": 4000, "quick": 400}
SIGMA, LAM = 0.5, 1e-2


def data(n, d=5, n_test=1000, seed=0):
    """A smooth 5-D regression problem: X (n, d) uniform on [-1, 1]^d, noisy y, and test points."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, d))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2 + 0.1 * rng.normal(size=n)
    return X, y, rng.uniform(-1, 1, size=(n_test, d))


def run(quick=False, repeat=3):
    from sklearn.kernel_ridge import KernelRidge as SkKernelRidge

    from ..kernels import KernelRidge

    n = SIZES["quick" if quick else "full"]
    X, y, X_test = data(n)

    def ours():
        return KernelRidge(sigma=SIGMA, lam=LAM).fit(X, y).predict(X_test)

    def theirs():
        return SkKernelRidge(kernel="rbf", gamma=1 / (2 * SIGMA**2), alpha=LAM).fit(X, y).predict(X_test)

    (t_ours, t_sk), (p_ours, p_sk) = best_times([ours, theirs], repeat)
    return [make_row("kernel_ridge", f"kernel ridge fit + predict, RBF, n = {n:,}, d = 5", t_ours,
                     "scikit-learn KernelRidge", t_sk, "<= 1.2",
                     np.allclose(p_ours, p_sk, rtol=1e-6, atol=1e-8), peak_memory_mb(ours),
                     check="predictions allclose")]
