"""The perceptron h(x) = sign(w^T x + b) and Rosenblatt's learning rule.

Notation: x in R^d is one example, y in {-1, +1} its label, w in R^d the weights, b the bias.
sign(z) = +1 for z >= 0 and -1 for z < 0, as in the lectures.
"""
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from ._scaling import safe_matmul
from ._validation import (
    BinaryClassifierMixin,
    as_1d,
    as_2d,
    as_float_array,
    as_rng,
    check_bool,
    check_integer,
    check_is_fitted,
    check_labels_pm1,
    check_positive,
    check_real,
    encode_binary_labels,
    require_y,
    validate_X,
)

__all__ = [
    "sign", "perceptron_predict", "perceptron_update", "Perceptron", "margin", "mistake_bound",
    "XOR_PERCEPTRONS", "two_layer_perceptron",
]


def sign(z):
    """sign(z) = +1 for z >= 0 and -1 otherwise (so that every point gets a class).

    Examples
    --------
    >>> sign([-0.5, 0.0, 2.0])
    array([-1.,  1.,  1.])
    """
    return _sign(as_float_array(z, "z"))


def _sign(z):
    """sign of validated scores; +-inf (an overflowing score) keeps its sign."""
    return np.where(z >= 0, 1.0, -1.0)


def perceptron_predict(X, w, b):
    """Labels sign(X w + b) for the rows of X (shape (n, d)); returns shape (n,)."""
    X = as_2d(X)
    w = as_1d(w, "w")
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X; got {w.shape}")
    b = check_real(b, "b")
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ w + b
    return _sign(_finite_scores(z, X, w, b))


def _finite_scores(z, X, w, b):
    """Scores whose sign is meaningful where X w + b overflowed: the sign of the largest term wins."""
    if np.all(np.isfinite(z)):
        return z
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.isfinite(z), z, safe_matmul(X, w) + b)  # +-inf with the right sign


def perceptron_update(w, b, x, y, lr=1.0):
    """One step of the perceptron learning rule on the example (x, y).

    Parameters
    ----------
    w : array of shape (d,)
        Current weights.
    b : float
        Current bias.
    x : array of shape (d,)
        One example.
    y : {-1, +1}
        Its label.
    lr : float, default=1.0
        Step size eta > 0. With w = b = 0 at the start it only rescales the solution.

    Returns
    -------
    w_new : array of shape (d,)
    b_new : float
    mistake : bool
        Whether (x, y) was misclassified, i.e. whether an update happened.

    Notes
    -----
    A mistake is y (w^T x + b) <= 0; then w <- w + eta y x and b <- b + eta y; otherwise
    nothing changes. The update moves w^T x + b towards y by eta y (||x||^2 + 1).
    Symbols: w <-> ``w``, b <-> ``b``, eta <-> ``lr``.

    Examples
    --------
    >>> w, b, mistake = perceptron_update(np.zeros(2), 0.0, np.array([1.0, 2.0]), -1)
    >>> w, b, mistake
    (array([-1., -2.]), -1.0, True)
    >>> perceptron_update(w, b, np.array([1.0, 2.0]), -1)[2]
    False
    """
    w = as_1d(w, "w")
    x = as_1d(x, "x")
    if x.shape != w.shape:
        raise ValueError(f"x must have shape {w.shape} to match w; got {x.shape}")
    if isinstance(y, (bool, np.bool_)) or not isinstance(y, (int, float, np.integer, np.floating)) or y not in (-1, 1):
        raise ValueError(f"y must be -1 or +1; got {y!r}")
    b = check_real(b, "b")
    lr = check_positive(lr, "lr")
    with np.errstate(over="ignore", invalid="ignore"):
        score = float(_finite_scores(np.atleast_1d(w @ x + b), x[None, :], w, b)[0])
    if y * score <= 0:
        with np.errstate(over="ignore"):
            w_new, b_new = w + lr * y * x, b + lr * y
        if not (np.all(np.isfinite(w_new)) and np.isfinite(b_new)):
            raise ValueError("the update overflowed (w + lr y x beyond 1.8e308): lower lr or scale x")
        return w_new, float(b_new), True
    return w.copy(), b, False


