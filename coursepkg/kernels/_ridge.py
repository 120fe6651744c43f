"""Kernel ridge regression: the closed form, its objective, the estimator, and choosing sigma and lambda."""
import warnings

import numpy as np
from scipy import linalg
from scipy.linalg import lapack
from sklearn.base import BaseEstimator, RegressorMixin

from .._validation import (
    as_1d,
    as_2d,
    check_choice,
    check_is_fitted,
    check_nonnegative,
    require_y,
    validate_X,
)
from ._functions import KERNELS, check_sigma, kernel_matrix

__all__ = [
    'COND_WARN', 'IllConditionedWarning', 'kernel_ridge_alpha', 'kernel_ridge_loss', 'KernelRidge',
    'KRR_GRID', 'SIGMAS_CV', 'LAMS_CV', 'cv_errors',
]


#: Above this estimated condition number of K + lam I, kernel ridge warns: about 10 of float64's
#: 16 significant digits of alpha may be lost.
COND_WARN = 1e10


class IllConditionedWarning(UserWarning):
    """K + lam I is so ill-conditioned that alpha may be inaccurate; increase lam or sigma."""


def check_condition(cond, lam, stacklevel=3, bound=False):
    """The one conditioning rule of every kernel-ridge solver (numpy, batched, torch).

    Raise when K + lam I is numerically singular (cond > 1 / machine epsilon), warn
    ``IllConditionedWarning`` above ``COND_WARN``. With ``bound`` the number is an upper bound
    (the batched solvers), so it only warns.
    """
    what = "an upper bound on the condition number" if bound else "condition number"
    if not bound and (not np.isfinite(cond) or cond > 1.0 / np.finfo(float).eps):
        raise ValueError(
            f"K + lam I is numerically singular (condition number ~{cond:.1e}) with lam={lam:g}; "
            "increase lam (or decrease sigma)")
    if cond > COND_WARN:
        warnings.warn(
            f"K + lam I is ill-conditioned ({what} ~{cond:.1e}) with lam={lam:g}; alpha may "
            "be inaccurate: increase lam (or decrease sigma)", IllConditionedWarning, stacklevel=stacklevel + 1)


def kernel_ridge_alpha(K, y, lam, overwrite_K=False):
    """Dual coefficients alpha = (K + lam I)^{-1} y of kernel ridge regression, by Cholesky.

    Parameters
    ----------
    K : array of shape (n, n)
        Symmetric positive semi-definite kernel matrix of the training points.
    y : array of shape (n,)
    lam : float
        lam >= 0. lam = 0 interpolates and needs K itself to be positive definite.
    overwrite_K : bool, default=False
        Reuse K's memory for the factor (saves one n x n copy; K is destroyed).

    Returns
    -------
    alpha : array of shape (n,)

    Raises ``ValueError`` when K + lam I is not numerically positive definite (Cholesky fails,
    or the estimated condition number exceeds 1 / machine epsilon): alpha would be garbage.
    Warns ``IllConditionedWarning`` when the condition number exceeds ``COND_WARN`` (1e10).

    Notes
    -----
    Minimiser of L(alpha) = ||K alpha - y||^2 + lam alpha^T K alpha (see :func:`kernel_ridge_loss`).
    K + lam I = R^T R (Cholesky, R upper triangular), then two triangular solves: O(n^3 / 3),
    half the work of an LU solve and far more accurate than forming an inverse. The condition
    number is estimated from the factor by LAPACK ``dpocon`` in O(n^2).

    Examples
    --------
    >>> kernel_ridge_alpha(np.eye(2), np.array([1.0, 2.0]), lam=1.0)
    array([0.5, 1. ])
    """
    K = as_2d(K, "K")
    n = K.shape[0]
    if K.shape != (n, n):
        raise ValueError(f"K must be square (n, n); got shape {K.shape}")
    y = as_1d(y, "y", n=n)
    lam = check_nonnegative(lam, "lam")
    asym = float(np.max(np.abs(K - K.T)))
    if asym > 1e-10 * max(float(np.max(np.abs(K))), np.finfo(float).tiny):
        raise ValueError(f"K must be symmetric (a kernel matrix); got max |K - K^T| = {asym:.3g}")
    return _cholesky_alpha(K if overwrite_K else K.copy(), y, lam)


