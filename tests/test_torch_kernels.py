"""Chapter 5: the torch kernel ridge agrees with numpy (on CPU; on CUDA when present)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coursepkg.kernels import KernelRidge, rbf_kernel  # noqa: E402
from coursepkg.gpu import TorchKernelRidge, rbf_kernel_torch  # noqa: E402

pytestmark = pytest.mark.ch5


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(80, 3))
    return X, np.sin(X[:, 0]) * X[:, 1] + 0.1 * rng.normal(size=80), rng.uniform(-2, 2, size=(30, 3))


@pytest.mark.parametrize("sigma", [0.3, 1.0, 3.0])
def test_rbf_matches_numpy(sigma):
    X, _, Y = _data()
    ours = rbf_kernel_torch(torch.tensor(X), torch.tensor(Y), sigma).numpy()
    np.testing.assert_allclose(ours, rbf_kernel(X, Y, sigma), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("sigma, lam", [(0.5, 1e-3), (1.0, 0.1)])
def test_kernel_ridge_matches_numpy_on_cpu(sigma, lam):
    X, y, Y = _data(1)
    theirs = KernelRidge(sigma=sigma, lam=lam).fit(X, y)
    ours = TorchKernelRidge(sigma=sigma, lam=lam, device="cpu").fit(X, y)
    np.testing.assert_allclose(ours.alpha_.numpy(), theirs.alpha_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.predict(Y), theirs.predict(Y), rtol=1e-9, atol=1e-11)


def test_singular_and_bad_input_raise():
    X = np.zeros((3, 1))
    with pytest.raises(ValueError, match="increase lam"):
        TorchKernelRidge(sigma=1.0, lam=0.0).fit(X, np.ones(3))
    with pytest.raises(ValueError, match="sigma must be"):
        TorchKernelRidge(sigma=-1.0).fit(np.eye(2), np.ones(2))
    with pytest.raises(ValueError, match="NaN"):
        TorchKernelRidge().fit(np.full((2, 1), np.nan), np.ones(2))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_kernel_ridge_matches_numpy_on_cuda():
    X, y, Y = _data(2)
    theirs = KernelRidge(sigma=0.7, lam=1e-2).fit(X, y).predict(Y)
    ours = TorchKernelRidge(sigma=0.7, lam=1e-2, device="cuda").fit(X, y).predict(Y)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-10)
