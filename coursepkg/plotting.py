"""Plotting helpers shared by the chapters and the figure registry.

Every function takes ``ax=None`` (a new Figure is made in the active style) and returns the Axes.
"""
import numpy as np
from matplotlib.colors import ListedColormap

from ._validation import as_2d
from .style import PALETTE, new_figure

__all__ = ["get_ax", "grid_2d", "scatter_classes", "decision_regions", "plot_line_boundary", "plot_curves"]

CLASS_MARKERS = ["o", "s", "^", "D", "v", "P"]


def get_ax(ax=None):
    """``ax`` itself, or the Axes of a new Figure in the active style."""
    return ax if ax is not None else new_figure().axes[0]


def grid_2d(xlim, ylim, resolution=200):
    """Points of a resolution x resolution grid over the box, as (xx, yy, XY) with XY of shape (r*r, 2)."""
    xx, yy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def scatter_classes(X, y, ax=None, labels=None, **kwargs):
    """Scatter 2-D points coloured and shaped by class, with a legend entry per class."""
    X = as_2d(X, n_features=2)
    y = np.asarray(y)
    ax = get_ax(ax)
    for k, c in enumerate(np.unique(y)):
        mask = y == c
        label = labels[k] if labels is not None else f"y = {c:g}" if np.issubdtype(y.dtype, np.number) else str(c)
        ax.scatter(X[mask, 0], X[mask, 1], color=PALETTE[k % len(PALETTE)], marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
                   edgecolor="white", linewidth=0.5, label=label, zorder=3, **kwargs)
    return ax


def padded_limits(X, pad=0.1):
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return (lo[0] - pad * span[0], hi[0] + pad * span[0]), (lo[1] - pad * span[1], hi[1] + pad * span[1])


def decision_regions(predict, X=None, y=None, ax=None, xlim=None, ylim=None, resolution=200, alpha=0.25,
                     boundary=True):
    """Shade the plane by the class ``predict`` gives each point, and draw the data on top.

    Parameters
    ----------
    predict : callable
        Maps an array of shape (m, 2) to m labels (any classifier's ``predict``, or a function).
    X : array of shape (n, 2), optional
        Data to scatter; also sets the limits when ``xlim``/``ylim`` are not given.
    y : array of shape (n,), optional
        Their labels.
    resolution : int
        Grid points per axis.

    Returns
    -------
    Axes
    """
    ax = get_ax(ax)
    if xlim is None or ylim is None:
        if X is None:
            raise ValueError("give X or both xlim and ylim to set the plotted region")
        auto_x, auto_y = padded_limits(as_2d(X, n_features=2))
        xlim, ylim = xlim or auto_x, ylim or auto_y
    xx, yy, XY = grid_2d(xlim, ylim, resolution)
    labels = np.asarray(predict(XY)).reshape(xx.shape)
    classes = np.unique(labels if y is None else np.concatenate([np.unique(labels), np.unique(y)]))
    index = np.searchsorted(classes, labels)
    cmap = ListedColormap(PALETTE[: len(classes)])
    ax.pcolormesh(xx, yy, index, cmap=cmap, vmin=-0.5, vmax=len(classes) - 0.5, alpha=alpha, shading="auto",
                  rasterized=True, zorder=0)
    if boundary and len(classes) > 1:
        ax.contour(xx, yy, index, levels=np.arange(len(classes) - 1) + 0.5, colors="black", linewidths=1.0, zorder=1)
    if X is not None and y is not None:
        scatter_classes(X, y, ax=ax)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def plot_line_boundary(w, b, ax=None, xlim=(-1, 1), normal=True, **kwargs):
    """Draw the line w^T x + b = 0 in the plane, and optionally its normal w from the line."""
    ax = get_ax(ax)
    w = np.asarray(w, dtype=float)
    if w.shape != (2,) or not np.any(w):
        raise ValueError(f"w must be a non-zero vector of shape (2,); got {w}")
    if abs(w[1]) > 1e-12:
        xs = np.array(xlim, dtype=float)
        line = ax.plot(xs, -(w[0] * xs + b) / w[1], **kwargs)[0]
    else:
        line = ax.axvline(-b / w[0], **kwargs)
    if normal:
        p = -b * w / np.dot(w, w)  # the point of the line closest to the origin
        u = 0.25 * (xlim[1] - xlim[0]) * w / np.linalg.norm(w)
        ax.annotate("", xy=p + u, xytext=p, arrowprops={"arrowstyle": "->", "color": line.get_color(), "lw": 1.5})
    return ax


def plot_curves(x, curves, ax=None, xlabel=None, ylabel=None, title=None):
    """Plot several y(x) curves given as a dict label -> values; returns the Axes."""
    ax = get_ax(ax)
    for label, values in curves.items():
        ax.plot(x, values, label=label)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax
