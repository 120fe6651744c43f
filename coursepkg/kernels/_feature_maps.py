"""Explicit feature maps phi with phi(x)^T phi(x') = K(x, x'): the kernel trick checked numerically.

The polynomial kernels have finite maps (one feature per monomial); the 1-D RBF kernel has an
infinite one, of which we take the first terms. :mod:`coursepkg.kernels` re-exports them.
"""
import itertools
import math

import numpy as np

from .._validation import as_1d, as_2d, as_float_array, check_nonnegative, check_positive, check_positive_int

__all__ = ['n_polynomial_features', 'polynomial_feature_map', 'rbf_feature_map_1d']


def n_polynomial_features(d, degree, exact=True):
    """Length of the explicit feature map of a polynomial kernel in d dimensions.

    Degree exactly k: the monomials of total degree k, C(d + k - 1, k) of them.
    Degree up to k: all monomials of degree <= k, C(d + k, k).

    Examples
    --------
    >>> n_polynomial_features(2, 2), n_polynomial_features(2, 2, exact=False)
    (3, 6)
    >>> n_polynomial_features(784, 3)  # a 28x28 image, cubic monomials
    80622640
    """
    d, k = check_positive_int(d, "d"), check_positive_int(degree, "degree")
    return math.comb(d + k - 1, k) if exact else math.comb(d + k, k)


def polynomial_feature_map(X, degree=2, coef0=0.0):
    """Explicit phi with phi(x)^T phi(x') = (x^T x' + c)^k, shape (n, n_features).

    Notes
    -----
    Multinomial theorem: (x^T x')^k = sum over multisets m of size k of
    k! / (m_1! ... m_d!) prod_j (x_j x'_j)^{m_j}, so phi has one entry
    sqrt(k! / prod m_j!) prod_j x_j^{m_j} per monomial. For c > 0, (x^T x' + c)^k is the same
    kernel on the augmented vector (sqrt(c), x), which adds every lower degree.

    Examples
    --------
    >>> polynomial_feature_map([[1.0, 2.0]], degree=2)  # x1^2, sqrt(2) x1 x2, x2^2
    array([[1.        , 2.82842712, 4.        ]])
    """
    X = as_2d(X, "X")
    k = check_positive_int(degree, "degree")
    c = check_nonnegative(coef0, "coef0")
    if c > 0:
        X = np.hstack([np.full((X.shape[0], 1), np.sqrt(c)), X])
    columns = []
    for combo in itertools.combinations_with_replacement(range(X.shape[1]), k):
        counts = np.bincount(combo)
        weight = math.factorial(k) / np.prod([math.factorial(int(m)) for m in counts])
        columns.append(np.sqrt(weight) * np.prod(X[:, list(combo)], axis=1))
    return np.column_stack(columns)


def rbf_feature_map_1d(x, sigma=1.0, n_terms=20):
    """First ``n_terms`` features of the RBF kernel's infinite feature map in 1-D, shape (n, n_terms).

    Notes
    -----
    phi_j(x) = exp(-x^2 / (2 sigma^2)) x^j / (sigma^j sqrt(j!)), j = 0, 1, 2, ...
    Then phi(x)^T phi(x') = exp(-(x^2 + x'^2) / (2 sigma^2)) sum_j (x x' / sigma^2)^j / j!
    = exp(-(x - x')^2 / (2 sigma^2)), the Taylor series of exp(x x' / sigma^2). Truncating after
    n_terms gives an error that vanishes as n_terms grows.

    Examples
    --------
    >>> phi = rbf_feature_map_1d([0.3, 0.5], sigma=1.0, n_terms=15)
    >>> bool(np.isclose(phi[0] @ phi[1], np.exp(-0.2**2 / 2)))
    True
    """
    x = as_1d(np.ravel(as_float_array(x, "x")), "x")
    sigma = check_positive(sigma, "sigma")
    n_terms = check_positive_int(n_terms, "n_terms")
    j = np.arange(n_terms)
    log_fact = np.array([math.lgamma(i + 1.0) for i in j])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        u = x[:, None] / sigma
        # exp(-u^2/2) u^j / sqrt(j!) in log space, so that huge |u| gives 0 rather than 0 * inf = NaN:
        # sign(u)^j exp(-u^2/2 + j ln|u| - ln(j!)/2), with u^0 = 1 also at u = 0
        log_abs = np.where(j == 0, 0.0, j * np.log(np.abs(u)))
        sign = np.where((j % 2 == 1) & (u < 0), -1.0, 1.0)
        return sign * np.exp(-0.5 * u**2 + log_abs - 0.5 * log_fact)
