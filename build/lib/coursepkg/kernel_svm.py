"""The kernel SVM: hinge loss over the dual coefficients alpha, trained by sub-gradient descent.

Notation: K the n x n RBF kernel matrix of the training points, y in {-1, +1}^n, alpha in R^n,
b the bias, lam the regularisation. The score of x is f(x) = b + sum_j alpha_j K(x_j, x).
Re-exported as ``coursepkg.kernels.KernelSVM``.
"""
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ._validation import (as_1d, as_2d, binary_classes, check_is_fitted, check_labels_pm1, check_nonnegative,
                          check_positive_int)
from .kernels import rbf_kernel

__all__ = ["kernel_svm_loss", "kernel_svm_subgradient", "kernel_svm_step", "KernelSVM"]


def _check(alpha, b, K, y):
    alpha = as_1d(alpha, "alpha")
    n = alpha.shape[0]
    K = as_2d(K, "K", n_features=n)
    if K.shape[0] != n:
        raise ValueError(f"K must have shape ({n}, {n}) to match alpha; got {K.shape}")
    y = check_labels_pm1(y, n=n)
    return alpha, float(b), K, y


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
    if not lr > 0:
        raise ValueError(f"lr must be > 0; got {lr!r}")
    g_alpha, g_b = kernel_svm_subgradient(alpha, b, K, y, lam)
    return as_1d(alpha, "alpha") - lr * g_alpha, float(b) - lr * g_b


class KernelSVM(ClassifierMixin, BaseEstimator):
    """Kernel SVM with an RBF kernel, trained by full-batch sub-gradient descent on the hinge loss.

    Parameters
    ----------
    sigma : float, default=1.0
        RBF bandwidth. Small sigma: a wiggly boundary that hugs each point; large: a smooth one.
    lam : float, default=1e-3
        Regularisation lambda >= 0 on alpha^T K alpha = ||f||^2 in the kernel's feature space.
    lr : float, default=1.0
        Step size of :func:`kernel_svm_step`.
    max_iter : int, default=500
        Sub-gradient steps.

    Attributes
    ----------
    alpha_ : array of shape (n_samples,)
    intercept_ : float
        The bias b.
    loss_history_ : list of float
        :func:`kernel_svm_loss` before each step and after the last (length max_iter + 1).
    X_fit_ : array of shape (n_samples, n_features)
    classes_ : array of shape (2,)
        The two labels seen in fit ({-1, +1} or {0, 1}; 0/1 are mapped to -1/+1 for training).

    Notes
    -----
    Minimises (1/n) sum_i max(0, 1 - y_i (b + sum_j alpha_j K(x_j, x_i))) + lam alpha^T K alpha,
    the lectures' kernel SVM. The loss is convex but not smooth, so sub-gradient steps need not
    decrease it every time; the returned (alpha, b) is the iterate with the smallest loss seen.
    Symbols: sigma <-> ``sigma``, lambda <-> ``lam``, alpha <-> ``alpha_``, b <-> ``intercept_``.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> clf = KernelSVM(sigma=0.5, lam=1e-3, max_iter=200).fit(X, [-1, -1, 1, 1])  # XOR
    >>> clf.predict(X)
    array([-1, -1,  1,  1])
    """

    def __init__(self, sigma=1.0, lam=1e-3, lr=1.0, max_iter=500):
        self.sigma = sigma
        self.lam = lam
        self.lr = lr
        self.max_iter = max_iter

    def fit(self, X, y):
        X = as_2d(X)
        y_pm = check_labels_pm1(y, n=X.shape[0])
        lam = check_nonnegative(self.lam, "lam")
        max_iter = check_positive_int(self.max_iter, "max_iter")
        if not self.lr > 0:
            raise ValueError(f"lr must be > 0; got {self.lr!r}")
        self.classes_ = binary_classes(y)
        K = rbf_kernel(X, None, self.sigma)
        alpha, b = np.zeros(X.shape[0]), 0.0
        losses = [kernel_svm_loss(alpha, b, K, y_pm, lam)]
        best = (losses[0], alpha, b)
        for _ in range(max_iter):
            alpha, b = kernel_svm_step(alpha, b, K, y_pm, lam, self.lr)
            losses.append(kernel_svm_loss(alpha, b, K, y_pm, lam))
            if losses[-1] < best[0]:
                best = (losses[-1], alpha, b)
        _, self.alpha_, self.intercept_ = best
        self.loss_history_ = losses
        self.X_fit_ = X
        return self

    def decision_function(self, X):
        """Scores f(x) = b + sum_j alpha_j K(x_j, x), shape (n,)."""
        check_is_fitted(self, "alpha_")
        X = as_2d(X, n_features=self.X_fit_.shape[1])
        return rbf_kernel(X, self.X_fit_, self.sigma) @ self.alpha_ + self.intercept_

    def predict(self, X):
        """Labels in the set seen in fit: +1 side where f(x) >= 0."""
        check_is_fitted(self, "alpha_")
        return self.classes_[(self.decision_function(X) >= 0).astype(int)]
