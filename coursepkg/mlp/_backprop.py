"""The backward pass of a multilayer network: the delta recursion, one example or a batch.

Notation as in :mod:`coursepkg.mlp`: z^(l+1) = Theta^(l) [1; a^(l)], a^(l+1) = g(z^(l+1)),
Theta^(l) of shape s_{l+1} x (s_l + 1) with the biases in column 0, output h = a^(L).
With delta^(l) = dL/dz^(l) (a column of s_l numbers, l = 2, ..., L):

    dL/dTheta^(l)_ij = delta^(l+1)_i [1; a^(l)]_j          (an outer product)
    delta^(l)        = (W^(l)^T delta^(l+1)) * g'(z^(l))    (W^(l) = Theta^(l) without column 0)

and at the output delta^(L) = a^(L) - y for cross-entropy with a sigmoid or softmax output,
delta^(L) = (a^(L) - y) * g_out'(z^(L)) for the squared loss 1/2 ||a^(L) - y||^2.
In code the lists are 0-based: ``deltas[0]`` is delta^(2), ``grads[0]`` is dL/dTheta^(1).
"""
from collections import namedtuple

import numpy as np

from .._validation import as_1d, as_2d, as_float_array, check_choice, check_nonnegative
from ..activations import ACTIVATIONS, get_activation
from ..softmax import log_softmax_unchecked
from ._forward import add_bias, check_thetas, forward, forward_unchecked, output_fn

__all__ = [
    'LOSSES', 'output_delta', 'backward', 'loss_and_gradients', 'loss_value', 'BackwardResult',
    'gradient_norms',
]

LOSSES = ("cross_entropy", "squared")

BackwardResult = namedtuple("BackwardResult", ["grads", "deltas"])
BackwardResult.__doc__ = "Gradients dL/dTheta^(1..L-1) and deltas delta^(2..L) of one backward pass."


def _check_loss(loss, output):
    check_choice(loss, "loss", LOSSES)
    check_choice(output, "output", sorted(ACTIVATIONS) + ["softmax"])
    if loss == "cross_entropy" and output not in ("sigmoid", "softmax"):
        raise ValueError(f"loss='cross_entropy' needs output 'sigmoid' or 'softmax'; got output={output!r}")
    if loss == "squared" and output == "softmax":
        raise ValueError("loss='squared' needs an element-wise output activation, not 'softmax'")


def output_delta(a_L, z_L, y, loss="cross_entropy", output="sigmoid"):
    """delta^(L) = dL/dz^(L) for one example or a batch (rows), before averaging.

    Parameters
    ----------
    a_L, z_L, y : arrays of the same shape, (s_L,) or (n, s_L)
        Output activations, output pre-activations and targets (0/1 or one-hot for
        cross-entropy).
    loss : {"cross_entropy", "squared"}
    output : str
        The output activation.

    Notes
    -----
    Cross-entropy with a sigmoid (or softmax) output: L = -sum_k [y_k ln a_k + (1 - y_k) ln(1 - a_k)]
    (or -sum_k y_k ln a_k) and a_k = g(z_k) give dL/dz_k = a_k - y_k: the g' of the output
    cancels. Squared loss L = 1/2 sum_k (a_k - y_k)^2 gives dL/dz_k = (a_k - y_k) g'(z_k).
    The sign is "prediction minus target": gradient descent then moves a towards y.

    Examples
    --------
    >>> output_delta(np.array([0.8]), np.array([1.386]), np.array([1.0]))
    array([-0.2])
    """
    _check_loss(loss, output)
    a_L, z_L, y = as_float_array(a_L, "a_L"), as_float_array(z_L, "z_L"), as_float_array(y, "y")
    if not (a_L.shape == z_L.shape == y.shape) or a_L.ndim not in (1, 2) or a_L.size == 0:
        raise ValueError(f"a_L, z_L and y must be non-empty arrays of one shape, (s_L,) or (n, s_L); got "
                         f"{a_L.shape}, {z_L.shape} and {y.shape}")
    if loss == "cross_entropy":
        return a_L - y
    return (a_L - y) * get_activation(output)[1](z_L)


