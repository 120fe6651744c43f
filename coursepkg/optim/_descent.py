"""Gradient descent, Newton's method and mini-batch SGD, returning the whole path of iterates.

The running example is logistic regression with labels y in {0, 1}, h_theta(x) = sigma(theta^T x)
(put a column of ones in X for the bias) and the mean cross-entropy plus an optional ridge term

    J(theta) = -1/n sum_i [y_i log h_i + (1 - y_i) log(1 - h_i)] + lam/2 ||theta||^2,
    grad J   = 1/n X^T (h - y) + lam theta,
    hess J   = 1/n X^T diag(h (1 - h)) X + lam I.

The lectures' update theta_j <- theta_j - alpha sum_i (h_i - y_i) x_ij is gradient descent on the
*summed* loss; here the loss is averaged, so alpha is n times larger for the same step.
"""
import numpy as np

from .._scaling import safe_matmul
from .._validation import (
    as_1d,
    as_2d,
    as_rng,
    check_consistent_length,
    check_integer,
    check_nonnegative,
    check_positive_int,
)
from ..activations import sigmoid_unchecked

__all__ = [
    'logistic_loss', 'logistic_gradient', 'logistic_hessian', 'gradient_descent', 'newton_method',
    'sgd_path',
]


def _check_xy(theta, X, y, lam=0.0):
    check_nonnegative(lam, "lam")
    X = as_2d(X)
    theta = as_1d(theta, "theta")
    if theta.shape[0] != X.shape[1]:
        raise ValueError(f"theta must have shape ({X.shape[1]},) to match X; got {theta.shape}")
    y = as_1d(y, "y")
    check_consistent_length(X, y)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels in {0, 1}")
    return theta, X, y


def logistic_loss(theta, X, y, lam=0.0):
    """Mean cross-entropy of logistic regression plus lam/2 ||theta||^2.

    >>> logistic_loss(np.zeros(2), np.ones((3, 2)), np.array([0, 1, 1]))   # log 2 at theta = 0
    0.6931471805599453
    """
    theta, X, y = _check_xy(theta, X, y, lam)
    z = safe_matmul(X, theta)
    # log(1 + e^z) - y z = log(1 + e^{-z}) for y = 1 and log(1 + e^z) for y = 0: no inf - inf
    with np.errstate(over="ignore"):
        return float(np.mean(np.logaddexp(0.0, np.where(y == 1, -z, z))) + 0.5 * lam * theta @ theta)


def logistic_gradient(theta, X, y, lam=0.0):
    """Gradient 1/n X^T (sigma(X theta) - y) + lam theta."""
    theta, X, y = _check_xy(theta, X, y, lam)
    return X.T @ (sigmoid_unchecked(safe_matmul(X, theta)) - y) / X.shape[0] + lam * theta


def logistic_hessian(theta, X, y, lam=0.0):
    """Hessian 1/n X^T diag(h (1 - h)) X + lam I: positive semi-definite, so J is convex."""
    theta, X, y = _check_xy(theta, X, y, lam)
    h = sigmoid_unchecked(safe_matmul(X, theta))
    return safe_matmul(X.T * (h * (1 - h)), X) / X.shape[0] + lam * np.eye(X.shape[1])


def _lr_at(lr, t):
    value = lr(t) if callable(lr) else lr
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    return check_nonnegative(value, "lr" if not callable(lr) else f"lr({t})")


def _step(theta, lr_t, g, name="grad"):
    g = np.asarray(g, dtype=float)
    if g.shape != theta.shape:
        raise ValueError(f"{name} must return an array of shape {theta.shape} (like theta0); got {g.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        new = theta - lr_t * g
    if not np.all(np.isfinite(new)):
        raise ValueError(f"the iterates diverged (non-finite theta); lower lr (now {lr_t:g})")
    return new


def gradient_descent(grad, theta0, lr, n_steps):
    """Iterate theta_{t+1} = theta_t - lr_t grad(theta_t); return the path, shape (n_steps + 1, d).

    ``lr`` is a number or a schedule ``lr(t)``.

    >>> gradient_descent(lambda th: 2 * th, np.array([1.0]), lr=0.25, n_steps=3).ravel()
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    if not callable(grad):
        raise TypeError(f"grad must be callable; got {type(grad).__name__}")
    theta = as_1d(theta0, "theta0").copy()
    n_steps = check_integer(n_steps, "n_steps", low=0)
    if not callable(lr):
        _lr_at(lr, 0)
    path = [theta.copy()]
    for t in range(n_steps):
        theta = _step(theta, _lr_at(lr, t), grad(theta))
        path.append(theta.copy())
    return np.array(path)


def newton_method(grad, hess, theta0, n_steps, tol=0.0):
    """Iterate theta_{t+1} = theta_t - H(theta_t)^{-1} grad(theta_t); return the path.

    Stops early when the Newton step is shorter than ``tol``. Near the minimum of a smooth strictly
    convex function the error is squared at every step (quadratic convergence).

    >>> newton_method(lambda th: 2 * (th - 3), lambda th: 2 * np.eye(1), np.array([0.0]), 2).ravel()
    array([0., 3., 3.])
    """
    if not (callable(grad) and callable(hess)):
        raise TypeError(f"grad and hess must be callable; got {type(grad).__name__} and {type(hess).__name__}")
    theta = as_1d(theta0, "theta0").copy()
    n_steps = check_integer(n_steps, "n_steps", low=0)
    tol = check_nonnegative(tol, "tol")
    path = [theta.copy()]
    for t in range(n_steps):
        H, g = np.asarray(hess(theta), dtype=float), np.asarray(grad(theta), dtype=float)
        d = theta.shape[0]
        if H.shape != (d, d) or g.shape != (d,):
            raise ValueError(f"hess must return shape ({d}, {d}) and grad shape ({d},) for theta0 of shape ({d},); "
                             f"got {H.shape} and {g.shape}")
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError as exc:
            raise ValueError(f"the Hessian is singular at step {t} (theta = {theta}); Newton's method has "
                             "diverged or the loss is flat there: start closer to the minimum") from exc
        theta = theta - step
        path.append(theta.copy())
        if np.linalg.norm(step) <= tol:
            break
    return np.array(path)


def sgd_path(grad, n_samples, theta0, lr, n_epochs=1, batch_size=1, rng=None):
    """Mini-batch SGD: each epoch shuffles 0..n-1 and steps on ``grad(theta, idx)`` per batch.

    ``grad(theta, idx)`` returns the gradient of the loss averaged over the examples ``idx``; it
    is an unbiased estimate of the full gradient when ``idx`` is drawn uniformly. Returns the path
    of iterates, one row per step (plus the start).

    >>> X = np.array([[1.0], [3.0]])
    >>> g = lambda th, idx: (th - X[idx]).mean(axis=0)   # minimises mean ||theta - x_i||^2 / 2
    >>> sgd_path(g, 2, np.zeros(1), lr=0.5, n_epochs=200, batch_size=2)[-1]
    array([2.])
    """
    if not callable(grad):
        raise TypeError(f"grad must be callable; got {type(grad).__name__}")
    theta = as_1d(theta0, "theta0").copy()
    n_samples = check_positive_int(n_samples, "n_samples")
    n_epochs = check_positive_int(n_epochs, "n_epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    rng = as_rng(rng)
    path, t = [theta.copy()], 0
    for _ in range(n_epochs):
        order = rng.permutation(n_samples)
        for start in range(0, n_samples, batch_size):
            idx = order[start:start + batch_size]
            theta = _step(theta, _lr_at(lr, t), grad(theta, idx))
            path.append(theta.copy())
            t += 1
    return np.array(path)
