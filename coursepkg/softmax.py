"""Softmax and log-sum-exp, computed stably along any axis.

softmax(z)_k = exp(z_k) / sum_j exp(z_j); logsumexp(z) = ln sum_j exp(z_j).
Subtracting max_j z_j first changes neither and keeps exp from overflowing.
"""
import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from ._validation import (
    as_float_array,
    as_rng,
    check_integer,
    check_is_fitted,
    check_nonnegative,
    check_positive,
    check_real,
    encode_labels,
    require_y,
    validate_X,
)

__all__ = [
    "logsumexp", "softmax", "log_softmax", "onehot", "check_class_labels", "cross_entropy",
    "cross_entropy_grad", "SoftmaxRegression",
]


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
    axis = _check_axis(Z, axis)
    m = np.max(Z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # a row of all -inf: keep exp(-inf) = 0, result -inf
    with np.errstate(divide="ignore"):
        out = m + np.log(np.sum(np.exp(Z - m), axis=axis, keepdims=True))
    return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)


def _check_axis(Z, axis):
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -max(Z.ndim, 1) <= axis < max(Z.ndim, 1):
        raise ValueError(f"axis must be an integer in [-{max(Z.ndim, 1)}, {max(Z.ndim, 1)}) for Z of shape "
                         f"{Z.shape}; got {axis!r}")
    if Z.size == 0:
        raise ValueError(f"Z must have at least one entry; got shape {Z.shape}")
    return int(axis) if Z.ndim else None


def log_softmax(Z, axis=-1):
    """ln softmax(Z) = Z - logsumexp(Z) along ``axis``.

    Examples
    --------
    >>> log_softmax(np.array([1e16, 1e16])) + np.log(2)  # exact where Z - logsumexp(Z) cancels
    array([0., 0.])
    """
    Z = as_float_array(Z, "Z", allow_nan=True)
    if np.any(np.isnan(Z)) or np.any(np.isposinf(Z)):
        raise ValueError("Z contains NaN or +inf values")
    axis = _check_axis(Z, axis)
    return log_softmax_unchecked(Z, axis)


def log_softmax_unchecked(Z, axis):
    """log_softmax of a validated array: shift by the max first, exact near the top entry."""
    m = np.max(Z, axis=axis, keepdims=True)
    shifted = Z - np.where(np.isfinite(m), m, 0.0)  # subtract the max first: exact near the top entry
    with np.errstate(divide="ignore", invalid="ignore"):
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(Z, axis=-1):
    """softmax(Z)_k = exp(Z_k - logsumexp(Z)) along ``axis``; entries are >= 0 and sum to 1.

    Examples
    --------
    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    return np.exp(log_softmax(Z, axis=axis))


def check_class_labels(y, C=None, name="y", n=None):
    """Return integer class labels as an int array of shape (n,), checking 0 <= y_i < C.

    Examples
    --------
    >>> check_class_labels([0, 2, 1], C=3)
    array([0, 2, 1])
    >>> check_class_labels([0, 3], C=3)
    Traceback (most recent call last):
    ...
    ValueError: y must hold integer labels in 0..2 (C = 3); got values outside: [3]
    """
    y = as_float_array(y, name)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n_samples,); got shape {y.shape}")
    if n is not None and y.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) to match the logits; got {y.shape}")
    if np.any(y != np.round(y)):
        shown = sorted(set(y[y != np.round(y)].tolist()))[:6]
        raise ValueError(f"{name} must hold integer labels; got non-integer values {shown}")
    y = y.astype(int)
    if C is not None:
        if isinstance(C, bool) or not isinstance(C, numbers.Integral) or C < 1:
            raise ValueError(f"C must be a positive integer (the number of classes); got {C!r}")
        bad = (y < 0) | (y >= C)
        if np.any(bad):
            shown = sorted(set(y[bad].tolist()))[:6]
            raise ValueError(f"{name} must hold integer labels in 0..{C - 1} (C = {C}); got values outside: {shown}")
    elif np.any(y < 0):
        raise ValueError(f"{name} must hold integer labels >= 0; got {sorted(set(y[y < 0].tolist()))[:6]}")
    return y


def onehot(y, C):
    """One-hot matrix Y of shape (n, C): Y[i, k] = 1 if y_i = k else 0.

    Examples
    --------
    >>> onehot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    C = check_integer(C, "C", low=1)
    y = check_class_labels(y, C)
    Y = np.zeros((y.shape[0], C))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y


