"""The kernel SVM: hinge loss over the dual coefficients alpha, trained by sub-gradient descent.

Notation: K the n x n RBF kernel matrix of the training points, y in {-1, +1}^n, alpha in R^n,
b the bias, lam the regularisation. The score of x is f(x) = b + sum_j alpha_j K(x_j, x).
Re-exported as ``coursepkg.kernels.KernelSVM``.
"""
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from .._validation import (
    BinaryClassifierMixin,
    as_1d,
    as_2d,
    check_integer,
    check_is_fitted,
    check_labels_pm1,
    check_nonnegative,
    check_positive,
    check_real,
    encode_binary_labels,
    require_y,
    validate_X,
)
from ._functions import check_sigma, rbf_unchecked

__all__ = ['kernel_svm_loss', 'kernel_svm_subgradient', 'kernel_svm_step', 'KernelSVM']


def _check(alpha, b, K, y):
    alpha = as_1d(alpha, "alpha")
    n = alpha.shape[0]
    K = as_2d(K, "K", n_features=n)
    if K.shape[0] != n:
        raise ValueError(f"K must have shape ({n}, {n}) to match alpha; got {K.shape}")
    y = check_labels_pm1(y, n=n)
    return alpha, check_real(b, "b"), K, y


def kernel_svm_loss(alpha, b, K, y, lam):
    """L(alpha, b) = (1/n) sum_i max(0, 1 - y_i (b + (K alpha)_i)) + lam alpha^T K alpha.

    Examples
    --------
    >>> kernel_svm_loss(np.zeros(2), 0.0, np.eye(2), [1, -1], lam=0.1)  # every margin is 0
    1.0
    """
    alpha, b, K, y = _check(alpha, b, K, y)
    Ka = K @ alpha
    hinge = np.maximum(0.0, 1.0 - y * (b + Ka))
    return float(hinge.mean() + check_nonnegative(lam, "lam") * alpha @ Ka)


def kernel_svm_subgradient(alpha, b, K, y, lam):
    """A sub-gradient (g_alpha, g_b) of :func:`kernel_svm_loss`.

    Notes
    -----
    With the active set A = {i : y_i (b + (K alpha)_i) < 1} (points inside the margin),
    g_alpha = -(1/n) K (y * 1_A) + 2 lam K alpha and g_b = -(1/n) sum_{i in A} y_i
    (K is symmetric). At a kink, margin exactly 1, we take the zero sub-gradient of that term.

    Examples
    --------
    >>> g_alpha, g_b = kernel_svm_subgradient(np.zeros(2), 0.0, np.eye(2), [1, -1], lam=0.1)
    >>> g_alpha, g_b
    (array([-0.5,  0.5]), 0.0)
    """
    alpha, b, K, y = _check(alpha, b, K, y)
    lam = check_nonnegative(lam, "lam")
    Ka = K @ alpha
    active = (y * (b + Ka) < 1.0).astype(float)
    n = alpha.shape[0]
    g_alpha = -(K @ (y * active)) / n + 2.0 * lam * Ka
    g_b = -float(np.sum(y * active)) / n
    return g_alpha, g_b


def kernel_svm_step(alpha, b, K, y, lam, lr):
    """One sub-gradient step: alpha <- alpha - lr g_alpha, b <- b - lr g_b.

    Examples
    --------
    >>> kernel_svm_step(np.zeros(2), 0.0, np.eye(2), [1, -1], lam=0.1, lr=1.0)
    (array([ 0.5, -0.5]), 0.0)
    """
    lr = check_positive(lr, "lr")
    g_alpha, g_b = kernel_svm_subgradient(alpha, b, K, y, lam)
    return as_1d(alpha, "alpha") - lr * g_alpha, float(b) - lr * g_b


