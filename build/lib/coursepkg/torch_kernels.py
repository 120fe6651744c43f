"""Torch versions of the RBF kernel and kernel ridge regression, for the GPU cells.

The same math as :mod:`coursepkg.kernels`, in float64 on any torch device, so on a CPU the answers
agree with numpy to rounding. Only this module (and ``torch_utils``) imports torch.
"""
import numpy as np
import torch

from ._validation import as_1d, as_2d, check_nonnegative
from .kernels import _check_sigma

__all__ = ["rbf_kernel_torch", "kernel_ridge_fit_torch", "kernel_ridge_predict_torch", "TorchKernelRidge"]


def _tensor(a, device):
    if isinstance(a, torch.Tensor):
        return a.to(device=device, dtype=torch.float64)
    return torch.as_tensor(np.ascontiguousarray(a, dtype=np.float64), device=device)


def rbf_kernel_torch(X, Y, sigma):
    """K[i, j] = exp(-||X[i] - Y[j]||^2 / (2 sigma^2)) for float64 tensors on one device.

    Distances by ||x||^2 + ||y||^2 - 2 x^T y (one matrix product), clipped at 0, as in numpy.

    Examples
    --------
    >>> K = rbf_kernel_torch(torch.zeros(1, 2, dtype=torch.float64), torch.ones(1, 2, dtype=torch.float64), 1.0)
    >>> round(float(K), 4)
    0.3679
    """
    sigma = _check_sigma(sigma)
    D = X @ Y.T
    D.mul_(-2.0).add_((X * X).sum(1)[:, None]).add_((Y * Y).sum(1)[None, :]).clamp_(min=0.0)
    return D.mul_(-1.0 / (2.0 * sigma * sigma)).exp_()


def kernel_ridge_fit_torch(X, y, sigma, lam, device=None):
    """alpha = (K + lam I)^{-1} y by Cholesky on ``device`` (float64); returns (alpha, X) as tensors.

    Raises ValueError, like :func:`coursepkg.kernels.kernel_ridge_alpha`, when K + lam I is not
    numerically positive definite.
    """
    device = torch.device("cpu") if device is None else torch.device(device)
    X = as_2d(X) if not isinstance(X, torch.Tensor) else X
    n = X.shape[0]
    y = as_1d(y, "y", n=n) if not isinstance(y, torch.Tensor) else y
    lam = check_nonnegative(lam, "lam")
    Xt, yt = _tensor(X, device), _tensor(y, device)
    A = rbf_kernel_torch(Xt, Xt, sigma)
    A.diagonal().add_(lam)
    L, info = torch.linalg.cholesky_ex(A)
    if int(info) != 0:
        raise ValueError(f"K + lam I is not positive definite (numerically singular) with lam={lam:g}; "
                         "increase lam (or decrease sigma)")
    alpha = torch.cholesky_solve(yt[:, None], L)[:, 0]
    return alpha, Xt


def kernel_ridge_predict_torch(X_new, X_fit, alpha, sigma):
    """f(x) = sum_i alpha_i K(x_i, x) for the rows of X_new, on alpha's device; a tensor."""
    Xn = _tensor(X_new, alpha.device)
    return rbf_kernel_torch(Xn, X_fit, sigma) @ alpha


class TorchKernelRidge:
    """Minimal fit/predict wrapper: RBF kernel ridge on a torch device; predict returns numpy.

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
        self.alpha_, self.X_fit_ = kernel_ridge_fit_torch(X, y, self.sigma, self.lam, self.device)
        return self

    def predict(self, X):
        if not hasattr(self, "alpha_"):
            raise ValueError("TorchKernelRidge is not fitted yet; call fit(X, y) first")
        X = as_2d(X, n_features=self.X_fit_.shape[1])
        return kernel_ridge_predict_torch(X, self.X_fit_, self.alpha_, self.sigma).cpu().numpy()
