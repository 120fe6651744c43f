"""Activation functions g(z) and their derivatives g'(z), element-wise on arrays.

Every function takes an array ``z`` of any shape and returns an array of the same shape.
They stay finite for large |z| (no overflow warnings at z = +-1000).

At the kinks (z = 0 for step, ReLU, leaky ReLU) the derivative is not defined; we return the
value of the left-hand piece, as PyTorch's autograd does, so gradients agree with torch.
"""
import numpy as np

from ._validation import as_float_array, check_real

__all__ = [
    "identity", "identity_grad",
    "step", "step_grad",
    "sigmoid", "sigmoid_grad",
    "tanh", "tanh_grad",
    "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad",
    "elu", "elu_grad",
    "ACTIVATIONS", "get_activation",
]


def _z(z):
    return as_float_array(z, "z")


def identity(z):
    """g(z) = z: a neuron with this activation is linear regression."""
    return _z(z).copy()


def identity_grad(z):
    """g'(z) = 1."""
    return np.ones_like(_z(z))


def step(z):
    """Hard threshold: g(z) = 1 if z >= 0 else 0 (the perceptron's activation).

    Examples
    --------
    >>> step([-2.0, 0.0, 3.0])
    array([0., 1., 1.])
    """
    return (_z(z) >= 0).astype(float)


def step_grad(z):
    """g'(z) = 0 wherever it exists, which is why gradient descent cannot train step units."""
    return np.zeros_like(_z(z))


def sigmoid(z):
    """Logistic function g(z) = 1 / (1 + exp(-z)).

    Notes
    -----
    For z < 0 we evaluate the equal form exp(z) / (1 + exp(z)), so exp never overflows.

    Examples
    --------
    >>> sigmoid([0.0, 1000.0, -1000.0])
    array([0.5, 1. , 0. ])
    """
    return sigmoid_unchecked(_z(z))


def sigmoid_unchecked(z):
    """The one numpy sigmoid of the package, for validated arrays (descent, backprop use it)."""
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """g'(z) = g(z) (1 - g(z)).

    Examples
    --------
    >>> float(sigmoid_grad(0.0))
    0.25
    """
    g = sigmoid(z)
    return g * (1.0 - g)


def tanh(z):
    """g(z) = tanh(z) = 2 sigmoid(2z) - 1, values in (-1, 1)."""
    return np.tanh(_z(z))


def tanh_grad(z):
    """g'(z) = 1 - tanh(z)^2."""
    return 1.0 - np.tanh(_z(z)) ** 2


def relu(z):
    """Rectified linear unit g(z) = max(0, z).

    Examples
    --------
    >>> relu([-1.0, 0.0, 2.0])
    array([0., 0., 2.])
    """
    return np.maximum(_z(z), 0.0)


def relu_grad(z):
    """g'(z) = 1 for z > 0 and 0 for z <= 0 (torch's choice at the kink)."""
    return (_z(z) > 0).astype(float)


def _alpha(alpha):
    return check_real(alpha, "alpha", 0)


def leaky_relu(z, alpha=0.01):
    """g(z) = z for z > 0 and alpha z otherwise; alpha >= 0 keeps a gradient for z < 0."""
    z, alpha = _z(z), _alpha(alpha)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    """g'(z) = 1 for z > 0 and alpha otherwise."""
    return np.where(_z(z) > 0, 1.0, _alpha(alpha))


def elu(z, alpha=1.0):
    """Exponential linear unit: g(z) = z for z > 0 and alpha (exp(z) - 1) otherwise.

    Notes
    -----
    ``np.expm1`` on min(z, 0) keeps the negative branch accurate near 0 and avoids overflow
    for large positive z, where that branch is not used.
    """
    z, alpha = _z(z), _alpha(alpha)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_grad(z, alpha=1.0):
    """g'(z) = 1 for z > 0 and alpha exp(z) otherwise."""
    z, alpha = _z(z), _alpha(alpha)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


ACTIVATIONS = {
    "identity": (identity, identity_grad),
    "step": (step, step_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
}


def get_activation(name):
    """Return the pair (g, g') for an activation name, e.g. ``get_activation("relu")``.

    Examples
    --------
    >>> g, dg = get_activation("sigmoid")
    >>> float(g(0.0)), float(dg(0.0))
    (0.5, 0.25)
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"name must be an activation, one of {sorted(ACTIVATIONS)}; got {name!r}") from None
