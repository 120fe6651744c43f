"""The bootstrap: how much a trained predictor's value f(x) would change with another training set.

A predictor trained on a random sample S = {(x_i, y_i)}_{i=1}^n is itself random, and so is its
value f_S(x) at a fixed x. The *oracle* sees that distribution directly by training on B fresh
samples from the true distribution; in practice there is only one sample, and the *bootstrap*
imitates fresh samples by drawing n points from S with replacement.

Notation: n training points, B bootstrap (or oracle) samples, m grid points, ``level`` the
nominal coverage 1 - a of an interval (0.9 for the lectures' 5% / 95% percentiles).
"""
import numbers

import numpy as np
from sklearn.base import clone

from ._validation import (
    as_1d,
    as_2d,
    as_float_array,
    as_rng,
    check_consistent_length,
    check_positive,
    check_positive_int,
    check_real,
)
from .kernels import KernelRidge, rbf_kernel
from .kernels._ridge import check_condition

__all__ = [
    'bootstrap_indices', 'percentile_interval', 'bootstrap_statistic', 'kernel_ridge_many',
    'bootstrap_predictions', 'oracle_predictions', 'coverage', 'binomial_tolerance', 'BOOTSTRAP_SIGMA',
    'BOOTSTRAP_LAM', 'BOOTSTRAP_LEVEL', 'bootstrap_smoother',
]

#: Largest stack of n x n kernel matrices solved at once (floats): 2^23 floats = 64 MiB.
CHUNK_FLOATS = 2 ** 23


def _check_level(level):
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0.0 < level < 1.0:
        raise ValueError(f"level must be a number in (0, 1), e.g. 0.9; got {level!r}")
    return float(level)


def _progress(iterable, progress, desc, total=None):
    if not progress:
        return iterable
    from tqdm.auto import tqdm
    return tqdm(iterable, desc=desc, total=total)


def bootstrap_indices(n, B, rng=None):
    """B bootstrap index sets: each row holds n draws from {0, ..., n-1} with replacement.

    Parameters
    ----------
    n : int
        Size of the training set (and of every bootstrap sample), n >= 1.
    B : int
        Number of bootstrap samples, B >= 1.
    rng : Generator, int or None

    Returns
    -------
    idx : int array of shape (B, n); ``X[idx[b]]`` is the b-th bootstrap sample.

    Notes
    -----
    Each point is left out of a given bootstrap sample with probability (1 - 1/n)^n -> 1/e ~ 0.368,
    so a bootstrap sample holds about 63% of the distinct training points, some of them repeated.

    Examples
    --------
    >>> idx = bootstrap_indices(5, 3, rng=0)
    >>> idx.shape, bool(idx.min() >= 0 and idx.max() < 5)
    ((3, 5), True)
    """
    n, B = check_positive_int(n, "n"), check_positive_int(B, "B")
    return as_rng(rng).integers(0, n, size=(B, n))


def percentile_interval(values, level=0.9):
    """The percentile interval: the (1 - level)/2 and (1 + level)/2 quantiles over the first axis.

    Parameters
    ----------
    values : array of shape (B, ...)
        B draws of one or more quantities (e.g. B bootstrap predictions on a grid, shape (B, m)).
    level : float in (0, 1), default=0.9
        Nominal coverage; 0.9 gives the 5% and 95% percentiles.

    Returns
    -------
    lo, hi : arrays of shape values.shape[1:]

    Notes
    -----
    The empirical CDF of B values v_1..v_B is F(t) = (1/B) sum_b I{v_b <= t}; the interval is
    [F^{-1}(a/2), F^{-1}(1 - a/2)] with a = 1 - level, with ``np.quantile``'s linear
    interpolation between order statistics.

    Examples
    --------
    >>> percentile_interval(np.arange(101.0), level=0.9)
    (5.0, 95.0)
    """
    values = as_float_array(values, "values")
    if values.ndim == 0 or values.shape[0] == 0:
        raise ValueError(f"values must have shape (B, ...) with B >= 1; got shape {values.shape}")
    level = _check_level(level)
    lo, hi = np.quantile(values, [(1.0 - level) / 2.0, (1.0 + level) / 2.0], axis=0)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def bootstrap_statistic(x, statistic=np.mean, B=1000, rng=None):
    """B bootstrap replicates of a statistic of a 1-D sample, shape (B,).

    ``statistic(samples, axis=1)`` is called once on the (B, n) array of bootstrap samples, so
    numpy reductions (``np.mean``, ``np.median``, ``np.std``) are vectorised over b.

    Examples
    --------
    >>> reps = bootstrap_statistic(np.array([1.0, 2.0, 3.0]), B=4, rng=0)
    >>> reps.shape, bool(np.all((reps >= 1) & (reps <= 3)))
    ((4,), True)
    """
    x = as_1d(x, "x")
    if x.shape[0] == 0:
        raise ValueError("x must hold at least one value; got an empty array")
    idx = bootstrap_indices(x.shape[0], B, rng)
    return np.asarray(statistic(x[idx], axis=1), dtype=float)


