"""Chapter 1 exercises: the perceptron rule, counting parameters, XOR, forward propagation."""
import numpy as np

from ..datasets import make_xor
from ..mlp import count_parameters, init_params, predict_output
from ..perceptron import XOR_PERCEPTRONS, perceptron_update, two_layer_perceptron
from .judges import Choice, Numeric, Property
from .spec import Case, Derivation, Exercise, compare, describe, question


def _xor_reference(X):
    P = XOR_PERCEPTRONS
    return two_layer_perceptron(X, [P["A"], P["B"]], P["C"])


def _sigmoid_network(Thetas, X):
    return predict_output(Thetas, X, hidden="sigmoid", output="sigmoid")


_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

EXERCISES = [
    Exercise(
        id="1.1",
        name="perceptron_update",
        title="One step of the perceptron learning rule",
        reference=perceptron_update,
        cases=(
            Case((np.array([0.0, 0.0]), 0.0, np.array([1.0, 2.0]), -1)),
            Case((np.array([1.0, 1.0]), 0.5, np.array([2.0, 1.0]), 1)),
            Case((np.array([1.0, -1.0]), 0.0, np.array([2.0, 2.0]), -1)),
            Case((np.array([0.5, -2.0, 1.0]), 1.0, np.array([1.0, 1.0, -1.0]), 1)),
            Case((np.array([0.5, -2.0, 1.0]), 1.0, np.array([1.0, 1.0, -1.0]), -1)),
            Case((np.array([2.0, 0.0]), -1.0, np.array([-1.0, 3.0]), 1), {"lr": 0.5}),
        ),
        hint=("A mistake is judged by the sign of y (w^T x + b). Decide carefully whether a point exactly on "
              "the boundary (zero) counts as a mistake."),
        hint2=("Only a mistake changes anything, and then both w and b move in the direction of the label. "
               "Build the new w without touching the array you were given."),
    ),
    Exercise(
        id="1.2",
        name="count_parameters",
        title="Count the weights and biases of a fully connected network",
        reference=count_parameters,
        cases=tuple(Case((sizes,)) for sizes in (
            [784, 10], [2, 3, 1], [1, 1], [4, 8, 8, 3], [784, 256, 10], [3, 5, 5, 5, 2])),
        hint=("Each layer of a fully connected network is one matrix that maps the previous layer to the next. "
              "Count its entries, and remember what every unit adds besides its weights."),
        hint2=("Each unit of layer l+1 has one weight per unit of layer l plus one bias. Sum that over the "
               "consecutive pairs of layers."),
    ),
    Exercise(
        id="1.3",
        name="xor_predict",
        title="Classify XOR data with three perceptrons",
        reference=_xor_reference,
        cases=(Case((_CORNERS,)), Case((make_xor(n=50, rng=0)[0],)), Case((make_xor(n=200, rng=1)[0],))),
        hint=("XOR is not linearly separable, but each of its two +1 corners can be cut off from the -1 "
              "corners... think of two half-planes whose intersection holds exactly the +1 points."),
        hint2=("Two first-layer perceptrons each draw a line; the output perceptron reads their two -1/+1 "
               "outputs and must act as a logical AND. Return one -1/+1 label per row of X."),
    ),
    Exercise(
        id="1.4",
        name="sigmoid_network_output",
        title="Forward propagation of a batch through a sigmoid network",
        reference=_sigmoid_network,
        cases=(
            Case(([np.array([[-30.0, 20.0, 20.0]])], _CORNERS)),
            Case((init_params([2, 3, 1], rng=0), np.random.default_rng(1).normal(size=(5, 2)))),
            Case((init_params([4, 5, 3, 2], rng=2), np.random.default_rng(3).normal(size=(7, 4)))),
        ),
        hint=("Rows of X are examples, so each layer multiplies on the right by a transposed weight matrix. Do "
              "not forget the bias column of every Theta."),
        hint2=("For every Theta: add a column of ones in front of the current activations, multiply by the "
               "transpose of Theta, apply the sigmoid. The output has one row per example."),
    ),
]

