"""Chapter 6: the torch bootstrap of kernel ridge agrees with numpy (on CPU; on CUDA when present)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coursepkg.bootstrap import bootstrap_indices, bootstrap_predictions, kernel_ridge_many  # noqa: E402
from coursepkg.datasets import make_curve_1d  # noqa: E402
from coursepkg.kernels import KernelRidge  # noqa: E402
from coursepkg.gpu import bootstrap_predictions_torch, kernel_ridge_many_torch  # noqa: E402

pytestmark = pytest.mark.ch6

GRID = np.linspace(0, 1, 31)[:, None]


@pytest.mark.parametrize("sigma, lam, chunk", [(0.1, 1e-2, None), (0.3, 0.1, 7)])
def test_torch_matches_numpy_on_cpu(sigma, lam, chunk):
    X, y = make_curve_1d(50, 0.2, rng=0)
    idx = bootstrap_indices(50, 40, rng=1)
    ours = kernel_ridge_many_torch(X, y, GRID, idx, sigma, lam, device="cpu", chunk=chunk)
    np.testing.assert_allclose(ours, kernel_ridge_many(X, y, GRID, idx, sigma, lam), rtol=1e-8, atol=1e-10)


def test_same_seed_same_predictions_as_numpy_path():
    X, y = make_curve_1d(30, 0.2, rng=2)
    ours = bootstrap_predictions_torch(X, y, GRID, sigma=0.2, lam=0.05, B=25, rng=3)
    theirs = bootstrap_predictions(X, y, GRID, KernelRidge(sigma=0.2, lam=0.05), B=25, rng=3, batched=False)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("idx, lam, message", [([[0, 9]], 0.1, "indices in"), ([[0, 1]], 0.0, "lam must be")])
def test_bad_input_is_named(idx, lam, message):
    X, y = make_curve_1d(5, 0.1, rng=4)
    with pytest.raises(ValueError, match=message):
        kernel_ridge_many_torch(X, y, GRID, idx, 0.2, lam)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_torch_matches_numpy_on_cuda():
    X, y = make_curve_1d(200, 0.2, rng=5)
    idx = bootstrap_indices(200, 100, rng=6)
    ours = kernel_ridge_many_torch(X, y, GRID, idx, 0.1, 1e-2, device="cuda")
    np.testing.assert_allclose(ours, kernel_ridge_many(X, y, GRID, idx, 0.1, 1e-2), rtol=1e-7, atol=1e-9)