def _svm_fit(K, y_pm, lam, lr, max_iter, tol):
    """Sub-gradient descent with steps lr / sqrt(t + 1), keeping the best iterate; validated inputs.

    Returns (alpha, b, losses, converged). Converged: over the last ``window`` steps the best loss
    improved by less than tol * (best loss).
    """
    n = K.shape[0]
    alpha, b = np.zeros(n), 0.0
    losses = [_svm_loss(alpha, b, K, y_pm, lam)]
    best = (losses[0], alpha, b)
    best_history = [losses[0]]
    window = max(10, max_iter // 10)
    for t in range(max_iter):
        Ka = K @ alpha
        active = (y_pm * (b + Ka) < 1.0).astype(float)
        g_alpha = -(K @ (y_pm * active)) / n + 2.0 * lam * Ka
        g_b = -float(np.sum(y_pm * active)) / n
        step = lr / np.sqrt(t + 1.0)
        alpha, b = alpha - step * g_alpha, b - step * g_b
        losses.append(_svm_loss(alpha, b, K, y_pm, lam))
        if losses[-1] < best[0]:
            best = (losses[-1], alpha, b)
        best_history.append(best[0])
        if t + 1 >= window and best_history[-window - 1] - best[0] <= tol * best[0]:
            return best[1], best[2], losses, True
    return best[1], best[2], losses, False


def _svm_loss(alpha, b, K, y, lam):
    Ka = K @ alpha
    return float(np.maximum(0.0, 1.0 - y * (b + Ka)).mean() + lam * alpha @ Ka)


class KernelSVM(BinaryClassifierMixin, ClassifierMixin, BaseEstimator):
    """Kernel SVM with an RBF kernel, trained by full-batch sub-gradient descent on the hinge loss.

    Parameters
    ----------
    sigma : float, default=1.0
        RBF bandwidth > 0. Small sigma: a wiggly boundary that hugs each point; large: a smooth one.
    lam : float, default=1e-3
        Regularisation lambda >= 0 on alpha^T K alpha = ||f||^2 in the kernel's feature space.
    lr : float, default=1.0
        Initial step size eta_0 > 0; step t uses eta_0 / sqrt(t + 1).
    max_iter : int, default=1000
        Largest number of sub-gradient steps (>= 1).
    tol : float, default=1e-2
        Stop when the best loss improved by less than ``tol`` times itself over the last
        max(10, max_iter // 10) steps; a ``ConvergenceWarning`` when ``max_iter`` ends first.

    Attributes
    ----------
    alpha_ : array of shape (n_samples,)
    intercept_ : float
        The bias b.
    loss_history_ : list of float
        :func:`kernel_svm_loss` before the first step and after each step.
    n_iter_ : int
        Steps taken.
    X_fit_ : array of shape (n_samples, n_features)
    classes_ : array of shape (2,)
        The two labels seen in fit, sorted (any two labels: numbers or strings); the first is
        mapped to -1 and the second to +1 for training.

    Notes
    -----
    Minimises (1/n) sum_i max(0, 1 - y_i (b + sum_j alpha_j K(x_j, x_i))) + lam alpha^T K alpha,
    the lectures' kernel SVM. The loss is convex but not smooth, so a sub-gradient method with a
    constant step keeps jumping around the minimum (with the defaults on two noisy circles the loss
    jumps between 6.5 and 11.5 and the classifier is at chance); the decreasing step
    eta_0 / sqrt(t + 1) settles, and the returned (alpha, b) is the iterate with the smallest loss seen.
    Symbols: sigma <-> ``sigma``, lambda <-> ``lam``, alpha <-> ``alpha_``, b <-> ``intercept_``.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> clf = KernelSVM(sigma=0.5, lam=1e-3, max_iter=200).fit(X, [-1, -1, 1, 1])  # XOR
    >>> clf.predict(X)
    array([-1, -1,  1,  1])
    """

    def __init__(self, sigma=1.0, lam=1e-3, *, lr=1.0, max_iter=1000, tol=1e-2):
        self.sigma = sigma
        self.lam = lam
        self.lr = lr
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        require_y(self, y)
        X = validate_X(self, X, reset=True)
        self.classes_, y_pm = encode_binary_labels(self, y, X.shape[0])
        y_pm = y_pm.astype(float)
        sigma = check_sigma(self.sigma)
        lam = check_nonnegative(self.lam, "lam")
        lr = check_positive(self.lr, "lr")
        max_iter = check_integer(self.max_iter, "max_iter", low=1)
        tol = check_nonnegative(self.tol, "tol")
        K = rbf_unchecked(X, X, sigma)
        self.alpha_, self.intercept_, self.loss_history_, converged = _svm_fit(K, y_pm, lam, lr, max_iter, tol)
        self.n_iter_ = len(self.loss_history_) - 1
        if not converged:
            warnings.warn(f"KernelSVM stopped at max_iter={max_iter} while its best loss still improved by more "
                          f"than tol={tol:g}; increase max_iter", ConvergenceWarning, stacklevel=2)
        self.X_fit_ = X
        return self

    def decision_function(self, X):
        """Scores f(x) = b + sum_j alpha_j K(x_j, x), shape (n,); > 0 leans to ``classes_[1]``."""
        check_is_fitted(self, "alpha_")
        X = validate_X(self, X)
        return rbf_unchecked(X, self.X_fit_, check_sigma(self.sigma)) @ self.alpha_ + self.intercept_

    def predict(self, X):
        """Labels in the set seen in fit: ``classes_[1]`` where f(x) >= 0, else ``classes_[0]``."""
        check_is_fitted(self, "alpha_")
        return self.classes_[(self.decision_function(X) >= 0).astype(int)]
