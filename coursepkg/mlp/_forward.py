"""Multilayer networks as functions: parameters, forward propagation, parameter counts.

Notation (Chapter 1): layers are numbered l = 1, ..., L; layer l has s_l units.
a^(1) = x is the input; for l = 1, ..., L-1

    z^(l+1) = Theta^(l) [1; a^(l)],     a^(l+1) = g(z^(l+1)),

where Theta^(l) has shape s_{l+1} x (s_l + 1) and its column 0 holds the biases. The output is
h_Theta(x) = a^(L). In code the lists are 0-based: ``Thetas[0]`` is Theta^(1), ``a[0]`` is a^(1)
and ``z[0]`` is z^(2).
"""
from collections import namedtuple

import numpy as np

from .._validation import as_1d, as_2d, as_float_array, as_rng, check_choice, check_integer
from ..activations import ACTIVATIONS, get_activation
from ..softmax import softmax

__all__ = [
    'count_parameters', 'init_params', 'split_theta', 'join_theta', 'add_bias', 'forward', 'forward_batch',
    'predict_output', 'collapse_linear', 'thetas_from_weights', 'ForwardCache',
]

ForwardCache = namedtuple("ForwardCache", ["a", "z"])
ForwardCache.__doc__ = "Activations a^(1..L) and pre-activations z^(2..L) of one forward pass."


def _check_layer_sizes(layer_sizes):
    if isinstance(layer_sizes, (str, bytes, dict)) or not hasattr(layer_sizes, "__iter__"):
        raise ValueError(f"layer_sizes must be a sequence of positive integers; got {type(layer_sizes).__name__}")
    if isinstance(layer_sizes, np.ndarray) and layer_sizes.ndim != 1:
        raise ValueError(f"layer_sizes must be a 1-D sequence of positive integers; got shape {layer_sizes.shape}")
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes must list at least 2 layers (input, output); got {sizes}")
    return [check_integer(s, f"layer_sizes[{i}]", low=1) for i, s in enumerate(sizes)]


def count_parameters(layer_sizes):
    """Number of weights and biases of a fully connected network.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first: (s_1, ..., s_L).

    Returns
    -------
    int
        sum_l s_{l+1} (s_l + 1): each Theta^(l) has shape s_{l+1} x (s_l + 1).

    Examples
    --------
    Logistic regression from 784 pixels to 10 classes:

    >>> count_parameters([784, 10])
    7850
    >>> count_parameters([2, 3, 1])
    13
    """
    sizes = _check_layer_sizes(layer_sizes)
    return sum(s_next * (s + 1) for s, s_next in zip(sizes[:-1], sizes[1:]))


