"""Multiclass classification from linear scores and from binary classifiers (one-vs-rest, one-vs-one).

A multiclass linear model keeps one weight vector w_k per class and predicts h(x) = argmax_k w_k^T x + b_k.
With two classes this is the binary rule sign((w_1 - w_0)^T x + b_1 - b_0).

Tie-breaking, everywhere in this module: when several classes share the largest score (or the
largest vote count, after the confidence adjustment of one-vs-one), the class with the **lowest
index** in ``classes_`` wins, as ``numpy.argmax`` returns the first maximum.
"""
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from ._scaling import safe_matmul
from ._validation import (
    as_1d,
    as_2d,
    as_float_array,
    check_choice,
    check_is_fitted,
    encode_labels,
    require_y,
    validate_X,
)

__all__ = [
    "linear_scores", "linear_multiclass_predict", "LinearMulticlass", "OneVsRestClassifier",
    "OneVsOneClassifier", "DECK_004_WEIGHTS",
]

# The three-class example of deck 004: rows are w_1, w_2, w_3 (no biases). Class k of the deck is
# index k - 1 here.
DECK_004_WEIGHTS = np.array([[1.0, -1.0 / 3.0], [-0.5, -0.5], [0.0, 1.0]])


def _check_weights(X, W, b):
    X = as_2d(X)
    W = as_float_array(W, "W")
    if W.ndim != 2 or W.shape[0] == 0:
        raise ValueError(f"W must be 2-D (n_classes, n_features) with at least one class; got shape {W.shape}")
    if W.shape[1] != X.shape[1]:
        raise ValueError(f"W must have {X.shape[1]} columns to match X; got shape {W.shape}")
    b = np.zeros(W.shape[0]) if b is None else as_1d(b, "b")
    if b.shape[0] != W.shape[0]:
        raise ValueError(f"b must have shape ({W.shape[0]},) to match W; got {b.shape}")
    return X, W, b


def linear_scores(X, W, b=None):
    """Scores s_ik = w_k^T x_i + b_k for weights W of shape (C, d); returns shape (n, C)."""
    X, W, b = _check_weights(X, W, b)
    return _scores(X, W, b)


def _scores(X, W, b):
    """X W^T + b for validated inputs; an overflowing score keeps its sign (+-inf), never NaN."""
    with np.errstate(over="ignore", invalid="ignore"):
        return safe_matmul(X, W.T) + b  # an overflowing score is +-inf with its sign, never NaN


def linear_multiclass_predict(X, W, b=None):
    """h(x) = argmax_k w_k^T x + b_k as class indices 0..C-1; ties go to the lowest index.

    Examples
    --------
    >>> linear_multiclass_predict([[2.0, 0.0], [-1.0, -1.0], [0.0, 2.0]], DECK_004_WEIGHTS)
    array([0, 1, 2])
    >>> linear_multiclass_predict([[0.0, 0.0]], DECK_004_WEIGHTS)  # all scores 0: lowest index wins
    array([0])
    """
    return np.argmax(linear_scores(X, W, b), axis=1)


class LinearMulticlass(ClassifierMixin, BaseEstimator):
    """The multiclass linear model argmax_k w_k^T x + b_k with given (not learned) weights.

    Parameters
    ----------
    W : array of shape (C, n_features)
        One weight vector per class, as rows.
    b : array of shape (C,) or None
        Biases (zero if None).
    classes : array of shape (C,) or None
        Label of each row of W; default 0..C-1.

    Examples
    --------
    >>> LinearMulticlass(DECK_004_WEIGHTS, classes=[1, 2, 3]).fit().predict([[0.0, 3.0]])
    array([3])
    """

    def __init__(self, W, *, b=None, classes=None):
        self.W = W
        self.b = b
        self.classes = classes

    def fit(self, X=None, y=None):
        """Nothing to learn: check and store the weights (X and y are ignored, except that X, when
        given, must have as many columns as W)."""
        W = as_float_array(self.W, "W")
        if W.ndim != 2 or W.shape[1] == 0:
            raise ValueError(f"W must be 2-D (n_classes, n_features); got shape {W.shape}")
        _, self.coef_, self.intercept_ = _check_weights(np.zeros((1, W.shape[1])), W, self.b)
        C = self.coef_.shape[0]
        self.classes_ = np.arange(C) if self.classes is None else np.asarray(self.classes)
        if self.classes_.shape != (C,):
            raise ValueError(f"classes must have shape ({C},) to match W; got {self.classes_.shape}")
        self.n_features_in_ = W.shape[1]
        if X is not None:
            validate_X(self, X)
        return self

    def decision_function(self, X):
        """Scores w_k^T x + b_k, shape (n, C)."""
        check_is_fitted(self, "coef_")
        return _scores(validate_X(self, X), self.coef_, self.intercept_)

    def predict(self, X):
        """argmax_k of the scores; ties go to the lowest index."""
        scores = self.decision_function(X)  # checks fitted first
        return self.classes_[np.argmax(scores, axis=1)]


def _binary_score(est, X):
    """A real score that is larger when the binary estimator leans to its positive class (label 1)."""
    if hasattr(est, "decision_function"):
        s = np.asarray(est.decision_function(X), dtype=float)
        return s.ravel() if s.ndim == 2 and s.shape[1] == 1 else s
    if hasattr(est, "predict_proba"):
        return np.asarray(est.predict_proba(X), dtype=float)[:, 1]
    raise ValueError(f"{type(est).__name__} has neither decision_function nor predict_proba")


def _check_binary_estimator(estimator):
    if not (hasattr(estimator, "fit") and hasattr(estimator, "get_params")
            and (hasattr(estimator, "decision_function") or hasattr(estimator, "predict_proba"))):
        raise ValueError("estimator must be a binary classifier with fit and decision_function (or predict_proba), "
                         f"e.g. Perceptron(); got {type(estimator).__name__}")


