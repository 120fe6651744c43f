"""Layout of every registered figure in both styles, judged on the rendered window extents.

Every figure is drawn once per style and checked once, in a fresh process that conftest.py starts in
the background when collection ends (the ``checked`` fixture); each assertion reuses that result. The planted-defect tests show the check fails on each defect the slides had:
a title off the canvas, labels on labels, type below the floor, a legend over the data, one line
hiding another, a colour map other than the style's.
"""
import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import background_result, default_env

from coursepkg.figures import select
from coursepkg.figures.layout import MIN_FONT_PT, layout_problems, visible_texts
from coursepkg.style import PALETTE, new_figure, style_context

STYLES = ("slides", "book")
NAMES = [spec.name for spec in select()]


# Run in a fresh process: every figure drawn once per style, its problems printed as JSON.
_CHECK_ALL = """
import json, sys
import matplotlib.pyplot as plt
from coursepkg.figures import render
from coursepkg.figures.layout import layout_problems
from coursepkg.style import style_context
problems = {}
for style in sys.argv[1].split(","):
    for name in sys.argv[2:]:
        fig = render(name, style=style)
        with style_context(style):
            problems[style + "/" + name] = layout_problems(fig, style)
        plt.close(fig)
print(json.dumps(problems))
"""


def _check_all():
    """(style, name) -> the layout problems of that figure, computed in a fresh process."""
    done = subprocess.run([sys.executable, "-c", _CHECK_ALL, ",".join(STYLES), *NAMES], capture_output=True,
                          text=True, timeout=1200, env=default_env())
    if done.returncode != 0:
        raise RuntimeError(f"the layout check failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return {tuple(key.split("/", 1)): found for key, found in json.loads(done.stdout).items()}


def background_job(config, items):
    """Called by conftest.py when collection ends: the check of every figure runs in the background meanwhile."""
    return _check_all if any("checked" in item.fixturenames for item in items) else None


@pytest.fixture(scope="module")
def checked(request):
    """(style, name) -> the layout problems of that figure, each figure rendered once per style."""
    early = background_result(request.config, "tests/test_figure_layout.py")
    return early if early is not None else _check_all()


@pytest.mark.parametrize("style", STYLES)
def test_every_figure_is_laid_out_cleanly(checked, style):
    bad = {name: checked[style, name] for name in NAMES if checked[style, name]}
    assert bad == {}, "\n".join(f"{name}: {p}" for name, probs in bad.items() for p in probs)


def _clean(style):
    """A small clean figure in ``style``: a line, a legend out of its way, a title, axis labels."""
    fig = new_figure()
    ax = fig.axes[0]
    x = np.linspace(0, 1, 50)
    ax.plot(x, 2 * x, label="y = 2x")
    ax.set(title="clean", xlabel="x", ylabel="y", ylim=(0, 2))
    ax.legend(loc="upper left")
    return fig, ax


@pytest.fixture(params=STYLES)
def planted(request):
    """(style, fig, ax) with a clean figure; the test plants one defect and checks again."""
    with style_context(request.param):
        fig, ax = _clean(request.param)
        assert layout_problems(fig, request.param) == []
        yield request.param, fig, ax


def _check(style, fig):
    with style_context(style):
        return layout_problems(fig, style)


def test_a_title_too_long_for_the_canvas_is_caught(planted):
    style, fig, ax = planted
    ax.set_title("linear vs quadratic convergence of gradient descent and of Newton's method " * 2)
    problems = _check(style, fig)
    assert any(p.startswith("off canvas: 'linear vs quadratic") for p in problems), problems


def test_a_label_moved_off_the_canvas_is_caught(planted):
    style, fig, ax = planted
    fig.set_layout_engine("none")  # constrained layout would make room for it
    ax.yaxis.set_label_coords(-0.3, 0.5)  # like the x_2 label of the XOR slide, left of the canvas
    problems = _check(style, fig)
    assert any(p.startswith("off canvas: 'y'") for p in problems), problems


def test_overlapping_labels_are_caught(planted):
    style, fig, ax = planted
    ax.text(0.5, 1.0, "A: w = (+1, +1): 8 wrong", transform=ax.transAxes, ha="center", va="center")
    ax.text(0.55, 1.0, "B: w = (-1, +1): 0 wrong", transform=ax.transAxes, ha="center", va="center")
    problems = _check(style, fig)
    assert any(p.startswith("overlap: 'A: w") and "'B: w" in p for p in problems), problems


def test_text_below_the_floor_is_caught(planted):
    style, fig, ax = planted
    ax.text(0.8, 0.2, "0.17", fontsize=7)  # the CV heatmap's cell values
    problems = _check(style, fig)
    assert problems == [f"too small: '0.17' at 7.0 pt < {MIN_FONT_PT[style]:g} pt"]


def test_the_floor_is_the_style_s():
    """11 pt (the arrow labels of the deck-004 slide) is fine in a book, too small on a slide."""
    for style, expected in (("book", 0), ("slides", 1)):
        with style_context(style):
            fig, ax = _clean(style)
            ax.text(0.8, 0.2, "$w_1$", fontsize=11)
            assert len(layout_problems(fig, style)) == expected, style


def test_a_legend_over_a_line_is_caught(planted):
    style, fig, ax = planted
    ax.get_legend().remove()
    ax.legend(loc="center")  # right on the diagonal
    problems = _check(style, fig)
    assert any(p.startswith("legend covers data: the line 'y = 2x'") for p in problems), problems


def test_a_legend_over_points_is_caught(planted):
    style, fig, ax = planted
    ax.scatter([0.05, 0.9], [1.9, 0.1], label="points")  # the first one under the upper-left legend
    ax.legend(loc="upper left")
    problems = _check(style, fig)
    assert "legend covers data: 1 point(s) of 'points' under the legend of 'clean'" in problems, problems


def test_a_line_hidden_under_another_is_caught(planted):
    style, fig, ax = planted
    t = np.linspace(0, 1, 50)
    ax.plot(t, 1 + t / 100, label="cosine")         # within a line width of the next one everywhere
    ax.plot(t, 1 + t / 100 + 1e-4, label="warm-up + cosine")
    problems = _check(style, fig)
    assert any(p.startswith("hidden line: 'cosine' and 'warm-up + cosine'") for p in problems), problems
    ax.lines[-1].set_linestyle("--")  # dashed on top: both are seen
    assert _check(style, fig) == []


def test_a_colour_map_other_than_the_style_s_is_caught(planted):
    style, fig, ax = planted
    image = ax.imshow(np.arange(4.0).reshape(2, 2), cmap="viridis", extent=(0.6, 1.0, 0.0, 0.3), aspect="auto")
    ax.set(xlim=(-0.05, 1.05), ylim=(0, 2))  # imshow reset them to the image
    assert _check(style, fig) == [f"colour map: AxesImage uses 'viridis'; the {style} style's is 'cividis'"]
    image.set_cmap("cividis")
    assert _check(style, fig) == []


def test_class_colours_and_greys_are_not_a_colour_scale(planted):
    style, fig, ax = planted
    Z = np.add.outer(np.arange(20), np.arange(20)) % 3
    ax.contourf(np.linspace(0.6, 1, 20), np.linspace(0, 0.3, 20), Z, levels=[-0.5, 0.5, 1.5, 2.5], colors=PALETTE[:3])
    ax.contour(np.linspace(0.6, 1, 20), np.linspace(0, 0.3, 20), Z, levels=5, colors="0.75")
    assert _check(style, fig) == []


def test_tick_labels_outside_the_view_are_not_counted():
    with style_context("book"):
        fig, ax = _clean("book")
        fig.canvas.draw()
        shown = [t.get_text() for t in visible_texts(fig) if t in ax.yaxis.get_ticklabels(which="both")]
    values = [float(s.replace("\N{MINUS SIGN}", "-")) for s in shown]
    assert values and min(values) >= 0 and max(values) <= 2  # ylim (0, 2): nothing from beyond it


def test_bad_arguments_are_named():
    fig = new_figure()
    with pytest.raises(ValueError, match="style must be one of"):
        layout_problems(fig, "poster")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure; got str"):
        layout_problems("figure.png", "book")
