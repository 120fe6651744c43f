"""Kernel methods: kernel functions, feature maps, kernel ridge regression, the kernel SVM."""
from ._feature_maps import (
    n_polynomial_features,
    polynomial_feature_map,
    rbf_feature_map_1d,
)
from ._functions import (
    kernel_matrix,
    linear_kernel,
    polynomial_kernel,
    rbf_kernel,
    sigmoid_kernel,
    squared_distances,
)
from ._ridge import (
    COND_WARN,
    KRR_GRID,
    LAMS_CV,
    SIGMAS_CV,
    IllConditionedWarning,
    KernelRidge,
    cv_errors,
    kernel_ridge_alpha,
    kernel_ridge_loss,
)
from ._svm import (
    KernelSVM,
    kernel_svm_loss,
    kernel_svm_step,
    kernel_svm_subgradient,
)

__all__ = [
    'n_polynomial_features', 'polynomial_feature_map', 'rbf_feature_map_1d', 'squared_distances',
    'linear_kernel', 'polynomial_kernel', 'rbf_kernel', 'sigmoid_kernel', 'kernel_matrix', 'COND_WARN',
    'IllConditionedWarning', 'kernel_ridge_alpha', 'kernel_ridge_loss', 'KernelRidge', 'KRR_GRID',
    'SIGMAS_CV', 'LAMS_CV', 'cv_errors', 'kernel_svm_loss', 'kernel_svm_subgradient', 'kernel_svm_step',
    'KernelSVM',
]
