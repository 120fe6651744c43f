"""Chapter 6 figures: one predictor, bootstrap predictors, the 90% band, the oracle, coverage."""
from functools import cache

import matplotlib as mpl

from ..bootstrap import BOOTSTRAP_LEVEL as LEVEL
from ..bootstrap import bootstrap_predictions, bootstrap_smoother, coverage, oracle_predictions, percentile_interval
from ..datasets import BOOTSTRAP_GRID as GRID
from ..datasets import BOOTSTRAP_N, bootstrap_data, bootstrap_sampler, bump_function
from ..style import PALETTE, new_figure, point_size
from . import register


def band_coverage(n=BOOTSTRAP_N, B=100, n_experiments=100, level=LEVEL, grid=GRID, rng=0):
    """Coverage of the bootstrap percentile band for the true f at each grid point, shape (m,)."""
    model = bootstrap_smoother()
    truth = bump_function(grid[:, 0])

    def interval(data, r):
        return percentile_interval(bootstrap_predictions(*data, grid, model, B=B, rng=r), level)

    return coverage(interval, bootstrap_sampler(n), truth, n_experiments=n_experiments, rng=rng)


def _truth_and_data(ax, X, y):
    ax.plot(GRID[:, 0], bump_function(GRID[:, 0]), color="0.5", linestyle="--", label="true f")
    ax.scatter(X[:, 0], y, s=point_size(), color="black", zorder=4, label="data")
    ax.set(xlabel="x", ylim=(-1.9, 1.9))


@register("bootstrap_one_predictor", chapter=6,
          caption="One kernel ridge predictor trained on one sample of 40 points")
def bootstrap_one_predictor():
    X, y = bootstrap_data()
    fig = new_figure(1, 1, height=0.6)
    ax = fig.axes[0]
    _truth_and_data(ax, X, y)
    ax.plot(GRID[:, 0], bootstrap_smoother().fit(X, y).predict(GRID), color=PALETTE[0], label="predictor")
    ax.legend(loc="upper right")
    return fig


@register("bootstrap_many_predictors", chapter=6,
          caption="Twenty predictors, each trained on a bootstrap sample of the same 40 points")
def bootstrap_many_predictors():
    X, y = bootstrap_data()
    preds = bootstrap_predictions(X, y, GRID, bootstrap_smoother(), B=20, rng=1)
    fig = new_figure(1, 1, height=0.6)
    ax = fig.axes[0]
    _truth_and_data(ax, X, y)
    for b, p in enumerate(preds):
        ax.plot(GRID[:, 0], p, color=PALETTE[0], alpha=0.35, linewidth=0.45 * mpl.rcParams["lines.linewidth"],
                label="bootstrap predictors" if b == 0 else None)
    ax.legend(loc="upper right")
    return fig


@register("bootstrap_band", chapter=6,
          caption="The 90% bootstrap percentile band (5% and 95% of B = 200 bootstrap predictions)")
def bootstrap_band():
    X, y = bootstrap_data()
    lo, hi = percentile_interval(bootstrap_predictions(X, y, GRID, bootstrap_smoother(), B=200, rng=1), LEVEL)
    fig = new_figure(1, 1, height=0.6)
    ax = fig.axes[0]
    ax.fill_between(GRID[:, 0], lo, hi, color=PALETTE[0], alpha=0.3, label="90% bootstrap band")
    ax.plot(GRID[:, 0], bootstrap_smoother().fit(X, y).predict(GRID), color=PALETTE[0], label="predictor")
    _truth_and_data(ax, X, y)
    ax.legend(loc="upper right")
    return fig


@register("bootstrap_vs_oracle", chapter=6,
          caption="Bootstrap band from one sample vs oracle band from 200 fresh samples")
def bootstrap_vs_oracle():
    X, y = bootstrap_data()
    model = bootstrap_smoother()
    boot = percentile_interval(bootstrap_predictions(X, y, GRID, model, B=200, rng=1), LEVEL)
    oracle = percentile_interval(oracle_predictions(bootstrap_sampler(), GRID, model, B=200, rng=2), LEVEL)
    fig = new_figure(1, 2, height=0.6, sharey=True)
    for ax, (lo, hi), color, title in zip(fig.axes, (boot, oracle), (PALETTE[0], PALETTE[1]),
                                          ("bootstrap (one sample)", "oracle (fresh samples)")):
        ax.fill_between(GRID[:, 0], lo, hi, color=color, alpha=0.35, label="90% band")
        ax.plot(GRID[:, 0], bump_function(GRID[:, 0]), color="0.3", linestyle="--", label="true f")
        ax.set(xlabel="x", title=title, ylim=(-1.9, 1.9))
        ax.legend(loc="lower left")
    return fig


@cache  # style-independent: a book and a slide build share it
def _figure_coverage(n):
    return band_coverage(n=n, B=100, n_experiments=80, rng=3)


@register("bootstrap_coverage", chapter=6,
          caption="Measured coverage of the 90% bootstrap band for the true f, over 80 experiments")
def bootstrap_coverage():
    fig = new_figure(1, 1, height=0.6)
    ax = fig.axes[0]
    for n, color in ((20, PALETTE[3]), (60, PALETTE[2])):
        cov = _figure_coverage(n)
        ax.plot(GRID[:, 0], cov, color=color, label=f"n = {n} (mean {cov.mean():.2f})")
    ax.axhline(LEVEL, color="black", linestyle=":", label="nominal 0.9")
    ax.set(xlabel="x", ylabel="coverage", ylim=(0, 1.05))
    ax.legend(loc="lower left")
    return fig
