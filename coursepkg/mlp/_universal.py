"""Universal approximation, made constructive in 1-D: one hidden layer of step or ReLU units.

Cybenko (1989) and Hornik (1991) show that one hidden layer with enough units approximates any
continuous function on a compact set. In 1-D we can write the weights down: with knots
x_0 < x_1 < ... < x_n, spacing h = (b - a) / n,

- step units:  f_hat(x) = f(x_0) + sum_k [f(x_k) - f(x_{k-1})] step(x - x_k + h/2),
  a staircase that takes the value of the nearest knot; error <= max|f'| h / 2 = O(1/n);
- ReLU units:  f_hat(x) = f(x_0) + s_1 relu(x - x_0) + sum_k (s_{k+1} - s_k) relu(x - x_k),
  with s_k the slope of the chord on [x_{k-1}, x_k]: the piecewise-linear interpolant,
  error <= max|f''| h^2 / 8 = O(1/n^2).

Both are returned as ``Thetas`` for :func:`coursepkg.mlp.predict_output` (one input, n hidden
units, a linear output), so the approximation *is* a two-layer network.
"""
import numpy as np

from .._validation import as_float_array, check_positive_int, check_real
from ._forward import join_theta, predict_output

__all__ = ['knots', 'step_network', 'relu_network', 'network_output', 'max_error']


def knots(n_units, a=0.0, b=1.0):
    """The n + 1 equally spaced knots x_0 = a, ..., x_n = b."""
    n = check_positive_int(n_units, "n_units")
    a, b = check_real(a, "a"), check_real(b, "b")
    if not b > a:
        raise ValueError(f"need a < b for the interval [a, b]; got a={a}, b={b}")
    return np.linspace(a, b, n + 1)


def _values(f, x):
    """f at the knots, checked: callable, one finite value per knot."""
    if not callable(f):
        raise TypeError(f"f must be a function of an array (callable); got {type(f).__name__}")
    fx = as_float_array(f(x), "f(x)")
    if fx.shape != x.shape:
        raise ValueError(f"f must return one value per knot, shape {x.shape}; got {fx.shape}")
    return fx


def _network(thresholds, first_value, coefficients):
    n = len(thresholds)
    Theta1 = join_theta(np.ones((n, 1)), -np.asarray(thresholds))  # z_k = x - t_k
    Theta2 = join_theta(np.asarray(coefficients)[None, :], [first_value])
    return [Theta1, Theta2]


def step_network(f, n_units, a=0.0, b=1.0):
    """Thetas of a 1-n-1 network of step units approximating f on [a, b] by a staircase.

    Examples
    --------
    >>> Thetas = step_network(np.square, 4)
    >>> network_output(Thetas, [0.0, 0.3, 1.0], "step").round(4)
    array([0.    , 0.0625, 1.    ])
    """
    x = knots(n_units, a, b)
    fx = _values(f, x)
    h = x[1] - x[0]
    return _network(x[1:] - h / 2, fx[0], np.diff(fx))


def relu_network(f, n_units, a=0.0, b=1.0):
    """Thetas of a 1-n-1 network of ReLU units equal to the piecewise-linear interpolant of f.

    Examples
    --------
    >>> Thetas = relu_network(np.square, 4)
    >>> x = np.linspace(0, 1, 9)
    >>> bool(np.allclose(network_output(Thetas, x, "relu"), np.interp(x, knots(4), knots(4) ** 2)))
    True
    """
    x = knots(n_units, a, b)
    fx = _values(f, x)
    slopes = np.diff(fx) / np.diff(x)
    coefficients = np.diff(slopes, prepend=0.0)  # s_1, s_2 - s_1, ..., s_n - s_{n-1}
    return _network(x[:-1], fx[0], coefficients)


def network_output(Thetas, x, hidden):
    """f_hat(x) of a 1-n-1 network at points x (shape (m,)); returns shape (m,)."""
    x = as_float_array(x, "x").reshape(-1, 1)
    return predict_output(Thetas, x, hidden=hidden, output="identity")[:, 0]


def max_error(f, Thetas, hidden, a=0.0, b=1.0, n_grid=2001):
    """max |f(x) - f_hat(x)| over a fine grid of [a, b]."""
    x = np.linspace(a, b, n_grid)
    return float(np.max(np.abs(f(x) - network_output(Thetas, x, hidden))))
