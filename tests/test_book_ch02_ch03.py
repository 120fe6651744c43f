"""The numbers printed in the text of Chapters 2 and 3, and the corrected mistakes, against oracles.

Every hand-worked value of the pages (written in their markdown, rounded as there) is checked
here against torch autograd, closed forms or brute force, so a change to a page's numbers or to
the package that breaks them fails a test. Issue 20's corrections: E2 (layouts), E3 (the output
delta of the unhalved squared loss), E4 (initialisation variances), E9 (general f: R^d -> R^p),
E10 (the softmax Jacobian and delta = p - y).
"""
import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch.autograd.functional import hessian, jacobian

from coursepkg.mlp import backward, loss_and_gradients, output_delta
from coursepkg.matrix_calculus import affine_of_square, squared_norm_affine
from coursepkg.mlp import init_params
from coursepkg.softmax import cross_entropy_grad, logsumexp, onehot, softmax

DT = torch.float64


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=float), dtype=DT, requires_grad=grad)


# ---------------------------------------------------------------- Chapter 2, page 1: chain rule
@pytest.mark.ch2
def test_deck003_sum_over_paths_at_one():
    """z1 = sin x, z2 = x^3, y = z1^4 e^z2 + 5 z1 + 7 z2: the page's 6.202 + 25.089 = 31.290."""
    x = t(1.0, grad=True)
    y = torch.sin(x) ** 4 * torch.exp(x ** 3) + 5 * torch.sin(x) + 7 * x ** 3
    (dy,) = torch.autograd.grad(y, x)
    assert dy.item() == pytest.approx(31.290, abs=5e-4)
    path1 = (4 * np.sin(1) ** 3 * np.e + 5) * np.cos(1)
    path2 = (np.sin(1) ** 4 * np.e + 7) * 3
    assert (round(path1, 3), round(path2, 3)) == (6.202, 25.089)
    x2 = t(1.0, grad=True)
    (dprod,) = torch.autograd.grad(torch.sin(x2) * x2 ** 3, x2)
    assert dprod.item() == pytest.approx(3.065, abs=5e-4)          # product rule, both paths
    assert np.cos(1) == pytest.approx(0.540, abs=5e-4)             # one path only: the pitfall


@pytest.mark.ch2
def test_linear_map_in_both_layouts():
    """E2: d(Av)/dv is A as a Jacobian (numerator) and A^T in denominator layout."""
    rng = np.random.default_rng(3)
    A, v, c = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=2)
    J = jacobian(lambda q: t(A) @ q, t(v)).numpy()
    assert J.shape == (2, 3) and np.allclose(J, A)
    vv = t(v, grad=True)
    (t(c) @ (t(A) @ vv)).backward()                                # gradient of c^T A v
    assert np.allclose(vv.grad.numpy(), A.T @ c)                   # = (denominator-layout A^T) c


@pytest.mark.ch2
@pytest.mark.parametrize("seed", range(3))
def test_quadratic_form_identity(seed):
    rng = np.random.default_rng(seed)
    A, v = rng.normal(size=(4, 4)), rng.normal(size=4)
    vv = t(v, grad=True)
    (vv @ t(A) @ vv).backward()
    assert np.allclose(vv.grad.numpy(), (A + A.T) @ v)
    assert not np.allclose(vv.grad.numpy(), 2 * A @ v)             # the shortcut needs A = A^T


@pytest.mark.ch2
def test_general_f_vector_jacobian_product():
    """E9: y = w^T f(beta) + b with f: R^2 -> R^3 not entry-wise; dy/dbeta = J_f^T w (page: (-3.2552, -1))."""
    f = lambda b: torch.stack([b[0] * b[1], torch.sin(b[0]), b[1] ** 2])
    beta, w = t([0.5, -1.5], grad=True), t([1.0, -2.0, 0.5])
    (w @ f(beta) + 0.3).backward()
    J = jacobian(f, beta.detach())
    assert J.shape == (3, 2)
    assert np.allclose(beta.grad.numpy(), (J.T @ w).numpy())
    assert np.allclose(beta.grad.numpy(), [-3.2552, -1.0], atol=5e-5)


