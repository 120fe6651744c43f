"""Interactive explorers for the book: controls above an output each explorer owns.

Every explorer is an :class:`Explorer` (an ``ipywidgets.VBox``): moving a control redraws the
figure into its own ``Output``, in a live kernel and in the widget state saved with the page.
Each has a static view, a function of the control values that returns the Figure it draws.
"""
from ._base import Explorer
from .coverage import coverage_explorer, coverage_view
from .explorers import (
                        KnnVotes,
                        gradient_norms_explorer,
                        gradient_norms_view,
                        kernel_ridge_explorer,
                        kernel_ridge_view,
                        knn_explorer,
                        momentum_explorer,
                        momentum_view,
                        perceptron_explorer,
                        perceptron_view,
                        weights_explorer,
                        weights_view,
)

__all__ = [
    'Explorer', 'perceptron_view', 'perceptron_explorer', 'gradient_norms_view', 'gradient_norms_explorer',
    'weights_explorer', 'weights_view', 'KnnVotes', 'knn_explorer', 'kernel_ridge_view',
    'kernel_ridge_explorer', 'coverage_view', 'coverage_explorer', 'momentum_view', 'momentum_explorer',
]
