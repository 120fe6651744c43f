"""The book's explorers, one per chapter page that has one, each with its static view.

Every explorer returns an :class:`~coursepkg.widgets._base.Explorer`; its view (a function of the
control values returning a Figure) is what it draws, and what a page without a kernel can call.
Expensive work is done once when the explorer is built (neighbour searches, the coverage table),
so a control move only draws.
"""
from functools import cache

import numpy as np

from .._validation import as_1d, as_2d, check_labels_pm1
from ..figures.ch03 import weights_view  # the static view of weights_explorer, re-exported with it
from ..perceptron import perceptron_predict
from ..plotting import decision_regions, grid_2d, padded_limits, plot_line_boundary
from ..style import PALETTE, new_figure, point_size
from ._base import Explorer, slider_row

__all__ = [
    'perceptron_view', 'weights_view', 'perceptron_explorer', 'gradient_norms_view',
    'gradient_norms_explorer', 'weights_explorer', 'KnnVotes', 'knn_explorer', 'kernel_ridge_view',
    'kernel_ridge_explorer', 'momentum_view', 'momentum_explorer',
]


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
    controls = slider_row(widgets.FloatSlider, ["w1", "w2", "b"], [w1, w2, b], min=-2.0, max=2.0, step=0.1,
                          continuous_update=False)
    return Explorer(lambda w1, w2, b: perceptron_view(X, y, w1, w2, b).figure, controls)


@cache
def _gradient_norms(depth, activation):
    from ..mlp import gradient_norms

    return gradient_norms(depth, activation)


def gradient_norms_view(depth=8, activation="sigmoid"):
    """Gradient norm of each layer of a fresh ``depth``-layer network (log scale)."""
    fig = new_figure(1, 1, height=0.6)
    ax = fig.axes[0]
    ax.semilogy(np.arange(1, depth + 1), _gradient_norms(int(depth), activation), "o-")
    ax.set(xlabel="layer l", ylabel="gradient norm", title=f"{activation}, {depth} layers")
    return fig


def gradient_norms_explorer(depth=8, activation="sigmoid", max_depth=20):
    """A depth slider and an activation menu; each network is computed once, then cached."""
    import ipywidgets as widgets

    activations = ("sigmoid", "tanh", "relu")
    if activation not in activations:
        raise ValueError(f"activation must be one of {activations}; got {activation!r}")
    if not 2 <= depth <= max_depth:
        raise ValueError(f"depth must be between 2 and max_depth = {max_depth}; got {depth!r}")
    controls = {"depth": widgets.IntSlider(value=depth, min=2, max=max_depth, description="depth",
                                           continuous_update=False),
                "activation": widgets.Dropdown(options=activations, value=activation, description="activation")}
    return Explorer(gradient_norms_view, controls)


def weights_explorer(W=None, point=(1.0, 1.0)):
    """Sliders for three weight vectors w_k and the point x; shows :func:`coursepkg.figures.ch03.weights_view`."""
    import ipywidgets as widgets

    from ..multiclass import DECK_004_WEIGHTS

    W = np.asarray(DECK_004_WEIGHTS if W is None else W, dtype=float)
    if W.shape != (3, 2):
        raise ValueError(f"W must hold three 2-D weight vectors, shape (3, 2); got shape {W.shape}")
    names = [f"w{k + 1}_{j + 1}" for k in range(3) for j in range(2)] + ["x1", "x2"]
    controls = slider_row(widgets.FloatSlider, names, [float(v) for v in [*W.ravel(), *point]],
                          min=-2.0, max=2.0, step=0.1, continuous_update=False)

    def draw(**v):
        return weights_view(np.array([v[n] for n in names[:6]]).reshape(3, 2), (v["x1"], v["x2"]))

    return Explorer(draw, controls)


class KnnVotes:
    """k-NN labels of fixed query points for every k <= k_max, from one neighbour search per metric.

    The neighbours of each query are sorted nearest first (ties to the lower training index), so
    the k nearest are the first k columns of the k_max nearest: a new k is a vote count, not a
    new search. Ties in the vote go to the smallest label, as in :class:`~coursepkg.neighbors.KNeighborsClassifier`.

    Examples
    --------
    >>> from coursepkg.neighbors import KNeighborsClassifier
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 1, 1, 0])
    >>> votes = KnnVotes(X, y, [[0.4], [2.6]], k_max=3)
    >>> votes.predict("euclidean", 3), KNeighborsClassifier(3).fit(X, y).predict([[0.4], [2.6]])
    (array([1, 1]), array([1, 1]))
    """

    def __init__(self, X, y, queries, k_max):
        self.X, self.y = as_2d(X, "X"), np.asarray(y)
        self.queries = as_2d(queries, "queries", n_features=self.X.shape[1])
        self.k_max = int(k_max)
        self._neighbour_labels = {}

    def predict(self, metric, k):
        """Labels of the queries under ``k``-NN with ``metric``."""
        from ..neighbors import KNeighborsClassifier

        if not 1 <= k <= self.k_max:
            raise ValueError(f"k must be between 1 and k_max = {self.k_max}; got {k!r}")
        if metric not in self._neighbour_labels:
            clf = KNeighborsClassifier(self.k_max, metric=metric).fit(self.X, self.y)
            self.classes_ = clf.classes_
            self._neighbour_labels[metric] = clf.y_fit_[clf.kneighbors(self.queries)[1]]
        labels = self._neighbour_labels[metric][:, :k]
        counts = (labels[:, :, None] == np.arange(len(self.classes_))).sum(axis=1)
        return self.classes_[np.argmax(counts, axis=1)]  # argmax: the first, smallest, of tied labels