def _one_norm(A, block=1024):
    """max_j sum_i |A_ij|, in row blocks so that no n x n temporary is made."""
    sums = np.zeros(A.shape[1])
    for start in range(0, A.shape[0], block):
        sums += np.abs(A[start:start + block]).sum(axis=0)
    return float(sums.max())


def _cholesky_alpha(A, y, lam):
    """alpha = (A + lam I)^{-1} y for validated inputs; A is overwritten by its Cholesky factor."""
    n = A.shape[0]
    A.flat[:: n + 1] += lam
    anorm = _one_norm(A)
    try:
        R, lower = linalg.cho_factor(A, lower=False, overwrite_a=True, check_finite=False)
    except linalg.LinAlgError as exc:
        raise ValueError(
            f"K + lam I is not positive definite (numerically singular) with lam={lam:g}; "
            "increase lam (or decrease sigma), or remove duplicate points") from exc
    rcond, info = lapack.dpocon(R, anorm, uplo="U")
    cond = np.inf if rcond <= 0 or info != 0 else 1.0 / rcond
    check_condition(cond, lam, stacklevel=3)
    return linalg.cho_solve((R, lower), y, check_finite=False)


def kernel_ridge_loss(alpha, K, y, lam):
    """The lectures' kernel ridge loss L(alpha) = ||K alpha - y||^2 + lam alpha^T K alpha.

    Notes
    -----
    grad L = 2 K (K alpha - y) + 2 lam K alpha = 2 K ((K + lam I) alpha - y), which vanishes at
    alpha = (K + lam I)^{-1} y; when K is singular that is one of several minimisers, and the
    one the representer theorem picks.

    Examples
    --------
    >>> kernel_ridge_loss(np.array([0.5, 1.0]), np.eye(2), np.array([1.0, 2.0]), lam=1.0)
    2.5
    """
    alpha = as_1d(alpha, "alpha")
    n = alpha.shape[0]
    K = as_2d(K, "K", n_features=n)
    if K.shape[0] != n:
        raise ValueError(f"K must have shape ({n}, {n}) to match alpha; got {K.shape}")
    y = as_1d(y, "y", n=n)
    r = K @ alpha - y
    return float(r @ r + check_nonnegative(lam, "lam") * alpha @ K @ alpha)


class KernelRidge(RegressorMixin, BaseEstimator):
    """Kernel ridge regression f(x) = sum_i alpha_i K(x_i, x), alpha = (K + lam I)^{-1} y.

    Parameters
    ----------
    sigma : float, default=1.0
        RBF bandwidth (ignored by the other kernels). Larger sigma: smoother f.
    lam : float, default=1e-3
        Regularisation lambda >= 0. Larger lam: smaller alpha, smoother f.
    kernel : {'rbf', 'linear', 'polynomial'}, default='rbf'
    degree, coef0 : polynomial kernel (x^T x' + coef0)^degree.

    Attributes
    ----------
    alpha_ : array of shape (n_samples,)
        Dual coefficients (scikit-learn's ``dual_coef_``).
    X_fit_ : array of shape (n_samples, n_features)
        The training inputs, needed at prediction time.

    Notes
    -----
    Equals scikit-learn's ``KernelRidge(kernel='rbf', gamma=1 / (2 sigma^2), alpha=lam)``.
    Symbols: sigma <-> ``sigma``, lambda <-> ``lam``, alpha <-> ``alpha_``.

    Examples
    --------
    >>> X = np.linspace(0, 1, 20)[:, None]
    >>> model = KernelRidge(sigma=0.2, lam=1e-3).fit(X, np.sin(2 * np.pi * X[:, 0]))
    >>> np.round(model.predict([[0.25], [0.75]]), 2)
    array([ 1., -1.])
    """

    def __init__(self, sigma=1.0, lam=1e-3, *, kernel="rbf", degree=2, coef0=1.0):
        self.sigma = sigma
        self.lam = lam
        self.kernel = kernel
        self.degree = degree
        self.coef0 = coef0

    def _kernel(self, X, Y=None):
        return kernel_matrix(X, Y, self.kernel, self.sigma, self.degree, self.coef0)

    def fit(self, X, y):
        X = validate_X(self, X, reset=True)
        require_y(self, y)
        y = as_1d(y, "y", n=X.shape[0])
        lam = check_nonnegative(self.lam, "lam")
        check_choice(self.kernel, "kernel", KERNELS)
        if self.kernel == "rbf":
            check_sigma(self.sigma)
        # K is built from validated X, so it is finite and square: solve it in place, unchecked
        self.alpha_ = _cholesky_alpha(self._kernel(X), y, lam)
        self.X_fit_ = X
        return self

    def predict(self, X):
        """f(x) = sum_i alpha_i K(x_i, x) for each row x of X; shape (n,)."""
        check_is_fitted(self, "alpha_")
        X = validate_X(self, X)
        return self._kernel(X, self.X_fit_) @ self.alpha_


