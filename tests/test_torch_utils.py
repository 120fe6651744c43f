"""The training loop, the lectures' CNN and the data loaders (MNIST on fake local data)."""
import types

import numpy as np
import pytest
import torch

from coursepkg import gpu as tu

pytestmark = pytest.mark.ch7


def test_cnn_reaches_95_percent_on_digits_on_cpu():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small convolutions: one thread is fastest on shared CI cores
    try:
        _train_digits_on_cpu()
    finally:
        torch.set_num_threads(threads)


def _train_digits_on_cpu():
    tu.seed_everything(0)
    train_loader, test_loader = tu.digits_loaders(batch_size=32, seed=0)
    model = tu.Net()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    history = tu.train(model, train_loader, opt, n_epochs=5, device=tu.device("cpu"), val_loader=test_loader,
                       verbose=False)
    loss, acc = tu.evaluate(model, test_loader)
    assert acc >= 0.95, history
    assert history["val_acc"][-1] == acc and len(history["train_loss"]) == 5
    assert history["train_loss"][-1] < history["train_loss"][0]
    # evaluate's loss is the mean cross-entropy, the same as torch's over the whole test set
    X = torch.cat([xb for xb, _ in test_loader]); y = torch.cat([yb for _, yb in test_loader])
    with torch.no_grad():
        assert loss == pytest.approx(float(torch.nn.functional.cross_entropy(model(X), y)), rel=1e-5)


def _fake_mnist(train):
    rng = np.random.default_rng(0 if train else 1)
    n = 40 if train else 12
    return types.SimpleNamespace(data=rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8),
                                 targets=rng.integers(0, 10, size=n))


def test_mnist_loader_on_fake_local_data():
    train_loader, test_loader = tu.mnist_loaders(batch_size=16, n_train=30, dataset=_fake_mnist)
    assert len(train_loader.dataset) == 30 and len(test_loader.dataset) == 12
    xb, yb = next(iter(test_loader))
    assert tuple(xb.shape) == (12, 1, 32, 32) and yb.dtype == torch.long
    raw = _fake_mnist(False)
    expected = (raw.data[0] / 255.0 - tu.MNIST_MEAN) / tu.MNIST_STD
    np.testing.assert_allclose(xb[0, 0, 2:30, 2:30].numpy(), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(xb[0, 0, 0].numpy(), -tu.MNIST_MEAN / tu.MNIST_STD, rtol=1e-6)  # padding = black
    np.testing.assert_array_equal(yb.numpy(), raw.targets)
    assert tuple(tu.Net()(xb).shape) == (12, 10)


def test_mnist_loader_errors():
    bad = lambda train: types.SimpleNamespace(data=np.zeros((3, 8, 8), np.uint8), targets=np.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(n, 28, 28\)"):
        tu.mnist_loaders(dataset=bad)
    if not tu.has_torchvision():
        with pytest.raises(ImportError, match="torchvision"):
            tu.mnist_loaders()


def test_bad_arguments():
    with pytest.raises(ValueError, match="image_size must be at least 10"):
        tu.Net(image_size=8)
    with pytest.raises(ValueError, match="n_epochs must be a positive integer"):
        tu.train(tu.Net(), [], torch.optim.SGD(tu.Net().parameters(), lr=0.1), n_epochs=0)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_training_on_gpu_matches_accuracy_bar():
    tu.seed_everything(0)
    train_loader, test_loader = tu.digits_loaders(batch_size=32, seed=0)
    model = tu.Net().to(tu.device())
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    tu.train(model, train_loader, opt, n_epochs=5, val_loader=test_loader, verbose=False)
    assert next(model.parameters()).is_cuda
    assert tu.evaluate(model, test_loader)[1] >= 0.95