def _check_Xy(est, X, y):
    _check_binary_estimator(est.estimator)
    require_y(est, y)
    X = validate_X(est, X, reset=True)
    classes, y_idx = encode_labels(y, X.shape[0], min_classes=2)
    return X, classes, y_idx


def _binary_decision(S):
    """With two classes scikit-learn's decision_function is one score, > 0 for classes_[1]."""
    return S[:, 1] - S[:, 0] if S.shape[1] == 2 else S


class OneVsRestClassifier(ClassifierMixin, BaseEstimator):
    """One-vs-rest: C binary classifiers, the k-th trained to tell class k (label 1) from all others (0).

    Parameters
    ----------
    estimator : binary classifier
        Any classifier of this package (e.g. :class:`coursepkg.perceptron.Perceptron`) or of
        scikit-learn with ``fit`` and ``decision_function`` (or ``predict_proba``); it is cloned.

    Attributes
    ----------
    estimators_ : list of C fitted binary classifiers
    classes_ : array of shape (C,)

    Notes
    -----
    Prediction is argmax_k f_k(x), where f_k is the k-th classifier's ``decision_function`` (or its
    probability of label 1). The ambiguous regions (every f_k < 0, or several f_k > 0) are
    resolved by the scores; exactly equal scores go to the lowest class index. (scikit-learn's
    ``OneVsRestClassifier`` gives exact ties to the highest index; with real-valued scores exact ties
    are rare.) Cost: C trainings, each on all n examples.
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y):
        X, self.classes_, y_idx = _check_Xy(self, X, y)
        self.estimators_ = [clone(self.estimator).fit(X, (y_idx == k).astype(int)) for k in range(len(self.classes_))]
        return self

    def _scores(self, X):
        check_is_fitted(self, "estimators_")
        X = validate_X(self, X)
        return np.column_stack([_binary_score(est, X) for est in self.estimators_])

    def decision_function(self, X):
        """Scores f_k(x), shape (n, C); with two classes f_1(x) - f_0(x), shape (n,)."""
        return _binary_decision(self._scores(X))

    def predict(self, X):
        """argmax_k f_k(x); exactly tied scores go to the lowest class index."""
        scores = self._scores(X)  # checks fitted first
        return self.classes_[np.argmax(scores, axis=1)]


class OneVsOneClassifier(ClassifierMixin, BaseEstimator):
    """One-vs-one: a binary classifier for every pair of classes i < j, then a vote.

    Parameters
    ----------
    estimator : binary classifier
        As for :class:`OneVsRestClassifier`; it must also have ``predict``.
    tie_break : {"confidence", "lowest"}, default="confidence"
        How equal vote counts are resolved. ``"confidence"``: add to each class's votes its summed
        confidence S_k squashed to S_k / (3 (|S_k| + 1)), which lies in (-1/3, 1/3) and so never
        overturns a difference of one vote (the rule of ``sklearn.multiclass.OneVsOneClassifier``);
        remaining ties go to the lowest index. ``"lowest"``: votes only; ties go to the lowest index.

    Attributes
    ----------
    estimators_ : list of C (C - 1) / 2 fitted binary classifiers, pairs (0, 1), (0, 2), ..., (C-2, C-1)
    pairs_ : list of (i, j)
    classes_ : array of shape (C,)

    Notes
    -----
    The classifier for (i, j) is trained only on the examples of classes i and j, with label 0 for i
    and 1 for j. It votes for j when it predicts 1, else for i; its confidence f_ij(x) (the decision
    function) adds to S_j and subtracts from S_i. Cost: C (C - 1) / 2 trainings, each on about 2n / C
    examples.
    """

    def __init__(self, estimator, *, tie_break="confidence"):
        self.estimator = estimator
        self.tie_break = tie_break

    def fit(self, X, y):
        check_choice(self.tie_break, "tie_break", ("confidence", "lowest"))
        X, self.classes_, y_idx = _check_Xy(self, X, y)
        C = len(self.classes_)
        self.pairs_ = [(i, j) for i in range(C) for j in range(i + 1, C)]
        self.estimators_ = []
        for i, j in self.pairs_:
            mask = (y_idx == i) | (y_idx == j)
            self.estimators_.append(clone(self.estimator).fit(X[mask], (y_idx[mask] == j).astype(int)))
        return self

    def votes(self, X):
        """Vote counts, shape (n, C)."""
        check_is_fitted(self, "estimators_")
        X = validate_X(self, X)
        V = np.zeros((X.shape[0], len(self.classes_)))
        for (i, j), est in zip(self.pairs_, self.estimators_):
            to_j = (np.asarray(est.predict(X)) == 1).astype(float)
            V[:, j] += to_j
            V[:, i] += 1.0 - to_j
        return V

    def decision_function(self, X):
        """Votes plus (with ``tie_break="confidence"``) the squashed summed confidences, shape (n, C);
        with two classes the difference of the two columns, shape (n,)."""
        return _binary_decision(self._scores(X))

    def _scores(self, X):
        V = self.votes(X)
        if self.tie_break == "lowest":
            return V
        X = validate_X(self, X)
        S = np.zeros_like(V)
        for (i, j), est in zip(self.pairs_, self.estimators_):
            f = _binary_score(est, X)
            S[:, j] += f
            S[:, i] -= f
        return V + S / (3.0 * (np.abs(S) + 1.0))

    def predict(self, X):
        """The class with the highest :meth:`decision_function`; exact ties go to the lowest index."""
        scores = self._scores(X)  # checks fitted first
        return self.classes_[np.argmax(scores, axis=1)]
