"""Multiclass linear models and the OvR / OvO reductions against scikit-learn and closed forms."""
import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.multiclass import OneVsOneClassifier as SkOvO
from sklearn.multiclass import OneVsRestClassifier as SkOvR

from coursepkg.multiclass import (
    DECK_004_WEIGHTS,
    LinearMulticlass,
    OneVsOneClassifier,
    OneVsRestClassifier,
    linear_multiclass_predict,
)
from coursepkg.perceptron import Perceptron

pytestmark = pytest.mark.ch3


# ---------------------------------------------------------------- the deck-004 example


@pytest.mark.parametrize("point, cls", [
    ((1.0, 0.0), 0), ((1.0, -2.0), 0), ((3.0, 1.0), 0),      # blue: w1 = (1, -1/3) wins
    ((-1.0, 0.0), 1), ((-1.0, -1.0), 1), ((-2.0, 0.5), 1),   # orange: w2 = (-1/2, -1/2)
    ((0.0, 1.0), 2), ((-0.2, 0.5), 2), ((1.0, 3.0), 2),      # green: w3 = (0, 1)
])
def test_deck_004_regions_classify_hand_picked_points(point, cls):
    assert linear_multiclass_predict([point], DECK_004_WEIGHTS)[0] == cls


def test_binary_case_is_w_equals_w1_minus_w2():
    """argmax over (w1, w2) equals 1[(w1 - w2)^T x >= 0] with w = (3/2, 1/6)."""
    X = np.random.default_rng(0).normal(size=(400, 2))
    W = DECK_004_WEIGHTS[:2]
    np.testing.assert_allclose(W[0] - W[1], [1.5, 1.0 / 6.0])
    expected = np.where(X @ np.array([1.5, 1.0 / 6.0]) >= 0, 0, 1)
    np.testing.assert_array_equal(linear_multiclass_predict(X, W), expected)


def test_linear_model_matches_sklearn_argmax_of_given_weights():
    rng = np.random.default_rng(1)
    X, y = make_blobs(60, centers=4, random_state=0)
    W, b = rng.normal(size=(4, 2)), rng.normal(size=4)
    sk = LogisticRegression().fit(X, y)
    sk.coef_, sk.intercept_ = W, b
    np.testing.assert_array_equal(LinearMulticlass(W, b=b).fit().predict(X), sk.predict(X))


# ---------------------------------------------------------------- OvR / OvO vs scikit-learn's wrappers


def _data():
    return make_blobs(150, centers=4, cluster_std=2.0, random_state=3)


BINARY = [Perceptron(max_iter=30), SkPerceptron(random_state=0), LogisticRegression()]


@pytest.mark.parametrize("binary", BINARY, ids=["ours", "sk-perceptron", "sk-logreg"])
def test_ovr_matches_sklearn(binary):
    X, y = _data()
    ours, theirs = OneVsRestClassifier(binary).fit(X, y), SkOvR(binary).fit(X, y)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))  # continuous scores: no exact ties here


@pytest.mark.parametrize("binary", BINARY, ids=["ours", "sk-perceptron", "sk-logreg"])
def test_ovo_matches_sklearn(binary):
    X, y = _data()
    ours, theirs = OneVsOneClassifier(binary).fit(X, y), SkOvO(binary).fit(X, y)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    # the squashed confidences lie in (-1/3, 1/3): rounding recovers the vote counts
    np.testing.assert_array_equal(ours.votes(X), np.round(theirs.decision_function(X)))
    assert len(ours.estimators_) == 4 * 3 // 2


def test_ovo_lowest_index_tie_break():
    X, y = _data()
    clf = OneVsOneClassifier(LogisticRegression(), tie_break="lowest").fit(X, y)
    V = clf.votes(X)
    expected = np.array([np.flatnonzero(row == row.max())[0] for row in V])
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[expected])
    assert V.sum(axis=1).tolist() == [6.0] * len(X)


class _Constant:
    """A binary 'classifier' whose score is the same constant everywhere (to force exact ties)."""

    def __init__(self, value=0.0):
        self.value = value

    def get_params(self, deep=True):
        return {"value": self.value}

    def set_params(self, **params):
        self.value = params.get("value", self.value)
        return self

    def fit(self, X, y):
        return self

    def decision_function(self, X):
        return np.full(len(X), self.value)

    def predict(self, X):
        return (self.decision_function(X) >= 0).astype(int)


def test_ovr_exact_ties_go_to_the_lowest_class():
    X, y = _data()
    clf = OneVsRestClassifier(_Constant()).fit(X, np.array(["d", "b", "c", "a"])[y])
    assert set(clf.predict(X)) == {"a"}


def test_multiclass_reductions_reach_good_accuracy():
    X, y = make_blobs(200, centers=3, random_state=0)
    for clf in (OneVsRestClassifier(LogisticRegression()), OneVsOneClassifier(Perceptron())):
        assert clf.fit(X, y).score(X, y) > 0.9


@pytest.mark.parametrize("call, message", [
    (lambda: OneVsRestClassifier(Perceptron()).fit(np.ones((4, 2)), [0, 0, 0, 0]), "at least 2 classes"),
    (lambda: OneVsRestClassifier(Perceptron()).fit(np.full((3, 2), np.nan), [0, 1, 2]), "NaN"),
    (lambda: OneVsOneClassifier(Perceptron()).fit(np.ones((3, 2)), [0, 1]), r"shape \(3,\)"),
    (lambda: OneVsOneClassifier(Perceptron(), tie_break="random").fit(np.ones((3, 2)), [0, 1, 2]), "tie_break"),
    (lambda: OneVsOneClassifier(Perceptron()).predict(np.ones((3, 2))), "not fitted"),
    (lambda: linear_multiclass_predict(np.ones((3, 2)), np.ones((4, 3))), "3 columns|2 columns"),
    (lambda: linear_multiclass_predict(np.ones(2), DECK_004_WEIGHTS), "2-D"),
    (lambda: linear_multiclass_predict(np.ones((1, 2)), DECK_004_WEIGHTS, b=[0.0, 1.0]), r"b must have shape \(3,\)"),
])
def test_bad_input_raises_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