def _solve_stack(A, Y, lam):
    """alpha_b = (A_b + lam I)^{-1} y_b for a stack A of shape (k, n, n), Y of shape (k, n).

    A_b + lam I is symmetric positive definite (lam > 0), so the stacked LU solve of
    ``np.linalg.solve`` is stable; in numpy it is also much faster on stacks than a stacked
    Cholesky followed by two general solves with the triangular factors.
    """
    n = A.shape[-1]
    A[:, np.arange(n), np.arange(n)] += lam
    # K_b is positive semi-definite, so lambda_min(A_b) >= lam and cond_1(A_b) <= ||A_b||_1 / lam
    # (close to equal for bootstrap sets, whose repeats make K_b singular): the conditioning rule of
    # every kernel-ridge solver, on this cheap bound.
    check_condition(float(np.abs(A).sum(axis=1).max()) / lam, lam, stacklevel=4, bound=True)
    return np.linalg.solve(A, Y[..., None])[..., 0]


def kernel_ridge_many(X, y, X_grid, idx, sigma=1.0, lam=1e-3, progress=False):
    """Predictions on a grid of B RBF kernel ridge fits, fit b on ``(X[idx[b]], y[idx[b]])``.

    Parameters
    ----------
    X : array of shape (n, d)
    y : array of shape (n,)
    X_grid : array of shape (m, d)
    idx : int array of shape (B, k)
        Row b selects the training set of fit b (k = n for the bootstrap; repeats allowed).
    sigma, lam : as in :class:`coursepkg.kernels.KernelRidge`.
    progress : bool
        Show a progress bar over the chunks.

    Returns
    -------
    preds : array of shape (B, m)

    Notes
    -----
    K = K(X, X) is computed once; fit b uses K_b = K[idx_b][:, idx_b], which is positive
    semi-definite even with repeated points (it is the Gram matrix of the repeated feature
    vectors), so K_b + lam I is positive definite for lam > 0. The B systems
    (K_b + lam I) alpha_b = y[idx_b] are solved as stacks of shape (chunk, k, k).
    Prediction f_b(x) = sum_j alpha_bj K(x_{idx_bj}, x) = sum_i w_bi K(x_i, x), where
    w_bi adds up the alpha_bj of every copy of point i: one (B, n) @ (n, m) product.

    Examples
    --------
    >>> X = np.linspace(0, 1, 10)[:, None]; y = np.sin(6 * X[:, 0])
    >>> idx = bootstrap_indices(10, 2, rng=0)
    >>> p = kernel_ridge_many(X, y, X[:3], idx, sigma=0.2, lam=0.1)
    >>> q = KernelRidge(sigma=0.2, lam=0.1).fit(X[idx[1]], y[idx[1]]).predict(X[:3])
    >>> bool(np.allclose(p[1], q))
    True
    """
    X = as_2d(X, "X")
    y = as_1d(y, "y", n=X.shape[0])
    X_grid = as_2d(X_grid, "X_grid", n_features=X.shape[1])
    idx = np.asarray(idx)
    n = X.shape[0]
    if idx.ndim != 2 or idx.shape[0] == 0 or idx.shape[1] == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"idx must be a non-empty 2-D integer array (B, k); got shape {idx.shape}, dtype {idx.dtype}")
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"idx must hold indices in [0, {n - 1}]; got values in [{idx.min()}, {idx.max()}]")
    sigma = check_positive(sigma, "sigma")
    lam = check_real(lam, "lam")
    if lam <= 0:
        raise ValueError(f"lam must be a finite number > 0 for bootstrap fits (repeated points); got {lam!r}")
    K = rbf_kernel(X, None, sigma)
    K_grid = rbf_kernel(X, X_grid, sigma)            # (n, m)
    B, k = idx.shape
    W = np.zeros((B, n))
    chunk = max(1, CHUNK_FLOATS // (k * k))
    starts = range(0, B, chunk)
    for s in _progress(starts, progress, "kernel ridge fits", total=len(starts)):
        part = idx[s:s + chunk]
        A = K[part[:, :, None], part[:, None, :]]
        alpha = _solve_stack(A, y[part], lam)
        rows = np.repeat(np.arange(part.shape[0]), k)
        np.add.at(W[s:s + chunk], (rows, part.ravel()), alpha.ravel())
    return W @ K_grid


def _as_fit_predict(model):
    """A function (X, y, X_grid) -> predictions from an estimator or such a function."""
    if hasattr(model, "fit") and hasattr(model, "predict"):
        return lambda X, y, G: clone(model).fit(X, y).predict(G)
    if callable(model):
        return model
    raise TypeError(f"model must be an estimator with fit/predict or a function (X, y, X_grid) -> predictions; "
                    f"got {type(model).__name__}")


def _batchable(model):
    return isinstance(model, KernelRidge) and model.kernel == "rbf" and float(model.lam) > 0


def bootstrap_predictions(X, y, X_grid, model, B=200, rng=None, batched=True, progress=False):
    """Predictions on ``X_grid`` of B copies of ``model``, each trained on a bootstrap sample.

    Parameters
    ----------
    X : array of shape (n, d)
    y : array of shape (n,)
    X_grid : array of shape (m, d)
    model : estimator or callable
        A scikit-learn-style estimator (cloned for every fit) or a function
        ``fit_predict(X_train, y_train, X_grid) -> predictions``.
    B : int, default=200
    rng : Generator, int or None
        Seeds the bootstrap indices; the same seed gives the same predictions.
    batched : bool, default=True
        For an RBF :class:`~coursepkg.kernels.KernelRidge` with lam > 0, solve all B fits as
        stacks (:func:`kernel_ridge_many`); otherwise, and with ``batched=False``, loop over b.
    progress : bool, default=False

    Returns
    -------
    preds : array of shape (B, m); row b is f_b on the grid.

    Examples
    --------
    >>> X = np.linspace(0, 1, 30)[:, None]; y = X[:, 0] ** 2
    >>> P = bootstrap_predictions(X, y, [[0.5]], KernelRidge(sigma=0.3, lam=1e-2), B=50, rng=0)
    >>> P.shape
    (50, 1)
    """
    X = as_2d(X, "X")
    y = as_1d(y, "y")
    check_consistent_length(X, y)
    X_grid = as_2d(X_grid, "X_grid", n_features=X.shape[1])
    idx = bootstrap_indices(X.shape[0], B, rng)
    if batched and _batchable(model):
        return kernel_ridge_many(X, y, X_grid, idx, model.sigma, model.lam, progress=progress)
    fit_predict = _as_fit_predict(model)
    return np.stack([np.asarray(fit_predict(X[i], y[i], X_grid), dtype=float)
                     for i in _progress(idx, progress, "bootstrap fits")])


def oracle_predictions(sample, X_grid, model, B=200, rng=None, progress=False):
    """Predictions on ``X_grid`` of B copies of ``model``, each trained on a FRESH sample.

    Parameters
    ----------
    sample : callable
        ``sample(rng) -> (X, y)`` draws one training set from the true distribution, e.g.
        ``lambda rng: make_curve_1d(40, noise=0.15, rng=rng)``.
    X_grid : array of shape (m, d)
    model : estimator or callable ``fit_predict(X, y, X_grid)``
    B : int, default=200
    rng : Generator, int or None

    Returns
    -------
    preds : array of shape (B, m)

    Notes
    -----
    Only possible when the true distribution is known (a simulation); the empirical CDF of
    preds[:, j] then estimates the true sampling distribution of f_S(x_j).

    Examples
    --------
    >>> from coursepkg.datasets import make_curve_1d
    >>> P = oracle_predictions(lambda r: make_curve_1d(20, 0.1, rng=r), [[0.5]],
    ...                        KernelRidge(sigma=0.2, lam=0.1), B=5, rng=0)
    >>> P.shape
    (5, 1)
    """
    if not callable(sample):
        raise TypeError(f"sample must be a function rng -> (X, y); got {type(sample).__name__}")
    B = check_positive_int(B, "B")
    rng = as_rng(rng)
    X_grid = as_2d(X_grid, "X_grid")
    fit_predict = _as_fit_predict(model)
    rows = []
    for _ in _progress(range(B), progress, "oracle fits"):
        X, y = sample(rng)
        rows.append(np.asarray(fit_predict(X, y, X_grid), dtype=float))
    return np.stack(rows)


def coverage(interval, sample, truth, n_experiments=100, rng=None, progress=False):
    """Fraction of repeated experiments in which an interval method covers the true value.

    Parameters
    ----------
    interval : callable
        ``interval(data, rng) -> (lo, hi)``, arrays of the shape of ``truth``.
    sample : callable
        ``sample(rng) -> data``, one fresh data set from the true distribution.
    truth : float or array
        The quantity the intervals are for (e.g. the true f on a grid).
    n_experiments : int, default=100
    rng : Generator, int or None

    Returns
    -------
    cover : array of the shape of ``truth`` (a float for a scalar truth): the fraction of
        experiments with lo <= truth <= hi. A correct method at level 0.9 gives about 0.9, up to
        Monte Carlo error sqrt(0.9 * 0.1 / n_experiments) (see :func:`binomial_tolerance`).

    Examples
    --------
    >>> cov = coverage(lambda x, r: percentile_interval(bootstrap_statistic(x, B=200, rng=r)),
    ...                lambda r: r.normal(size=50), truth=0.0, n_experiments=40, rng=0)
    >>> bool(0.6 < cov <= 1.0)
    True
    """
    if not callable(interval) or not callable(sample):
        raise TypeError("interval and sample must be functions: interval(data, rng) -> (lo, hi), sample(rng) -> data")
    n_experiments = check_positive_int(n_experiments, "n_experiments")
    rng = as_rng(rng)
    truth = as_float_array(truth, "truth")
    hits = np.zeros(truth.shape)
    for _ in _progress(range(n_experiments), progress, "experiments"):
        lo, hi = interval(sample(rng), rng)
        hits += (np.asarray(lo) <= truth) & (truth <= np.asarray(hi))
    cover = hits / n_experiments
    return float(cover) if cover.ndim == 0 else cover


def binomial_tolerance(p, n_experiments, z=4.0):
    """z standard errors of a coverage estimate: z sqrt(p (1 - p) / n_experiments).

    Examples
    --------
    >>> round(binomial_tolerance(0.9, 400, z=1.0), 3)
    0.015
    """
    n_experiments = check_positive_int(n_experiments, "n_experiments")
    p = check_real(p, "p", 0, 1)
    z = check_real(z, "z", 0)
    return float(z * np.sqrt(p * (1.0 - p) / n_experiments))


# --- Chapter 6's predictor: the smoother its pages, figures and explorer bootstrap ---

#: RBF bandwidth sigma and ridge strength lambda of the chapter's kernel ridge smoother, and the
#: level of its bands (90%). The data side of the setting is in :mod:`coursepkg.datasets`.
BOOTSTRAP_SIGMA, BOOTSTRAP_LAM, BOOTSTRAP_LEVEL = 0.1, 1e-2, 0.9


def bootstrap_smoother():
    """A fresh, unfitted copy of Chapter 6's predictor: ``KernelRidge(sigma=0.1, lam=1e-2)``.

    Examples
    --------
    >>> from coursepkg.datasets import BOOTSTRAP_GRID, bootstrap_data
    >>> bootstrap_smoother().fit(*bootstrap_data()).predict(BOOTSTRAP_GRID).shape
    (101,)
    """
    return KernelRidge(sigma=BOOTSTRAP_SIGMA, lam=BOOTSTRAP_LAM)
