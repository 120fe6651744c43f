"""Distances between the rows of two matrices (Euclidean, Manhattan, Chebyshev, Mahalanobis).

Computed in chunks that fit in ``working_memory``, so n_query x n_train never has to be held at once.
"""
import numpy as np

from .._scaling import centre_and_scale
from .._validation import (
    as_2d,
    as_float_array,
    check_choice,
    check_integer,
)

__all__ = ['METRICS', 'WORKING_MEMORY', 'BLOCK', 'pairwise_distances']


METRICS = ("euclidean", "manhattan", "chebyshev", "mahalanobis")


WORKING_MEMORY = 64 * 2**20  # bytes of temporary memory one chunk may use


# Matrix products are always taken over blocks of this many query rows, aligned at multiples of
# BLOCK: BLAS may round a product differently for different shapes, so a fixed block shape makes
# the result independent of the chunk size.
BLOCK = 256


def _chunk_rows(n_cols, per_entry, working_memory):
    """Rows per chunk so that a (rows, n_cols) block of ``per_entry`` floats fits in memory."""
    if working_memory is None:
        working_memory = WORKING_MEMORY
    check_integer(working_memory, "working_memory", low=1)
    return max(1, int(working_memory // (8 * n_cols * per_entry)))


def mahalanobis_factor(A, VI):
    """L with VI = L L^T (Cholesky), so that d(a, b) = ||(a - b) L||; VI estimated from A if None.

    Callers pass the *training* (reference) set as A: a covariance estimated from the queries would
    make a point's neighbours depend on which other queries are asked.
    """
    p = A.shape[1]
    if VI is None:
        if A.shape[0] <= p:
            raise ValueError(f"cannot estimate a {p}x{p} covariance from {A.shape[0]} training rows (X); "
                             "it is singular: pass VI (the inverse covariance) instead")
        cov = np.atleast_2d(np.cov(A, rowvar=False))
        if np.linalg.matrix_rank(cov) < p:
            raise ValueError("the covariance estimated from the training points (X) is singular (some features "
                             "are linearly dependent); pass VI (the inverse covariance) instead")
        VI = np.linalg.inv(cov)
    VI = as_float_array(VI, "VI")
    if VI.shape != (p, p):
        raise ValueError(f"VI must have shape ({p}, {p}) to match A; got {VI.shape}")
    if not np.allclose(VI, VI.T):
        raise ValueError("VI must be symmetric")
    try:
        return np.linalg.cholesky((VI + VI.T) / 2)
    except np.linalg.LinAlgError:
        raise ValueError("VI must be positive definite (the inverse of a non-singular covariance)") from None


def _distance_block(A, B, metric, B_aug=None, L=None, squared=False, out=None):
    """Distances between every row of A and every row of B, shape (len(A), len(B)), into ``out``.

    Euclidean: ``B_aug`` holds the rows [-2 b, ||b||^2], so one matrix product of [a, 1] with it
    gives ||b||^2 - 2 a^T b, the squared distance less the row constant ||a||^2. That ranks the
    neighbours of a exactly as the distance does; with ``squared`` the block is returned as it
    is (kneighbors adds ||a||^2 back to the k selected entries only), otherwise ||a||^2 is added,
    negatives from rounding are clipped to 0 and the square root taken.
    """
    if metric == "euclidean":
        A_aug = np.empty((A.shape[0], A.shape[1] + 1))
        A_aug[:, :-1] = A
        A_aug[:, -1] = 1.0
        D = np.empty((A.shape[0], B_aug.shape[0])) if out is None else out
        for s in range(0, A.shape[0], BLOCK):
            np.matmul(A_aug[s:s + BLOCK], B_aug.T, out=D[s:s + BLOCK])
        if squared:
            return D
        D += np.einsum("ij,ij->i", A, A)[:, None]
        np.maximum(D, 0.0, out=D)
        return np.sqrt(D, out=D)
    diff = A[:, None, :] - B[None, :, :]
    if metric == "manhattan":
        D = np.abs(diff).sum(axis=2)
    elif metric == "chebyshev":
        D = np.abs(diff).max(axis=2)
    else:
        z = diff @ L  # mahalanobis: ||(a - b) L|| with VI = L L^T
        D = np.sqrt(np.einsum("ijk,ijk->ij", z, z))
    if out is None:
        return D
    out[...] = D
    return out


def check_metric(metric):
    check_choice(metric, "metric", METRICS)


def chunk_step(n, p, metric, working_memory):
    """Rows of A per chunk against n points in R^p: a multiple of BLOCK for euclidean (aligned blocks)."""
    per_entry = 2 if metric == "euclidean" else 2 * p
    step = _chunk_rows(n, per_entry, working_memory)
    return BLOCK * max(1, step // BLOCK) if metric == "euclidean" else step


def distance_chunks(A, B, metric, VI=None, working_memory=None, squared=False, out=None):
    """Yield (start, D_chunk, s, A_chunk) for row blocks of A: the distances are s * D_chunk (with
    ``squared``, s * sqrt(D_chunk + ||a||^2) for the rows a of the scaled A_chunk).

    A and B are first centred on B's mean and rescaled (:func:`coursepkg._scaling.centre_and_scale`):
    the expansion ||a||^2 - 2 a^T b + ||b||^2 then stays exact away from the origin and finite at
    extreme magnitudes. B is the reference (training) set: its mean, and for "mahalanobis" without
    VI its covariance, never depend on the queries.

    ``out(start, stop)``, when given, returns the array the chunk's distances are written to
    (a slice of the result, or one buffer reused for every chunk: fresh large arrays cost a
    page fault per 4 KiB the first time they are written).
    """
    check_metric(metric)
    A, B, s = centre_and_scale(A, B)
    L = None
    if metric == "mahalanobis":
        if VI is None:  # estimated from the scaled training set: VI' = s^2 VI, so the distances need no s
            L, s = mahalanobis_factor(B, None), 1.0
        else:
            L = mahalanobis_factor(B, VI)
    B_aug = None
    if metric == "euclidean":  # rows [-2 b, ||b||^2], made once for all chunks
        B_aug = np.empty((B.shape[0], B.shape[1] + 1))
        np.multiply(B, -2.0, out=B_aug[:, :-1])
        B_aug[:, -1] = np.einsum("ij,ij->i", B, B)
    step = chunk_step(*B.shape, metric, working_memory)
    for start in range(0, A.shape[0], step):
        stop = min(start + step, A.shape[0])
        block = None if out is None else out(start, stop)
        yield start, _distance_block(A[start:stop], B, metric, B_aug, L, squared, block), s, A[start:stop]


def pairwise_distances(A, B, metric="euclidean", VI=None, working_memory=None):
    """Distance matrix D[i, j] = d(a_i, b_j) between the rows of A (m, p) and B (n, p).

    Parameters
    ----------
    A : array of shape (m, p)
    B : array of shape (n, p)
    metric : {"euclidean", "manhattan", "chebyshev", "mahalanobis"}
        L2, L1, L-infinity, or sqrt((a - b)^T VI (a - b)).
    VI : array of shape (p, p), optional
        Inverse covariance for "mahalanobis"; estimated from B, the reference set (np.cov, then
        inverted), when None.
    working_memory : int, optional
        Bytes of temporary memory per chunk of rows of A (default 64 MiB). The result is identical
        for every value; only the peak memory of the temporaries changes.

    Notes
    -----
    Euclidean uses ||a - b||^2 = ||a||^2 - 2 a^T b + ||b||^2 (one matrix product), clipped at 0
    before the square root, on points centred on B's mean and rescaled by a power of two, so it is
    accurate away from the origin (1e8 + 0.9 vs 1e8 + 1: 0.1) and at magnitudes 1e-300 to 1e300.
    Mahalanobis factors VI = L L^T (Cholesky) and returns ||(a - b) L||,
    a true distance (with the square root). Symbols: a_i <-> ``A[i]``, b_j <-> ``B[j]``.

    Examples
    --------
    >>> pairwise_distances([[0.0, 0.0]], [[3.0, 4.0], [1.0, 1.0]])
    array([[5.        , 1.41421356]])
    >>> pairwise_distances([[0.0, 0.0]], [[3.0, 4.0]], metric="manhattan")
    array([[7.]])
    >>> pairwise_distances([[0.0, 0.0]], [[3.0, 4.0]], metric="chebyshev")
    array([[4.]])
    >>> pairwise_distances([[0.0, 0.0]], [[3.0, 4.0]], metric="mahalanobis", VI=np.diag([1.0, 0.25]))
    array([[3.60555128]])
    """
    A = as_2d(A, "A")
    B = as_2d(B, "B", n_features=A.shape[1])
    D = np.empty((A.shape[0], B.shape[0]))
    s = 1.0
    for chunk in distance_chunks(A, B, metric, VI, working_memory, out=lambda start, stop: D[start:stop]):
        s = chunk[2]
    if s != 1.0:
        with np.errstate(over="ignore"):  # beyond 1.8e308 a distance is +inf
            D *= s
    return D