@pytest.mark.ch2
def test_deck002_example2_and_3_hand_numbers():
    W1, b1, beta, w, b = [[1.0, 0.0], [-1.0, 1.0]], [0.0, 1.0], [1.0, 2.0], [2.0, -1.0], 0.5
    y, g = affine_of_square(np.array(w), np.array(W1), np.array(beta), np.array(b1), b)
    assert y == -1.5
    assert np.array_equal(g["W1"], [[4, 8], [-4, -8]]) and np.array_equal(g["b1"], [4, -4])
    assert np.array_equal(g["beta"], [8, -4])
    T = {k: t(v, grad=True) for k, v in dict(w=w, W1=W1, beta=beta, b1=b1).items()}
    (T["w"] @ (T["W1"] @ T["beta"] + T["b1"]) ** 2 + b).backward()
    assert all(np.allclose(g[k], T[k].grad.numpy()) for k in T)
    y3, g3 = squared_norm_affine(np.array(W1), np.array(beta), np.array(b1))
    assert y3 == 5.0
    assert np.array_equal(g3["W1"], [[2, 4], [4, 8]]) and np.array_equal(g3["b1"], [2, 4])
    assert np.array_equal(g3["beta"], [-2, 4])


# ---------------------------------------------------------------- Chapter 2, page 2: backprop
@pytest.mark.ch2
@pytest.mark.parametrize("seed", range(4))
def test_softmax_jacobian_and_delta(seed):
    """E10: J = diag(p) - p p^T, and J^T (-y / p) = p - y for a one-hot y."""
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=2.0, size=5)
    y = onehot(np.array([seed % 5]), 5)[0]
    p = softmax(z)
    J = jacobian(lambda q: torch.softmax(q, dim=0), t(z)).numpy()
    assert np.allclose(J, np.diag(p) - np.outer(p, p))
    assert np.allclose(J.T @ (-y / p), p - y)
    zz = t(z, grad=True)
    (-(t(y) * torch.log_softmax(zz, dim=0)).sum()).backward()
    assert np.allclose(zz.grad.numpy(), p - y)


@pytest.mark.ch2
@pytest.mark.parametrize("seed", range(4))
def test_unhalved_squared_loss_delta(seed):
    """E3: for l = ||a - y||^2 (Chapter 1's loss) delta = 2 (a - y) * g'(z), twice the package's halved one."""
    rng = np.random.default_rng(seed)
    z, y = rng.normal(size=3), rng.uniform(size=3)
    zz = t(z, grad=True)
    ((torch.sigmoid(zz) - t(y)) ** 2).sum().backward()
    a = 1 / (1 + np.exp(-z))
    assert np.allclose(zz.grad.numpy(), 2 * (a - y) * a * (1 - a))
    assert np.allclose(zz.grad.numpy(), 2 * output_delta(a, z, y, loss="squared", output="sigmoid"))
    # the deck-004 slip: a "+" for the "-" is not the gradient
    assert not np.allclose(zz.grad.numpy(), 2 * (a + y) * a * (1 - a))


@pytest.mark.ch2
def test_hand_backward_pass_231():
    """Every delta and gradient entry of the page's backward pass, against backward() and torch."""
    Thetas = [np.array([[0.5, 1.0, -1.0], [-1.0, 2.0, 1.0], [0.0, -1.0, 0.5]]),
              np.array([[0.2, 1.0, -2.0, 0.5]])]
    x, y = np.array([1.0, 2.0]), np.array([1.0])
    text = {
        "delta3": [-0.7460],
        "delta2": [-0.1753, 0.0674, -0.0933],
        "G2": [[-0.7460, -0.2817, -0.7107, -0.3730]],
        "G1": [[-0.1753, -0.1753, -0.3506], [0.0674, 0.0674, 0.1348], [-0.0933, -0.0933, -0.1865]],
    }
    res = backward(Thetas, x, y, hidden="sigmoid", output="sigmoid", loss="cross_entropy")
    assert np.allclose(res.deltas[1], text["delta3"], atol=5e-5)
    assert np.allclose(res.deltas[0], text["delta2"], atol=5e-5)
    assert np.allclose(res.grads[1], text["G2"], atol=5e-5)
    assert np.allclose(res.grads[0], text["G1"], atol=5e-5)
    T = [t(Th, grad=True) for Th in Thetas]
    a = t(x)
    for Th in T:
        a = torch.sigmoid(Th @ torch.cat([torch.ones(1, dtype=DT), a]))
    loss = torch.nn.functional.binary_cross_entropy(a, t(y))
    loss.backward()
    assert loss.item() == pytest.approx(1.3706, abs=5e-5)
    assert np.allclose(T[1].grad.numpy(), text["G2"], atol=5e-5)
    assert np.allclose(T[0].grad.numpy(), text["G1"], atol=5e-5)
    # the unhalved squared loss of Chapter 1: delta3 = 2 (a - y) a (1 - a) = -0.2827
    zz = t([-1.0776075797], grad=True)
    ((torch.sigmoid(zz) - 1.0) ** 2).sum().backward()
    assert zz.grad.item() == pytest.approx(-0.2827, abs=5e-5)


