"""The GPU rows: the course's torch code on a CUDA GPU vs the same code on this machine's CPU.

* ``gpu_knn``: :func:`coursepkg.gpu.kneighbors_torch`, 10,000 queries x 60,000 points x
  784 features (MNIST-sized), k = 5, float64. Agreement: the same neighbour distances, and
  the same indices except where two neighbours tie to rounding.
* ``gpu_kernel_ridge``: :class:`coursepkg.gpu.TorchKernelRidge` fit + predict, n = 20,000
  (the 5-D problem of the kernel ridge row), float64. Agreement: predictions allclose (rtol 1e-6).
* ``gpu_bootstrap``: :func:`coursepkg.gpu.kernel_ridge_many_torch`, B = 1,000 fits,
  n = 500 (the bootstrap row's problem), float64. Agreement: predictions allclose (rtol 1e-7).
* ``gpu_train``: the Chapter 7 training run: ``torch_utils.Net`` on the digits upsampled to 32x32,
  batch 32, Adam (lr 3e-3), 30 epochs, seed 0, as in ``book/07_optimization/03_pytorch``.
  Agreement: test accuracies within 0.02 (a GPU does not add floating-point numbers in the CPU's order,
  so the two runs drift apart; on the same device they are identical).

Goal for the first three: GPU at least 30x faster (``">= 30"``); the training run is reported.
Ours is timed as best of ``repeat`` after a warm-up, the CPU reference once (it is the slow side).
"""
import numpy as np

from .core import best_times, make_row
from .bootstrap import problem as bootstrap_problem
from .bootstrap import LAM as BOOT_LAM, SIGMA as BOOT_SIGMA
from .kernels import LAM as KR_LAM, SIGMA as KR_SIGMA, data as kr_data

SIZES = {"full": {"knn": (10000, 60000, 784), "kernel_ridge": 20000, "bootstrap": (1000, 500, 200), "train": (30, None)},
         "quick": {"knn": (100, 1000, 32), "kernel_ridge": 300, "bootstrap": (10, 60, 20), "train": (1, 64)}}
SAME_ON_CPU = "same code, CPU"
NAMES = ("gpu_knn", "gpu_kernel_ridge", "gpu_bootstrap", "gpu_train")


def _side_by_side(ours, cpu, device, repeat):
    """(t_ours, t_cpu, out_ours, out_cpu, peak_mb): ours best-of-repeat on ``device``, ``cpu`` timed once."""
    import torch

    cuda = torch.device(device).type == "cuda"
    sync = torch.cuda.synchronize if cuda else None
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    (t_ours,), (out_ours,) = best_times([ours], repeat, sync)
    peak = torch.cuda.max_memory_allocated() / 2**20 if cuda else None
    (t_cpu,), (out_cpu,) = best_times([cpu], 1)
    return t_ours, t_cpu, out_ours, out_cpu, peak


def knn_row(sizes, device, repeat):
    from ..gpu import kneighbors_torch

    m, n, p = sizes["knn"]
    rng = np.random.default_rng(0)
    X, Q = rng.normal(size=(n, p)), rng.normal(size=(m, p))
    run = lambda dev: (lambda: kneighbors_torch(Q, X, 5, device=dev))  # noqa: E731
    t, t_cpu, (dist, ind), (dist_cpu, ind_cpu), peak = _side_by_side(run(device), run("cpu"), device, repeat)
    # The GPU sums in another order: where two neighbours tie to rounding the indices may swap,
    # so the neighbour distances must agree, and the indices wherever they are not such a tie.
    agree = np.allclose(dist, dist_cpu, rtol=1e-9, atol=1e-12) and np.mean(ind == ind_cpu) > 0.999
    return make_row("gpu_knn", f"torch k-NN, {m:,} x {n:,} x {p}, k = 5", t, SAME_ON_CPU, t_cpu,
                    ">= 30", agree, peak, device, "same neighbour distances; indices equal up to ties")


def kernel_ridge_row(sizes, device, repeat):
    from ..gpu import TorchKernelRidge

    n = sizes["kernel_ridge"]
    X, y, X_test = kr_data(n)
    run = lambda dev: (lambda: TorchKernelRidge(KR_SIGMA, KR_LAM, device=dev).fit(X, y).predict(X_test))  # noqa: E731
    t, t_cpu, pred, pred_cpu, peak = _side_by_side(run(device), run("cpu"), device, repeat)
    return make_row("gpu_kernel_ridge", f"torch kernel ridge fit + predict, n = {n:,}", t,
                    SAME_ON_CPU, t_cpu, ">= 30",
                    np.allclose(pred, pred_cpu, rtol=1e-6, atol=1e-8), peak, device, "predictions allclose")


def bootstrap_row(sizes, device, repeat):
    from ..gpu import kernel_ridge_many_torch

    B, n, m = sizes["bootstrap"]
    X, y, grid, idx = bootstrap_problem(B, n, m)
    run = lambda dev: (lambda: kernel_ridge_many_torch(X, y, grid, idx, BOOT_SIGMA, BOOT_LAM, device=dev))  # noqa: E731
    t, t_cpu, pred, pred_cpu, peak = _side_by_side(run(device), run("cpu"), device, repeat)
    return make_row("gpu_bootstrap", f"torch batched bootstrap, {B:,} x kernel ridge, n = {n}", t,
                    SAME_ON_CPU, t_cpu, ">= 30",
                    np.allclose(pred, pred_cpu, rtol=1e-7, atol=1e-9), peak, device, "predictions allclose")


def train_accuracy(device, n_epochs, n_train=None):
    """Test accuracy after the Chapter 7 run on ``device`` (the first ``n_train`` training images if given)."""
    import torch

    from .. import gpu as tu

    train_loader, test_loader = tu.digits_loaders(batch_size=32, seed=0)
    if n_train is not None:
        images, labels = train_loader.dataset.tensors
        train_loader = tu.make_loader(images[:n_train], labels[:n_train], batch_size=32, shuffle=True, seed=0)
    tu.seed_everything(0)
    model = tu.Net().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    history = tu.train(model, train_loader, optimizer, n_epochs=n_epochs, device=torch.device(device),
                       val_loader=test_loader, verbose=False)
    return history["val_acc"][-1]


def train_row(sizes, device, repeat):
    n_epochs, n_train = sizes["train"]
    run = lambda dev: (lambda: train_accuracy(dev, n_epochs, n_train))  # noqa: E731
    t, t_cpu, acc, acc_cpu, peak = _side_by_side(run(device), run("cpu"), device, repeat)
    images = "digits" if n_train is None else f"{n_train} digits"
    return make_row("gpu_train", f"Chapter 7 CNN training, {images}, {n_epochs} epoch{'s' * (n_epochs > 1)}", t,
                    SAME_ON_CPU, t_cpu, None, abs(acc - acc_cpu) <= 0.02, peak, device,
                    f"test accuracy {acc:.3f} vs {acc_cpu:.3f}")


ROWS = {"gpu_knn": knn_row, "gpu_kernel_ridge": kernel_ridge_row, "gpu_bootstrap": bootstrap_row,
        "gpu_train": train_row}


def run(quick=False, repeat=3, device="cuda", names=NAMES):
    """The GPU rows named in ``names`` with ours on ``device`` (``"cpu"`` exercises the code path here)."""
    sizes = SIZES["quick" if quick else "full"]
    return [ROWS[name](sizes, device, repeat) for name in names]