def _check_logits(logits, y):
    Z = as_float_array(logits, "logits")
    if Z.ndim != 2:
        raise ValueError(f"logits must be 2-D (n_samples, n_classes); got shape {Z.shape}")
    if Z.shape[0] == 0:
        raise ValueError(f"logits must have at least one row; got shape {Z.shape}")
    y = check_class_labels(y, Z.shape[1], n=Z.shape[0])
    return Z, y


def _cross_entropy_rows(Z, y):
    """Per-row -log_softmax(Z)[i, y_i] for validated logits and integer labels."""
    return -log_softmax_unchecked(Z, 1)[np.arange(Z.shape[0]), y]


def cross_entropy(logits, y, reduction="mean"):
    """Multiclass logistic loss of logits Z (n, C) against integer labels y in 0..C-1.

    Parameters
    ----------
    logits : array of shape (n, C)
        Scores z_i = W x_i + b of any model, before the softmax.
    y : array of shape (n,)
        Integer labels in 0..C-1.
    reduction : {"mean", "sum", "none"}
        Average over rows (default, like ``torch.nn.functional.cross_entropy``), sum, or the
        per-row losses.

    Notes
    -----
    l_i = -ln softmax(z_i)_{y_i} = -(z_{i, y_i} - m_i) + ln sum_k exp(z_ik - m_i) >= 0 with
    m_i = max_k z_ik: the max-shifted log-softmax, computed without forming the probabilities.
    Subtracting the max *before* the label's logit keeps it exact at any scale
    (logsumexp(z) - z_y would round 1e16 + ln 2 to 1e16 and give 0 instead of ln 2).
    Symbols: z_i <-> ``logits[i]``, y_i <-> ``y[i]``.

    Examples
    --------
    >>> round(float(cross_entropy(np.zeros((2, 4)), [0, 3])), 6)  # uniform guess: ln 4
    1.386294
    >>> round(float(cross_entropy(np.array([[1e16, 1e16]]), [0])), 6)  # still ln 2
    0.693147
    """
    Z, y = _check_logits(logits, y)
    losses = _cross_entropy_rows(Z, y)
    if reduction == "mean":
        return float(np.mean(losses))
    if reduction == "sum":
        return float(np.sum(losses))
    if reduction == "none":
        return losses
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none'; got {reduction!r}")


def cross_entropy_grad(logits, y, reduction="mean"):
    """Gradient of :func:`cross_entropy` with respect to the logits: (softmax(Z) - onehot(y)) / n.

    Notes
    -----
    d l_i / d z_ik = softmax(z_i)_k - 1[y_i = k]; with ``reduction="mean"`` every row is divided
    by n. For a linear model z_i = W x_i the chain rule gives dl_i/dW = (softmax(W x_i) - e_{y_i}) x_i^T.

    Examples
    --------
    >>> cross_entropy_grad(np.zeros((1, 2)), [1])
    array([[ 0.5, -0.5]])
    """
    Z, y = _check_logits(logits, y)
    G = np.exp(log_softmax_unchecked(Z, 1))
    G[np.arange(Z.shape[0]), y] -= 1.0  # softmax(Z) - onehot(y)
    if reduction == "mean":
        return G / Z.shape[0]
    if reduction == "sum":
        return G
    raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}")


