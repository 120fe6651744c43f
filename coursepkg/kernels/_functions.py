"""Kernels, explicit feature maps, kernel ridge regression and the kernel SVM.

A kernel K(x, x') = phi(x)^T phi(x') is an inner product of feature vectors that can be computed
without ever forming phi(x). Every kernel function here returns the matrix
K[i, j] = K(X[i], Y[j]) of shape (n_X, n_Y); ``Y=None`` means ``Y = X``.

Notation: x in R^d one example, sigma the RBF bandwidth, lam the regularisation lambda, alpha the
dual coefficients of the predictor f(x) = sum_i alpha_i K(x_i, x).
"""

import numpy as np

from .._scaling import safe_matmul
from .._scaling import scaled_squared_distances as _scaled_squared_distances
from .._validation import (
    as_2d,
    check_choice,
    check_integer,
    check_nonnegative,
    check_positive,
    check_real,
)

__all__ = [
    'squared_distances', 'linear_kernel', 'polynomial_kernel', 'rbf_kernel', 'sigmoid_kernel',
    'kernel_matrix',
]


def check_sigma(sigma):
    return check_positive(sigma, "sigma")


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
    sigma = check_sigma(sigma)
    X, Y = _pair(X, Y)
    return rbf_unchecked(X, Y, sigma)


def rbf_unchecked(X, Y, sigma):
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


# --- Chapter 5: choosing sigma and lambda ---
