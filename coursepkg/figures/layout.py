"""A layout check for drawn figures: text on the canvas, no text on text, readable sizes, the style's colours.

Every check works on the window extents (display pixels) a draw gives, so it
sees what a reader sees: a title pushed off the canvas by constrained layout, a tick label under a
neighbouring panel's title, a legend drawn over a curve.

>>> from coursepkg.style import new_figure, style_context
>>> with style_context("book"):
...     fig = new_figure()
...     _ = fig.axes[0].set_title("a readable title")
...     layout_problems(fig, "book")
[]
"""
import itertools

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PathCollection
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.contour import ContourSet
from matplotlib.text import Text

from ..style import PALETTE, STYLES

__all__ = ["MIN_FONT_PT", "visible_texts", "layout_problems"]

#: The smallest type a style allows: 14 pt reads from the back of a lecture hall, 8 pt on a printed page.
MIN_FONT_PT = {"slides": 14.0, "book": 8.0}
_SLACK_PX = 0.5   # antialiasing: a glyph may touch the edge by half a pixel
_OVERLAP_PX = 1.0  # two boxes must share more than a pixel each way to count as overlapping


def _label(text):
    return repr(text.get_text().replace("\n", " ")[:40])


def _tick_labels(ax):
    """The tick labels actually drawn (inside the view limits, visible, non-empty)."""
    labels = []
    for axis in (ax.xaxis, ax.yaxis):
        if not axis.get_visible():
            continue
        for tick in axis._update_ticks():  # the ticks draw() uses: only those inside the view
            labels += [t for t in (tick.label1, tick.label2) if t.get_visible()]
        labels.append(axis.offsetText)
    return labels


def _axes_texts(ax):
    texts = [ax.title, ax._left_title, ax._right_title, *ax.texts]
    if ax.axison:
        texts += [ax.xaxis.label, ax.yaxis.label, *_tick_labels(ax)]
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        texts += [legend.get_title(), *legend.get_texts()]
    return texts


def visible_texts(fig):
    """Every non-empty visible Text artist that a draw of ``fig`` puts on the canvas."""
    texts = list(fig.texts)
    for attr in ("_suptitle", "_supxlabel", "_supylabel"):
        if getattr(fig, attr, None) is not None:
            texts.append(getattr(fig, attr))
    for legend in fig.legends:
        texts += [legend.get_title(), *legend.get_texts()]
    for ax in fig.axes:
        if ax.get_visible():
            texts += _axes_texts(ax)
    seen, out = set(), []
    for t in texts:
        if isinstance(t, Text) and t.get_visible() and t.get_text().strip() and id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out


def _off_canvas(texts, boxes, canvas):
    problems = []
    for t, b in zip(texts, boxes):
        if (b.x0 < canvas.x0 - _SLACK_PX or b.y0 < canvas.y0 - _SLACK_PX
                or b.x1 > canvas.x1 + _SLACK_PX or b.y1 > canvas.y1 + _SLACK_PX):
            problems.append(f"off canvas: {_label(t)} spans x {b.x0:.0f}..{b.x1:.0f}, y {b.y0:.0f}..{b.y1:.0f} "
                            f"of a {canvas.width:.0f} x {canvas.height:.0f} px canvas")
    return problems


def _overlaps(texts, boxes):
    problems = []
    for (s, a), (t, b) in itertools.combinations(zip(texts, boxes), 2):
        w = min(a.x1, b.x1) - max(a.x0, b.x0)
        h = min(a.y1, b.y1) - max(a.y0, b.y0)
        if w > _OVERLAP_PX and h > _OVERLAP_PX:
            problems.append(f"overlap: {_label(s)} and {_label(t)} share {w:.0f} x {h:.0f} px")
    return problems


def _too_small(texts, floor):
    return [f"too small: {_label(t)} at {t.get_fontsize():.1f} pt < {floor:g} pt"
            for t in texts if t.get_fontsize() < floor - 1e-9]


