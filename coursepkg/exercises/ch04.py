"""Chapter 4 exercises: vectorised distances, the majority vote with ties, Nadaraya-Watson."""
import numpy as np

from ..neighbors import nadaraya_watson, pairwise_distances
from .judges import Choice, Numeric, Property
from .spec import Case, Derivation, Exercise, compare, describe, question


def _euclidean(A, B):
    return pairwise_distances(A, B, "euclidean")


def _majority_vote(neighbor_labels):
    """Most frequent label of each row; on a tie, the smallest of the tied labels."""
    labels = np.asarray(neighbor_labels)
    classes, inverse = np.unique(labels, return_inverse=True)
    counts = np.zeros((labels.shape[0], len(classes)), dtype=int)
    np.add.at(counts, (np.repeat(np.arange(labels.shape[0]), labels.shape[1]), inverse.ravel()), 1)
    return classes[np.argmax(counts, axis=1)]


def _nadaraya_watson(x_train, y_train, x_query, h):
    return nadaraya_watson(x_train, y_train, x_query, h, kernel="gaussian")


_rng = np.random.default_rng(404)
# Pairs of 1-D points 1e-9 apart: the expanded formula ||a||^2 - 2 a.b + ||b||^2 rounds to small negatives
# here (1-D: one product per entry, so the same on every BLAS), and its square root would be NaN.
_near = np.random.default_rng(0)
_x = _near.uniform(1, 10, size=200)
_y = _x + _near.uniform(-1e-9, 1e-9, size=200)
_NEAR = [17, 25, 28, 34, 36, 39, 41, 50]
_NEAR_A, _NEAR_B = _x[_NEAR][:, None], np.vstack([_y[_NEAR][:, None], [[0.0], [5.0]]])

EXERCISES = [
    Exercise(
        id="4.1",
        name="euclidean_distances",
        title="All pairwise Euclidean distances without a Python loop",
        reference=_euclidean,
        cases=(
            Case((np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]]))),
            Case((np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0], [1.0, 1.0], [-1.0, 0.0]]))),
            Case((_rng.normal(size=(7, 3)), _rng.normal(size=(5, 3)))),
            Case((_rng.normal(size=(40, 10)), _rng.normal(size=(60, 10)))),
            Case((_NEAR_A, _NEAR_B)),
        ),
        hint=("Broadcasting can form all differences at once, or expand the squared norm of a difference into "
              "three terms. Rounding can make a tiny squared distance negative."),
        hint2=("The output has one row per row of A and one column per row of B. If you expand the square, clip "
               "negative values at zero before the square root."),
        rtol=1e-7, atol=1e-6,  # the expanded formula loses ~1e-7 at distance 0 for norms ~10
    ),
    Exercise(
        id="4.2",
        name="majority_vote",
        title="Majority vote over the neighbours' labels, ties to the smallest label",
        reference=_majority_vote,
        cases=(
            Case((np.array([[1, 1, 0]]),)),
            Case((np.array([[2, 0, 2, 0]]),)),
            Case((np.array([[3, 1, 2], [5, 5, 1], [7, 3, 7]]),)),
            Case((_rng.integers(0, 4, size=(30, 6)),)),
        ),
        hint=("Count how often each label occurs in a row. On a tie, the smallest tied label wins."),
        hint2=("The labels need not be 0..k-1: work from the distinct labels that occur. Among the labels with "
               "the largest count, pick the smallest; return one label per row."),
    ),
    Exercise(
        id="4.3",
        name="nadaraya_watson",
        title="Nadaraya-Watson kernel smoothing with a Gaussian kernel",
        reference=_nadaraya_watson,
        cases=(
            Case((np.array([0.0, 1.0]), np.array([0.0, 2.0]), np.array([0.5]), 1.0)),
            Case((np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), np.array([0.0, 1.0, 5.0]), 0.5)),
            Case((np.sort(_rng.uniform(size=25)), _rng.normal(size=25), np.linspace(0, 1, 11), 0.1)),
        ),
        hint=("The prediction is a weighted average of the training targets, the weights given by a Gaussian "
              "bump centred at the query point with width h."),
        hint2=("Build a matrix of weights with one row per query and one column per training point, then "
               "normalise each row so its weights sum to one. Constant factors of the kernel cancel."),
    ),
]

