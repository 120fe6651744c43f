"""Chapter 4 figures: nearest neighbours."""
from functools import lru_cache

import matplotlib as mpl
import numpy as np

from ..datasets import make_curve_1d, make_mixture, mixture_bayes_error, mixture_bayes_predict, mixture_posterior
from ..neighbors import (KNeighborsClassifier, KNeighborsRegressor, local_linear_regression, median_nn_distance,
                         nadaraya_watson)
from ..plotting import decision_regions, grid_2d
from ..style import PALETTE, current_style, new_figure, point_size
from . import register

LIM = (-2.6, 3.4)


def _linear_classifier(X, y):
    """Least-squares regression of y in {0, 1} on (1, x), thresholded at 1/2 (ESL 2.3.1)."""
    A = np.c_[np.ones(len(X)), X]
    beta = np.linalg.lstsq(A, y.astype(float), rcond=None)[0]
    return lambda P: (np.c_[np.ones(len(P)), P] @ beta > 0.5).astype(int)


def _bayes_contour(ax, color="black"):
    xx, yy = np.meshgrid(np.linspace(*LIM, 300), np.linspace(*LIM, 300))
    p = mixture_posterior(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    ax.contour(xx, yy, p, levels=[0.5], colors=color, linewidths=1.2, linestyles="--")


@register("knn_mixture_boundaries", chapter=4,
          caption="Bayes, linear, 15-NN and 1-NN classifiers on the same 200 points of the mixture")
def knn_mixture_boundaries():
    X, y = make_mixture(200, rng=0)
    Xt, yt = make_mixture(5000, rng=1)
    rules = [("Bayes", mixture_bayes_predict), ("linear", _linear_classifier(X, y)),
             ("15-NN", KNeighborsClassifier(15).fit(X, y).predict), ("1-NN", KNeighborsClassifier(1).fit(X, y).predict)]
    slides = current_style() == "slides"
    # A 16:9 slide fits a row of four squares; a book page a 2 x 2 grid.
    fig = new_figure(1, 4, sharey=True) if slides else new_figure(2, 2, height=1.7, sharex=True, sharey=True)
    for ax, (name, rule) in zip(fig.axes, rules):
        decision_regions(rule, X, y, ax=ax, xlim=LIM, ylim=LIM, resolution=120)
        if name != "Bayes":
            _bayes_contour(ax)
        err = np.mean(rule(Xt) != yt)
        ax.set_title(f"{name}\ntest error {err:.3f}" if slides else f"{name}: test error {err:.3f}")
        ax.set(aspect="equal", xticks=[-2, 0, 2], yticks=[-2, 0, 2])
    handles, labels = fig.axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center" if slides else "outside right upper",
                   ncols=2 if slides else 1)
    return fig


@lru_cache(maxsize=1)  # the numbers do not depend on the style: a book and a slide build share them
def _errors_vs_k():
    X, y = make_mixture(200, rng=0)
    Xt, yt = make_mixture(5000, rng=1)
    ks = np.array([1, 3, 5, 7, 11, 15, 21, 31, 45, 69, 101, 151])
    train = [np.mean(KNeighborsClassifier(k).fit(X, y).predict(X) != y) for k in ks]
    test = [np.mean(KNeighborsClassifier(k).fit(X, y).predict(Xt) != yt) for k in ks]
    return ks, train, test


@register("knn_error_vs_k", chapter=4, caption="Training and test error of k-NN against k, with the Bayes error")
def knn_error_vs_k():
    ks, train, test = _errors_vs_k()
    fig = new_figure(1, 1, height=0.9)
    ax = fig.axes[0]
    ax.plot(200 / ks, train, "o-", color=PALETTE[0], label="training error")
    ax.plot(200 / ks, test, "s-", color=PALETTE[3], label="test error")
    ax.axhline(mixture_bayes_error(), color="black", linestyle="--", label="Bayes error")
    ax.set_xscale("log")
    ax.set(xlabel="degrees of freedom n / k (k = 151 on the left, k = 1 on the right)", ylabel="error rate")
    ax.legend()
    return fig


