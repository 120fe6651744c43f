"""Chapter 2 exercises: one step of the delta recursion, the adjoint trace, a full backward pass.

The references of 2.1 and 2.3 are computed by central differences (coursepkg.gradcheck), not by
the package's backprop, so a student's answer is checked against an independent oracle.
"""
import numpy as np

from ..autodiff import ln, sin, trace
from ..backprop import loss_value
from ..gradcheck import numerical_gradient
from ..mlp import init_params
from .spec import Case, Exercise


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _delta_step_reference(delta_next, Theta, A):
    """(dJ/dTheta, delta) for J(Z) = sum(delta_next * Z_next) with Z_next = [1 A] Theta^T, A = sigmoid(Z).

    J is linear in Z_next with slope delta_next, so dJ/dZ_next = delta_next exactly; both outputs are
    found by central differences: w.r.t. Theta, and w.r.t. Z (the pre-activations of A).
    """
    Z = np.log(A / (1.0 - A))

    def J_of_theta(T):
        return float(np.sum(delta_next * (A @ T[:, 1:].T + T[:, 0])))

    def J_of_z(Zv):
        return float(np.sum(delta_next * (_sigmoid(Zv) @ Theta[:, 1:].T + Theta[:, 0])))

    return numerical_gradient(J_of_theta, Theta), numerical_gradient(J_of_z, Z)


def _lecture_f(x1, x2):
    return ln(x1) + x1 * x2 - sin(x2)


def _adjoints_reference(x1, x2):
    t = trace(_lecture_f, x1, x2)
    return np.array([g for _, _, g in reversed(t.reverse)])


def _network_gradients_reference(Thetas, X, y):
    grads = []
    for l in range(len(Thetas)):
        def J(T, l=l):
            return loss_value(Thetas[:l] + [T] + Thetas[l + 1:], X, y, hidden="sigmoid", output="sigmoid")
        grads.append(numerical_gradient(J, Thetas[l]))
    return grads


def _sigmoid_acts(rng, shape):
    return _sigmoid(np.random.default_rng(rng).normal(size=shape))


def _normal(rng, shape):
    return np.random.default_rng(rng).normal(size=shape)


EXERCISES = [
    Exercise(
        id="2.1",
        name="delta_step",
        title="One step of the delta recursion for a sigmoid layer",
        reference=_delta_step_reference,
        cases=(
            Case((np.array([[1.0]]), np.array([[0.5, 2.0]]), np.array([[0.5]]))),
            Case((_normal(0, (1, 2)), _normal(1, (2, 4)), _sigmoid_acts(2, (1, 3)))),
            Case((_normal(3, (5, 2)), _normal(4, (2, 4)), _sigmoid_acts(5, (5, 3)))),
            Case((_normal(6, (8, 3)), _normal(7, (3, 6)), _sigmoid_acts(8, (8, 5)))),
        ),
        hint="With W = Theta[:, 1:] (drop the bias column): the gradient is delta_next.T @ [1 A], i.e. "
             "column 0 is delta_next summed over the rows and the rest is delta_next.T @ A. The new delta is "
             "(delta_next @ W) * A * (1 - A): sigmoid'(z) = a (1 - a). Return (grad_Theta, delta).",
        atol=1e-6, rtol=1e-5,
    ),
    Exercise(
        id="2.2",
        name="adjoint_trace",
        title="The reverse adjoint trace of f(x1, x2) = ln x1 + x1 x2 - sin x2",
        reference=_adjoints_reference,
        cases=tuple(Case((x1, x2)) for x1, x2 in ((2.0, 5.0), (1.0, 0.0), (0.5, -1.0), (3.0, 2.5))),
        hint="Return [vbar_-1, vbar_0, vbar_1, ..., vbar_5] with v_1 = ln v_-1, v_2 = v_-1 v_0, v_3 = sin v_0, "
             "v_4 = v_1 + v_2, v_5 = v_4 - v_3. Start from vbar_5 = 1 and go backwards; v_-1 and v_0 each "
             "feed two nodes, so their adjoints are sums of two terms. Check: at (2, 5), vbar_-1 = 5.5.",
    ),
    Exercise(
        id="2.3",
        name="network_gradients",
        title="Backprop through a sigmoid network with cross-entropy",
        reference=_network_gradients_reference,
        cases=(
            Case(([np.array([[0.5, -1.0, 2.0]])], np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 0.0]))),
            Case((init_params([2, 3, 1], rng=0), _normal(1, (5, 2)), (_normal(2, 5) > 0).astype(float))),
            Case((init_params([3, 4, 4, 1], rng=3, scale=1.0), _normal(4, (6, 3)), (_normal(5, 6) > 0).astype(float))),
        ),
        hint="J = mean over rows of -[y ln h + (1 - y) ln(1 - h)]. Forward: keep every A. Backward: "
             "Delta = (h - y)/n as a column (n, 1); for each layer from the last, grad = Delta.T @ [1 A_prev], "
             "then Delta = (Delta @ W) * A_prev * (1 - A_prev), with W = Theta[:, 1:] of the layer just done.",
        atol=1e-7, rtol=1e-5,
    ),
]
