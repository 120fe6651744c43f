"""Chapter 3 exercises: a stable softmax, the cross-entropy gradient, multiclass prediction with ties."""
import numpy as np

from ..multiclass import DECK_004_WEIGHTS, linear_multiclass_predict
from ..softmax import cross_entropy_grad, softmax
from .judges import Choice, Numeric, Property
from .spec import Case, Derivation, Exercise, describe, question


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


def _three_classes(n, seed):
    """Three classes along the positive x_1 axis: without a bias, one class wins every x_1 > 0."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    X = np.column_stack([1.0 + 2.0 * y + 0.5 * rng.normal(size=n), 0.5 * rng.normal(size=n)])
    return X, y


def _softmax_loss(X, y, W, b):
    Z = X @ W.T + b
    Z = Z - Z.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(len(y)), y]))


def _sgd_reference(X, y, n_classes, lr, n_epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    W, b, losses = np.zeros((n_classes, X.shape[1])), np.zeros(n_classes), []
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            rows = order[start:start + batch_size]
            G = softmax(X[rows] @ W.T + b) - np.eye(n_classes)[y[rows]]
            W, b = W - lr * G.T @ X[rows] / len(rows), b - lr * G.mean(axis=0)
        losses.append(_softmax_loss(X, y, W, b))
    return W, b, np.array(losses)


def _softmax_sgd_judge(X, y, n_classes, lr, n_epochs, batch_size, seed):
    W_ref, b_ref, losses_ref = _sgd_reference(X, y, n_classes, lr, n_epochs, batch_size, seed)
    X_test, y_test = _three_classes(300, 99)
    ref_accuracy = float(np.mean(np.argmax(X_test @ W_ref.T + b_ref, axis=1) == y_test))
    bar_accuracy, bar_loss = ref_accuracy - 0.05, 1.1 * losses_ref[-1] + 0.02

    def form(got):
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return f"return a tuple (W, b, losses); got {describe(got)}"
        shapes = tuple(np.shape(g) for g in got)
        if shapes != ((n_classes, X.shape[1]), (n_classes,), (n_epochs,)):
            return (f"W, b, losses must have shapes {(n_classes, X.shape[1])}, {(n_classes,)}, {(n_epochs,)} "
                    f"(one loss per epoch); got {shapes}")
        if not np.all(np.isfinite(np.asarray(got[2], float))):
            return "the losses contain NaN or inf: the softmax overflowed (numerical stability) or the step diverged"
        return None

    def losses_honest(got):
        W, b, losses = (np.asarray(g, float) for g in got)
        actual = _softmax_loss(X, y, W, b)
        if abs(losses[-1] - actual) > 1e-6 * max(1.0, actual):
            return (f"losses[-1] = {losses[-1]:.6g} but the mean cross-entropy of the returned (W, b) on the training "
                    f"data is {actual:.6g}: record the full training loss after each epoch")
        if not losses[-1] < losses[0] - 1e-3:
            return f"the training loss did not decrease: first epoch {losses[0]:.4g}, last {losses[-1]:.4g}"
        return None

    def trained(got):
        W, b, losses = (np.asarray(g, float) for g in got)
        if losses[-1] > bar_loss:
            return (f"final training loss {losses[-1]:.4g} is above the bar {bar_loss:.4g} "
                    f"(1.1 x the reference's {losses_ref[-1]:.4g} + 0.02)")
        accuracy = float(np.mean(np.argmax(X_test @ W.T + b, axis=1) == y_test))
        if accuracy < bar_accuracy:
            return f"held-out accuracy {accuracy:.3f} is below the bar {bar_accuracy:.3f} (reference {ref_accuracy:.3f})"
        return None

    return Property(f"a tuple (W {(n_classes, X.shape[1])}, b {(n_classes,)}, losses {(n_epochs,)}): training loss "
                    f"falling to at most {bar_loss:.4g}, held-out accuracy at least {bar_accuracy:.3f}",
                    [form, losses_honest, trained], key=repr((losses_ref, ref_accuracy)))


_X3, _y3 = _three_classes(150, 0)

EXERCISES += [
    Exercise(
        id="3.8",
        points=3.0,  # a task of real size weighs three short items
        name="softmax_regression_sgd",
        title="Train softmax regression by mini-batch SGD",
        reference=_softmax_sgd_judge,
        cases=(
            Case((_X3, _y3, 3, 0.5, 30, 16, 0)),
            Case((_X3[:60], _y3[:60], 3, 0.3, 40, 8, 1)),
            Case((_X3, _y3, 3, 0.1, 60, 150, 2)),
        ),
        hint=("Each epoch visits every example once, in a fresh random order, in batches of batch_size. "
              "Start from zero weights; the gradient of the mean loss is your exercise 3.2 applied to a batch."),
        hint2=("For a batch, the logits gradient G (one row per example) gives the weight gradient G^T X_batch and "
               "the bias gradient as G summed over the batch, both divided by the batch size. Both W and b step. "
               "After each epoch append the mean loss over the whole training set."),
        rtol=1e-6, atol=1e-8,
    ),
]
