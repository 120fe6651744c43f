"""Two figure styles, book and slides, applied through a context (never global state).

>>> import matplotlib.pyplot as plt
>>> with style_context("slides"):
...     fig = new_figure()
>>> fig.get_size_inches().tolist()
[10.0, 5.625]
"""
import contextlib

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = [
    'PALETTE', 'STYLES', 'style_context', 'new_figure', 'current_style', 'pyplot_figures', 'point_size',
]

# Okabe & Ito (2008), a palette that stays distinguishable under the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

_COMMON = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "image.cmap": "cividis",
    "font.family": "DejaVu Sans",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "savefig.bbox": None,  # a fixed canvas: the same size every build, whatever the labels
    # Reproducible files: SVG ids from a fixed salt, no dates in PDF/SVG metadata.
    "svg.hashsalt": "coursepkg",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}

STYLES = {
    "book": {
        **_COMMON,
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "legend.fontsize": 9,
        "lines.linewidth": 1.8,
        "lines.markersize": 5,
    },
    "slides": {  # 16:9 at 10 in x 5.625 in drops into a widescreen deck at full width
        **_COMMON,
        "figure.figsize": (10.0, 5.625),
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "font.size": 18,
        "axes.titlesize": 20,
        "axes.labelsize": 18,
        "xtick.labelsize": 15,
        "ytick.labelsize": 15,
        "legend.fontsize": 15,
        "lines.linewidth": 3.0,
        "lines.markersize": 9,
        "axes.linewidth": 1.5,
    },
}

_current = ["book"]
_pyplot = [False]


@contextlib.contextmanager
def style_context(name="book"):
    """Apply the rcParams of style ``name`` ("book" or "slides") inside a ``with`` block only."""
    if name not in STYLES:
        raise ValueError(f"style must be one of {sorted(STYLES)}; got {name!r}")
    _current.append(name)
    try:
        with mpl.rc_context(STYLES[name]):
            yield STYLES[name]
    finally:
        _current.pop()


def point_size(scale=0.6):
    """Scatter marker area (points^2) for a marker ``scale`` times the style's ``lines.markersize``.

    Data points scale with the style, so they stay visible on a projector and small on a page.

    >>> with style_context("slides"):
    ...     point_size(1.0)
    81.0
    """
    return float((scale * mpl.rcParams["lines.markersize"]) ** 2)


def current_style():
    """Name of the innermost active style ("book" outside any context)."""
    return _current[-1]


@contextlib.contextmanager
def pyplot_figures():
    """Inside this block :func:`new_figure` makes pyplot figures (the explorers show and close them).

    >>> import matplotlib.pyplot as plt
    >>> with pyplot_figures():
    ...     fig = new_figure()
    >>> plt.fignum_exists(fig.number)
    True
    >>> plt.close(fig)
    """
    _pyplot.append(True)
    try:
        yield
    finally:
        _pyplot.pop()


def new_figure(nrows=1, ncols=1, height=1.0, **subplot_kw):
    """A Figure with its Axes, sized by the active style; pyplot-free unless inside :func:`pyplot_figures`.

    ``height`` scales the book style's height (a row of panels wants less, a grid more);
    slides keep their 16:9 canvas. Returns the Figure; its axes are ``fig.axes``. Being outside
    pyplot, it is never shown twice in a notebook and never leaks in a long batch build.
    """
    width, base = mpl.rcParams["figure.figsize"]
    if current_style() == "book":
        base = base * height
    if _pyplot[-1]:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(width, base), layout="constrained")
    else:
        fig = Figure(figsize=(width, base), layout="constrained")
    fig.subplots(nrows, ncols, **subplot_kw)
    return fig
