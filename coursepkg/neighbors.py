"""Nearest neighbours: distances, k-NN classification and regression, kernel smoothing.

Notation: the training set holds n points x_i in R^p with targets y_i; a query is a point x.
N_k(x) is the set of the k training points closest to x under the chosen distance.

Tie-breaking (the same as scikit-learn's ``algorithm='brute'`` with a stable sort):

* distance ties: among training points at the same distance, the lower training index comes first;
* vote ties: when two classes get the same (weighted) vote, the smallest class label wins.
"""
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from ._scaling import centre_and_scale
from ._validation import (
    _validate_X,
    as_1d,
    as_2d,
    as_float_array,
    check_choice,
    check_integer,
    check_is_fitted,
    encode_labels,
    require_y,
)

__all__ = [
    "METRICS", "pairwise_distances", "kneighbors", "KNeighborsClassifier", "KNeighborsRegressor",
    "nadaraya_watson", "local_linear_regression", "cover_hart_bound",
]

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


def _mahalanobis_factor(A, VI):
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


def _check_metric(metric):
    check_choice(metric, "metric", METRICS)


def _chunk_step(n, p, metric, working_memory):
    """Rows of A per chunk against n points in R^p: a multiple of BLOCK for euclidean (aligned blocks)."""
    per_entry = 2 if metric == "euclidean" else 2 * p
    step = _chunk_rows(n, per_entry, working_memory)
    return BLOCK * max(1, step // BLOCK) if metric == "euclidean" else step


def _chunks(A, B, metric, VI=None, working_memory=None, squared=False, out=None):
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
    _check_metric(metric)
    A, B, s = centre_and_scale(A, B)
    L = None
    if metric == "mahalanobis":
        if VI is None:  # estimated from the scaled training set: VI' = s^2 VI, so the distances need no s
            L, s = _mahalanobis_factor(B, None), 1.0
        else:
            L = _mahalanobis_factor(B, VI)
    B_aug = None
    if metric == "euclidean":  # rows [-2 b, ||b||^2], made once for all chunks
        B_aug = np.empty((B.shape[0], B.shape[1] + 1))
        np.multiply(B, -2.0, out=B_aug[:, :-1])
        B_aug[:, -1] = np.einsum("ij,ij->i", B, B)
    step = _chunk_step(*B.shape, metric, working_memory)
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
    for chunk in _chunks(A, B, metric, VI, working_memory, out=lambda start, stop: D[start:stop]):
        s = chunk[2]
    if s != 1.0:
        with np.errstate(over="ignore"):  # beyond 1.8e308 a distance is +inf
            D *= s
    return D


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


def kneighbors(X_query, X_train, k, metric="euclidean", VI=None, working_memory=None):
    """Distances and indices of the k nearest training points of each query, nearest first.

    Ties in distance are broken by the lower training index (euclidean neighbours are ranked by
    the squared distance, which has the same order). Returns ``(dist, ind)``, both of
    shape (m, k). Memory is bounded by ``working_memory`` as in :func:`pairwise_distances`.

    Examples
    --------
    >>> dist, ind = kneighbors([[0.0]], [[2.0], [-1.0], [1.0]], k=2)
    >>> dist, ind
    (array([[1., 1.]]), array([[1, 2]]))
    """
    X_train = as_2d(X_train, "X_train")
    X_query = as_2d(X_query, "X_query", n_features=X_train.shape[1])
    k = check_integer(k, "k", low=1)
    _check_metric(metric)
    if k > X_train.shape[0]:
        raise ValueError(f"k must be <= the number of training points, {X_train.shape[0]}; got {k}")
    ind = np.empty((X_query.shape[0], k), dtype=np.intp)
    dist = np.empty((X_query.shape[0], k))
    squared = metric == "euclidean"  # rank ||b||^2 - 2 a^T b: no pass over the block for ||a||^2 or sqrt
    n = X_train.shape[0]
    w = _group_width(n, k)
    chunk_rows = min(_chunk_step(*X_train.shape, metric, working_memory), X_query.shape[0])
    buffer = np.full((chunk_rows, -(-n // w) * w), np.inf)  # one buffer for every chunk, +inf padded
    chunks = _chunks(X_query, X_train, metric, VI, working_memory, squared,
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


def _weights(dist, weights):
    """Neighbour weights: 1 (uniform) or 1/d (distance; a query at distance 0 keeps only those neighbours)."""
    check_choice(weights, "weights", ("uniform", "distance"))
    if weights == "uniform":
        return np.ones_like(dist)
    zero = dist == 0
    # d_min / d is proportional to 1/d (every use normalises the weights) and lies in (0, 1]: 1/d
    # itself would overflow for subnormal distances and give inf / inf
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.min(dist, axis=1, keepdims=True) / dist
    rows = zero.any(axis=1)
    w[rows] = zero[rows].astype(float)
    return w


class _KNeighborsBase(BaseEstimator):
    def __init__(self, n_neighbors=5, *, metric="euclidean", weights="uniform", VI=None, working_memory=None):
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.weights = weights
        self.VI = VI
        self.working_memory = working_memory

    def _fit(self, X, y):
        X = _validate_X(self, X, reset=True)
        require_y(self, y)
        _check_metric(self.metric)
        check_integer(self.n_neighbors, "n_neighbors", low=1)
        check_choice(self.weights, "weights", ("uniform", "distance"))
        if self.working_memory is not None:
            check_integer(self.working_memory, "working_memory", low=1)
        if self.n_neighbors > X.shape[0]:
            raise ValueError(f"n_neighbors must be <= n_samples = {X.shape[0]}; got {self.n_neighbors}")
        self.VI_ = None  # None with "mahalanobis": estimated from the training set at every query
        if self.metric == "mahalanobis":
            if self.VI is None:  # checked now, on the scaled training set that kneighbors will use
                _mahalanobis_factor(centre_and_scale(X, X)[1], None)
            else:
                _mahalanobis_factor(X, self.VI)
                self.VI_ = as_float_array(self.VI, "VI")
        self.X_fit_ = X
        return X

    def kneighbors(self, X):
        """(dist, ind) of the ``n_neighbors`` nearest training points of each row of X."""
        check_is_fitted(self, "X_fit_")
        X = _validate_X(self, X)
        return kneighbors(X, self.X_fit_, self.n_neighbors, self.metric, self.VI_, self.working_memory)


class KNeighborsClassifier(ClassifierMixin, _KNeighborsBase):
    """k-nearest-neighbour classifier: the (weighted) majority label among N_k(x).

    Parameters
    ----------
    n_neighbors : int, default=5
        k, between 1 and the number of training points.
    metric : {"euclidean", "manhattan", "chebyshev", "mahalanobis"}
    weights : {"uniform", "distance"}
        Each neighbour votes 1, or 1/d(x, x_i); with distance weights a query that coincides with
        training points gets only their votes.
    VI : array of shape (p, p), optional
        Inverse covariance for "mahalanobis"; estimated from the training data when None.
    working_memory : int, optional
        Bytes per chunk of queries (see :func:`pairwise_distances`).

    Attributes
    ----------
    classes_ : array
        Sorted labels; on a vote tie the first (smallest) of the tied labels is predicted.
    X_fit_, y_fit_ : arrays
        The stored training set (fit only stores it: the cost is paid at query time).

    Notes
    -----
    P(y = c | x) is estimated by (1/k) sum_{i in N_k(x)} 1[y_i = c] (``predict_proba``).

    Examples
    --------
    >>> clf = KNeighborsClassifier(n_neighbors=2).fit([[0.0], [1.0], [5.0]], [1, 0, 0])
    >>> clf.predict([[0.4], [4.0]])  # 1 vs 0 at x = 0.4: a tie, the smaller label wins
    array([0, 0])
    """

    def fit(self, X, y):
        X = self._fit(X, y)
        self.classes_, self.y_fit_ = encode_labels(y, X.shape[0], min_classes=1)
        return self

    def predict_proba(self, X):
        """Weighted vote shares, shape (m, n_classes), columns in the order of ``classes_``."""
        dist, ind = self.kneighbors(X)
        w = _weights(dist, self.weights)
        votes = np.zeros((len(ind), len(self.classes_)))
        rows = np.repeat(np.arange(len(ind)), ind.shape[1])
        np.add.at(votes, (rows, self.y_fit_[ind].ravel()), w.ravel())
        return votes / votes.sum(axis=1, keepdims=True)

    def predict(self, X):
        """The label with the largest vote; ties go to the smallest label."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class KNeighborsRegressor(RegressorMixin, _KNeighborsBase):
    """k-nearest-neighbour regression: f(x) = (weighted) mean of y_i over N_k(x), an estimate of E[y | x].

    Parameters are those of :class:`KNeighborsClassifier`.

    Examples
    --------
    >>> reg = KNeighborsRegressor(n_neighbors=2).fit([[0.0], [1.0], [5.0]], [0.0, 2.0, 10.0])
    >>> reg.predict([[0.2], [4.0]])
    array([1., 6.])
    """

    def fit(self, X, y):
        X = self._fit(X, y)
        self.y_fit_ = as_1d(y, "y", n=X.shape[0])
        return self

    def predict(self, X):
        dist, ind = self.kneighbors(X)
        w = _weights(dist, self.weights)
        return np.sum(w * self.y_fit_[ind], axis=1) / np.sum(w, axis=1)


from ._smoothing import cover_hart_bound, local_linear_regression, nadaraya_watson  # noqa: E402

__all__ += ["median_nn_distance"]


def median_nn_distance(n, p):
    """Median distance from the origin to the nearest of n uniform points in [-1/2, 1/2]^p, by formula.

    P(nearest > d) = (1 - V_p(d))^n, V_p(d) the volume of the ball of radius d inside the cube; while
    d <= 1/2 that is the whole ball, v_p d^p with v_p = pi^{p/2} / Gamma(p/2 + 1), so the median is
    d = ((1 - 2^{-1/n}) / v_p)^{1/p}. Exact when the result is <= 1/2; larger values (high p) overstate
    the median, since the ball then sticks out of the cube.

    Examples
    --------
    One point on [-1/2, 1/2]: |x| is uniform on [0, 1/2], so its median is 1/4.

    >>> round(median_nn_distance(1, 1), 12)
    0.25
    """
    from math import gamma, pi

    from ._validation import check_positive_int  # local: appended code leaves the header untouched

    n, p = check_positive_int(n, "n"), check_positive_int(p, "p")
    v = pi ** (p / 2) / gamma(p / 2 + 1)
    return ((1 - 0.5 ** (1 / n)) / v) ** (1 / p)
