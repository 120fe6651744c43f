"""Backprop gradients against torch autograd and finite differences; bad input."""
import numpy as np
import pytest
import torch

from coursepkg.mlp import backward, loss_and_gradients, loss_value
from coursepkg.gradcheck import numerical_gradient
from coursepkg.mlp import forward_batch, init_params

pytestmark = pytest.mark.ch2

TORCH_G = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}


def torch_loss(Thetas, X, Y, hidden, output, loss, alpha):
    """The same J written in torch, differentiated by autograd."""
    T = [torch.tensor(Th, dtype=torch.float64, requires_grad=True) for Th in Thetas]
    A = torch.tensor(X, dtype=torch.float64)
    Yt = torch.tensor(Y, dtype=torch.float64)
    for l, Th in enumerate(T):
        Z = A @ Th[:, 1:].T + Th[:, 0]
        A = Z if l == len(T) - 1 else TORCH_G[hidden](Z)
    n = X.shape[0]
    if loss == "squared":
        out = torch.sigmoid(Z) if output == "sigmoid" else Z
        J = 0.5 * ((out - Yt) ** 2).sum() / n
    elif output == "softmax":
        J = -(Yt * torch.log_softmax(Z, dim=1)).sum() / n
    else:
        J = torch.nn.functional.binary_cross_entropy_with_logits(Z, Yt, reduction="sum") / n
    J = J + alpha / (2 * n) * sum((Th[:, 1:] ** 2).sum() for Th in T)
    J.backward()
    return J.item(), [Th.grad.numpy() for Th in T]


CASES = [
    ([3, 4, 1], "sigmoid", "sigmoid", "cross_entropy"),
    ([3, 5, 4, 3], "tanh", "softmax", "cross_entropy"),
    ([4, 6, 6, 5, 2], "relu", "identity", "squared"),
    ([2, 3, 2], "sigmoid", "sigmoid", "squared"),
    ([5, 3, 3, 3, 3, 4], "tanh", "softmax", "cross_entropy"),
]


def _data(sizes, output, loss, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(7, sizes[0]))
    if output == "softmax":
        Y = np.eye(sizes[-1])[rng.integers(sizes[-1], size=7)]
    elif loss == "cross_entropy" or output == "sigmoid":
        Y = rng.integers(0, 2, size=(7, sizes[-1])).astype(float)
    else:
        Y = rng.normal(size=(7, sizes[-1]))
    return X, Y


@pytest.mark.parametrize("sizes, hidden, output, loss", CASES)
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_gradients_equal_torch_autograd(sizes, hidden, output, loss, alpha):
    Thetas = init_params(sizes, rng=len(sizes), scale=0.8)
    Thetas = [T + 0.1 * np.random.default_rng(9).normal(size=T.shape) for T in Thetas]  # non-zero biases
    X, Y = _data(sizes, output, loss, seed=1)
    J, grads = loss_and_gradients(Thetas, X, Y, hidden, output, loss, alpha)
    J_t, grads_t = torch_loss(Thetas, X, Y, hidden, output, loss, alpha)
    assert J == pytest.approx(J_t, rel=1e-10)
    assert loss_value(Thetas, X, Y, hidden, output, loss, alpha) == pytest.approx(J_t, rel=1e-10)
    for G, G_t in zip(grads, grads_t):
        np.testing.assert_allclose(G, G_t, rtol=1e-6, atol=1e-12)


def test_penalty_leaves_bias_column_alone():
    Thetas = init_params([3, 4, 2], rng=0)
    X, Y = _data([3, 4, 2], "sigmoid", "cross_entropy", seed=2)
    _, g0 = loss_and_gradients(Thetas, X, Y, lam=0.0)
    _, g1 = loss_and_gradients(Thetas, X, Y, lam=2.0)
    for G0, G1, T in zip(g0, g1, Thetas):
        np.testing.assert_array_equal(G0[:, 0], G1[:, 0])
        np.testing.assert_allclose(G1[:, 1:] - G0[:, 1:], 2.0 / len(X) * T[:, 1:])


def test_single_example_backward_sums_to_batch_gradient():
    sizes = [3, 4, 2]
    Thetas = init_params(sizes, rng=3)
    X, Y = _data(sizes, "sigmoid", "cross_entropy", seed=3)
    total = [np.zeros_like(T) for T in Thetas]
    for x, y in zip(X, Y):
        for acc, G in zip(total, backward(Thetas, x, y).grads):
            acc += G / len(X)
    _, grads = loss_and_gradients(Thetas, X, Y)
    for a, G in zip(total, grads):
        np.testing.assert_allclose(a, G, rtol=1e-12)


def test_deltas_are_dL_dz_by_finite_differences():
    """delta^(2) = dL/dz^(2): perturb z^(2) directly and recompute the rest of the network."""
    Thetas = init_params([2, 3, 1], rng=4)
    x, y = np.array([0.5, -1.0]), np.array([1.0])
    deltas = backward(Thetas, x, y, hidden="tanh").deltas
    cache = forward_batch(Thetas, x[None, :], hidden="tanh")

    def loss_of_z2(z2):
        a2 = np.tanh(z2)
        p = 1 / (1 + np.exp(-(Thetas[1][:, 1:] @ a2 + Thetas[1][:, 0])))
        return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).sum())

    np.testing.assert_allclose(deltas[0], numerical_gradient(loss_of_z2, cache.z[0][0]), rtol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    ({"loss": "hinge"}, "loss must be one of"),
    ({"output": "identity"}, "needs output 'sigmoid' or 'softmax'"),
    ({"output": "softmax", "loss": "squared"}, "not 'softmax'"),
    ({"lam": -1.0}, "lam must be a finite number >= 0"),
    ({"hidden": "swish"}, "hidden must be one of"),
])
def test_bad_options_raise(kwargs, match):
    Thetas = init_params([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match=match):
        loss_and_gradients(Thetas, np.ones((4, 2)), np.ones(4), **kwargs)


def test_bad_shapes_raise():
    Thetas = init_params([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 1\)"):
        loss_and_gradients(Thetas, np.ones((4, 2)), np.ones(5))
    with pytest.raises(ValueError, match=r"Thetas\[0\] must have shape"):
        loss_and_gradients(Thetas, np.ones((4, 3)), np.ones(4))
    with pytest.raises(ValueError, match="X must be 2-D"):
        loss_and_gradients(Thetas, np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match=r"y must have shape \(1,\)"):
        backward(Thetas, np.ones(2), np.ones(2))
