"""Chapter 6 exercises: bootstrap indices, the percentile interval, bootstrap kernel ridge, coverage."""
import numpy as np

from ..bootstrap import bootstrap_indices, kernel_ridge_many, percentile_interval
from ..datasets import make_curve_1d
from .spec import Case, Exercise


def _draw_bootstrap_indices(n, B, seed):
    return bootstrap_indices(n, B, np.random.default_rng(seed))


def _estimate_coverage(lows, highs, truth):
    lows, highs, truth = np.asarray(lows, float), np.asarray(highs, float), np.asarray(truth, float)
    return np.mean((lows <= truth) & (truth <= highs), axis=0)


def _rng(seed):
    return np.random.default_rng(seed)


_X, _y = make_curve_1d(n=25, noise=0.2, rng=0)
_grid = np.linspace(0, 1, 9)[:, None]
_lo = _rng(7).normal(-1.0, 0.5, size=(50, 4))
_hi = _lo + _rng(8).uniform(0.5, 2.5, size=(50, 4))

EXERCISES = [
    Exercise(
        id="6.1",
        name="draw_bootstrap_indices",
        title="Bootstrap samples: B rows of n indices drawn with replacement",
        reference=_draw_bootstrap_indices,
        cases=(
            Case((1, 3, 0)),
            Case((5, 2, 0)),
            Case((10, 4, 42)),
            Case((40, 200, 7)),
        ),
        hint="Make the generator with rng = np.random.default_rng(seed) and draw every index in ONE call: "
             "rng.integers(0, n, size=(B, n)). Row b holds the indices of bootstrap sample b; repeats are "
             "expected (sampling is with replacement).",
        rtol=0.0,
        atol=0.0,
    ),
    Exercise(
        id="6.2",
        name="percentile_interval",
        title="The percentile interval over the first axis",
        reference=percentile_interval,
        cases=(
            Case((np.arange(101.0), 0.9)),
            Case((np.arange(11.0), 0.5)),
            Case((_rng(1).normal(size=(200, 3)), 0.9)),
            Case((_rng(2).exponential(size=(57, 2, 2)), 0.8)),
        ),
        hint="With a = 1 - level, return the a/2 and 1 - a/2 quantiles of values along axis 0: "
             "np.quantile(values, [a / 2, 1 - a / 2], axis=0) (linear interpolation, the default), "
             "as a tuple (lo, hi). For 1-D values lo and hi are plain numbers (use float(...)).",
    ),
    Exercise(
        id="6.3",
        name="bootstrap_kernel_ridge",
        title="B kernel ridge fits on bootstrap samples, predicted on a grid",
        reference=kernel_ridge_many,
        cases=(
            Case((np.array([[0.0], [1.0]]), np.array([1.0, -1.0]), np.array([[0.5]]),
                  np.array([[0, 1], [0, 0]]), 1.0, 1.0)),
            Case((_X, _y, _grid, bootstrap_indices(25, 3, 1), 0.1, 0.01)),
            Case((_X, _y, _grid, bootstrap_indices(25, 20, 2), 0.3, 0.1)),
        ),
        hint="For each row b of idx: X_b, y_b = X[idx[b]], y[idx[b]]; K_b = RBF(X_b, X_b, sigma); "
             "alpha = np.linalg.solve(K_b + lam I, y_b); prediction row b = RBF(X_grid, X_b, sigma) @ alpha. "
             "Return an array of shape (B, len(X_grid)). Repeated points are fine: K_b + lam I is still "
             "positive definite.",
    ),
    Exercise(
        id="6.4",
        name="estimate_coverage",
        title="Coverage: how often the intervals contain the truth",
        reference=_estimate_coverage,
        cases=(
            Case((np.array([[0.0]]), np.array([[1.0]]), np.array([0.5]))),
            Case((np.array([[0.0], [2.0]]), np.array([[1.0], [3.0]]), np.array([1.0]))),
            Case((_lo, _hi, np.zeros(4))),
            Case((_lo, _hi, np.array([-1.0, 0.0, 0.5, 1.0]))),
        ),
        hint="lows and highs have shape (n_experiments, m), truth shape (m,). An experiment covers point j "
             "when lows[e, j] <= truth[j] <= highs[e, j] (both ends included). Return the mean over axis 0 "
             "of that boolean array, shape (m,).",
    ),
]