@pytest.mark.ch2
def test_batch_algorithm_with_l2_skipping_bias():
    """The lectures' accumulate-then-average loop (page code) equals the objective's autograd gradient."""
    rng = np.random.default_rng(0)
    Thetas = init_params([3, 4, 2], rng=1)
    X, Y = rng.normal(size=(20, 3)), (rng.uniform(size=(20, 2)) < 0.5).astype(float)
    lam, n = 0.1, 20
    G = [np.zeros_like(Th) for Th in Thetas]
    for x_i, y_i in zip(X, Y):
        for l, g_l in enumerate(backward(Thetas, x_i, y_i).grads):
            G[l] += g_l
    D = [G_l / n for G_l in G]
    for Th, D_l in zip(Thetas, D):
        D_l[:, 1:] += lam / n * Th[:, 1:]
    T = [t(Th, grad=True) for Th in Thetas]
    A = t(X)
    for l, Th in enumerate(T):
        Z = A @ Th[:, 1:].T + Th[:, 0]
        A = torch.sigmoid(Z) if l < len(T) - 1 else Z
    J = torch.nn.functional.binary_cross_entropy_with_logits(Z, t(Y), reduction="sum") / n
    J = J + lam / (2 * n) * sum((Th[:, 1:] ** 2).sum() for Th in T)
    J.backward()
    assert all(np.allclose(D_l, Th.grad.numpy()) for D_l, Th in zip(D, T))
    _, D_pkg = loss_and_gradients(Thetas, X, Y, lam=lam)
    assert all(np.allclose(a, b) for a, b in zip(D, D_pkg))


# ---------------------------------------------------------------- Chapter 2, pages 3-4
@pytest.mark.ch2
def test_forward_mode_tangents_of_lecture_example():
    f = lambda x: torch.log(x[0]) + x[0] * x[1] - torch.sin(x[1])
    x0 = t([2.0, 5.0])
    values = [torch.func.jvp(f, (x0,), (t(seed),))[1].item() for seed in ([1.0, 0.0], [0.0, 1.0])]
    assert values == pytest.approx([5.5, 2 - np.cos(5)])
    assert round(values[1], 3) == 1.716 and round(f(x0).item(), 3) == 11.652


@pytest.mark.ch2
def test_sigmoid_chain_factor():
    """Ten sigmoid units at z = 0 with weight 1: (1/4)^10 = 9.54e-07, as printed."""
    x = t(0.0, grad=True)
    a = x
    for _ in range(10):
        a = torch.sigmoid(a - 0.5 * (a.detach() != x.detach()))
    a.backward()
    assert x.grad.item() == pytest.approx(0.25 ** 10, rel=1e-12)


@pytest.mark.ch2
def test_glorot_and_he_variances():
    """E4: torch's xavier_* use 2/(fan_in + fan_out), kaiming (relu) 2/fan_in; LeCun's 1/fan_in is neither."""
    torch.manual_seed(0)
    fan_in, fan_out = 300, 100
    W = torch.empty(fan_out, fan_in, dtype=DT)
    torch.nn.init.xavier_normal_(W)
    assert W.var().item() == pytest.approx(2 / (fan_in + fan_out), rel=0.03)
    torch.nn.init.xavier_uniform_(W)
    bound = np.sqrt(6 / (fan_in + fan_out))
    assert W.abs().max().item() <= bound
    assert W.var().item() == pytest.approx(bound ** 2 / 3, rel=0.03)
    torch.nn.init.kaiming_normal_(W, nonlinearity="relu")
    assert W.var().item() == pytest.approx(2 / fan_in, rel=0.03)
    assert abs(W.var().item() - 1 / fan_in) > 0.3 / fan_in


def _forward_variance(var_fn, activation, depth=10, width=256, n=2000, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, width))
    out = []
    for _ in range(depth):
        W = rng.normal(0.0, np.sqrt(var_fn(width, width)), size=(width, width))
        z = a @ W.T
        out.append(z.var())
        a = activation(z)
    return np.array(out)


@pytest.mark.ch2
def test_each_initialisation_keeps_the_scale_for_its_activation():
    """E4: LeCun keeps Var(z) for linear units, He for ReLU; LeCun with ReLU halves it per layer."""
    relu = lambda z: np.maximum(z, 0.0)
    lin = _forward_variance(lambda i, o: 1 / i, lambda z: z)
    assert np.allclose(lin, 1.0, rtol=0.15)
    he = _forward_variance(lambda i, o: 2 / i, relu)
    assert np.allclose(he[1:] / he[1], 1.0, rtol=0.2)
    lecun_relu = _forward_variance(lambda i, o: 1 / i, relu)
    ratios = lecun_relu[2:] / lecun_relu[1:-1]
    assert np.allclose(ratios, 0.5, rtol=0.15)
    # tanh with Glorot shrinks slowly (not geometrically): the page prints about 0.23 at layer 11
    tanh_std = np.sqrt(_forward_variance(lambda i, o: 2 / (i + o), np.tanh))
    assert 0.15 < tanh_std[-1] < 0.3 and tanh_std[-1] > 0.5 ** 4