def _softmax_objective_and_grad(X, y_idx, W, b, lam):
    """J(W, b) = mean cross-entropy + lam/2 ||W||^2 and its gradient, for validated inputs.

    The one place the estimator's formula lives: the loss rows come from :func:`_cross_entropy_rows`
    and the gradient is (1/n) (P - Y)^T X + lam W, (1/n) (P - Y)^T 1.
    """
    Z = X @ W.T + b
    logP = log_softmax_unchecked(Z, 1)
    rows = np.arange(X.shape[0])
    G = np.exp(logP)
    G[rows, y_idx] -= 1.0
    G /= X.shape[0]
    loss = float(-np.mean(logP[rows, y_idx])) + 0.5 * lam * float(np.sum(W * W))
    return loss, G.T @ X + lam * W, G.sum(axis=0)


def check_softmax_params(lr, max_iter, lam, momentum, tol):
    """The hyper-parameters shared by :class:`SoftmaxRegression` and its torch twin, checked once."""
    return (check_positive(lr, "lr"), check_integer(max_iter, "max_iter", low=1), check_nonnegative(lam, "lam"),
            check_real(momentum, "momentum", 0, 1, high_open=True), check_nonnegative(tol, "tol"))


def warn_not_converged(name, max_iter, tol, what="the largest gradient entry"):
    warnings.warn(f"{name} stopped at max_iter={max_iter} before {what} fell below tol={tol:g}; "
                  "increase max_iter or lr, or scale the features", ConvergenceWarning, stacklevel=3)


