"""The bootstrap of kernel ridge on a GPU: B fits solved as one batched Cholesky in torch.

Same answers as :func:`coursepkg.bootstrap.kernel_ridge_many` (numpy) for the same index sets, to
rounding. Only this module (with ``torch_utils`` and the other ``torch_*`` modules) imports torch.
"""
import numpy as np

from .._torch import torch
from .._validation import as_1d, as_2d, check_positive_int, check_real
from ..bootstrap import bootstrap_indices
from ..kernels._functions import check_sigma
from ..kernels._ridge import check_condition
from ._kernels import rbf_torch

__all__ = ['kernel_ridge_many_torch', 'bootstrap_predictions_torch']


def kernel_ridge_many_torch(X, y, X_grid, idx, sigma=1.0, lam=1e-3, device=None, dtype=torch.float64,
                            chunk=None):
    """Predictions on a grid of B RBF kernel ridge fits, fit b on ``(X[idx[b]], y[idx[b]])``; shape (B, m).

    Parameters
    ----------
    X, y, X_grid, idx, sigma, lam : as in :func:`coursepkg.bootstrap.kernel_ridge_many`.
    device : torch device or str, default None (the CPU)
    dtype : torch dtype, default float64 (float32 halves memory and is faster on consumer GPUs,
        at about 1e-4 relative error for well-conditioned systems)
    chunk : int or None
        Fits per batched solve; None chooses about 2^26 floats of kernel matrices at once.

    Returns
    -------
    preds : numpy array of shape (B, m)

    Notes
    -----
    K = K(X, X) is built once on the device; K_b = K[idx_b][:, idx_b] + lam I is gathered for a
    chunk of fits, factorised by ``torch.linalg.cholesky`` and solved by ``torch.cholesky_solve``;
    the alphas of repeated points are summed into weights w_b (``scatter_add``) so that the
    predictions are one (B, n) @ (n, m) product.

    Examples
    --------
    >>> from coursepkg.bootstrap import kernel_ridge_many
    >>> X = np.linspace(0, 1, 12)[:, None]; y = np.cos(5 * X[:, 0]); idx = bootstrap_indices(12, 4, 0)
    >>> bool(np.allclose(kernel_ridge_many_torch(X, y, X[:3], idx, 0.2, 0.1),
    ...                  kernel_ridge_many(X, y, X[:3], idx, 0.2, 0.1)))
    True
    """
    X = as_2d(X, "X")
    y = as_1d(y, "y", n=X.shape[0])
    X_grid = as_2d(X_grid, "X_grid", n_features=X.shape[1])
    sigma = check_sigma(sigma)
    lam = check_real(lam, "lam")
    if lam <= 0:
        raise ValueError(f"lam must be a finite number > 0 for bootstrap fits (repeated points); got {lam!r}")
    idx = np.asarray(idx)
    n = X.shape[0]
    if idx.ndim != 2 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"idx must be a non-empty 2-D integer array (B, k); got shape {idx.shape}")
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"idx must hold indices in [0, {n - 1}]; got values in [{idx.min()}, {idx.max()}]")
    device = torch.device("cpu" if device is None else device)
    Xt = torch.as_tensor(X, dtype=dtype, device=device)
    yt = torch.as_tensor(y, dtype=dtype, device=device)
    K = rbf_torch(Xt, Xt, sigma, same=True)
    K_grid = rbf_torch(Xt, torch.as_tensor(X_grid, dtype=dtype, device=device), sigma)   # (n, m)
    it = torch.as_tensor(idx, dtype=torch.long, device=device)
    B, k = it.shape
    chunk = max(1, (2 ** 26) // (k * k)) if chunk is None else check_positive_int(chunk, "chunk")
    eye = lam * torch.eye(k, dtype=dtype, device=device)
    W = torch.zeros(B, n, dtype=dtype, device=device)
    for s in range(0, B, chunk):
        part = it[s:s + chunk]
        A = K[part[:, :, None], part[:, None, :]] + eye
        # the rule of coursepkg.bootstrap._solve_stack: cond_1(A_b) <= ||A_b||_1 / lam (K_b is PSD)
        check_condition(float(A.abs().sum(1).max()) / lam, lam, stacklevel=2, bound=True)
        L = torch.linalg.cholesky(A)
        alpha = torch.cholesky_solve(yt[part][..., None], L)[..., 0]
        W[s:s + chunk].scatter_add_(1, part, alpha)
    return (W @ K_grid).cpu().numpy()


def bootstrap_predictions_torch(X, y, X_grid, sigma=1.0, lam=1e-3, B=1000, rng=None, device=None,
                                dtype=torch.float64):
    """Like :func:`coursepkg.bootstrap.bootstrap_predictions` for RBF kernel ridge, on ``device``.

    The index sets come from :func:`coursepkg.bootstrap.bootstrap_indices` with the same ``rng``,
    so the same seed gives the numpy answer.
    """
    X = as_2d(X, "X")
    idx = bootstrap_indices(X.shape[0], B, rng)
    return kernel_ridge_many_torch(X, y, X_grid, idx, sigma, lam, device=device, dtype=dtype)
