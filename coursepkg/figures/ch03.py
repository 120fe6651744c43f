"""Chapter 3 figures: multiclass linear models, the multiclass logistic loss, OvR / OvO / softmax."""
import warnings
from functools import lru_cache

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from ..datasets import three_blobs
from ..multiclass import DECK_004_WEIGHTS, OneVsOneClassifier, OneVsRestClassifier, linear_multiclass_predict
from ..plotting import decision_regions, grid_2d
from ..softmax import SoftmaxRegression, cross_entropy
from ..style import PALETTE, new_figure
from . import register

DECK_LIM = (-2.2, 2.2)  # a margin round the ticks at +-2, so the corner tick labels stay apart


def draw_deck_regions(ax, W, lim=DECK_LIM, resolution=300):
    """Shade argmax_k w_k^T x over the square ``lim`` x ``lim`` and draw each w_k as an arrow."""
    decision_regions(lambda P: linear_multiclass_predict(P, W), ax=ax, xlim=lim, ylim=lim, resolution=resolution)
    for k, w in enumerate(np.asarray(W, dtype=float)):
        ax.annotate("", xy=w, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=PALETTE[k], lw=2))
        ax.text(w[0] * 1.15 + 0.05, w[1] * 1.15 + 0.05, f"$w_{k + 1}$", color=PALETTE[k], fontweight="bold")
    ticks = np.arange(np.ceil(lim[0]), np.floor(lim[1]) + 1)
    ax.set(xlim=lim, ylim=lim, xlabel="$x_1$", ylabel="$x_2$", aspect="equal", xticks=ticks, yticks=ticks)
    return ax


@register("deck004_three_class_regions", chapter=3,
          caption="argmax_k w_k^T x for w1 = (1, -1/3), w2 = (-1/2, -1/2) and w3 = (0, 1); left: w1 and w2 only")
def deck004_three_class_regions():
    fig = new_figure(1, 2, height=0.9)
    ax0, ax1 = fig.axes
    draw_deck_regions(ax0, DECK_004_WEIGHTS[:2])
    ax0.set_title("two classes:\n$w = w_1 - w_2 = (3/2, 1/6)$")
    draw_deck_regions(ax1, DECK_004_WEIGHTS)
    ax1.set_title("three classes\n")
    return fig


@register("logistic_loss_bounds_01", chapter=3,
          caption="Base-2 multiclass logistic loss of class y against the margin z_y - max_{k != y} z_k, above the 0-1 loss")
def logistic_loss_bounds_01():
    margin = np.linspace(-4, 4, 401)
    fig = new_figure(1, 1, height=0.8)
    ax = fig.axes[0]
    ax.plot(margin, (margin <= 0).astype(float), color="black", lw=2, drawstyle="steps-mid", label="0-1 loss")
    for C, color in ((2, PALETTE[0]), (3, PALETTE[2]), (10, PALETTE[3])):
        # logits: z_y = margin, the other C - 1 classes tied at 0 (the worst case for a given margin)
        Z = np.zeros((margin.size, C))
        Z[:, 0] = margin
        loss2 = cross_entropy(Z, np.zeros(margin.size, dtype=int), reduction="none") / np.log(2)
        ax.plot(margin, loss2, color=color, label=f"$\\log_2$ loss, C = {C}")
    ax.set(xlabel="margin $z_y - \\max_{k \\neq y} z_k$", ylabel="loss", ylim=(-0.1, 5))
    ax.legend(loc="upper right")
    return fig


@lru_cache(maxsize=1)  # style-independent fits: a book and a slide build share them
def _three_reductions():
    X, y = three_blobs()
    with warnings.catch_warnings():  # 300 steps draw the regions; the fit need not reach tol
        warnings.simplefilter("ignore", ConvergenceWarning)
        softmax_model = SoftmaxRegression(lr=0.5, max_iter=300).fit(X, y)
    return {"one-vs-rest": OneVsRestClassifier(LogisticRegression()).fit(X, y),
            "one-vs-one": OneVsOneClassifier(LogisticRegression()).fit(X, y),
            "softmax": softmax_model}


@register("ovr_ovo_softmax_regions", chapter=3,
          caption="One data set, three reductions: one-vs-rest, one-vs-one and softmax regression; hatched: OvR/OvO ambiguity")
def ovr_ovo_softmax_regions():
    X, y = three_blobs()
    lim_x, lim_y = (-5.5, 5.5), (-4.0, 6.0)
    models = _three_reductions()
    fig = new_figure(1, 3, height=0.7, sharey=True)
    xx, yy, G = grid_2d(lim_x, lim_y, 200)
    for ax, (name, model) in zip(fig.axes, models.items()):
        decision_regions(model.predict, X, y, ax=ax, xlim=lim_x, ylim=lim_y, resolution=200)
        if name == "one-vs-rest":  # no classifier, or more than one, says "mine"
            positive = (model.decision_function(G) > 0).sum(axis=1)
            ambiguous = positive != 1
        elif name == "one-vs-one":  # two or more classes share the top vote count
            V = model.votes(G)
            ambiguous = (V == V.max(axis=1, keepdims=True)).sum(axis=1) > 1
        else:
            ambiguous = np.zeros(len(G), dtype=bool)
        if ambiguous.any():
            # hatching, not a grey veil: the class colours under the ambiguous region stay readable
            ax.contourf(xx, yy, ambiguous.reshape(xx.shape).astype(float), levels=[0.5, 1.5], colors="none",
                        hatches=["//"])
        ax.set(title=name, xlabel="$x_1$", xlim=lim_x, ylim=lim_y)
        if ax.get_legend():
            ax.get_legend().remove()
    fig.axes[0].set_ylabel("$x_2$")
    return fig


def weights_view(W, point=(1.0, 1.0)):
    """Static twin of the chapter's widget: regions of argmax_k w_k^T x and softmax(W x) at ``point``."""
    from ..softmax import softmax

    W = np.asarray(W, dtype=float)
    point = np.asarray(point, dtype=float)
    fig = new_figure(1, 2, height=0.8, width_ratios=[1.3, 1])
    ax0, ax1 = fig.axes
    draw_deck_regions(ax0, W, resolution=150)
    ax0.plot(*point, marker="*", color="black", markersize=12, zorder=5)
    p = softmax(W @ point)
    ax1.bar([f"class {k + 1}" for k in range(len(p))], p, color=PALETTE[:len(p)])
    ax1.set(ylim=(0, 1), title="p(y = k | x) = softmax(W x)")
    for k, v in enumerate(p):
        ax1.text(k, v + 0.03, f"{v:.2f}", ha="center")
    return fig
