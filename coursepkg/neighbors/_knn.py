"""Nearest neighbours: distances, k-NN classification and regression, kernel smoothing.

Notation: the training set holds n points x_i in R^p with targets y_i; a query is a point x.
N_k(x) is the set of the k training points closest to x under the chosen distance.

Tie-breaking (the same as scikit-learn's ``algorithm='brute'`` with a stable sort):

* distance ties: among training points at the same distance, the lower training index comes first;
* vote ties: when two classes get the same (weighted) vote, the smallest class label wins.
"""
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .._scaling import centre_and_scale
from .._validation import (
    as_1d,
    as_2d,
    as_float_array,
    check_choice,
    check_integer,
    check_is_fitted,
    encode_labels,
    require_y,
    validate_X,
)
from ._distances import WORKING_MEMORY, check_metric, mahalanobis_factor, pairwise_distances
from ._search import kneighbors_chunked

__all__ = ['kneighbors', 'KNeighborsClassifier', 'KNeighborsRegressor', 'median_nn_distance']


def kneighbors(X_query, X_train, k, metric="euclidean", VI=None, working_memory=None):
    """Distances and indices of the k nearest training points of each query, nearest first.

    Ties in distance are broken by the lower training index. Returns ``(dist, ind)``, both of
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
    check_metric(metric)
    if k > X_train.shape[0]:
        raise ValueError(f"k must be <= the number of training points, {X_train.shape[0]}; got {k}")
    budget = WORKING_MEMORY if working_memory is None else working_memory
    if X_query.shape[0] * X_train.shape[0] * 8 > budget:
        # Too many distances to hold at once: _search computes the same neighbours chunk by chunk,
        # with a partial selection instead of a full sort (tests check that the two agree).
        return kneighbors_chunked(X_query, X_train, k, metric, VI, working_memory)
    D = pairwise_distances(X_query, X_train, metric, VI)      # every distance, shape (m, n)
    ind = np.argsort(D, axis=1, kind="stable")[:, :k]          # stable: ties keep the lower index
    return np.take_along_axis(D, ind, axis=1), ind


def neighbor_weights(dist, weights):
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
        X = validate_X(self, X, reset=True)
        require_y(self, y)
        check_metric(self.metric)
        check_integer(self.n_neighbors, "n_neighbors", low=1)
        check_choice(self.weights, "weights", ("uniform", "distance"))
        if self.working_memory is not None:
            check_integer(self.working_memory, "working_memory", low=1)
        if self.n_neighbors > X.shape[0]:
            raise ValueError(f"n_neighbors must be <= n_samples = {X.shape[0]}; got {self.n_neighbors}")
        self.VI_ = None  # None with "mahalanobis": estimated from the training set at every query
        if self.metric == "mahalanobis":
            if self.VI is None:  # checked now, on the scaled training set that kneighbors will use
                mahalanobis_factor(centre_and_scale(X, X)[1], None)
            else:
                mahalanobis_factor(X, self.VI)
                self.VI_ = as_float_array(self.VI, "VI")
        self.X_fit_ = X
        return X

    def kneighbors(self, X):
        """(dist, ind) of the ``n_neighbors`` nearest training points of each row of X."""
        check_is_fitted(self, "X_fit_")
        X = validate_X(self, X)
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
        w = neighbor_weights(dist, self.weights)
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
        w = neighbor_weights(dist, self.weights)
        return np.sum(w * self.y_fit_[ind], axis=1) / np.sum(w, axis=1)



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

    from .._validation import check_positive_int  # local: appended code leaves the header untouched

    n, p = check_positive_int(n, "n"), check_positive_int(p, "p")
    v = pi ** (p / 2) / gamma(p / 2 + 1)
    return ((1 - 0.5 ** (1 / n)) / v) ** (1 / p)
