"""Chapter 4 exercises: vectorised distances, the majority vote with ties, Nadaraya-Watson."""
import numpy as np

from ..neighbors import nadaraya_watson, pairwise_distances
from .spec import Case, Exercise


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
        ),
        hint="Return D of shape (m, n) with D[i, j] = ||A[i] - B[j]||. Broadcast A[:, None, :] - B[None, :, :] "
             "or expand ||a||^2 - 2 a.b + ||b||^2 (then clip tiny negatives at 0 before the square root).",
        rtol=1e-7, atol=1e-9,
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
        hint="neighbor_labels has shape (m, k); return shape (m,). Count each label in a row; among the labels "
             "with the largest count return the smallest one (np.argmax returns the first maximum).",
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
        hint="f(x0) = sum_i K((x_i - x0)/h) y_i / sum_i K((x_i - x0)/h) with K(u) = exp(-u^2/2); the "
             "normalising constant of K cancels. Build the (m, n) weight matrix by broadcasting.",
    ),
]
