"""Kernels, explicit feature maps, kernel ridge regression and the kernel SVM.

A kernel K(x, x') = phi(x)^T phi(x') is an inner product of feature vectors that can be computed
without ever forming phi(x). Every kernel function here returns the matrix
K[i, j] = K(X[i], Y[j]) of shape (n_X, n_Y); ``Y=None`` means ``Y = X``.

Notation: x in R^d one example, sigma the RBF bandwidth, lam the regularisation lambda, alpha the
dual coefficients of the predictor f(x) = sum_i alpha_i K(x_i, x).
"""
import warnings

import numpy as np
from scipy import linalg
from scipy.linalg import lapack
from sklearn.base import BaseEstimator, RegressorMixin

from ._scaling import safe_matmul
from ._scaling import scaled_squared_distances as _scaled_squared_distances
from ._validation import (
    _validate_X,
    as_1d,
    as_2d,
    check_choice,
    check_integer,
    check_is_fitted,
    check_nonnegative,
    check_positive,
    check_real,
    require_y,
)
from .feature_maps import n_polynomial_features, polynomial_feature_map, rbf_feature_map_1d

__all__ = [
    "squared_distances", "linear_kernel", "polynomial_kernel", "rbf_kernel", "sigmoid_kernel",
    "polynomial_feature_map", "n_polynomial_features", "rbf_feature_map_1d", "kernel_matrix",
    "kernel_ridge_alpha", "kernel_ridge_loss", "KernelRidge", "IllConditionedWarning",
    "KernelSVM", "kernel_svm_loss", "kernel_svm_subgradient", "kernel_svm_step",  # from kernel_svm
]

#: Above this estimated condition number of K + lam I, kernel ridge warns: about 10 of float64's
#: 16 significant digits of alpha may be lost.
COND_WARN = 1e10


class IllConditionedWarning(UserWarning):
    """K + lam I is so ill-conditioned that alpha may be inaccurate; increase lam or sigma."""


def _check_sigma(sigma):
    return check_positive(sigma, "sigma")


def _check_condition(cond, lam, stacklevel=3, bound=False):
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


def _pair(X, Y):
    """Validate X (n, d) and Y (m, d); Y=None means X."""
    X = as_2d(X, "X")
    Y = X if Y is None else as_2d(Y, "Y", n_features=X.shape[1])
    return X, Y


def squared_distances(X, Y=None):
    """Squared Euclidean distances D[i, j] = ||X[i] - Y[j]||^2, shape (n_X, n_Y).

    Parameters
    ----------
    X : array of shape (n, d), finite
    Y : array of shape (m, d), finite, or None (Y = X)

    Notes
    -----
    Uses ||x - y||^2 = ||x||^2 + ||y||^2 - 2 x^T y, so the work is one matrix product (BLAS), after
    centring the points on Y's mean and rescaling them by a power of two (exact), which keeps the
    expansion accurate away from the origin and finite at magnitudes from 1e-300 to 1e300. Rounding
    can make the expansion slightly negative for near-equal points; it is clipped at 0. The result is
    +inf only where the true squared distance exceeds the largest float (~1.8e308).

    Examples
    --------
    >>> squared_distances([[0.0, 0.0], [3.0, 4.0]])
    array([[ 0., 25.],
           [25.,  0.]])
    >>> squared_distances([[1e8 + 0.5]], [[1e8], [1e8 + 1]])
    array([[0.25, 0.25]])
    """
    X, Y = _pair(X, Y)
    D, s = _scaled_squared_distances(X, Y)
    with np.errstate(over="ignore"):
        D *= np.square(np.float64(s))
    return D


def linear_kernel(X, Y=None):
    """K(x, x') = x^T x'.

    Examples
    --------
    >>> linear_kernel([[1.0, 2.0]], [[3.0, 4.0]])
    array([[11.]])
    """
    X, Y = _pair(X, Y)
    return X @ Y.T


def polynomial_kernel(X, Y=None, degree=2, coef0=1.0):
    """Polynomial kernel K(x, x') = (x^T x' + c)^k.

    Parameters
    ----------
    X : array of shape (n, d)
    Y : array of shape (m, d) or None
    degree : int, default=2
        k >= 1.
    coef0 : float, default=1.0
        c >= 0. ``coef0=0`` gives the lectures' polynomials of degree *exactly* k, (x^T x')^k;
        ``coef0=1`` gives the polynomials of degree *up to* k, (1 + x^T x')^k.

    Notes
    -----
    scikit-learn's ``pairwise_kernels(metric='polynomial', gamma=1, coef0=c, degree=k)``.

    Examples
    --------
    >>> polynomial_kernel([[1.0, 2.0]], [[3.0, 4.0]], degree=2, coef0=0.0)
    array([[121.]])
    >>> polynomial_kernel([[1.0, 2.0]], [[3.0, 4.0]], degree=2)
    array([[144.]])
    """
    X, Y = _pair(X, Y)
    k = check_integer(degree, "degree", low=1)
    c = check_nonnegative(coef0, "coef0")
    with np.errstate(over="ignore"):  # (x^T x' + c)^k beyond 1.8e308 is +-inf: the math, not an error
        return (X @ Y.T + c) ** k