EXERCISES += [
    question("4.5", "answer_4_5", "A 5-NN vote with a tie", Numeric(0, atol=0, integer=True),
             hint="Count the votes for each label among the five neighbours' labels 1, 0, 1, 2, 0.",
             hint2="Two labels have the same count; the rule breaks ties towards the smallest label."),
    question("4.6", "answer_4_6", "What k does to the decision boundary", Choice("b", "abcd"),
             hint="Think of the two extremes: k = 1, and k = n (every training point votes).",
             hint2="With k = n every query has the same neighbours."),
]

DERIVATIONS = [
    Derivation("4.7", "The Bayes error and the 1-NN error", points=3.0,
               rubric="1 pt: the Bayes classifier's error at x is min(eta(x), 1 - eta(x)); 1 pt: the asymptotic 1-NN "
                      "error at x is 2 eta(x) (1 - eta(x)) (neighbour and point labelled independently); "
                      "1 pt: shows 2 eta (1 - eta) <= 2 min(eta, 1 - eta), so 1-NN is at most twice the Bayes error."),
]


def _knn_predict(X_train, y_train, X_query, k):
    order = np.argsort(_euclidean(X_query, X_train), axis=1, kind="stable")[:, :k]
    return _majority_vote(y_train[order])


def _cv_errors(X, y, ks, n_folds):
    folds = np.array_split(np.arange(len(y)), n_folds)
    errors = []
    for k in ks:
        wrong = 0
        for held in folds:
            train = np.setdiff1d(np.arange(len(y)), held)
            wrong += np.sum(_knn_predict(X[train], y[train], X[held], k) != y[held])
        errors.append(wrong / len(y))
    return np.array(errors)


def _choose_k_judge(X, y, ks, n_folds):
    errors = _cv_errors(X, y, ks, n_folds)
    ties = [int(k) for k, e in zip(ks, errors) if e <= errors.min() + 1e-12]

    def form(got):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"return a tuple (best_k, cv_errors); got {describe(got)}"
        return compare(errors, got[1], 1e-9, 1e-12, "cv_errors")

    def best(got):
        if got[0] not in ties:
            return (f"best_k = {got[0]!r} does not have the lowest cross-validation error "
                    f"(that is k in {ties}, with error {errors.min():.4g})")
        return None

    return Property(f"(best_k, cv_errors): cv_errors = {describe(errors)}, best_k one of {ties}",
                    [form, best], key=repr(errors))


def _blobs(n, seed, spread):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    centres = np.array([[0.0, 0.0], [2.0, 0.5], [1.0, 2.0]])
    return centres[y] + spread * rng.normal(size=(n, 2)), y


EXERCISES += [
    Exercise(
        id="4.8",
        points=3.0,  # a task of real size weighs three short items
        name="choose_k_by_cv",
        title="Choose k for k-NN by cross-validation",
        reference=_choose_k_judge,
        cases=(
            Case((*_blobs(12, 0, 0.3), [1, 3], 3)),
            Case((*_blobs(60, 1, 0.9), [1, 3, 5, 7, 9, 15], 5)),
            Case((*_blobs(90, 2, 1.2), list(range(1, 30, 2)), 10)),
            Case((*_blobs(75, 3, 1.0), [2, 4, 6, 8, 10, 12], 7)),  # folds of 11 and 10 rows
        ),
        hint=("Each fold is held out once: train on the other folds, predict the held-out points, count the errors. "
              "The CV error of k is the number of errors over all folds divided by n."),
        hint2=("Folds are consecutive blocks of the rows as given, of nearly equal size (the first folds get the extra "
               "rows). A held-out point must never be among its own neighbours. Break vote ties towards the smallest "
               "label, as in exercise 4.2, and return the k of the lowest error (any of the tied ones)."),
    ),
]
