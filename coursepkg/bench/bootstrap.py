"""The bootstrap of kernel ridge: our batched numpy fits vs a loop of scikit-learn fits.

B = 1,000 bootstrap fits of RBF kernel ridge (sigma = 0.1, lambda = 0.01) on n = 500 points of the
book's 1-D curve, each predicted on a grid of 200 points: :func:`coursepkg.bootstrap.kernel_ridge_many`
(one kernel matrix, stacked solves) vs ``KernelRidge().fit(X[i], y[i]).predict(grid)`` for every
index set. Reported, no goal. Agreement: all B x 200 predictions allclose (rtol 1e-6, atol 1e-8).
"""
import numpy as np

from .core import best_times, make_row, peak_memory_mb

SIZES = {"full": (1000, 500, 200), "quick": (20, 100, 50)}
SIGMA, LAM = 0.1, 1e-2


def problem(B, n, m):
    """(X, y, grid, idx): the 1-D curve sample, the prediction grid and B bootstrap index sets."""
    from ..bootstrap import bootstrap_indices
    from ..datasets import make_curve_1d

    X, y = make_curve_1d(n, 0.2, rng=0)
    return X, y, np.linspace(0, 1, m)[:, None], bootstrap_indices(n, B, rng=1)


def run(quick=False, repeat=3):
    from sklearn.kernel_ridge import KernelRidge as SkKernelRidge

    from ..bootstrap import kernel_ridge_many

    B, n, m = SIZES["quick" if quick else "full"]
    X, y, grid, idx = problem(B, n, m)
    gamma = 1.0 / (2.0 * SIGMA**2)

    def ours():
        return kernel_ridge_many(X, y, grid, idx, SIGMA, LAM)

    def theirs():
        return np.stack([SkKernelRidge(alpha=LAM, kernel="rbf", gamma=gamma).fit(X[i], y[i]).predict(grid)
                         for i in idx])

    (t_ours, t_sk), (p_ours, p_sk) = best_times([ours, theirs], repeat)
    return [make_row("bootstrap", f"bootstrap of kernel ridge, B = {B:,}, n = {n}, grid {m}", t_ours,
                     "scikit-learn KernelRidge, loop", t_sk, None,
                     np.allclose(p_ours, p_sk, rtol=1e-6, atol=1e-8), peak_memory_mb(ours),
                     check="all predictions allclose")]
