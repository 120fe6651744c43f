"""Nearest neighbours: distances, k-NN search and estimators, kernel smoothing."""
from ._distances import (
    BLOCK,
    METRICS,
    WORKING_MEMORY,
    pairwise_distances,
)
from ._knn import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    kneighbors,
    median_nn_distance,
)
from ._smoothing import (
    KERNELS,
    cover_hart_bound,
    local_linear_regression,
    nadaraya_watson,
)

__all__ = [
    'METRICS', 'WORKING_MEMORY', 'BLOCK', 'pairwise_distances', 'kneighbors', 'KNeighborsClassifier',
    'KNeighborsRegressor', 'median_nn_distance', 'KERNELS', 'nadaraya_watson', 'local_linear_regression',
    'cover_hart_bound',
]
