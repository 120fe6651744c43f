"""Torch versions of the RBF kernel and kernel ridge regression, for the GPU cells.

The same math as :mod:`coursepkg.kernels`, in float64 on any torch device, so on a CPU the answers
agree with numpy to rounding. Only this module (and ``torch_utils``) imports torch.
"""
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from .._scaling import pow2_at_least as _pow2
from .._torch import torch
from .._validation import as_1d, as_2d, check_is_fitted, check_nonnegative, require_y, validate_X
from ..kernels._functions import check_sigma
from ..kernels._ridge import check_condition

__all__ = ['rbf_kernel_torch', 'kernel_ridge_fit_torch', 'kernel_ridge_predict_torch', 'TorchKernelRidge']


def _tensor(a, device):
    if isinstance(a, torch.Tensor):
        return a.to(device=device, dtype=torch.float64)
    return torch.as_tensor(np.ascontiguousarray(a, dtype=np.float64), device=device)


def _check_tensor_2d(X, name):
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    return as_2d(X, name)


def rbf_kernel_torch(X, Y, sigma):
    """K[i, j] = exp(-||X[i] - Y[j]||^2 / (2 sigma^2)) for float64 tensors (or arrays) on one device.

    Distances by ||x||^2 + ||y||^2 - 2 x^T y (one matrix product), clipped at 0, after centring on
    Y's mean and rescaling by a power of two, as in :func:`coursepkg.kernels.rbf_kernel`.

    Examples
    --------
    >>> K = rbf_kernel_torch(torch.zeros(1, 2, dtype=torch.float64), torch.ones(1, 2, dtype=torch.float64), 1.0)
    >>> round(float(K), 4)
    0.3679
    """
    sigma = check_sigma(sigma)
    device = X.device if isinstance(X, torch.Tensor) else torch.device("cpu")
    Xn = _check_tensor_2d(X, "X")
    Yn = _check_tensor_2d(Y, "Y")
    if Yn.shape[1] != Xn.shape[1]:
        raise ValueError(f"Y must have {Xn.shape[1]} features (columns) to match X; got shape {Yn.shape}")
    return rbf_torch(_tensor(Xn, device), _tensor(Yn, device), sigma)


def rbf_torch(X, Y, sigma, same=False):
    """The RBF kernel of validated float64 tensors; ``same``: Y is X and the diagonal is exactly 1."""
    # the centring and power-of-two scaling of coursepkg._scaling.centre_and_scale, on the device
    s0 = _pow2(max(float(X.abs().max()), float(Y.abs().max())))
    mu = (Y / s0).mean(0)
    X, Y = X / s0 - mu, Y / s0 - mu
    s1 = _pow2(max(float(X.abs().max()), float(Y.abs().max())))
    X, Y, s = X / s1, Y / s1, s0 * s1
    D = X @ Y.T
    D.mul_(-2.0).add_((X * X).sum(1)[:, None]).add_((Y * Y).sum(1)[None, :]).clamp_(min=0.0)
    if same:
        D.diagonal().zero_()
    c = 0.5 * (s / sigma) ** 2 if s / sigma < 1e154 else float("inf")
    if np.isfinite(c):
        return D.mul_(-c).exp_()
    return (D == 0).to(D.dtype)


def _cond_estimate(L, anorm, iterations=5):
    """Hager's estimate of cond_1(A) = ||A||_1 ||A^{-1}||_1 from the Cholesky factor L of A, on L's device.

    The same quantity LAPACK's ``dpocon`` estimates for the numpy solver, in O(n^2) per iteration.
    """
    n = L.shape[0]
    x = torch.full((n, 1), 1.0 / n, dtype=L.dtype, device=L.device)
    est = 0.0
    for _ in range(iterations):
        y = torch.cholesky_solve(x, L)
        est = float(y.abs().sum())
        z = torch.cholesky_solve(torch.sign(y) + (y == 0).to(y.dtype), L)
        j = int(z.abs().argmax())
        if float(z.abs().max()) <= float((z * x).sum()):
            break
        x = torch.zeros_like(x)
        x[j] = 1.0
    return anorm * est


def kernel_ridge_fit_torch(X, y, sigma, lam, device=None):
    """alpha = (K + lam I)^{-1} y by Cholesky on ``device`` (float64); returns (alpha, X) as tensors.

    Checked like :func:`coursepkg.kernels.kernel_ridge_alpha`: ValueError when K + lam I is not
    numerically positive definite, ``IllConditionedWarning`` when its estimated condition number
    exceeds ``COND_WARN`` (the same rule, :func:`coursepkg.kernels.check_condition`).
    """
    device = torch.device("cpu") if device is None else torch.device(device)
    X = _check_tensor_2d(X, "X")
    n = X.shape[0]
    y = as_1d(y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else y, "y", n=n)
    sigma = check_sigma(sigma)
    lam = check_nonnegative(lam, "lam")
    Xt, yt = _tensor(X, device), _tensor(y, device)
    A = rbf_torch(Xt, Xt, sigma, same=True)
    A.diagonal().add_(lam)
    anorm = float(A.abs().sum(0).max())
    L, info = torch.linalg.cholesky_ex(A)
    if int(info) != 0:
        raise ValueError(f"K + lam I is not positive definite (numerically singular) with lam={lam:g}; "
                         "increase lam (or decrease sigma)")
    check_condition(_cond_estimate(L, anorm), lam, stacklevel=2)
    alpha = torch.cholesky_solve(yt[:, None], L)[:, 0]
    return alpha, Xt


def kernel_ridge_predict_torch(X_new, X_fit, alpha, sigma):
    """f(x) = sum_i alpha_i K(x_i, x) for the rows of X_new, on alpha's device; a tensor."""
    Xn = _tensor(_check_tensor_2d(X_new, "X_new"), alpha.device)
    if Xn.shape[1] != X_fit.shape[1]:
        raise ValueError(f"X_new must have {X_fit.shape[1]} features (columns); got shape {tuple(Xn.shape)}")
    return rbf_torch(Xn, X_fit, check_sigma(sigma)) @ alpha


class TorchKernelRidge(RegressorMixin, BaseEstimator):
    """RBF kernel ridge on a torch device, a scikit-learn estimator; predict returns numpy.

    Parameters
    ----------
    sigma : float, default=1.0
        RBF bandwidth > 0.
    lam : float, default=1e-3
        Regularisation lambda >= 0.
    device : torch.device, str or None
        Where to compute (None: the CPU).

    Examples
    --------
    >>> X = np.linspace(0, 1, 20)[:, None]
    >>> model = TorchKernelRidge(sigma=0.2, lam=1e-3).fit(X, np.sin(2 * np.pi * X[:, 0]))
    >>> np.round(model.predict([[0.25], [0.75]]), 2)
    array([ 1., -1.])
    """

    def __init__(self, sigma=1.0, lam=1e-3, device=None):
        self.sigma = sigma
        self.lam = lam
        self.device = device

    def fit(self, X, y):
        X = validate_X(self, X, reset=True)
        require_y(self, y)
        self.alpha_, self.X_fit_ = kernel_ridge_fit_torch(X, y, self.sigma, self.lam, self.device)
        return self

    def predict(self, X):
        check_is_fitted(self, "alpha_")
        X = validate_X(self, X)
        return kernel_ridge_predict_torch(X, self.X_fit_, self.alpha_, self.sigma).cpu().numpy()
