"""The torch k-NN against the numpy one (CPU always; CUDA when marked gpu)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coursepkg.neighbors import KNeighborsClassifier, kneighbors  # noqa: E402
from coursepkg.gpu import kneighbors_torch, knn_predict_torch  # noqa: E402

pytestmark = pytest.mark.ch4


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "mahalanobis"])
def test_same_neighbours_as_numpy_on_cpu(metric):
    rng = np.random.default_rng(0)
    X, Q = rng.normal(size=(300, 5)), rng.normal(size=(70, 5))
    VI = np.linalg.inv(np.cov(X, rowvar=False))
    d_np, i_np = kneighbors(Q, X, 7, metric, VI=VI)
    d_t, i_t = kneighbors_torch(Q, X, 7, metric, VI=VI, device="cpu", chunk_size=16)
    assert np.array_equal(i_np, i_t)
    np.testing.assert_allclose(d_t, d_np, rtol=1e-9, atol=1e-12)


def test_ties_and_predictions_match_numpy():
    rng = np.random.default_rng(1)
    X = rng.integers(0, 3, size=(60, 2)).astype(float)  # many exact ties
    y = rng.integers(0, 3, size=60)
    Q = rng.integers(0, 3, size=(20, 2)).astype(float)
    _, i_np = kneighbors(Q, X, 5)
    _, i_t = kneighbors_torch(Q, X, 5, device="cpu", chunk_size=7)
    assert np.array_equal(i_np, i_t)
    for weights in ("uniform", "distance"):
        ours = KNeighborsClassifier(5, weights=weights).fit(X, y).predict(Q)
        assert np.array_equal(knn_predict_torch(X, y, Q, 5, weights=weights, device="cpu"), ours)


def test_bad_input():
    with pytest.raises(ValueError, match="k must be <= the number of training points"):
        kneighbors_torch(np.zeros((2, 2)), np.zeros((3, 2)), 4, device="cpu")
    with pytest.raises(ValueError, match="must have 2 features"):
        kneighbors_torch(np.zeros((2, 3)), np.zeros((3, 2)), 1, device="cpu")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_matches_numpy():
    rng = np.random.default_rng(2)
    X, Q = rng.normal(size=(5000, 32)), rng.normal(size=(500, 32))
    d_np, i_np = kneighbors(Q, X, 10)
    d_t, i_t = kneighbors_torch(Q, X, 10, device="cuda")
    assert np.array_equal(i_np, i_t)
    np.testing.assert_allclose(d_t, d_np, rtol=1e-9)
