"""The torch path of softmax regression gives the numpy estimator's answers (CPU here; CUDA marked gpu)."""
import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from coursepkg.softmax import SoftmaxRegression
from coursepkg.gpu import fit_softmax_regression_torch

pytestmark = pytest.mark.ch3


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _compare(device):
    X, y = _iris()
    ref = SoftmaxRegression(lr=0.5, max_iter=200, lam=1e-3, momentum=0.5).fit(X, y)
    W, b, losses = fit_softmax_regression_torch(X, y, lr=0.5, max_iter=200, lam=1e-3, momentum=0.5, device=device)
    np.testing.assert_allclose(W, ref.coef_, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(b, ref.intercept_, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(losses, ref.loss_history_, rtol=1e-9)


def test_cpu_matches_numpy():
    _compare("cpu")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_numpy():
    _compare("cuda")


def test_bad_labels_raise():
    with pytest.raises(ValueError, match="at least 2 classes"):  # any labels, at least two of them
        fit_softmax_regression_torch(np.ones((2, 1)), [-1, -1], device="cpu")