class SoftmaxRegression(ClassifierMixin, BaseEstimator):
    """Multinomial logistic regression p(y = k | x) = softmax(W x + b)_k, fitted by gradient descent.

    Parameters
    ----------
    lr : float, default=0.5
        Step size eta > 0.
    max_iter : int, default=1000
        Epochs (passes over the data), >= 1; with ``batch_size=None`` one epoch is one full-batch step.
    batch_size : int or None, default=None
        Mini-batch size >= 1; None uses all rows (deterministic gradient descent).
    lam : float, default=0.0
        L2 strength lambda >= 0: minimises mean cross-entropy + lam / 2 ||W||_F^2 (the bias is not penalised).
    momentum : float, default=0.0
        Heavy-ball momentum beta in [0, 1): v <- beta v - eta g; W <- W + v.
    tol : float, default=1e-7
        Stop when the largest gradient entry (full batch) falls below ``tol`` >= 0. When ``max_iter``
        epochs end first, a ``sklearn.exceptions.ConvergenceWarning`` says so.
    random_state : Generator, int or None
        Randomness for shuffling mini-batches and for :meth:`sample` when it gets no rng.

    Attributes
    ----------
    coef_ : array of shape (C, n_features)
        Weights W, one row w_k per class.
    intercept_ : array of shape (C,)
        Biases b.
    classes_ : array of shape (C,)
        The labels seen in fit, sorted; class k of the model is ``classes_[k]``.
    loss_history_ : list of float
        The penalised objective on the whole training set after each epoch.
    n_iter_ : int
        Epochs run.
    n_features_in_ : int

    Notes
    -----
    The objective is J(W, b) = (1/n) sum_i [logsumexp(z_i) - z_{i, y_i}] + lam/2 ||W||^2 with
    z_i = W x_i + b. Its gradient is dJ/dW = (1/n) (P - Y)^T X + lam W and dJ/db = (1/n) (P - Y)^T 1,
    where P = softmax(Z) row-wise and Y = onehot(y). Symbols: W <-> ``coef_``, b <-> ``intercept_``,
    eta <-> ``lr``, lambda <-> ``lam``. With C = 2 the model equals binary logistic regression with
    w = w_1 - w_0, and :meth:`decision_function` returns that single score z_1 - z_0, shape (n,),
    as scikit-learn's binary classifiers do.

    :meth:`predict` is the deterministic rule argmax_k p_k (ties go to the lowest class index);
    :meth:`sample` draws a label from p(. | x) instead.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 3.0], [3.0, 0.0], [3.0, 3.0]])
    >>> clf = SoftmaxRegression(lr=0.5, max_iter=500, tol=1e-2).fit(X, [0, 1, 2, 2])
    >>> clf.predict(X)
    array([0, 1, 2, 2])
    >>> bool(np.allclose(clf.predict_proba(X).sum(axis=1), 1.0))
    True
    """

    def __init__(self, lr=0.5, *, max_iter=1000, batch_size=None, lam=0.0, momentum=0.0, tol=1e-7,
                 random_state=None):
        self.lr = lr
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.lam = lam
        self.momentum = momentum
        self.tol = tol
        self.random_state = random_state

    def fit(self, X, y):
        require_y(self, y)
        X = validate_X(self, X, reset=True)
        self.classes_, y_idx = encode_labels(y, X.shape[0])
        lr, max_iter, lam, momentum, tol = check_softmax_params(self.lr, self.max_iter, self.lam, self.momentum,
                                                                 self.tol)
        n, d = X.shape
        batch = n if self.batch_size is None else min(check_integer(self.batch_size, "batch_size", low=1), n)
        rng = as_rng(self.random_state, "random_state")
        C = len(self.classes_)
        W, b = np.zeros((C, d)), np.zeros(C)
        vW, vb = np.zeros_like(W), np.zeros_like(b)
        self.loss_history_ = []
        converged = False
        for epoch in range(max_iter):
            order = np.arange(n) if batch == n else rng.permutation(n)
            for start in range(0, n, batch):
                idx = order[start:start + batch]
                _, gW, gb = _softmax_objective_and_grad(X[idx], y_idx[idx], W, b, lam)
                vW = momentum * vW - lr * gW
                vb = momentum * vb - lr * gb
                W, b = W + vW, b + vb
            loss, gW, gb = _softmax_objective_and_grad(X, y_idx, W, b, lam)
            self.loss_history_.append(loss)
            if not np.isfinite(loss):
                raise ValueError(f"training diverged (objective {loss}) at epoch {epoch + 1}; lower lr (now {lr:g})")
            if max(np.max(np.abs(gW)), np.max(np.abs(gb))) < tol:
                converged = True
                break
        if not converged:
            warn_not_converged("SoftmaxRegression", max_iter, tol)
        self.coef_, self.intercept_, self.n_iter_ = W, b, epoch + 1
        return self

    def _logits(self, X):
        check_is_fitted(self, "coef_")
        X = validate_X(self, X)
        return X @ self.coef_.T + self.intercept_

    def decision_function(self, X):
        """Logits Z = X W^T + b, shape (n, C); with two classes the score z_1 - z_0, shape (n,)."""
        Z = self._logits(X)
        return Z[:, 1] - Z[:, 0] if Z.shape[1] == 2 else Z

    def predict_log_proba(self, X):
        """ln p(y = k | x) = log_softmax(W x + b), shape (n, C)."""
        return log_softmax_unchecked(self._logits(X), 1)

    def predict_proba(self, X):
        """p(y = k | x) = softmax(W x + b), shape (n, C); rows sum to 1."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """Deterministic prediction argmax_k p(y = k | x); ties go to the lowest class index."""
        Z = self._logits(X)  # checks the fit before classes_ is read
        return self.classes_[np.argmax(Z, axis=1)]

    def sample(self, X, rng=None):
        """Randomised prediction: one label per row drawn from p(. | x) (``random_state`` if rng is None)."""
        P = self.predict_proba(X)
        rng = as_rng(self.random_state if rng is None else rng, "random_state" if rng is None else "rng")
        u = rng.random((P.shape[0], 1))
        k = np.minimum(np.sum(np.cumsum(P, axis=1) < u, axis=1), P.shape[1] - 1)
        return self.classes_[k]
