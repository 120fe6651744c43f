"""Kernel smoothing in 1-D (Nadaraya-Watson, local linear) and the Cover-Hart bound.

Re-exported by :mod:`coursepkg.neighbors`. Notation: training pairs (x_i, y_i), a query x0, a
bandwidth h > 0 and a kernel weight K_h(x0, x_i) = K((x_i - x0) / h).
"""
import numbers

import numpy as np

from .._validation import as_1d, check_choice, check_positive, check_real

__all__ = ['KERNELS', 'nadaraya_watson', 'local_linear_regression', 'cover_hart_bound']

KERNELS = {
    "gaussian": lambda u: np.exp(-0.5 * u**2),  # weights are computed in log space, see _kernel_weights
    "epanechnikov": lambda u: np.where(np.abs(u) <= 1, 0.75 * (1 - u**2), 0.0),
    "box": lambda u: np.where(np.abs(u) <= 1, 0.5, 0.0),
}


def _kernel_weights(x_train, y_train, x_query, bandwidth, kernel):
    x_train = as_1d(x_train, "x_train")
    bandwidth = check_positive(bandwidth, "bandwidth")
    y_train = as_1d(y_train, "y_train", n=x_train.shape[0])
    x_query = as_1d(np.atleast_1d(x_query), "x_query")
    bandwidth = check_positive(bandwidth, "bandwidth")
    check_choice(kernel, "kernel", sorted(KERNELS))
    with np.errstate(over="ignore"):
        U = (x_train[None, :] - x_query[:, None]) / bandwidth  # (m, n); |u| = inf far away: weight 0
    if kernel == "gaussian":
        # log K = -u^2 / 2, shifted by each row's max: the nearest point gets weight 1, so the weights
        # never all underflow to 0 (far from the data f(x0) is the nearest points' mean, not 0/0)
        d = np.abs(U)
        d_min = d.min(axis=1, keepdims=True)
        with np.errstate(over="ignore", invalid="ignore"):
            # -(u^2 - u_min^2) / 2 written as a product: 0 at the nearest point even when u^2 overflows
            logW = -0.5 * (d - d_min) * (d + d_min)
        W = np.exp(np.where(np.isnan(logW), -np.inf, logW))
    else:
        W = KERNELS[kernel](U)
    return x_train, y_train, x_query, W


def nadaraya_watson(x_train, y_train, x_query, bandwidth, kernel="gaussian"):
    """Kernel-weighted average f(x0) = sum_i K_h(x0, x_i) y_i / sum_i K_h(x0, x_i).

    Parameters
    ----------
    x_train, y_train : arrays of shape (n,)
    x_query : array of shape (m,)
    bandwidth : float
        h > 0; larger h averages over more points (more bias, less variance).
    kernel : {"gaussian", "epanechnikov", "box"}
        The compact kernels give NaN where no training point lies within h of x0.

    Notes
    -----
    The weights are the smooth version of the k-NN indicator 1[x_i in N_k(x0)]; with the box
    kernel f(x0) is the mean of the y_i with |x_i - x0| <= h. Gaussian weights are computed in log
    space and shifted by their maximum (a common factor cancels in the ratio), so far from the data
    f(x0) is the value of the nearest training points instead of 0/0.

    Examples
    --------
    >>> nadaraya_watson([0.0, 1.0, 2.0], [0.0, 3.0, 9.0], [1.0], bandwidth=1.0, kernel="box")
    array([4.])
    >>> nadaraya_watson([0.0, 1.0], [0.0, 1.0], [100.0], bandwidth=1.0)
    array([1.])
    """
    _, y, _, W = _kernel_weights(x_train, y_train, x_query, bandwidth, kernel)
    total = W.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (W @ y) / total


def local_linear_regression(x_train, y_train, x_query, bandwidth, kernel="gaussian"):
    """Local linear fit: at each x0, the weighted least-squares line evaluated at x0.

    Solves min_{a, b} sum_i K_h(x0, x_i) (y_i - a - b (x_i - x0))^2 and returns a.

    Notes
    -----
    With S_j = sum_i K_i (x_i - x0)^j and T_j = sum_i K_i (x_i - x0)^j y_i, the solution is
    a = (S_2 T_0 - S_1 T_1) / (S_0 S_2 - S_1^2). Unlike Nadaraya-Watson it reproduces straight
    lines exactly, which removes the bias at the edges of the data. NaN where fewer than two
    distinct points have weight (the line is not determined).

    Examples
    --------
    >>> local_linear_regression([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], [0.0, 3.0], bandwidth=0.5)
    array([1., 7.])
    """
    x, y, x0, W = _kernel_weights(x_train, y_train, x_query, bandwidth, kernel)
    with np.errstate(over="ignore", invalid="ignore"):
        # (x_i - x0) / h: a is unchanged by this common scale and the sums cannot overflow; points of
        # weight 0 contribute nothing (not 0 * inf)
        dx = np.where(W > 0, (x[None, :] - x0[:, None]) / bandwidth, 0.0)
    S0, S1, S2 = W.sum(axis=1), (W * dx).sum(axis=1), (W * dx**2).sum(axis=1)
    T0, T1 = W @ y, (W * dx) @ y
    det = S0 * S2 - S1**2
    with np.errstate(invalid="ignore", divide="ignore"):
        a = (S2 * T0 - S1 * T1) / det
    return np.where(det > 1e-12 * np.maximum(S0 * S2, 1e-300), a, np.nan)


def cover_hart_bound(bayes_error, n_classes=2):
    """Cover and Hart's upper bound on the asymptotic 1-NN error: R* (2 - K R* / (K - 1)).

    For two classes this is 2 R* (1 - R*) <= 2 R*. The asymptotic 1-NN error itself is
    E[1 - sum_c p_c(x)^2], which for two classes is E[2 p(x)(1 - p(x))].

    Examples
    --------
    >>> cover_hart_bound(0.1)
    0.18
    >>> round(cover_hart_bound(0.1, n_classes=10), 4)
    0.1889
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2; got {n_classes!r}")
    R = check_real(bayes_error, "bayes_error")
    if not 0 <= R <= 1 - 1 / n_classes:
        raise ValueError(f"bayes_error must lie in [0, 1 - 1/n_classes] = [0, {1 - 1 / n_classes:.4g}]; "
                         f"got {bayes_error!r}")
    K = n_classes
    return R * (2 - K * R / (K - 1))