@register("knn_distance_regions", chapter=4,
          caption="1-NN regions of the same five points under L2, L1, L-infinity and Mahalanobis, and after rescaling x_2")
def knn_distance_regions():
    P = np.array([[0.0, 0.0], [1.0, 0.3], [0.2, 1.1], [1.3, 1.4], [-0.8, 0.9]])
    labels = np.arange(5)
    VI = np.linalg.inv(np.array([[1.0, 0.8], [0.8, 1.0]]))
    panels = [("euclidean (L2)", "euclidean", None, 1.0), ("manhattan (L1)", "manhattan", None, 1.0),
              ("chebyshev (L-inf)", "chebyshev", None, 1.0), ("mahalanobis", "mahalanobis", VI, 1.0),
              ("L2, x2 scaled by 3", "euclidean", None, 3.0), ("L2, x2 scaled by 1/3", "euclidean", None, 1 / 3)]
    fig = new_figure(2, 3, height=1.4, sharex=True, sharey=True)
    xx, yy, G = grid_2d((-1.5, 2.0), (-1.0, 2.2), resolution=140)
    for ax, (title, metric, vi, s) in zip(fig.axes, panels):
        scale = np.array([1.0, s])
        clf = KNeighborsClassifier(1, metric=metric, VI=vi).fit(P * scale, labels)
        Z = clf.predict(G * scale).reshape(xx.shape)
        ax.contourf(xx, yy, Z, levels=np.arange(-0.5, 5.5), colors=PALETTE[:5], alpha=0.35)
        ax.scatter(P[:, 0], P[:, 1], c=[PALETTE[i] for i in labels], edgecolors="black", s=point_size(1.4), zorder=3)
        ax.set_title(title)
        ax.set(aspect="equal")
    return fig


@lru_cache(maxsize=1)
def _cover_hart_numbers():
    Xt, yt = make_mixture(2000, rng=11)
    ns = np.array([10, 30, 100, 300, 1000, 3000])
    errs = []
    for n in ns:
        e = [np.mean(KNeighborsClassifier(1).fit(*make_mixture(n, rng=100 + r)).predict(Xt) != yt) for r in range(2)]
        errs.append(np.mean(e))
    Xa, _ = make_mixture(50_000, rng=12)
    p = mixture_posterior(Xa)
    return ns, errs, np.mean(2 * p * (1 - p))


@register("knn_cover_hart", chapter=4,
          caption="1-NN test error against n on the mixture, approaching E[2p(1-p)], between R* and the Cover-Hart bound")
def knn_cover_hart():
    R = mixture_bayes_error()
    ns, errs, asym = _cover_hart_numbers()
    fig = new_figure(1, 1, height=0.9)
    ax = fig.axes[0]
    ax.plot(ns, errs, "o-", color=PALETTE[0], label="1-NN test error (mean of 2 training sets)")
    ax.axhline(asym, color=PALETTE[2], label="asymptotic 1-NN error E[2p(1-p)]")
    ax.axhline(2 * R * (1 - R), color=PALETTE[3], linestyle=":", label="Cover-Hart bound 2R*(1-R*)")
    ax.axhline(R, color="black", linestyle="--", label="Bayes error R*")
    ax.set_xscale("log")
    ax.set(xlabel="training set size n", ylabel="error rate")
    ax.legend(fontsize="small")
    return fig


@register("curse_volume", chapter=4,
          caption="Curse of dimensionality: the fraction r^d of [0, 1]^d in a sub-cube, and the side r needed to hold 10% of the data")