def _legend_covers_data(fig, renderer):
    """A legend box that a line or a scatter point of its own axes passes through."""
    problems = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_frame().get_window_extent(renderer)
        for line in ax.get_lines():
            if not line.get_visible() or line.get_label().startswith("_child"):
                continue
            path = line.get_transform().transform_path(line.get_path())
            if path.intersects_bbox(box, filled=False):
                problems.append(f"legend covers data: the line {line.get_label()!r} crosses the legend of "
                                f"{_label(ax.title)}")
        for coll in ax.collections:
            if isinstance(coll, PathCollection) and coll.get_visible() and len(coll.get_offsets()):
                pts = coll.get_offset_transform().transform(coll.get_offsets())
                inside = (pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)
                if np.any(inside):
                    problems.append(f"legend covers data: {int(np.sum(inside))} point(s) of {coll.get_label()!r} "
                                    f"under the legend of {_label(ax.title)}")
    return problems


def _hidden_lines(fig, renderer):
    """Two solid lines of one axes drawn on top of each other along most of their length."""
    problems = []
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if ln.get_visible() and ln.get_linestyle() == "-" and len(ln.get_xdata()) > 2]
        for a, b in itertools.combinations(lines, 2):
            xa, xb = np.asarray(a.get_xdata(), float), np.asarray(b.get_xdata(), float)
            if xa.shape != xb.shape or not np.allclose(xa, xb):
                continue
            pa = a.get_transform().transform(np.column_stack([xa, a.get_ydata()]))
            pb = b.get_transform().transform(np.column_stack([xb, b.get_ydata()]))
            width = (a.get_linewidth() + b.get_linewidth()) / 2 * fig.dpi / 72  # points to pixels
            hidden = np.mean(np.abs(pa[:, 1] - pb[:, 1]) < width)
            if hidden > 0.5:
                problems.append(f"hidden line: {a.get_label()!r} and {b.get_label()!r} coincide along "
                                f"{hidden:.0%} of their length; only the top one is seen")
    return problems


def _categorical(cmap):
    """A map of palette colours or greys: class colours, not a scale of values."""
    if not isinstance(cmap, ListedColormap):
        return False
    palette = [to_rgb(c) for c in PALETTE]
    for r, g, b, _ in cmap(np.arange(cmap.N)):
        if not (any(np.allclose((r, g, b), p, atol=1e-3) for p in palette) or (abs(r - g) < 1e-3 and abs(g - b) < 1e-3)):
            return False
    return True


def _colour_maps(fig, style):
    """Continuous colour scales must use the style's map (``image.cmap``), or its reverse."""
    allowed = {STYLES[style]["image.cmap"], STYLES[style]["image.cmap"] + "_r"}
    problems = []
    for artist in fig.findobj(lambda a: isinstance(a, (ScalarMappable, ContourSet))):
        if artist.get_array() is None and not isinstance(artist, ContourSet):
            continue  # plain colours: no colour scale is drawn
        cmap = artist.get_cmap()
        if cmap.name not in allowed and not _categorical(cmap):
            problems.append(f"colour map: {type(artist).__name__} uses {cmap.name!r}; the {style} style's is "
                            f"{STYLES[style]['image.cmap']!r}")
    return problems


def layout_problems(fig, style):
    """Every layout defect of ``fig`` drawn in ``style``, one readable line each ([] when it is clean).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Laid out here with an Agg renderer (extents as a draw gives them, no pixels rasterised).
    style : {"book", "slides"}
        Sets the type-size floor (:data:`MIN_FONT_PT`) and the colour map expected.

    Returns
    -------
    list of str
        Texts off the canvas, overlapping texts, texts below the floor, legends drawn over lines or
        points of their axes, solid lines hidden under another along most of their length, and
        continuous colour maps other than the style's.
    """
    if style not in MIN_FONT_PT:
        raise ValueError(f"style must be one of {sorted(MIN_FONT_PT)}; got {style!r}")
    if not hasattr(fig, "canvas") or not hasattr(fig, "axes"):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()  # layout and every extent, without rasterising the pixels
    renderer = fig.canvas.get_renderer()
    texts = visible_texts(fig)
    boxes = [t.get_window_extent(renderer) for t in texts]
    return (_off_canvas(texts, boxes, fig.bbox) + _overlaps(texts, boxes) + _too_small(texts, MIN_FONT_PT[style])
            + _legend_covers_data(fig, renderer) + _hidden_lines(fig, renderer) + _colour_maps(fig, style))
