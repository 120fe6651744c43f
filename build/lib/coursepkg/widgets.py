"""Interactive explorers for the book, one per chapter, built on the plotting functions.

Each explorer has a static twin (a function returning a Figure for given slider values) so the
printed book shows a figure where a reader without a kernel sees a frozen widget.
"""
import numpy as np

from ._validation import as_2d, check_labels_pm1
from .perceptron import perceptron_predict
from .plotting import decision_regions, plot_line_boundary
from .style import new_figure

__all__ = ["perceptron_view", "perceptron_explorer"]


def perceptron_view(X, y, w1, w2, b, ax=None):
    """Regions of sign(w1 x1 + w2 x2 + b) over the data, titled with the number of mistakes."""
    X, y = as_2d(X, n_features=2), check_labels_pm1(y)
    w = np.array([w1, w2], dtype=float)
    if ax is None:
        ax = new_figure(height=1.4).axes[0]
    lims = (X.min() - 0.2, X.max() + 0.2)
    decision_regions(lambda P: perceptron_predict(P, w, b), X, y, ax=ax, xlim=lims, ylim=lims, resolution=120)
    if np.any(w):
        plot_line_boundary(w, b, ax=ax, xlim=lims, color="black")
    mistakes = int(np.sum(perceptron_predict(X, w, b) != y))
    ax.set(title=f"w = ({w1:.2f}, {w2:.2f}), b = {b:.2f}: {mistakes} mistake{'s' * (mistakes != 1)}",
           xlim=lims, ylim=lims, aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="lower right")
    return ax


def perceptron_explorer(X, y, w1=1.0, w2=1.0, b=0.0):
    """Sliders for w1, w2 and b; the plot shows the boundary, its normal and the mistakes."""
    import ipywidgets as widgets

    X, y = as_2d(X, n_features=2), check_labels_pm1(y)

    def show(w1, w2, b):
        from IPython.display import display

        display(perceptron_view(X, y, w1, w2, b).figure)

    slider = dict(min=-2.0, max=2.0, step=0.1, continuous_update=False)
    return widgets.interactive(
        show,
        w1=widgets.FloatSlider(value=w1, description="w1", **slider),
        w2=widgets.FloatSlider(value=w2, description="w2", **slider),
        b=widgets.FloatSlider(value=b, description="b", **slider),
    )