def margin(X, y, w, b):
    """Geometric margin gamma = min_i y_i (w^T x_i + b) / ||(w, b)||, in the augmented space.

    Positive exactly when (w, b) separates the data. Used in the mistake bound.
    """
    X = as_2d(X)
    y = check_labels_pm1(y, n=X.shape[0])
    w = as_1d(w, "w")
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X; got {w.shape}")
    b = check_real(b, "b")
    scale = max(float(np.max(np.abs(w))), abs(b))  # ||(w, b)|| without overflow or underflow
    if scale == 0:
        raise ValueError("(w, b) must not be all zeros: the margin of the zero hyperplane is undefined")
    w_s, b_s = w / scale, b / scale
    norm = np.sqrt(np.dot(w_s, w_s) + b_s * b_s)
    with np.errstate(over="ignore"):
        return float(np.min(y * (X @ w_s + b_s)) / norm)


def mistake_bound(X, y, w, b):
    """Novikoff's bound (R / gamma)^2 on the perceptron's total number of mistakes.

    Notes
    -----
    With the bias folded in as a constant feature, x~ = (x, 1), R = max_i ||x~_i|| and gamma is
    the :func:`margin` of any separating (w, b). Starting from zero, the rule with any lr makes at
    most (R / gamma)^2 mistakes in total (Novikoff 1962).
    """
    X = as_2d(X)
    gamma = margin(X, y, w, b)
    if gamma <= 0:
        raise ValueError("(w, b) does not separate the data; the bound needs a separating hyperplane")
    with np.errstate(over="ignore"):
        R = np.sqrt(np.max(np.sum(X**2, axis=1) + 1.0))
        return float((R / gamma) ** 2)  # +inf when the bound exceeds 1.8e308


class Perceptron(BinaryClassifierMixin, ClassifierMixin, BaseEstimator):
    """Rosenblatt's perceptron, trained with the perceptron learning rule.

    Parameters
    ----------
    lr : float, default=1.0
        Step size eta > 0 of :func:`perceptron_update`.
    max_iter : int, default=100
        Passes (epochs) over the data, >= 1. Training stops earlier after an epoch with no mistake;
        a ``ConvergenceWarning`` says when the last epoch still made mistakes.
    shuffle : bool, default=False
        Visit the examples in a new random order each epoch.
    random_state : Generator, int or None
        Randomness for ``shuffle``.

    Attributes
    ----------
    coef_ : array of shape (n_features,)
        Weights w.
    intercept_ : float
        Bias b.
    mistakes_ : list of int
        Mistakes (updates) made in each epoch; the last is 0 when training converged.
    converged_ : bool
        True when an epoch made no mistake, i.e. the training data are separated.
    classes_ : array of shape (2,)
        The two labels seen in fit, sorted (any two labels); the first is trained as -1, the second as +1.
    n_iter_ : int
        Epochs run.

    Examples
    --------
    >>> X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-3.0, 1.0]])
    >>> clf = Perceptron().fit(X, [1, 1, -1, -1])
    >>> clf.predict(X), clf.converged_
    (array([ 1,  1, -1, -1]), True)
    """

    def __init__(self, lr=1.0, *, max_iter=100, shuffle=False, random_state=None):
        self.lr = lr
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state

    def fit(self, X, y):
        require_y(self, y)
        X = validate_X(self, X, reset=True)
        self.classes_, y_pm = encode_binary_labels(self, y, X.shape[0])
        max_iter = check_integer(self.max_iter, "max_iter", low=1)
        lr = check_positive(self.lr, "lr")
        shuffle = check_bool(self.shuffle, "shuffle")
        rng = as_rng(self.random_state, "random_state")
        w, b = np.zeros(X.shape[1]), 0.0
        self.mistakes_ = []
        for _ in range(max_iter):
            order = rng.permutation(len(X)) if shuffle else range(len(X))
            count = 0
            for i in order:
                w, b, mistake = perceptron_update(w, b, X[i], int(y_pm[i]), lr)
                count += mistake
            self.mistakes_.append(count)
            if count == 0:
                break
        self.coef_, self.intercept_ = w, b
        self.n_iter_ = len(self.mistakes_)
        self.converged_ = self.mistakes_[-1] == 0
        if not self.converged_:
            warnings.warn(f"Perceptron made {self.mistakes_[-1]} mistakes in its last epoch (max_iter={max_iter}): "
                          "the data may not be linearly separable, or more epochs are needed",
                          ConvergenceWarning, stacklevel=2)
        return self

    def decision_function(self, X):
        """Scores w^T x + b, shape (n,); > 0 leans to ``classes_[1]``."""
        check_is_fitted(self, "coef_")
        X = validate_X(self, X)
        with np.errstate(over="ignore", invalid="ignore"):
            return _finite_scores(X @ self.coef_ + self.intercept_, X, self.coef_, self.intercept_)

    def predict(self, X):
        """Labels in the set seen in fit: ``classes_[1]`` where sign(w^T x + b) = +1."""
        s = _sign(self.decision_function(X))
        return self.classes_[(s > 0).astype(int)]