@pytest.mark.ch2
def test_glorot_compromise_on_growing_widths():
    """Linear layers 64 -> ... -> 4096: per layer forward variance x 2/3 and backward x 4/3 under Glorot."""
    rng = np.random.default_rng(0)
    widths = [64 * 2 ** k for k in range(7)]
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        v = 2 / (fan_in + fan_out)
        assert fan_in * v == pytest.approx(2 / 3) and fan_out * v == pytest.approx(4 / 3)
    Ws = [rng.normal(0, np.sqrt(2 / (i + o)), size=(o, i)) for i, o in zip(widths[:-1], widths[1:])]
    a = rng.normal(size=(200, 64))
    for W in Ws:
        a = a @ W.T
    assert a.std() == pytest.approx((2 / 3) ** 3, rel=0.15)


# ---------------------------------------------------------------- Chapter 3
@pytest.mark.ch3
def test_three_class_softmax_gradient_by_hand():
    x, W, y = np.array([1.0, 2.0]), np.array([[2.0, 0.0], [1.0, 0.0], [1.0, -1.0]]), 1
    text_p = [0.7054, 0.2595, 0.0351]
    text_G = [[0.7054, 1.4108], [-0.7405, -1.4810], [0.0351, 0.0702]]
    Wt = t(W, grad=True)
    loss = torch.nn.functional.cross_entropy((Wt @ t(x))[None, :], torch.tensor([y]))
    loss.backward()
    assert np.allclose(torch.softmax(Wt @ t(x), 0).detach().numpy(), text_p, atol=5e-5)
    assert loss.item() == pytest.approx(1.349, abs=5e-4)
    assert np.allclose(Wt.grad.numpy(), text_G, atol=5e-5)
    assert np.allclose(cross_entropy_grad((W @ x)[None, :], np.array([y])).T @ x[None, :], Wt.grad.numpy())
    # one SGD step with eta = 0.5 moves the logits by -eta ||x||^2 (p - y): p_2 0.26 -> 0.915
    W_new = W - 0.5 * Wt.grad.numpy()
    assert np.allclose(W_new @ x - W @ x, -0.5 * 5 * (softmax(W @ x) - onehot(np.array([y]), 3)[0]))
    assert softmax(W_new @ x)[1] == pytest.approx(0.915, abs=5e-4)


@pytest.mark.ch3
@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=8))
def test_logsumexp_bounds(z):
    z = np.array(z)
    lse = float(logsumexp(z))
    assert z.max() - 1e-9 <= lse <= z.max() + np.log(len(z)) + 1e-9


@pytest.mark.ch3
@pytest.mark.parametrize("seed", range(3))
def test_logsumexp_hessian_is_softmax_jacobian_and_psd(seed):
    z = np.random.default_rng(seed).normal(size=4)
    H = hessian(lambda q: torch.logsumexp(q, 0), t(z)).numpy()
    p = softmax(z)
    assert np.allclose(H, np.diag(p) - np.outer(p, p))
    assert np.linalg.eigvalsh(H).min() > -1e-12


@pytest.mark.ch3
def test_cross_entropy_is_kl_plus_entropy():
    """The page's numbers: one-hot 1.349 = KL; soft label H = 0.639, KL = 0.810, H(q, p) = 1.449."""
    p = softmax(np.array([2.0, 1.0, -1.0]))
    q = np.array([0.1, 0.8, 0.1])
    H = -np.sum(q * np.log(q))
    KL = torch.nn.functional.kl_div(torch.log(t(p)), t(q), reduction="sum").item()
    assert (round(H, 3), round(KL, 3), round(H + KL, 3)) == (0.639, 0.810, 1.449)
    assert H + KL == pytest.approx(-np.sum(q * np.log(p)))


@pytest.mark.ch3
@pytest.mark.parametrize("K", [3, 4, 5])
def test_one_vs_one_right_when_relevant_duels_are_right(K):
    """Brute force over every outcome of the irrelevant duels: the true class always wins."""
    y = 0
    irrelevant = [(j, k) for j in range(K) for k in range(j + 1, K) if y not in (j, k)]
    for outcome in itertools.product([0, 1], repeat=len(irrelevant)):
        votes = np.zeros(K)
        votes[y] += K - 1
        for (j, k), o in zip(irrelevant, outcome):
            votes[k if o else j] += 1
        assert np.argmax(votes) == y and np.sum(votes == votes.max()) == 1