def knn_explorer(X, y, X_test, y_test, k=15, metric="euclidean", k_max=99, resolution=100):
    """A k slider and a metric menu over the k-NN regions of (X, y), titled with the test error.

    The neighbours of the grid and of the test points are searched once per metric (at most
    ``k_max`` of them), so moving k only counts votes.
    """
    import ipywidgets as widgets

    X, X_test = as_2d(X, "X", n_features=2), as_2d(X_test, "X_test", n_features=2)
    y, y_test = as_1d(y, "y", n=len(X)), as_1d(y_test, "y_test", n=len(X_test))
    metrics = ("euclidean", "manhattan", "chebyshev", "mahalanobis")
    xlim, ylim = padded_limits(X)
    _, _, G = grid_2d(xlim, ylim, resolution)
    votes = KnnVotes(X, y, np.vstack([G, X_test]), k_max)
    for m in metrics:  # one neighbour search per metric now, so that no move waits for one
        votes.predict(m, 1)

    def draw(k, metric):
        labels = votes.predict(metric, k)
        fig = new_figure(1, 1, height=1.2)
        ax = fig.axes[0]
        decision_regions(lambda P: labels[:len(P)], X, y, ax=ax, xlim=xlim, ylim=ylim, resolution=resolution)
        ax.set_title(f"{k}-NN, {metric}: test error {np.mean(labels[len(G):] != y_test):.3f}")
        ax.legend(loc="upper left")
        return fig

    controls = {"k": widgets.IntSlider(value=k, min=1, max=k_max, step=2, description="k", continuous_update=False),
                "metric": widgets.Dropdown(options=metrics, value=metric, description="metric")}
    return Explorer(draw, controls)


def kernel_ridge_view(X, y, log_sigma=-1.0, log_lam=-2.0):
    """The kernel ridge fit with sigma = 10^log_sigma and lambda = 10^log_lam, over the data and the truth."""
    from ..datasets import bump_function
    from ..kernels import KernelRidge

    grid = np.linspace(0, 1, 400)[:, None]
    fit = KernelRidge(sigma=10**log_sigma, lam=10**log_lam).fit(X, y)
    fig = new_figure(1, 1, height=0.6)
    ax = fig.axes[0]
    ax.plot(grid[:, 0], bump_function(grid[:, 0]), "--", color="0.6", label="truth")
    ax.plot(grid[:, 0], fit.predict(grid), label="kernel ridge")
    ax.scatter(X[:, 0], y, s=point_size(0.5), color="black", zorder=3, label="data")
    ax.set(ylim=(-2, 2), xlabel="x", title=f"$\\sigma$ = {10**log_sigma:.3g}, $\\lambda$ = {10**log_lam:.3g}")
    ax.legend(loc="lower left", ncols=3)
    return fig


def kernel_ridge_explorer(X, y, log_sigma=-1.0, log_lam=-2.0):
    """Sliders for log10 sigma and log10 lambda of an RBF kernel ridge fit to (X, y)."""
    import ipywidgets as widgets

    X = as_2d(X, "X", n_features=1)
    y = as_1d(y, "y", n=len(X))
    controls = {"log_sigma": widgets.FloatSlider(value=log_sigma, min=-3.0, max=0.5, step=0.25,
                                                 description="log10 σ", continuous_update=False),
                "log_lam": widgets.FloatSlider(value=log_lam, min=-6.0, max=1.0, step=0.5,
                                               description="log10 λ", continuous_update=False)}
    return Explorer(lambda log_sigma, log_lam: kernel_ridge_view(X, y, log_sigma, log_lam), controls)


def momentum_view(lr=0.06, momentum=0.6, n_steps=40):
    """The heavy-ball path on the chapter's quadratic, titled with f after ``n_steps`` steps."""
    from ..figures.ch07 import draw_quadratic_contours
    from ..optim import QUAD_A, SGD, quadratic_path

    path = quadratic_path(SGD, n_steps, lr=lr, momentum=momentum)
    fig = new_figure(1, 1, height=0.8)
    ax = fig.axes[0]
    draw_quadratic_contours(ax)
    ax.plot(path[:, 0], path[:, 1], ".-", color=PALETTE[0], markersize=6)
    ax.set_title(f"lr {lr:.3f}, momentum {momentum:.2f}: f after {n_steps} steps {0.5 * (path[-1]**2 @ QUAD_A):.1e}")
    return fig


def momentum_explorer(lr=0.06, momentum=0.6):
    """Sliders for the learning rate and the momentum of heavy-ball SGD on the ill-conditioned quadratic."""
    import ipywidgets as widgets

    controls = {"lr": widgets.FloatSlider(value=lr, min=0.005, max=0.12, step=0.005, description="lr",
                                          readout_format=".3f", continuous_update=False),
                "momentum": widgets.FloatSlider(value=momentum, min=0.0, max=0.95, step=0.05,
                                                description="momentum", continuous_update=False)}
    return Explorer(momentum_view, controls)
