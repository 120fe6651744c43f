"""The fast search behind :func:`coursepkg.neighbors.kneighbors` for large problems.

Readable first: ``kneighbors`` itself is "every distance, stable sort, take k". When the m x n
distances do not fit in memory, the same answer is computed here chunk by chunk, with a selection
that avoids sorting whole rows (the slow step of brute-force k-NN); tests check the two agree.
"""
import numpy as np

from ._distances import chunk_step, distance_chunks

__all__ = []


def _smallest_k(D_pad, k, n, w):
    """Indices of the k smallest of the first n entries of each row, sorted by (distance, index).

    ``D_pad`` has G * w columns, its columns n and beyond hold +inf. A full partition of every
    row is the slow step of brute-force k-NN, so we first bound the answer. Seen as G groups of
    w columns, each row gives G group minima in one cheap pass: the k-th smallest of them stands
    for k distinct entries, so it is >= the true k-th smallest, and every entry of the k nearest
    (ties included) is <= it. Only groups whose minimum is <= that bound (about k of a row) can
    hold such entries, so only they are searched; their candidates are sorted by (row, distance,
    column) and the first k of each row are exact, with ties broken by the lower column index.
    """
    n_rows = D_pad.shape[0]
    if 4 * k >= n:
        return np.argsort(D_pad[:, :n], axis=1, kind="stable")[:, :k]
    groups = D_pad.reshape(n_rows, -1, w)
    group_min = groups.min(axis=2)
    bound = np.partition(group_min, k - 1, axis=1)[:, k - 1]
    rows, g = np.nonzero(group_min <= bound[:, None])
    values = groups[rows, g]                                   # (candidate groups, w)
    keep = values <= bound[rows][:, None]                      # +inf padding is never kept
    cols = (g[:, None] * w + np.arange(w))[keep]
    rows, values = np.broadcast_to(rows[:, None], keep.shape)[keep], values[keep]
    order = np.lexsort((cols, values, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(n_rows))  # every row has >= k candidates
    return cols[starts[:, None] + np.arange(k)]


def _group_width(n, k):
    """Columns per group for _smallest_k: at least 4k groups of at least one column."""
    return -(-n // max(64, 8 * k))


def kneighbors_chunked(X_query, X_train, k, metric="euclidean", VI=None, working_memory=None):
    """:func:`coursepkg.neighbors.kneighbors` for validated inputs too large to hold every distance.

    The queries go through in chunks of rows whose distances fit in ``working_memory``, written
    into one reused +inf-padded buffer (fresh large arrays pay a page fault per 4 KiB), and each
    chunk's k smallest come from :func:`_smallest_k`. Euclidean neighbours are ranked by the
    squared distance, which has the same order, and only the k kept get a square root.
    Ties in distance are broken by the lower training index, as in the readable version.
    """
    ind = np.empty((X_query.shape[0], k), dtype=np.intp)
    dist = np.empty((X_query.shape[0], k))
    squared = metric == "euclidean"  # rank ||b||^2 - 2 a^T b: no pass over the block for ||a||^2 or sqrt
    n = X_train.shape[0]
    w = _group_width(n, k)
    chunk_rows = min(chunk_step(*X_train.shape, metric, working_memory), X_query.shape[0])
    buffer = np.full((chunk_rows, -(-n // w) * w), np.inf)  # one buffer for every chunk, +inf padded
    chunks = distance_chunks(X_query, X_train, metric, VI, working_memory, squared,
                     out=lambda start, stop: buffer[:stop - start, :n])
    for start, D, s, rows in chunks:
        idx = _smallest_k(buffer[:len(D)], k, n, w)
        ind[start:start + len(D)] = idx
        d = np.take_along_axis(D, idx, axis=1)
        if squared:
            d = np.sqrt(np.maximum(d + np.einsum("ij,ij->i", rows, rows)[:, None], 0.0))
        with np.errstate(over="ignore"):
            dist[start:start + len(D)] = d * s
    return dist, ind