def backward(Thetas, x, y, hidden="sigmoid", output="sigmoid", loss="cross_entropy"):
    """Gradients of the loss of one example (x, y), by the delta recursion, column-vector style.

    Parameters
    ----------
    Thetas : list of arrays, Theta^(l) of shape (s_{l+1}, s_l + 1)
    x : array of shape (s_1,)
    y : array of shape (s_L,)
        Target: 0/1 (sigmoid), one-hot (softmax) or real values (squared loss).
    hidden, output : str
        Activations, as in :func:`coursepkg.mlp.forward`.
    loss : {"cross_entropy", "squared"}

    Returns
    -------
    BackwardResult
        ``grads[l]`` has the shape of ``Thetas[l]``; ``deltas[l]`` is delta^(l+2).

    Notes
    -----
    dL/dTheta^(l) = delta^(l+1) [1; a^(l)]^T and delta^(l) = (W^(l)^T delta^(l+1)) * g'(z^(l)).
    For sigmoid units g'(z) = a (1 - a). Symbols: delta <-> ``deltas``, a <-> ``cache.a``,
    z <-> ``cache.z``, Theta <-> ``Thetas``.

    Examples
    --------
    >>> Thetas = [np.array([[0.0, 1.0, -1.0]])]
    >>> backward(Thetas, np.array([2.0, 2.0]), np.array([1.0])).grads[0]
    array([[-0.5, -1. , -1. ]])
    """
    cache = forward(Thetas, x, hidden, output)
    y = as_1d(y, "y", None)
    if y.shape != cache.a[-1].shape:
        raise ValueError(f"y must have shape {cache.a[-1].shape} to match the output layer; got {y.shape}")
    check_choice(hidden, "hidden", sorted(ACTIVATIONS))
    dg = get_activation(hidden)[1]
    delta = output_delta(cache.a[-1], cache.z[-1], y, loss, output)
    deltas, grads = [delta], []
    for l in range(len(Thetas) - 1, -1, -1):
        grads.append(np.outer(delta, add_bias(cache.a[l])))
        if l > 0:
            # uses Theta^(l) as it was in the forward pass: nothing is updated here
            delta = (np.asarray(Thetas[l])[:, 1:].T @ delta) * dg(cache.z[l - 1])
            deltas.append(delta)
    return BackwardResult(grads[::-1], deltas[::-1])


def _encode_targets(Y, n, s_L):
    Y = as_float_array(Y, "Y")
    if Y.ndim == 1 and s_L == 1:
        Y = Y[:, None]
    Y = as_2d(Y, "Y")
    if Y.shape != (n, s_L):
        raise ValueError(f"Y must have shape ({n}, {s_L}) to match X and the output layer; got {Y.shape}")
    return Y


def _data_loss(Z_L, A_L, Y, loss, output):
    n = len(Y)
    if loss == "squared":
        return 0.5 * float(np.sum((A_L - Y) ** 2)) / n
    if output == "softmax":
        return -float(np.sum(Y * log_softmax_unchecked(Z_L, 1))) / n
    # ln a = -ln(1 + e^{-z}) and ln(1 - a) = -ln(1 + e^{z}): stable for large |z|
    return float(np.sum(Y * np.logaddexp(0.0, -Z_L) + (1 - Y) * np.logaddexp(0.0, Z_L))) / n