def rbf_kernel(X, Y=None, sigma=1.0):
    """Gaussian (RBF) kernel K(x, x') = exp(-||x - x'||^2 / (2 sigma^2)).

    Parameters
    ----------
    X : array of shape (n, d)
    Y : array of shape (m, d) or None
        ``None`` means ``Y = X``.
    sigma : float, default=1.0
        Bandwidth sigma > 0: the distance over which two points stop looking alike.

    Returns
    -------
    K : array of shape (n, m), entries in (0, 1], K(x, x) = 1.

    Notes
    -----
    scikit-learn writes exp(-gamma ||x - x'||^2); here gamma = 1 / (2 sigma^2).
    Distances come from :func:`squared_distances` (one matrix product, no loops).

    Examples
    --------
    >>> K = rbf_kernel([[0.0], [1.0]], None, sigma=1.0)
    >>> np.round(K, 4)
    array([[1.    , 0.6065],
           [0.6065, 1.    ]])
    """
    sigma = _check_sigma(sigma)
    X, Y = _pair(X, Y)
    return _rbf(X, Y, sigma)


def _rbf(X, Y, sigma):
    """exp(-||x - y||^2 / (2 sigma^2)) for validated inputs (``Y is X``: diagonal exactly 1).

    With ||x - y||^2 = s^2 D' the exponent is D' (s / sigma)^2 / 2: no inf - inf, and no 0 * inf
    where a distance is exactly 0 (those entries are exp(0) = 1).
    """
    K, s = _scaled_squared_distances(X, Y)
    with np.errstate(over="ignore"):
        c = 0.5 * np.square(np.float64(s) / sigma)  # numpy: +inf on overflow, where Python's ** raises
    if np.isfinite(c):
        K *= -c
        np.exp(K, out=K)
        return K
    return np.where(K == 0.0, 1.0, 0.0)  # sigma so small that every positive distance gives exp(-inf)


def sigmoid_kernel(X, Y=None, gamma=1.0, r=0.0):
    """Sigmoid kernel K(x, x') = tanh(gamma x^T x' + r).

    Not positive semi-definite for every gamma and r, so not a true kernel in general; it is the
    lectures' reminder that a "kernel" must be an inner product to carry the theory.
    Symbols: gamma <-> ``gamma``, r <-> ``r`` (scikit-learn's ``coef0``).

    Examples
    --------
    >>> np.round(sigmoid_kernel([[1.0]], [[1.0]], gamma=0.5), 4)
    array([[0.4621]])
    """
    X, Y = _pair(X, Y)
    gamma, r = check_real(gamma, "gamma"), check_real(r, "r")
    G = safe_matmul(X, Y.T)  # an overflowing inner product is +-inf, and tanh saturates to +-1
    with np.errstate(over="ignore", invalid="ignore"):
        Z = gamma * G + r
    Z = np.where(np.isnan(Z), 0.0, Z)  # gamma = 0 times an infinite inner product: the term is 0
    return np.tanh(Z)


KERNELS = ("rbf", "linear", "polynomial")


def kernel_matrix(X, Y=None, kernel="rbf", sigma=1.0, degree=2, coef0=1.0):
    """K(X, Y) for a kernel named by string: 'rbf' (uses sigma), 'linear', 'polynomial' (degree, coef0)."""
    check_choice(kernel, "kernel", KERNELS)
    if kernel == "rbf":
        return rbf_kernel(X, Y, sigma)
    if kernel == "linear":
        return linear_kernel(X, Y)
    if kernel == "polynomial":
        return polynomial_kernel(X, Y, degree, coef0)
    raise ValueError(f"kernel must be one of {KERNELS}; got {kernel!r}")


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
    _check_condition(cond, lam, stacklevel=3)
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
        X = _validate_X(self, X, reset=True)
        require_y(self, y)
        y = as_1d(y, "y", n=X.shape[0])
        lam = check_nonnegative(self.lam, "lam")
        check_choice(self.kernel, "kernel", KERNELS)
        if self.kernel == "rbf":
            _check_sigma(self.sigma)
        # K is built from validated X, so it is finite and square: solve it in place, unchecked
        self.alpha_ = _cholesky_alpha(self._kernel(X), y, lam)
        self.X_fit_ = X
        return self

    def predict(self, X):
        """f(x) = sum_i alpha_i K(x_i, x) for each row x of X; shape (n,)."""
        check_is_fitted(self, "alpha_")
        X = _validate_X(self, X)
        return self._kernel(X, self.X_fit_) @ self.alpha_


_SVM_NAMES = ("KernelSVM", "kernel_svm_loss", "kernel_svm_subgradient", "kernel_svm_step")


def __getattr__(name):
    # The kernel SVM lives in its own module (it imports this one); re-export it lazily so that
    # ``coursepkg.kernels.KernelSVM`` works without a circular import.
    if name in _SVM_NAMES:
        from . import kernel_svm
        return getattr(kernel_svm, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- Chapter 5: choosing sigma and lambda ---
__all__ += ["KRR_GRID", "SIGMAS_CV", "LAMS_CV", "cv_errors"]

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

    from ._validation import (  # local: header untouched
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