def init_params(layer_sizes, rng=None, scale="lecun"):
    """Random Theta^(l) for every layer: biases 0, weights N(0, std^2).

    Parameters
    ----------
    layer_sizes : sequence of int
        (s_1, ..., s_L).
    rng : Generator, int or None
    scale : {"lecun", "he"} or float
        std = 1/sqrt(s_l) ("lecun", unit-variance z for unit-variance inputs), sqrt(2/s_l)
        ("he", for ReLU), or the given float.

    Returns
    -------
    list of arrays, Theta^(l) of shape (s_{l+1}, s_l + 1)

    Examples
    --------
    >>> [T.shape for T in init_params([3, 4, 2], rng=0)]
    [(4, 4), (2, 5)]
    """
    sizes = _check_layer_sizes(layer_sizes)
    rng = as_rng(rng)
    if not (isinstance(scale, str) and scale in ("lecun", "he")) and not (
            isinstance(scale, (int, float)) and not isinstance(scale, bool) and np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be 'lecun', 'he' or a finite positive number; got {scale!r}")
    Thetas = []
    for s, s_next in zip(sizes[:-1], sizes[1:]):
        if scale == "lecun":
            std = 1.0 / np.sqrt(s)
        elif scale == "he":
            std = np.sqrt(2.0 / s)
        elif isinstance(scale, (int, float)) and not isinstance(scale, bool) and np.isfinite(scale) and scale > 0:
            std = float(scale)
        else:
            raise ValueError(f"scale must be 'lecun', 'he' or a finite positive number; got {scale!r}")
        W = rng.normal(0.0, std, size=(s_next, s))
        Thetas.append(join_theta(W, np.zeros(s_next)))
    return Thetas


def split_theta(Theta):
    """(W, b) from Theta = [b | W]: W of shape (s_{l+1}, s_l), b of shape (s_{l+1},)."""
    Theta = as_2d(Theta, "Theta")
    return Theta[:, 1:], Theta[:, 0]


def join_theta(W, b, names=("W", "b")):
    """Theta = [b | W], the bias as column 0."""
    W = as_2d(W, names[0])
    b = as_1d(b, names[1])
    if b.shape[0] != W.shape[0]:
        raise ValueError(f"{names[1]} must have shape ({W.shape[0]},) to match {names[0]} of shape {W.shape}; "
                         f"got {b.shape}")
    return np.column_stack([b, W])


def thetas_from_weights(weights, biases):
    """Thetas from per-layer weight matrices W^(l) (shape (s_{l+1}, s_l)) and bias vectors.

    Examples
    --------
    >>> thetas_from_weights([np.eye(2)], [np.array([0.5, -0.5])])[0]
    array([[ 0.5,  1. ,  0. ],
           [-0.5,  0. ,  1. ]])
    """
    for name, value in (("weights", weights), ("biases", biases)):
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"{name} must be a list with one array per layer; got {type(value).__name__}")
    weights, biases = list(weights), list(biases)
    if len(weights) != len(biases):
        raise ValueError(f"weights and biases must hold one entry per layer; got {len(weights)} weight "
                         f"matrices and {len(biases)} bias vectors")
    return [join_theta(W, b, names=(f"weights[{i}]", f"biases[{i}]")) for i, (W, b) in enumerate(zip(weights, biases))]


def add_bias(a):
    """Prepend the constant unit a_0 = 1: [1; a] for a vector, a column of ones for a batch."""
    a = as_float_array(a, "a")
    if a.ndim not in (1, 2):
        raise ValueError(f"a must be 1-D (one example) or 2-D (a batch, one row each); got shape {a.shape}")
    if a.ndim == 1:
        return np.concatenate([[1.0], a])
    a1 = np.empty((a.shape[0], a.shape[1] + 1))  # written once, contiguous: [1 A] feeds a GEMM
    a1[:, 0] = 1.0
    a1[:, 1:] = a
    return a1


def output_fn(name):
    if name == "softmax":
        return softmax
    return get_activation(name)[0]


def _activation(name, param):
    """g for the ``hidden`` or ``output`` parameter, checked under that name."""
    choices = sorted(ACTIVATIONS) + (["softmax"] if param == "output" else [])
    check_choice(name, param, choices)
    return output_fn(name)


def check_thetas(Thetas, n_inputs):
    if isinstance(Thetas, np.ndarray) and Thetas.ndim == 2:
        Thetas = [Thetas]
    if not isinstance(Thetas, (list, tuple)):
        raise ValueError(f"Thetas must be a list of 2-D arrays Theta^(l), one per layer; got {type(Thetas).__name__}")
    Thetas = [as_2d(T, f"Thetas[{i}]") for i, T in enumerate(Thetas)]
    if not Thetas:
        raise ValueError("Thetas must hold at least one layer")
    s = n_inputs
    for i, T in enumerate(Thetas):
        if T.shape[1] != s + 1:
            raise ValueError(f"Thetas[{i}] must have shape (s_next, {s + 1}) to take {s} inputs plus the bias; "
                             f"got {T.shape}")
        s = T.shape[0]
    return Thetas


