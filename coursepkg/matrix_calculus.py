"""Three worked matrix-calculus examples, each a scalar function with its hand-derived gradients.

Shapes: beta in R^d, W1 in R^{p x d}, b1 in R^p, w in R^p (the row W written as a vector), b a
number. Gradients are in denominator layout: dy/dW has the shape of W.

1. y = w^T f(beta) + b with f = tanh element-wise (d = p):
   dy/dw = f(beta), dy/db = 1, dy/dbeta = J_f(beta)^T w = f'(beta) * w.
2. y = w^T (z^2) + b, z = W1 beta + b1, square element-wise:
   dy/dw = z^2, dy/db = 1, dy/dz = 2 w * z, dy/dW1 = (2 w * z) beta^T, dy/db1 = 2 w * z,
   dy/dbeta = W1^T (2 w * z).
3. y = ||W1 beta + b1||^2 = z^T z:
   dy/dW1 = 2 z beta^T, dy/db1 = 2 z, dy/dbeta = 2 W1^T z.
Each follows from the chain rule through z with the Jacobian of an element-wise map, diag(f'(.)),
and the identity d(z^T z)/dz = 2 z.
"""
import numpy as np

from ._validation import as_1d, as_2d, check_real

__all__ = ["affine_of_tanh", "affine_of_square", "squared_norm_affine"]


def _check(W1, beta, b1):
    W1 = as_2d(W1, "W1")
    beta = as_1d(beta, "beta", W1.shape[1])
    b1 = as_1d(b1, "b1")
    if b1.shape[0] != W1.shape[0]:
        raise ValueError(f"b1 must have shape ({W1.shape[0]},) to match W1; got {b1.shape}")
    return W1, beta, b1


def affine_of_tanh(w, beta, b):
    """y = w^T tanh(beta) + b and its gradients.

    Returns
    -------
    y : float
    grads : dict with keys "w", "b", "beta"

    Examples
    --------
    >>> y, g = affine_of_tanh(np.array([1.0, -2.0]), np.array([0.0, 0.0]), 0.5)
    >>> y, g["beta"]
    (0.5, array([ 1., -2.]))
    """
    w = as_1d(w, "w")
    beta = as_1d(beta, "beta", w.shape[0])
    b = check_real(b, "b")
    v = np.tanh(beta)
    return float(w @ v + b), {"w": v, "b": 1.0, "beta": (1.0 - v ** 2) * w}


def affine_of_square(w, W1, beta, b1, b):
    """y = w^T (W1 beta + b1)^2 + b (square element-wise) and its gradients.

    Returns
    -------
    y : float
    grads : dict with keys "w", "W1", "beta", "b1", "b"

    Examples
    --------
    >>> y, g = affine_of_square(np.array([1.0]), np.array([[2.0]]), np.array([3.0]), np.array([1.0]), 0.0)
    >>> y, g["W1"], g["beta"]
    (49.0, array([[42.]]), array([28.]))
    """
    W1, beta, b1 = _check(W1, beta, b1)
    w = as_1d(w, "w", W1.shape[0])
    b = check_real(b, "b")
    z = W1 @ beta + b1
    dz = 2.0 * w * z  # dy/dz: w_j times the derivative 2 z_j of the square
    return float(w @ z ** 2 + b), {"w": z ** 2, "W1": np.outer(dz, beta), "beta": W1.T @ dz, "b1": dz, "b": 1.0}


def squared_norm_affine(W1, beta, b1):
    """y = ||W1 beta + b1||^2 and its gradients.

    Returns
    -------
    y : float
    grads : dict with keys "W1", "beta", "b1"

    Examples
    --------
    >>> y, g = squared_norm_affine(np.eye(2), np.array([1.0, 2.0]), np.zeros(2))
    >>> y, g["beta"]
    (5.0, array([2., 4.]))
    """
    W1, beta, b1 = _check(W1, beta, b1)
    z = W1 @ beta + b1
    return float(z @ z), {"W1": 2.0 * np.outer(z, beta), "beta": 2.0 * W1.T @ z, "b1": 2.0 * z}