# The design challenge: XOR from three perceptrons. h_A and h_B each cut the plane with a line;
# h_C reads (h_A, h_B) in {-1, +1}^2 and fires only when both fire: an AND, sign(h_A + h_B - 1).
XOR_PERCEPTRONS = {
    "A": (np.array([1.0, 1.0]), -0.5),   # above the line x_1 + x_2 = 0.5
    "B": (np.array([-1.0, -1.0]), 1.5),  # below the line x_1 + x_2 = 1.5
    "C": (np.array([1.0, 1.0]), -1.0),   # AND of h_A and h_B
}


def two_layer_perceptron(X, hidden, output):
    """Evaluate a network of perceptrons: h_C(h_A(x), h_B(x), ...).

    Parameters
    ----------
    X : array of shape (n, d)
    hidden : list of (w, b)
        The first-layer perceptrons, each w of shape (d,).
    output : (w, b)
        The output perceptron, w of shape (len(hidden),), reading the hidden labels in {-1, +1}.

    Returns
    -------
    array of shape (n,), labels in {-1, +1}

    Examples
    --------
    >>> corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> P = XOR_PERCEPTRONS
    >>> two_layer_perceptron(corners, [P["A"], P["B"]], P["C"])
    array([-1.,  1.,  1., -1.])
    """
    X = as_2d(X)
    if not isinstance(hidden, (list, tuple)) or len(hidden) == 0:
        raise ValueError(f"hidden must be a non-empty list of (w, b) pairs; got {type(hidden).__name__}")
    units = [_unit(unit, f"hidden[{i}]") for i, unit in enumerate(hidden)]
    H = np.column_stack([_predict(X, w, b, f"hidden[{i}]") for i, (w, b) in enumerate(units)])
    w_out, b_out = _unit(output, "output")
    return _predict(H, w_out, b_out, "output")


def _unit(unit, name):
    """(w, b) of one perceptron, checked under ``name``."""
    if not isinstance(unit, (list, tuple)) or len(unit) != 2:
        raise ValueError(f"{name} must be a pair (w, b); got {type(unit).__name__}")
    w, b = unit
    try:
        return as_1d(w, "w"), check_real(b, "b")
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _predict(X, w, b, name):
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"{name}: w must have shape ({X.shape[1]},) to read its inputs; got {w.shape}")
    return perceptron_predict(X, w, b)
