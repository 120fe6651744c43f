"""The readable k-NN ("every distance, stable sort, take k") and the fast chunked search agree."""
import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from coursepkg.neighbors import kneighbors
from coursepkg.neighbors._search import kneighbors_chunked

BIG = 2**40  # a working memory that holds every distance: kneighbors takes the readable path


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "mahalanobis"])
@pytest.mark.parametrize("seed", range(6))
def test_the_two_paths_agree_exactly_on_integer_data_with_ties(metric, seed):
    rng = np.random.default_rng(seed)
    m, n, d = rng.integers(1, 40), rng.integers(5, 300), rng.integers(1, 5)
    k = int(rng.integers(1, min(n, 20) + 1))
    X_train = rng.integers(-3, 4, size=(n, d)).astype(float)  # few values: many exact ties
    X_query = rng.integers(-3, 4, size=(m, d)).astype(float)
    VI = np.eye(d) * 2.0 if metric == "mahalanobis" else None
    d_read, i_read = kneighbors(X_query, X_train, k, metric=metric, VI=VI, working_memory=BIG)
    d_fast, i_fast = kneighbors_chunked(X_query, X_train, k, metric, VI, working_memory=8 * n * 3)  # 3-row chunks
    np.testing.assert_array_equal(i_fast, i_read)
    np.testing.assert_allclose(d_fast, d_read, rtol=1e-12, atol=1e-12)


def test_the_public_function_switches_to_the_fast_path_and_keeps_the_answer():
    rng = np.random.default_rng(7)
    X_train, X_query = rng.normal(size=(500, 8)), rng.normal(size=(60, 8))
    readable = kneighbors(X_query, X_train, 7, working_memory=BIG)
    chunked = kneighbors(X_query, X_train, 7, working_memory=8 * 500 * 10)  # too small: chunked path
    np.testing.assert_array_equal(chunked[1], readable[1])
    np.testing.assert_allclose(chunked[0], readable[0], rtol=1e-12)
    # and both are scikit-learn's brute-force neighbours
    dist, ind = NearestNeighbors(n_neighbors=7, algorithm="brute").fit(X_train).kneighbors(X_query)
    np.testing.assert_array_equal(readable[1], ind)
    np.testing.assert_allclose(readable[0], dist, rtol=1e-10)
