"""Chapter 3 exercises: a stable softmax, the cross-entropy gradient, multiclass prediction with ties."""
import numpy as np

from ..multiclass import DECK_004_WEIGHTS, linear_multiclass_predict
from ..softmax import cross_entropy_grad, softmax
from .spec import Case, Exercise


def _stable_softmax(Z):
    return softmax(Z, axis=-1)


def _ce_grad(logits, y):
    return cross_entropy_grad(logits, y)


def _argmax_predict(X, W, b):
    return linear_multiclass_predict(X, W, b)


_rng = np.random.default_rng(3)
_TIES = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 1.0], [2.0, -1.0]])

EXERCISES = [
    Exercise(
        id="3.1",
        name="stable_softmax",
        title="A numerically stable softmax",
        reference=_stable_softmax,
        cases=(
            Case((np.array([[0.0, np.log(3.0)]]),)),
            Case((_rng.normal(size=(5, 4)),)),
            Case((np.array([[1000.0, 1000.0, 999.0], [-1000.0, -1001.0, -1002.0]]),)),
            Case((np.array([[1e4, -1e4, 0.0], [5.0, -np.inf, 5.0]]),)),
        ),
        hint="Subtract each row's maximum before exponentiating: softmax(z) = softmax(z - max z), and then "
             "every exponent is <= 0, so exp never overflows; exp(-inf) = 0 is fine. Divide by the row sums "
             "(keepdims=True) and return an array of the same shape as Z.",
    ),
    Exercise(
        id="3.2",
        name="cross_entropy_grad",
        title="The gradient of the mean cross-entropy with respect to the logits",
        reference=_ce_grad,
        cases=(
            Case((np.zeros((1, 2)), np.array([1]))),
            Case((_rng.normal(size=(6, 3)), np.array([0, 1, 2, 2, 1, 0]))),
            Case((3.0 * _rng.normal(size=(10, 5)), _rng.integers(0, 5, size=10))),
            Case((np.array([[800.0, 0.0, -800.0]]), np.array([2]))),
        ),
        hint="For one row, d/dz_k [logsumexp(z) - z_y] = softmax(z)_k - 1[k = y]. Build the one-hot matrix Y "
             "(Y[i, y_i] = 1), take softmax row by row (stably) minus Y, and divide by n, the number of rows, "
             "because the loss is the mean over rows.",
    ),
    Exercise(
        id="3.3",
        name="argmax_predict",
        title="Multiclass linear prediction argmax_k w_k^T x + b_k, with ties",
        reference=_argmax_predict,
        cases=(
            Case((np.array([[2.0, 0.0], [-1.0, -1.0], [0.0, 2.0]]), DECK_004_WEIGHTS, np.zeros(3))),
            Case((_TIES, np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]), np.zeros(3))),
            Case((_TIES, np.zeros((4, 2)), np.array([0.0, 1.0, 1.0, 0.0]))),
            Case((_rng.normal(size=(20, 3)), _rng.normal(size=(5, 3)), _rng.normal(size=5))),
        ),
        hint="Scores S = X @ W.T + b have one column per class. Return, for each row, the index of the largest "
             "score; when several classes tie, the lowest index wins (np.argmax already does this). The result "
             "is an int array of shape (n,).",
    ),
]