EXERCISES += [
    question("1.5", "answer_1_5", "Predict a perceptron update",
             Numeric(-3, atol=1e-9, integer=True),
             hint="First decide whether the point is a mistake: compute y (w^T x + b), and remember that 0 counts.",
             hint2="If it is a mistake, w moves by lr * y * x. Here lr = 1 and y = -1."),
    question("1.6", "answer_1_6", "Why one perceptron cannot compute XOR", Choice("b", "abcd"),
             hint="A perceptron's decision boundary is a line (a hyperplane). Draw the four XOR points.",
             hint2="Ask whether any line puts (0, 1) and (1, 0) on one side and (0, 0), (1, 1) on the other."),
]

DERIVATIONS = [
    Derivation("1.7", "Depth without a nonlinearity adds nothing", points=2.0,
               rubric="1 pt: writes one layer as x -> W x + b and composes two layers into W2 W1 x + (W2 b1 + b2); "
                      "1 pt: concludes by induction that any depth gives one affine map, so e.g. XOR stays out of reach."),
]


def _separable(n, d, seed, offset):
    """Linearly separable data whose boundary misses the origin (so the bias matters), margin >= 0.1."""
    rng = np.random.default_rng(seed)
    w, X = rng.normal(size=d), []
    while len(X) < n:
        x = rng.uniform(-2, 2, size=d)
        if abs(x @ w + offset) / np.linalg.norm(w) >= 0.1:
            X.append(x)
    X = np.array(X)
    return X, np.where(X @ w + offset > 0, 1.0, -1.0)


def _perceptron_run(X, y, max_iter):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_iter):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            if y_i * (w @ x_i + b) <= 0:
                w, b, mistakes = w + y_i * x_i, b + y_i, mistakes + 1
        if mistakes == 0:
            break
    return w, b


def _train_perceptron_judge(X, y, max_iter):
    w_ref, b_ref = _perceptron_run(X, y, max_iter)

    def form(got):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"return a tuple (w, b); got {describe(got)}"
        if np.shape(got[0]) != (X.shape[1],) or np.ndim(got[1]) != 0:
            return f"w must have shape ({X.shape[1]},) and b be a number; got shapes {np.shape(got[0])} and {np.shape(got[1])}"
        return None

    def separates(got):
        margins = y * (X @ np.asarray(got[0], float) + float(got[1]))
        if np.any(margins <= 0):
            i = int(np.argmax(margins <= 0))
            return (f"the returned (w, b) misclassifies training point {i} (y (w^T x + b) = {margins[i] + 0.0:.4g} <= 0), "
                    f"yet this data is linearly separable, so the algorithm must end with no mistakes")
        return None

    def same_run(got):
        problem = compare((w_ref, b_ref), (np.asarray(got[0], float), float(got[1])), 1e-9, 1e-9)
        if problem:
            return ("(w, b) separates the data but is not the perceptron's own answer: start from w = 0, b = 0, sweep "
                    "the points in the order given, and update only on mistakes (" + problem + ")")
        return None

    return Property(f"a tuple (w, b) with w of shape ({X.shape[1]},) that separates the training data, "
                    "the result of the perceptron algorithm", [form, separates, same_run], key=repr((w_ref, b_ref)))


EXERCISES += [
    Exercise(
        id="1.8",
        points=3.0,  # a task of real size weighs three short items
        name="train_perceptron",
        title="The perceptron algorithm: sweep until an epoch without mistakes",
        reference=_train_perceptron_judge,
        cases=(
            Case((np.array([[1.0, 1.0], [2.0, 2.0]]), np.array([-1.0, 1.0]), 100)),
            Case((*_separable(20, 2, 0, 1.5), 1000)),
            Case((*_separable(60, 3, 1, -1.0), 1000)),
            Case((*_separable(40, 5, 2, 2.0), 1000)),
        ),
        hint=("Start from zero weights and bias and visit the points in order; an epoch without any mistake "
              "means the data is separated and you can stop."),
        hint2=("Use the update rule of exercise 1.1 (a margin of exactly 0 is a mistake, and the bias moves too). "
               "Stop after max_iter epochs at the latest."),
    ),
]
