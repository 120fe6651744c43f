"""Loss functions for the output layers of Chapter 1: l(y, y_hat) per example, averaged.

- regression, linear output:         squared error  (y - y_hat)^2
- binary, sigmoid output p:          cross-entropy  -[y ln p + (1 - y) ln(1 - p)],  y in {0, 1}
- K classes, softmax output p in R^K: cross-entropy -sum_k y_k ln p_k,  y one-hot
"""
import numpy as np

from ._validation import as_float_array

__all__ = ["squared_error", "binary_cross_entropy", "categorical_cross_entropy"]

_EPS = 1e-12  # keeps ln finite when a probability is exactly 0 or 1


def _pair(y, y_hat, names):
    y = as_float_array(y, names[0])
    y_hat = as_float_array(y_hat, names[1])
    if y.shape != y_hat.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape; got {y.shape} and {y_hat.shape}")
    if y.size == 0:
        raise ValueError(f"{names[0]} and {names[1]} must hold at least one entry; got shape {y.shape}")
    return y, y_hat


def squared_error(y, y_hat):
    """Mean of (y - y_hat)^2 over all entries (+inf only where that exceeds the largest float).

    Examples
    --------
    >>> squared_error([1.0, 2.0], [1.0, 4.0])
    2.0
    """
    y, y_hat = _pair(y, y_hat, ("y", "y_hat"))
    s = max(float(np.max(np.abs(y))), float(np.max(np.abs(y_hat))), np.finfo(float).tiny)
    s = 2.0 ** np.ceil(np.log2(s))  # a power of two: exact scaling, no overflow of the squares
    with np.errstate(over="ignore"):
        return float(np.mean(((y / s - y_hat / s)) ** 2) * s * s)


def binary_cross_entropy(y, p):
    """Mean of -[y ln p + (1 - y) ln(1 - p)] for labels y in {0, 1} and probabilities p.

    Examples
    --------
    >>> round(binary_cross_entropy([1, 0], [0.5, 0.5]), 6)  # ln 2
    0.693147
    """
    y, p = _pair(y, p, ("y", "p"))
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels in {0, 1}")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p must hold probabilities in [0, 1]")
    p = np.clip(p, _EPS, 1 - _EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def categorical_cross_entropy(Y, P):
    """Mean over rows of -sum_k Y_k ln P_k, for one-hot rows Y and probability rows P, shape (n, K)."""
    Y, P = _pair(Y, P, ("Y", "P"))
    if Y.ndim != 2:
        raise ValueError(f"Y must be 2-D (n_samples, n_classes); got shape {Y.shape}")
    if np.any((P < 0) | (P > 1)):
        raise ValueError("P must hold probabilities in [0, 1]")
    return float(-np.mean(np.sum(Y * np.log(np.clip(P, _EPS, 1.0)), axis=1)))