def forward(Thetas, x, hidden="sigmoid", output="sigmoid"):
    """Forward propagation of one example, column-vector style as in the lecture.

    Parameters
    ----------
    Thetas : list of arrays
        Theta^(l) of shape (s_{l+1}, s_l + 1).
    x : array of shape (s_1,)
        One input.
    hidden : str
        Activation g of the hidden layers (a name from :mod:`coursepkg.activations`).
    output : str
        Activation of the output layer: "sigmoid" (binary), "softmax" (K classes) or
        "identity" (regression), or any activation name.

    Returns
    -------
    ForwardCache
        ``a``: a^(1), ..., a^(L); ``z``: z^(2), ..., z^(L). The output is ``a[-1]``.

    Examples
    --------
    An AND unit: h(x) = sigmoid(-30 + 20 x_1 + 20 x_2).

    >>> cache = forward([np.array([[-30.0, 20.0, 20.0]])], np.array([1.0, 1.0]))
    >>> cache.a[-1].round(4)
    array([1.])
    """
    x = as_1d(x, "x")
    Thetas = check_thetas(Thetas, x.shape[0])
    g = _activation(hidden, "hidden")
    out = _activation(output, "output")
    a, z = [x], []
    for l, Theta in enumerate(Thetas):
        z.append(Theta @ add_bias(a[-1]))
        last = l == len(Thetas) - 1
        a.append(out(z[-1]) if last else g(z[-1]))
    return ForwardCache(a, z)


def forward_batch(Thetas, X, hidden="sigmoid", output="sigmoid"):
    """Forward propagation of n examples at once, one per row.

    Parameters
    ----------
    X : array of shape (n, s_1)

    Returns
    -------
    ForwardCache
        ``a[l]`` of shape (n, s_{l+1}); row i equals :func:`forward` on X[i].

    Notes
    -----
    Stacking the examples as rows turns z^(l+1) = Theta^(l) [1; a^(l)] into
    Z^(l+1) = [1 A^(l)] Theta^(l)^T: one matrix product per layer for the whole batch.
    """
    X = as_2d(X)
    Thetas = check_thetas(Thetas, X.shape[1])
    A1, Z, H = forward_unchecked(Thetas, X, _activation(hidden, "hidden"), _activation(output, "output"))
    return ForwardCache([X] + [A[:, 1:] for A in A1[1:]] + [H], Z)


def forward_unchecked(Thetas, X, g, out):
    """The one batched forward pass, on validated input: ([1 A^(l)] for every layer but the last, Z, h).

    Keeping [1 A] (instead of A plus a separate bias) makes every layer one matrix product with a
    contiguous Theta, forward and backward (backprop reuses these), which is what BLAS is fastest at.
    """
    A1, Z = [add_bias(X)], []
    for l, Theta in enumerate(Thetas):
        Z.append(A1[-1] @ Theta.T)
        if l < len(Thetas) - 1:
            A1.append(add_bias(g(Z[-1])))
    return A1, Z, out(Z[-1])


def predict_output(Thetas, X, hidden="sigmoid", output="sigmoid"):
    """h_Theta(x) for each row of X: the last activation of :func:`forward_batch`."""
    return forward_batch(Thetas, X, hidden, output).a[-1]


def collapse_linear(Thetas):
    """The single Theta of the affine map that a network with identity activations computes.

    Notes
    -----
    With g(z) = z every layer is affine, a -> W a + b, and a composition of affine maps is
    affine: W = W^(L-1) ... W^(1) and b follows by pushing each bias through the later layers.
    So depth adds nothing without a non-linear activation.

    Examples
    --------
    >>> Thetas = init_params([3, 5, 4, 2], rng=0)
    >>> X = np.random.default_rng(1).normal(size=(6, 3))
    >>> deep = predict_output(Thetas, X, hidden="identity", output="identity")
    >>> one = predict_output([collapse_linear(Thetas)], X, output="identity")
    >>> bool(np.allclose(deep, one))
    True
    """
    if not isinstance(Thetas, (list, tuple)) or len(Thetas) == 0:
        raise ValueError(f"Thetas must be a non-empty list of 2-D arrays; got {type(Thetas).__name__}")
    Thetas = check_thetas(Thetas, as_2d(Thetas[0], "Thetas[0]").shape[1] - 1)
    W, b = split_theta(Thetas[0])
    for Theta in Thetas[1:]:
        W_next, b_next = split_theta(Theta)
        W, b = W_next @ W, W_next @ b + b_next
    return join_theta(W, b)
