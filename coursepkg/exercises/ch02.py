"""Chapter 2 exercises: one step of the delta recursion, the adjoint trace, a full backward pass.

The references of 2.1 and 2.3 are computed by central differences (coursepkg.gradcheck), not by
the package's backprop, so a student's answer is checked against an independent oracle.
"""
import numpy as np

from ..autodiff import ln, sin, trace
from ..gradcheck import numerical_gradient
from ..activations import sigmoid
from ..mlp import init_params, loss_value
from .judges import Choice, Numeric, Property
from .spec import Case, Derivation, Exercise, compare, describe, question


def _delta_step_reference(delta_next, Theta, A):
    """(dJ/dTheta, delta) for J(Z) = sum(delta_next * Z_next) with Z_next = [1 A] Theta^T, A = sigmoid(Z).

    J is linear in Z_next with slope delta_next, so dJ/dZ_next = delta_next exactly; both outputs are
    found by central differences: w.r.t. Theta, and w.r.t. Z (the pre-activations of A).
    """
    Z = np.log(A / (1.0 - A))

    def J_of_theta(T):
        return float(np.sum(delta_next * (A @ T[:, 1:].T + T[:, 0])))

    def J_of_z(Zv):
        return float(np.sum(delta_next * (sigmoid(Zv) @ Theta[:, 1:].T + Theta[:, 0])))

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
    return sigmoid(np.random.default_rng(rng).normal(size=shape))


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
        hint=("The first column of Theta multiplies the constant 1, not an activation: treat it separately "
              "from the rest. The sigmoid's derivative can be written with its output alone."),
        hint2=("The gradient with respect to Theta pairs each delta_next row with [1, a] of the same example "
               "and sums over examples. The new delta is delta_next pushed back through the weights without the "
               "bias column, times the sigmoid's derivative at this layer."),
        atol=1e-6, rtol=1e-5,
    ),
    Exercise(
        id="2.2",
        name="adjoint_trace",
        title="The reverse adjoint trace of f(x1, x2) = ln x1 + x1 x2 - sin x2",
        reference=_adjoints_reference,
        cases=tuple(Case((x1, x2)) for x1, x2 in ((2.0, 5.0), (1.0, 0.0), (0.5, -1.0), (3.0, 2.5))),
        hint=("Go through the trace backwards from the output, whose adjoint is 1. An input that feeds two "
              "nodes collects a contribution from each."),
        hint2=("Each adjoint is the sum, over the nodes that use this variable, of that node's adjoint times "
               "the local derivative of that node with respect to this variable. Order of the returned list: "
               "v_-1, v_0, v_1, ..., v_5."),
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
        hint=("Keep every layer's activations from the forward pass; the backward pass needs them. The loss is "
              "a mean over examples: where does the 1/n enter?"),
        hint2=("With a sigmoid output and cross-entropy the output error simplifies to (prediction - target). "
               "Going down one layer multiplies by the weights without the bias column and by the sigmoid's "
               "derivative of the lower layer."),
        atol=1e-7, rtol=1e-5,
    ),
]

EXERCISES += [
    question("2.5", "answer_2_5", "A partial derivative of the lecture's function",
             Numeric(2.0 - np.cos(5.0), rtol=0, atol=1e-3),
             hint="Differentiate f(x1, x2) = ln x1 + x1 x2 - sin x2 with respect to x2 only; x1 is a constant.",
             hint2="Two of the three terms depend on x2. Evaluate at (x1, x2) = (2, 5), in radians."),
    question("2.6", "answer_2_6", "How many reverse sweeps for a full gradient", Choice("b", "abcd"),
             hint="Reverse mode propagates adjoints of one output back to every input at once.",
             hint2="The loss is a single number; how many outputs must be seeded with an adjoint of 1?"),
]

DERIVATIONS = [
    Derivation("2.7", "The output delta of a sigmoid unit with cross-entropy", points=2.0,
               rubric="1 pt: sigma'(z) = sigma(z) (1 - sigma(z)) derived from sigma(z) = 1 / (1 + e^-z); "
                      "1 pt: dJ/dz = h - y for J = -[y ln h + (1 - y) ln(1 - h)], h = sigma(z), the sigma' cancelling."),
]


def _max_relative_error(A, B):
    return max(float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))) for a, b in zip(A, B))


def _gradient_check_judge(Thetas, X, y, grads, eps):
    numeric = []
    for l in range(len(Thetas)):
        def J(T, l=l):
            return loss_value(Thetas[:l] + [T] + Thetas[l + 1:], X, y, hidden="sigmoid", output="sigmoid")
        numeric.append(numerical_gradient(J, Thetas[l], eps=eps))
    error = _max_relative_error(grads, numeric)

    def form(got):
        if not isinstance(got, (tuple, list)) or len(got) != 2 or not isinstance(got[0], (tuple, list)):
            return f"return a tuple (numeric_grads, max_rel_error) with numeric_grads a list of arrays; got {describe(got)}"
        return compare(numeric, list(got[0]), 1e-5, 1e-9, "numeric_grads")

    def verdict(got):
        value = float(got[1])
        if error < 1e-5:
            if not 0 <= value < 1e-5:
                return (f"max_rel_error = {value:.3g}, but these gradients are right: the largest relative error should "
                        f"be below 1e-5 (the reference finds {error:.1e})")
        elif abs(value - error) > 1e-3 * error:
            return f"max_rel_error = {value:.6g}; expected {error:.6g} (these gradients have a mistake), tolerance 1e-3 relative"
        return None

    verdict_text = "below 1e-5 (the gradients are right)" if error < 1e-5 else f"{error:.6g} (the gradients are wrong)"
    return Property(f"(numeric_grads: central differences, one array per Theta, max_rel_error {verdict_text})",
                    [form, verdict], key=repr((numeric, round(error, 8))))


def _checked_case(sizes, seed, n, corrupt=None, eps=1e-4):
    Thetas = init_params(sizes, rng=seed, scale=1.0)
    X, y = _normal(seed + 1, (n, sizes[0])), (_normal(seed + 2, n) > 0).astype(float)
    grads = _network_gradients_reference(Thetas, X, y)
    if corrupt == "sign":
        grads[0] = grads[0].copy()
        grads[0][0, 1] *= -1.0
    elif corrupt == "no_mean":
        grads = [g * n for g in grads]
    return Case((Thetas, X, y, grads, eps))


EXERCISES += [
    Exercise(
        id="2.8",
        name="gradient_check",
        title="Gradient checking of a backward pass",
        points=3.0,
        reference=_gradient_check_judge,
        cases=(
            _checked_case([2, 1], 0, 3),
            _checked_case([2, 3, 1], 1, 5),
            _checked_case([2, 3, 1], 1, 5, corrupt="sign"),
            _checked_case([3, 4, 2, 1], 4, 6, corrupt="no_mean"),
            _checked_case([3, 4, 2, 1], 7, 6, eps=1e-5),
        ),
        hint=("Perturb one weight at a time, up and down by eps, and look at how the loss changes; put the weight "
              "back before moving to the next one. The loss is the same mean cross-entropy as in exercise 2.3."),
        hint2=("The central difference divides the change in loss by the full distance between the two points, 2 eps. "
               "The relative error of an entry compares |a - n| with |a| + |n| (guarded against 0 by 1e-8); report the "
               "largest over all entries of all layers."),
    ),
]
