"""Centre and rescale point sets before ||a||^2 - 2 a^T b + ||b||^2, so distances hold at every scale.

The expansion is one matrix product (fast), but it cancels catastrophically away from the origin:
at an offset of 1e8 the squares are ~1e16 and a distance of 0.1 is lost in their rounding. It also
overflows (1e200^2 = inf) or underflows (1e-170^2 = 0) at extreme magnitudes. Distances do not change
when every point is shifted by the same vector, and scale exactly with a common factor, so we

1. divide by a power of two s0 ~ max |b| (exact: only the exponent changes),
2. subtract the mean of the reference set B (the training set: queries never move it), rounded to
   a multiple of 2^-26 so that for data with few significant bits (integers, grids) the subtraction
   is exact and exact distance ties stay ties,
3. divide by a power of two s1 ~ the largest centred coordinate,

and multiply the distances by s = s0 s1 at the end.
"""
import numpy as np

__all__ = ["centre_and_scale", "scaled_squared_distances"]


def pow2_at_least(value):
    """The power of two 2^e with value <= 2^e < 2 value (1.0 for 0 or non-finite input)."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    return float(np.ldexp(1.0, int(np.frexp(value)[1])))


def _max_abs(A):
    return float(np.max(np.abs(A))) if A.size else 0.0


def centre_and_scale(A, B):
    """(A', B', s) with a - b = s (a' - b') for every pair, every coordinate of A', B' in [-1, 1].

    ``B`` is the reference set (its mean is the centre). ``A is B`` is kept: then A' is B'.

    Examples
    --------
    >>> A, B, s = centre_and_scale(np.array([[1e8 + 0.9]]), np.array([[1e8], [1e8 + 1], [1e8 + 2]]))
    >>> float(s * abs(A[0, 0] - B[1, 0]))
    0.09999999403953552
    """
    same = A is B
    s0 = pow2_at_least(max(_max_abs(A), _max_abs(B)))
    Bs = B / s0
    mu = np.round(Bs.mean(axis=0) * 2.0**26) / 2.0**26
    Bc = Bs - mu
    Ac = Bc if same else A / s0 - mu
    s1 = pow2_at_least(max(_max_abs(Ac), _max_abs(Bc)))
    if s1 != 1.0:
        Bc /= s1
        if not same:
            Ac /= s1
    return (Bc if same else Ac), Bc, s0 * s1


def scaled_squared_distances(X, Y):
    """(D', s) with ||X[i] - Y[j]||^2 = s^2 D'[i, j], for validated X, Y (``Y is X`` for one set).

    The points are centred on Y's mean and rescaled first (:func:`centre_and_scale`),
    so the one-matrix-product expansion neither cancels away from the origin nor over/underflows.
    """
    A, B, s = centre_and_scale(X, Y)
    D = A @ B.T
    D *= -2.0
    D += np.einsum("ij,ij->i", A, A)[:, None]
    D += np.einsum("ij,ij->i", B, B)[None, :]
    np.maximum(D, 0.0, out=D)
    if Y is X:  # the exact zero distance of a point to itself, lost to rounding in the expansion
        D.flat[:: D.shape[0] + 1] = 0.0
    return D, s


def safe_matmul(A, B):
    """A @ B where an entry that overflows is +-inf with the right sign, never NaN.

    BLAS may add +inf and -inf partial sums (1e155 * 1e155 terms of both signs) and return NaN, and
    which entries do depends on the BLAS kernel. Those entries are recomputed on operands scaled by
    2^-512 each (exact), where the sum is finite and has the sign of the true one.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        C = A @ B
    bad = ~np.isfinite(C)
    if not np.any(bad):
        return C
    t = 2.0 ** -512
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        small = (A * t) @ (B * t)
    return np.where(bad, np.sign(small) * np.inf, C)
