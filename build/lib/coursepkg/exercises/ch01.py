"""Chapter 1 exercises: the perceptron rule, counting parameters, XOR, forward propagation."""
import numpy as np

from ..datasets import make_xor
from ..mlp import count_parameters, init_params, predict_output
from ..perceptron import XOR_PERCEPTRONS, perceptron_update, two_layer_perceptron
from .spec import Case, Exercise


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
        hint="A mistake is y (w^T x + b) <= 0 (zero counts as a mistake). Only then w <- w + lr*y*x and "
             "b <- b + lr*y. Return (w_new, b_new, mistake) and do not modify the w you were given.",
    ),
    Exercise(
        id="1.2",
        name="count_parameters",
        title="Count the weights and biases of a fully connected network",
        reference=count_parameters,
        cases=tuple(Case((sizes,)) for sizes in (
            [784, 10], [2, 3, 1], [1, 1], [4, 8, 8, 3], [784, 256, 10], [3, 5, 5, 5, 2])),
        hint="Layer l maps s_l inputs to s_{l+1} outputs with a matrix Theta of shape s_{l+1} x (s_l + 1): "
             "the +1 is the bias column. Sum the sizes over consecutive pairs of layers.",
    ),
    Exercise(
        id="1.3",
        name="xor_predict",
        title="Classify XOR data with three perceptrons",
        reference=_xor_reference,
        cases=(Case((_CORNERS,)), Case((make_xor(n=50, rng=0)[0],)), Case((make_xor(n=200, rng=1)[0],))),
        hint="Find two lines that put the +1 points (near (0, 1) and (1, 0)) between them; h_A and h_B are "
             "those two perceptrons. h_C reads (h_A, h_B) in {-1, +1}^2 and must output +1 only when both "
             "are +1. Return an array of -1/+1 labels, one per row of X.",
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
        hint="Rows of X are examples. For each Theta: prepend a column of ones to the current activations A, "
             "compute Z = A_with_ones @ Theta.T, then A = sigmoid(Z). Return the last A, shape (n, s_L).",
    ),
]
