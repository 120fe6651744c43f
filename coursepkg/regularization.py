"""Regularisers of network training: inverted dropout, batch normalisation, early stopping.

Notation: X has shape (n, d), one example per row; p is the probability of *dropping* a unit.
"""
import copy

import numpy as np

from ._validation import (
    as_1d,
    as_2d,
    as_float_array,
    as_rng,
    check_bool,
    check_nonnegative,
    check_positive_int,
    check_real,
)

__all__ = ["dropout", "batchnorm_forward", "batchnorm_backward", "EarlyStopping"]


def dropout(X, p=0.5, train=True, rng=None):
    """Inverted dropout: zero each entry with probability p and scale survivors by 1 / (1 - p).

    ``p`` in [0, 1), ``train`` a bool. Returns ``(out, mask)``. In evaluation (``train=False``) it is
    the identity, and because of the 1 / (1 - p) scaling E[out] = X during training too, so nothing
    changes between the two modes on average.

    Examples
    --------
    >>> out, mask = dropout(np.ones((2, 4)), p=0.5, rng=0)
    >>> sorted(set(out.ravel().tolist()))
    [0.0, 2.0]
    >>> dropout(np.ones(3), p=0.5, train=False)[0]
    array([1., 1., 1.])
    """
    X = as_float_array(X, "X")
    p = check_real(p, "p", 0, 1, high_open=True)
    train = check_bool(train, "train")
    if not train or p == 0.0:
        return X.copy(), np.ones_like(X, dtype=bool)
    mask = as_rng(rng).random(X.shape) >= p
    return X * mask / (1.0 - p), mask


def batchnorm_forward(X, gamma, beta, running_mean=None, running_var=None, train=True, momentum=0.1, eps=1e-5):
    """Batch normalisation y = gamma (x - mu) / sqrt(var + eps) + beta, per feature (column).

    In training mu and var are the batch mean and *biased* batch variance, and the running
    statistics are updated as torch's ``BatchNorm1d`` does::

        running_mean <- (1 - momentum) running_mean + momentum mu
        running_var  <- (1 - momentum) running_var  + momentum var * n / (n - 1)   (unbiased)

    In evaluation the running statistics are used instead. Returns ``(out, cache, running_mean,
    running_var)``; ``cache`` feeds :func:`batchnorm_backward`.

    Examples
    --------
    >>> X = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> out, _, rm, rv = batchnorm_forward(X, np.ones(2), np.zeros(2), eps=0.0)
    >>> out
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> rm, rv
    (array([0.2, 2. ]), array([ 1.1, 20.9]))
    """
    X = as_2d(X)
    d = X.shape[1]
    gamma = as_float_array(gamma, "gamma")
    gamma = np.broadcast_to(gamma, (d,)) if gamma.ndim == 0 else gamma
    beta = as_float_array(beta, "beta")
    beta = np.broadcast_to(beta, (d,)) if beta.ndim == 0 else beta
    for name, a in (("gamma", gamma), ("beta", beta)):
        if a.shape != (d,):
            raise ValueError(f"{name} must have shape ({d},) to match X; got {a.shape}")
    running_mean = np.zeros(d) if running_mean is None else as_1d(running_mean, "running_mean", n=d)
    running_var = np.ones(d) if running_var is None else as_1d(running_var, "running_var", n=d)
    if np.any(running_var < 0):
        raise ValueError(f"running_var must hold variances >= 0; got minimum {running_var.min():g}")
    eps = check_nonnegative(eps, "eps")
    momentum = check_real(momentum, "momentum", 0, 1)
    train = check_bool(train, "train")
    if train:
        n = X.shape[0]
        if n < 2:
            raise ValueError(f"batch normalisation in training needs at least 2 rows; got shape {X.shape}")
        mu = X.mean(axis=0)
        var = X.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    else:
        mu, var = running_mean, running_var
    if np.any(var + eps == 0):
        raise ValueError("a feature has variance 0 and eps=0: x_hat = (x - mu) / 0 is undefined; use eps > 0")
    inv_std = 1.0 / np.sqrt(var + eps)
    with np.errstate(over="ignore", invalid="ignore"):
        X_hat = (X - mu) * inv_std
    if not (np.all(np.isfinite(X_hat)) and np.all(np.isfinite(running_var))):
        raise ValueError("X is too large for batch normalisation in float64 (its variance overflows); scale X")
    cache = {"X_hat": X_hat, "inv_std": inv_std, "gamma": gamma, "train": bool(train)}
    return gamma * X_hat + beta, cache, running_mean, running_var


def batchnorm_backward(dout, cache):
    """Gradients (dX, dgamma, dbeta) of batch normalisation, given dL/dy = ``dout``.

    Notes
    -----
    With x_hat = (x - mu) * inv_std over a batch of n rows, training mode gives

        dX = gamma * inv_std / n * (n dout - sum(dout) - x_hat * sum(dout * x_hat)),

    because mu and var depend on every row; in evaluation mode mu and var are constants and
    dX = gamma * inv_std * dout.
    """
    dout = as_2d(dout, "dout")
    if not isinstance(cache, dict) or not {"X_hat", "inv_std", "gamma", "train"} <= set(cache):
        raise ValueError("cache must be the dict returned by batchnorm_forward")
    X_hat, inv_std, gamma = cache["X_hat"], cache["inv_std"], cache["gamma"]
    if dout.shape != X_hat.shape:
        raise ValueError(f"dout must have shape {X_hat.shape} like the forward output; got {dout.shape}")
    dbeta = dout.sum(axis=0)
    dgamma = (dout * X_hat).sum(axis=0)
    if not cache["train"]:
        return gamma * inv_std * dout, dgamma, dbeta
    n = dout.shape[0]
    dX = gamma * inv_std / n * (n * dout - dbeta - X_hat * dgamma)
    return dX, dgamma, dbeta


class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` checks; keep the best weights.

    Call ``update(val_loss, params)`` after each epoch; it returns True when training should stop.
    An improvement means ``val_loss < best - min_delta``. ``best_params_`` is a deep copy of the
    parameters at the best epoch and ``restore(params)`` copies them back (dicts of numpy arrays
    are restored in place; anything else is returned).

    Examples
    --------
    >>> stopper = EarlyStopping(patience=2)
    >>> [stopper.update(loss, {"w": np.array([loss])}) for loss in [3.0, 2.0, 2.5, 2.4]]
    [False, False, False, True]
    >>> stopper.best_epoch_, stopper.best_params_["w"]
    (1, array([2.]))
    """

    def __init__(self, patience=5, min_delta=0.0):
        self.patience = check_positive_int(patience, "patience")
        self.min_delta = check_nonnegative(min_delta, "min_delta")
        self.best_ = np.inf
        self.best_epoch_ = None
        self.best_params_ = None
        self.epoch_ = -1
        self.wait_ = 0

    def update(self, val_loss, params=None):
        val_loss = check_real(val_loss, "val_loss")
        self.epoch_ += 1
        if val_loss < self.best_ - self.min_delta:
            self.best_, self.best_epoch_, self.wait_ = val_loss, self.epoch_, 0
            self.best_params_ = copy.deepcopy(params)
            return False
        self.wait_ += 1
        return self.wait_ >= self.patience

    def restore(self, params=None):
        """Put the best parameters back: in place into a dict of arrays, else return the copy."""
        if self.best_epoch_ is None:
            raise ValueError("EarlyStopping has no best parameters yet; call update(val_loss, params) first")
        if isinstance(params, dict):
            for name, value in self.best_params_.items():
                params[name][...] = value
            return params
        return copy.deepcopy(self.best_params_)
