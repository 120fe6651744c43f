"""k-nearest neighbours in torch (GPU when there is one): the same answers as :mod:`coursepkg.neighbors`.

Distances are computed in float64 in chunks of queries with ``torch.cdist``-style algebra and the k
smallest are taken with ``torch.topk``; ties are then resolved exactly as in the numpy version
(distance ties: lower training index first). This is the only chapter 4 module that imports torch.
"""
import numpy as np

from .._scaling import centre_and_scale
from .._torch import torch
from .._validation import as_2d, check_integer, encode_labels
from ..neighbors._distances import check_metric, mahalanobis_factor
from ..neighbors._knn import neighbor_weights

__all__ = ['kneighbors_torch', 'knn_predict_torch']


def _block(Q, X, metric, L):
    if metric == "mahalanobis":
        Q, X, metric = Q @ L, X @ L, "euclidean"
    if metric == "euclidean":
        D = (Q * Q).sum(1)[:, None] - 2.0 * (Q @ X.T) + (X * X).sum(1)[None, :]
        return D.clamp_min_(0.0).sqrt_()
    p = {"manhattan": 1.0, "chebyshev": float("inf")}[metric]
    return torch.cdist(Q, X, p=p)


def kneighbors_torch(X_query, X_train, k, metric="euclidean", VI=None, device=None, chunk_size=1024):
    """(dist, ind) of the k nearest training points of each query, as numpy arrays, nearest first.

    Parameters
    ----------
    X_query : array of shape (m, p)
    X_train : array of shape (n, p)
    k : int
    metric, VI :
        As in :func:`coursepkg.neighbors.pairwise_distances` (VI estimated from X_train if None).
    device : torch.device or str, optional
        Default: CUDA when available, else the CPU.
    chunk_size : int
        Queries per chunk; the (chunk_size, n) distance block is the peak memory.

    Examples
    --------
    >>> dist, ind = kneighbors_torch([[0.0]], [[2.0], [-1.0], [1.0]], k=2, device="cpu")
    >>> dist, ind
    (array([[1., 1.]]), array([[1, 2]]))
    """
    X_train = as_2d(X_train, "X_train")
    X_query = as_2d(X_query, "X_query", n_features=X_train.shape[1])
    k = check_integer(k, "k", low=1)
    chunk_size = check_integer(chunk_size, "chunk_size", low=1)
    if k > X_train.shape[0]:
        raise ValueError(f"k must be <= the number of training points, {X_train.shape[0]}; got {k}")
    check_metric(metric)
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    # the centring and scaling of the numpy version (coursepkg.neighbors.distance_chunks), so both stay exact
    X_query, X_train, scale = centre_and_scale(X_query, X_train)
    L = None
    if metric == "mahalanobis":
        if VI is None:  # from the scaled training set: VI' = s^2 VI, distances need no s
            L, scale = mahalanobis_factor(X_train, None), 1.0
        else:
            L = mahalanobis_factor(X_train, VI)
        L = torch.as_tensor(L, dtype=torch.float64, device=device)
    X = torch.as_tensor(X_train, dtype=torch.float64, device=device)
    dists, inds = [], []
    for start in range(0, X_query.shape[0], chunk_size):
        Q = torch.as_tensor(X_query[start:start + chunk_size], dtype=torch.float64, device=device)
        D = _block(Q, X, metric, L)
        vals, idx = torch.topk(D, k, dim=1, largest=False, sorted=True)
        # exact tie-breaking: order by (distance, index), and redo rows with ties at the k-th place
        order = torch.sort(idx, dim=1, stable=True).indices
        vals, idx = vals.gather(1, order), idx.gather(1, order)
        order = torch.sort(vals, dim=1, stable=True).indices
        vals, idx = vals.gather(1, order), idx.gather(1, order)
        ambiguous = torch.nonzero((D <= vals[:, -1:]).sum(1) > k).flatten()
        for r in ambiguous.tolist():
            s = torch.sort(D[r], stable=True)
            vals[r], idx[r] = s.values[:k], s.indices[:k]
        dists.append(vals.cpu().numpy() * scale)
        inds.append(idx.cpu().numpy())
    return np.concatenate(dists), np.concatenate(inds).astype(np.intp)


def knn_predict_torch(X_train, y_train, X_query, k=5, metric="euclidean", weights="uniform", device=None,
                      chunk_size=1024):
    """k-NN class labels with neighbours found by :func:`kneighbors_torch`; ties go to the smallest label."""
    X_train = as_2d(X_train, "X_train")
    classes, y_idx = encode_labels(y_train, X_train.shape[0], min_classes=1, name="y_train")
    neighbor_weights(np.ones((1, 1)), weights)  # checks ``weights`` before the search
    dist, ind = kneighbors_torch(X_query, X_train, k, metric, device=device, chunk_size=chunk_size)
    w = neighbor_weights(dist, weights)
    votes = np.zeros((len(ind), len(classes)))
    np.add.at(votes, (np.repeat(np.arange(len(ind)), k), y_idx[ind].ravel()), w.ravel())
    return classes[np.argmax(votes, axis=1)]
