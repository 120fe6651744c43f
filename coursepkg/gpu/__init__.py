"""The torch twins: the package's numpy methods written in PyTorch, to run on a GPU.

These are the only modules that import torch (an optional extra: ``pip install coursepkg[torch]``).
Each gives the same answers as its numpy version, with the same checks and label handling."""
from ._bootstrap import (
    bootstrap_predictions_torch,
    kernel_ridge_many_torch,
)
from ._kernels import (
    TorchKernelRidge,
    kernel_ridge_fit_torch,
    kernel_ridge_predict_torch,
    rbf_kernel_torch,
)
from ._neighbors import (
    kneighbors_torch,
    knn_predict_torch,
)
from ._softmax import (
    fit_softmax_regression_torch,
)
from ._utils import (
    MNIST_MEAN,
    MNIST_STD,
    Net,
    device,
    digits_loaders,
    evaluate,
    has_torchvision,
    make_loader,
    mnist_loaders,
    on_gpu,
    random_shift,
    seed_everything,
    train,
)

__all__ = [
    'kernel_ridge_many_torch', 'bootstrap_predictions_torch', 'rbf_kernel_torch', 'kernel_ridge_fit_torch',
    'kernel_ridge_predict_torch', 'TorchKernelRidge', 'kneighbors_torch', 'knn_predict_torch',
    'fit_softmax_regression_torch', 'device', 'seed_everything', 'on_gpu', 'Net', 'train', 'evaluate',
    'random_shift', 'digits_loaders', 'mnist_loaders', 'has_torchvision', 'make_loader', 'MNIST_MEAN',
    'MNIST_STD',
]