def curse_volume():
    r = np.linspace(0, 1, 201)
    fig = new_figure(1, 2, height=0.8)
    ax = fig.axes[0]
    for i, d in enumerate([1, 2, 3, 10]):
        ax.plot(r, r**d, color=PALETTE[i], label=f"d = {d}")
    ax.set(xlabel="side r of the sub-cube", ylabel="fraction of volume r^d")
    ax.legend()
    ax = fig.axes[1]
    ds = np.arange(1, 21)
    for i, frac in enumerate([0.01, 0.1]):
        ax.plot(ds, frac ** (1 / ds), "o-", color=PALETTE[i], ms=0.6 * mpl.rcParams["lines.markersize"], label=f"to capture {frac:.0%}")
    ax.set(xlabel="dimension d", ylabel="side r = fraction^(1/d)", ylim=(0, 1.05))
    ax.legend()
    return fig


@register("curse_median_distance", chapter=4,
          caption="Median distance from the origin to its nearest of n = 500 uniform points in [-1/2, 1/2]^d: formula and simulation")
def curse_median_distance():
    n = 500
    ds = np.arange(1, 16)
    rng = np.random.default_rng(0)
    sim = [np.median([np.min(np.linalg.norm(rng.uniform(-0.5, 0.5, size=(n, d)), axis=1)) for _ in range(200)]) for d in ds]
    formula = np.array([median_nn_distance(n, d) for d in ds])
    fig = new_figure(1, 1, height=0.85)
    ax = fig.axes[0]
    valid = formula <= 0.5
    ax.plot(ds[valid], formula[valid], "-", color=PALETTE[0], label="formula (ball inside the cube)")
    ax.plot(ds, sim, "o", color=PALETTE[3], label="simulation (200 draws)")
    ax.axhline(0.5, color="grey", linestyle=":", label="distance to the cube's faces")
    ax.set(xlabel="dimension d", ylabel="median nearest-neighbour distance")
    ax.legend()
    return fig


@register("knn_smoothers", chapter=4,
          caption="30-NN regression, Nadaraya-Watson and local linear regression on the same 1-D data")
def knn_smoothers():
    X, y = make_curve_1d(n=100, noise=0.3, rng=4)
    x = X[:, 0]
    grid = np.linspace(0, 1, 400)
    fig = new_figure(1, 1, height=0.9)
    ax = fig.axes[0]
    ax.scatter(x, y, s=point_size(), color="grey", label="data")
    ax.plot(grid, KNeighborsRegressor(30).fit(X, y).predict(grid[:, None]), color=PALETTE[0], label="30-NN average")
    ax.plot(grid, nadaraya_watson(x, y, grid, 0.05), color=PALETTE[3], label="Nadaraya-Watson, h = 0.05")
    ax.plot(grid, local_linear_regression(x, y, grid, 0.05), color=PALETTE[2], linestyle="--",  # it hugs NW inside
            label="local linear, h = 0.05")
    ax.set(xlabel="x", ylabel="y")
    ax.legend(fontsize="small", loc="lower left")
    return fig


@register("knn_kdtree_timing", chapter=4,
          caption="Work of a KD-tree query relative to brute force as the dimension grows (distance evaluations, scikit-learn)")
def knn_kdtree_timing():
    """Distance evaluations per query of scikit-learn's KDTree over the n of brute force.

    Wall-clock time would make the figure differ between builds; the count of distance evaluations
    (``KDTree.get_n_calls``) is deterministic and is what the tree saves, or fails to save.
    """
    from sklearn.neighbors import KDTree

    rng = np.random.default_rng(0)
    ds = [2, 4, 8, 16, 32]
    n, m = 5000, 200
    ratios = []
    for d in ds:
        X, Q = rng.uniform(size=(n, d)), rng.uniform(size=(m, d))
        tree = KDTree(X, leaf_size=30)
        tree.reset_n_calls()
        tree.query(Q, k=5)
        ratios.append(tree.get_n_calls() / (m * n))
    fig = new_figure(1, 1, height=0.85)
    ax = fig.axes[0]
    ax.plot(ds, ratios, "o-", color=PALETTE[0], label="KD-tree")
    ax.axhline(1.0, color="black", linestyle="--", label="brute force (all n distances)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set(xlabel=f"dimension d ({n:,} uniform points, k = 5)", ylabel="distance evaluations / n")
    ax.legend()
    return fig
