"""Softmax and log-sum-exp, computed stably along any axis.

softmax(z)_k = exp(z_k) / sum_j exp(z_j); logsumexp(z) = ln sum_j exp(z_j).
Subtracting max_j z_j first changes neither and keeps exp from overflowing.
"""
import numpy as np

from ._validation import as_float_array

__all__ = ["logsumexp", "softmax", "log_softmax"]


def logsumexp(Z, axis=-1):
    """ln sum_k exp(Z_k) along ``axis``, finite for |Z| ~ 1e4 and exact for -inf entries.

    Notes
    -----
    With m = max_k Z_k: ln sum_k exp(Z_k) = m + ln sum_k exp(Z_k - m), and every exponent is
    <= 0. It lies between m and m + ln C for C entries.

    Examples
    --------
    >>> float(logsumexp(np.array([1e4, 1e4])))  # 1e4 + ln 2
    10000.69314718056
    """
    Z = as_float_array(Z, "Z", allow_nan=True)
    if np.any(np.isnan(Z)) or np.any(np.isposinf(Z)):
        raise ValueError("Z contains NaN or +inf values")
    m = np.max(Z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # a row of all -inf: keep exp(-inf) = 0, result -inf
    with np.errstate(divide="ignore"):
        out = m + np.log(np.sum(np.exp(Z - m), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis)


def log_softmax(Z, axis=-1):
    """ln softmax(Z) = Z - logsumexp(Z) along ``axis``."""
    Z = as_float_array(Z, "Z", allow_nan=True)
    return Z - np.expand_dims(logsumexp(Z, axis=axis), axis)


def softmax(Z, axis=-1):
    """softmax(Z)_k = exp(Z_k - logsumexp(Z)) along ``axis``; entries are >= 0 and sum to 1.

    Examples
    --------
    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    return np.exp(log_softmax(Z, axis=axis))