def loss_and_gradients(Thetas, X, Y, hidden="sigmoid", output="sigmoid", loss="cross_entropy", lam=0.0):
    """Average loss of a batch and its gradient for every Theta^(l), by backprop.

    Parameters
    ----------
    Thetas : list of arrays, Theta^(l) of shape (s_{l+1}, s_l + 1)
    X : array of shape (n, s_1)
    Y : array of shape (n, s_L), or (n,) when s_L = 1
        Targets: 0/1 (sigmoid output), one-hot rows (softmax), real values (squared loss).
    hidden, output : str
        Activations of the hidden layers and of the output layer.
    loss : {"cross_entropy", "squared"}
    lam : float, default=0
        L2 penalty lambda; it does not touch the bias column.

    Returns
    -------
    J : float
    grads : list of arrays shaped like ``Thetas``

    Notes
    -----
    J = (1/n) sum_i L(h(x_i), y_i) + lambda/(2n) sum_l sum_{j >= 1} ||Theta^(l)_{:, j}||^2.
    Stacking the examples as rows, Delta^(L) = (A^(L) - Y)/n (cross-entropy), then for each layer
    dJ/dTheta^(l) = Delta^(l+1)^T [1 A^(l)] + (lambda/n) [0 W^(l)] and
    Delta^(l) = (Delta^(l+1) W^(l)) * g'(Z^(l)): the sum over examples of the per-example outer
    products, done as one matrix product. Symbols: lambda <-> ``lam``, Delta <-> ``delta``.

    Examples
    --------
    >>> from coursepkg.mlp import init_params
    >>> Thetas = init_params([2, 3, 1], rng=0)
    >>> J, grads = loss_and_gradients(Thetas, np.eye(2), np.array([0.0, 1.0]), lam=0.1)
    >>> [G.shape for G in grads], round(J, 4)
    ([(3, 3), (1, 4)], 0.7972)
    """
    X = as_2d(X)
    Thetas = check_thetas(Thetas, X.shape[1])
    _check_loss(loss, output)
    lam = check_nonnegative(lam, "lam")
    check_choice(hidden, "hidden", sorted(ACTIVATIONS))
    g, dg = get_activation(hidden)
    n = X.shape[0]
    Y = _encode_targets(Y, n, Thetas[-1].shape[0])
    A1, Z, H = forward_unchecked(Thetas, X, g, output_fn(output))
    J = _data_loss(Z[-1], H, Y, loss, output)
    delta = output_delta(H, Z[-1], Y, loss, output) / n
    grads = [None] * len(Thetas)
    for l in range(len(Thetas) - 1, -1, -1):
        W = Thetas[l][:, 1:]
        G = delta.T @ A1[l]                       # Delta^(l+1)^T [1 A^(l)]: bias column included
        if lam:
            G[:, 1:] += (lam / n) * W
            J += lam / (2 * n) * float(np.sum(W * W))
        grads[l] = G
        if l > 0:
            delta = (delta @ W) * dg(Z[l - 1])
    return J, grads


def loss_value(Thetas, X, Y, hidden="sigmoid", output="sigmoid", loss="cross_entropy", lam=0.0):
    """The J of :func:`loss_and_gradients` alone (forward pass only), e.g. for finite differences."""
    X = as_2d(X)
    Thetas = check_thetas(Thetas, X.shape[1])
    _check_loss(loss, output)
    lam = check_nonnegative(lam, "lam")
    Y = _encode_targets(Y, X.shape[0], Thetas[-1].shape[0])
    check_choice(hidden, "hidden", sorted(ACTIVATIONS))
    _, Z, H = forward_unchecked(Thetas, X, get_activation(hidden)[0], output_fn(output))
    penalty = lam / (2 * len(X)) * sum(float(np.sum(T[:, 1:] ** 2)) for T in Thetas)
    return _data_loss(Z[-1], H, Y, loss, output) + penalty




def gradient_norms(depth, activation, width=32, n=256, rng=0):
    """Frobenius norm of dJ/dW^(l) for each layer l of a fresh deep network, at initialisation.

    The network has ``depth`` hidden layers of ``width`` units with activation g and one sigmoid
    output unit; its loss J is the mean cross-entropy on n random inputs x ~ N(0, I) labelled
    y = 1[x_1 > 0]. Weights start at N(0, 1/s_l) for sigmoid and tanh, He's N(0, 2/s_l) for ReLU;
    biases at 0. The bias column of each gradient is left out of the norm.

    Parameters
    ----------
    depth : int
        Number of weight layers L - 1 (>= 1): ``depth`` gradients come back.
    activation : {"sigmoid", "tanh", "relu", ...}
        Hidden activation g, any name :func:`coursepkg.activations.get_activation` knows.
    width : int, default=32
        Units per hidden layer (and input dimension).
    n : int, default=256
        Number of random examples.
    rng : Generator, int or None, default=0

    Returns
    -------
    norms : array of shape (depth,)
        ||dJ/dW^(l)||_F, input side first.

    Examples
    --------
    >>> norms = gradient_norms(6, "sigmoid")
    >>> norms.shape, bool(norms[0] < norms[-1])
    ((6,), True)
    """
    from .._validation import as_rng, check_positive_int  # local: appended code leaves the header untouched
    from ._forward import init_params

    depth = check_positive_int(depth, "depth")
    check_choice(activation, "activation", sorted(ACTIVATIONS))
    width, n = check_positive_int(width, "width"), check_positive_int(n, "n")
    rng = as_rng(rng)
    Thetas = init_params([width] * depth + [1], rng=rng, scale="he" if activation == "relu" else "lecun")
    X = rng.normal(size=(n, width))
    y = (X[:, 0] > 0).astype(float)
    _, grads = loss_and_gradients(Thetas, X, y, hidden=activation, output="sigmoid")
    return np.array([np.linalg.norm(G[:, 1:]) for G in grads])
