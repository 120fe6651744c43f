"""The coverage explorer of chapter 6: one bootstrap band, and the measured coverage at its (n, B).

Measuring coverage takes n_experiments x B kernel ridge fits, about 20 s for one (n, B) at
n = 160; far too slow for a slider. So the sliders move over a fixed grid of (n, B) and the
coverage of every cell is read from :data:`COVERAGE_TABLE`, which :func:`coverage_table` computes
(``python -m coursepkg.widgets.coverage`` rewrites it; a test recomputes part of it). The band
shown is precomputed too (:data:`BANDS`, from :func:`bands`): for each n, B_max bootstrap fits
once, and the band for B uses the first B of them (the first B rows of a bootstrap draw of B_max
are a bootstrap draw of B).
"""
from pathlib import Path

import numpy as np

from ..bootstrap import bootstrap_predictions, percentile_interval
from ..datasets import bump_function
from ..style import PALETTE, new_figure, point_size
from ._base import Explorer
from ._coverage_bands import BANDS
from ._coverage_table import COVERAGE_TABLE, TABLE_B, TABLE_EXPERIMENTS, TABLE_N, TABLE_SEED

__all__ = [
    'coverage_table', 'bands', 'coverage_view', 'coverage_explorer', 'COVERAGE_TABLE', 'TABLE_N', 'TABLE_B',
]

DATA_SEED, BAND_SEED = 6, 7  # the one data set and the one bootstrap draw the plot shows


def coverage_table(ns=TABLE_N, Bs=TABLE_B, n_experiments=TABLE_EXPERIMENTS, seed=TABLE_SEED):
    """Mean coverage (over the grid and the experiments) of the 90% percentile band, shape (len(ns), len(Bs)).

    Row n uses its own generator, seeded by (seed, n), so a row can be recomputed alone. Each
    experiment draws a fresh data set of size n, makes max(Bs) bootstrap fits once, and scores
    the band of the first B fits for every B.
    """
    from ..bootstrap import BOOTSTRAP_LEVEL as LEVEL
    from ..bootstrap import bootstrap_smoother as chapter_model
    from ..datasets import BOOTSTRAP_GRID as GRID
    from ..datasets import bootstrap_sampler as chapter_sample

    truth = bump_function(GRID[:, 0])
    table = np.zeros((len(ns), len(Bs)))
    for i, n in enumerate(ns):
        rng = np.random.default_rng([seed, int(n)])
        for _ in range(n_experiments):
            X, y = chapter_sample(int(n))(rng)
            preds = bootstrap_predictions(X, y, GRID, chapter_model(), B=max(Bs), rng=rng)
            for j, B in enumerate(Bs):
                lo, hi = percentile_interval(preds[:B], LEVEL)
                table[i, j] += np.mean((lo <= truth) & (truth <= hi))
    return table / n_experiments


def bands(n, Bs=TABLE_B):
    """The data set of size n the plot shows, and its 90% bands from the first B of max(Bs) bootstrap fits.

    Returns (X, y, {B: (lo, hi)}). The explorer reads the bands from :data:`BANDS` instead (the
    400 fits at n = 160 take seconds); a test checks they agree.
    """
    from ..bootstrap import BOOTSTRAP_LEVEL as LEVEL
    from ..bootstrap import bootstrap_smoother as chapter_model
    from ..datasets import BOOTSTRAP_GRID as GRID
    from ..datasets import bootstrap_sampler as chapter_sample

    X, y = chapter_sample(n)(np.random.default_rng(DATA_SEED))
    preds = bootstrap_predictions(X, y, GRID, chapter_model(), B=max(Bs), rng=BAND_SEED)
    return X, y, {B: percentile_interval(preds[:B], LEVEL) for B in Bs}


def coverage_view(n=40, B=100):
    """One data set of size n, its 90% bootstrap band from B fits, and the tabulated coverage at (n, B)."""
    from ..datasets import BOOTSTRAP_GRID as GRID
    from ..datasets import bootstrap_sampler as chapter_sample

    if n not in TABLE_N or B not in TABLE_B:
        raise ValueError(f"(n, B) must lie on the tabulated grid n in {TABLE_N}, B in {TABLE_B}; got ({n}, {B})")
    X, y = chapter_sample(n)(np.random.default_rng(DATA_SEED))
    lo, hi = (np.array(v) for v in BANDS[n, B])
    cover = COVERAGE_TABLE[TABLE_N.index(n)][TABLE_B.index(B)]
    fig = new_figure(1, 1, height=0.55)
    ax = fig.axes[0]
    ax.fill_between(GRID[:, 0], lo, hi, color=PALETTE[0], alpha=0.3, label="90% bootstrap band")
    ax.plot(GRID[:, 0], bump_function(GRID[:, 0]), "--", color="0.4", label="true f")
    ax.scatter(X[:, 0], y, s=point_size(), color="black", zorder=3)
    ax.set(xlabel="x", ylim=(-1.9, 1.9),
           title=f"n = {n}, B = {B}: coverage {cover:.2f} ({TABLE_EXPERIMENTS} experiments)")
    ax.legend(loc="lower left", ncols=2)
    return fig


def coverage_explorer(n=40, B=100):
    """Selection sliders for n and B over the tabulated grid; every move only slices and draws."""
    import ipywidgets as widgets

    controls = {"n": widgets.SelectionSlider(options=list(TABLE_N), value=n, description="n", continuous_update=False),
                "B": widgets.SelectionSlider(options=list(TABLE_B), value=B, description="B", continuous_update=False)}
    return Explorer(coverage_view, controls)


def _write_table(path=None):
    path = path or Path(__file__).with_name("_coverage_table.py")
    table = coverage_table()
    rows = ",\n".join("    (" + ", ".join(f"{v:.4f}" for v in row) + ")" for row in table)
    path.write_text(
        '"""Coverage of the 90% bootstrap band per (n, B), written by `python -m coursepkg.widgets.coverage`."""\n\n'
        f"TABLE_N = {tuple(TABLE_N)}\nTABLE_B = {tuple(TABLE_B)}\n"
        f"TABLE_EXPERIMENTS = {TABLE_EXPERIMENTS}\nTABLE_SEED = {TABLE_SEED}\n\n"
        f"COVERAGE_TABLE = (\n{rows},\n)\n", encoding="utf-8")
    return path


def _write_bands(path=None):
    path = path or Path(__file__).with_name("_coverage_bands.py")
    lines = ['"""90% bootstrap bands (lo, hi) on the chapter grid per (n, B), written by coverage._write_bands()."""',
             "", "BANDS = {"]
    for n in TABLE_N:
        for B, (lo, hi) in bands(n)[2].items():
            rows = (f"        ({', '.join(f'{v:.4f}' for v in a)})," for a in (lo, hi))
            lines += [f"    ({n}, {B}): (", *rows, "    ),"]
    path.write_text("\n".join(lines + ["}", ""]), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(_write_table(), _write_bands())