#: The lectures' grid of (sigma, lambda): four bandwidths with a tiny lambda, then sigma = 0.1 with lambda = 1.
KRR_GRID = [(1e-3, 1e-4), (1e-2, 1e-4), (1e-1, 1e-4), (1.0, 1e-4), (1e-1, 1.0)]


#: The cross-validation grid of Chapter 5: five bandwidths sigma by five ridge strengths lambda.
SIGMAS_CV = [0.01, 0.03, 0.1, 0.3, 1.0]


LAMS_CV = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]


def cv_errors(X, y, sigmas=SIGMAS_CV, lams=LAMS_CV, n_folds=5):
    """Mean squared validation error of RBF :class:`KernelRidge` over a (sigma, lambda) grid, by K-fold CV.

    The folds are one shuffled split (seed 0) shared by every cell, so cells differ only by
    (sigma, lambda). Cell (i, j) is the mean over the folds of the validation MSE of
    ``KernelRidge(sigma=sigmas[i], lam=lams[j])`` trained on the other folds.

    Parameters
    ----------
    X : array of shape (n, p)
    y : array of shape (n,)
    sigmas : sequence of float > 0, default=SIGMAS_CV
    lams : sequence of float >= 0, default=LAMS_CV
    n_folds : int, default=5
        K, between 2 and n.

    Returns
    -------
    errors : array of shape (len(sigmas), len(lams))

    Examples
    --------
    >>> X = np.linspace(0, 1, 20)[:, None]
    >>> cv_errors(X, np.sin(6 * X[:, 0]), sigmas=[0.1, 0.3], lams=[1e-3]).shape
    (2, 1)
    """
    from sklearn.model_selection import KFold, cross_val_score

    from .._validation import (  # local: header untouched
        as_1d,
        as_2d,
        as_float_array,
        check_nonnegative,
        check_positive,
        check_positive_int,
    )

    X = as_2d(X, "X")
    y = as_1d(y, "y", n=len(X))
    sigmas = [check_positive(s, f"sigmas[{i}]") for i, s in enumerate(np.ravel(as_float_array(sigmas, "sigmas")))]
    lams = [check_nonnegative(lam, f"lams[{j}]") for j, lam in enumerate(np.ravel(as_float_array(lams, "lams")))]
    if not 2 <= check_positive_int(n_folds, "n_folds") <= len(X):
        raise ValueError(f"n_folds must be an integer between 2 and n = {len(X)}; got {n_folds!r}")
    folds = KFold(int(n_folds), shuffle=True, random_state=0)
    return np.array([[-cross_val_score(KernelRidge(sigma=s, lam=lam), X, y, cv=folds,
                                       scoring="neg_mean_squared_error").mean() for lam in lams] for s in sigmas])
