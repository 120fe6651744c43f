"""The GPU path of softmax regression: the same full-batch gradient descent as
:class:`coursepkg.softmax.SoftmaxRegression`, in torch (float64), on any device.

It gives the same weights as the numpy estimator (up to rounding) for ``batch_size=None``.
"""
import math

from .._torch import torch
from .._validation import as_2d, encode_labels
from ..softmax import check_softmax_params, warn_not_converged
from ._utils import device as default_device

__all__ = ['fit_softmax_regression_torch']


def fit_softmax_regression_torch(X, y, lr=0.5, *, max_iter=1000, lam=0.0, momentum=0.0, tol=1e-7, device=None):
    """Full-batch gradient descent on mean cross-entropy + lam/2 ||W||^2, in torch.

    Parameters
    ----------
    X : array of shape (n, d)
    y : array of shape (n,)
        Class labels of any type (at least two distinct), encoded exactly as
        :class:`coursepkg.softmax.SoftmaxRegression` does: row k of W is the k-th sorted label.
    lr, max_iter, lam, momentum, tol
        As in :class:`coursepkg.softmax.SoftmaxRegression`, checked by the same helper; a
        ``ConvergenceWarning`` when ``max_iter`` steps end before ``tol`` is met.
    device : torch.device or None
        Where to compute; default :func:`coursepkg.gpu.device`.

    Returns
    -------
    W : array of shape (C, d)
    b : array of shape (C,)
    losses : list of float, the objective after each step

    Notes
    -----
    Gradient dJ/dW = (1/n) (P - Y)^T X + lam W, dJ/db = (1/n) (P - Y)^T 1, P = softmax(X W^T + b).
    """
    X = as_2d(X)
    _, y = encode_labels(y, X.shape[0])
    C = int(y.max()) + 1
    lr, max_iter, lam, momentum, tol = check_softmax_params(lr, max_iter, lam, momentum, tol)
    dev = default_device() if device is None else torch.device(device)
    Xt = torch.as_tensor(X, dtype=torch.float64, device=dev)
    Y = torch.nn.functional.one_hot(torch.as_tensor(y, device=dev), C).to(torch.float64)
    n, d = Xt.shape
    W = torch.zeros(C, d, dtype=torch.float64, device=dev)
    b = torch.zeros(C, dtype=torch.float64, device=dev)
    vW, vb = torch.zeros_like(W), torch.zeros_like(b)

    def objective_and_grad(W, b):
        Z = Xt @ W.T + b
        logp = torch.log_softmax(Z, dim=1)
        G = (torch.exp(logp) - Y) / n
        loss = -(logp * Y).sum() / n + 0.5 * lam * (W * W).sum()
        return loss, G.T @ Xt + lam * W, G.sum(dim=0)

    losses = []
    for _ in range(max_iter):
        _, gW, gb = objective_and_grad(W, b)
        vW = momentum * vW - lr * gW
        vb = momentum * vb - lr * gb
        W, b = W + vW, b + vb
        loss, gW, gb = objective_and_grad(W, b)
        losses.append(float(loss))
        if not math.isfinite(losses[-1]):
            raise ValueError(f"training diverged (objective {losses[-1]}); lower lr (now {lr:g})")
        if max(float(gW.abs().max()), float(gb.abs().max())) < tol:
            break
    else:
        warn_not_converged("fit_softmax_regression_torch", max_iter, tol)
    return W.cpu().numpy(), b.cpu().numpy(), losses
