"""Chapter 3 exercises: a stable softmax, the cross-entropy gradient, multiclass prediction with ties."""
import numpy as np

from ..multiclass import DECK_004_WEIGHTS, linear_multiclass_predict
from ..softmax import cross_entropy_grad, softmax
from .judges import Choice, Numeric
from .spec import Case, Derivation, Exercise, question


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
        hint=("exp overflows for large inputs. Softmax does not change when you add the same number to every "
              "logit of a row: which number keeps every exponent at most 0?"),
        hint2=("Shift each row by its own maximum before exponentiating, then normalise each row by its own sum "
               "(mind the axis and keep the row dimension so the division broadcasts)."),
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
        hint=("Differentiate log-sum-exp minus the true class's logit for one row, then remember that the loss "
              "is averaged over rows."),
        hint2=("For one row the gradient is the softmax probabilities minus the one-hot encoding of the true "
               "class. Stack the rows and account for the mean over the n rows. Compute the softmax stably."),
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
        hint=("Compute one score per class for each example; the predicted class is the best score. What "
              "should happen when two classes score the same?"),
        hint2=("Scores have one column per class (examples in rows). On ties the lowest class index wins; the "
               "result is one integer per row."),
    ),
]

EXERCISES += [
    question("3.5", "answer_3_5", "A softmax by hand", Numeric(0.25, rtol=0, atol=1e-4),
             hint="softmax(z)_1 = e^{z_1} / (e^{z_1} + e^{z_2}) with z = (0, ln 3).",
             hint2="e^0 = 1 and e^{ln 3} = 3."),
    question("3.6", "answer_3_6", "Adding a constant to every logit", Choice("b", "abcd"),
             hint="Write softmax(z + c) and factor e^c out of the numerator and the denominator.",
             hint2="What is left after the factor e^c cancels?"),
]

DERIVATIONS = [
    Derivation("3.7", "The gradient of the softmax cross-entropy", points=2.0,
               rubric="1 pt: writes the loss as logsumexp(z) - z_y; 1 pt: differentiates to softmax(z)_k - 1[k = y] "
                      "and says why the rows of the gradient sum to 0."),
]
