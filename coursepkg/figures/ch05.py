"""Chapter 5 figures: kernel ridge regression and the kernel SVM."""
import numpy as np
from matplotlib.patches import Rectangle

from ..datasets import bump_function, curve_data, make_moons
from ..kernels import KernelSVM
from ..kernels import KRR_GRID, LAMS_CV, SIGMAS_CV, KernelRidge, cv_errors
from ..plotting import decision_regions
from ..style import PALETTE, new_figure, point_size
from . import register

@register("kernel_ridge_grid", chapter=5,
          caption="Kernel ridge with an RBF kernel: bandwidth sigma and lambda both regularise")
def kernel_ridge_grid():
    X, y = curve_data()
    grid = np.linspace(0, 1, 600)[:, None]
    fig = new_figure(2, 3, height=1.3, sharex=True, sharey=True)
    for ax, (sigma, lam) in zip(fig.axes, KRR_GRID):
        model = KernelRidge(sigma=sigma, lam=lam).fit(X, y)
        ax.plot(grid[:, 0], bump_function(grid[:, 0]), color="0.6", linestyle="--", label="truth")
        ax.plot(grid[:, 0], model.predict(grid), color=PALETTE[0], label="kernel ridge")
        ax.scatter(X[:, 0], y, s=point_size(0.5), color="black", zorder=3, label="data")
        ax.set_title(f"$\\sigma$ = {sigma:g}, $\\lambda$ = {lam:g}")
        ax.set_ylim(-2.0, 2.0)
    last = fig.axes[-1]
    last.axis("off")
    handles, labels = fig.axes[0].get_legend_handles_labels()
    last.legend(handles, labels, loc="center")
    for ax in fig.axes[3:5]:
        ax.set_xlabel("x")
    return fig


@register("kernel_ridge_cv", chapter=5,
          caption="Validation error of kernel ridge over sigma and lambda (5-fold cross-validation)")
def kernel_ridge_cv():
    X, y = curve_data()
    errors = cv_errors(X, y)
    fig = new_figure(1, 1, height=0.8)
    ax = fig.axes[0]
    image = ax.imshow(np.log10(errors), origin="lower", aspect="auto")  # the style's map; cells fill the width
    ax.set_xticks(range(len(LAMS_CV)), [f"{v:g}" for v in LAMS_CV])
    ax.set_yticks(range(len(SIGMAS_CV)), [f"{v:g}" for v in SIGMAS_CV])
    ax.set(xlabel="$\\lambda$", ylabel="$\\sigma$", title="validation MSE (smallest boxed)")
    ax.grid(False)
    i, j = np.unravel_index(np.argmin(errors), errors.shape)
    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="white", linewidth=2.5))
    for (r, c), e in np.ndenumerate(errors):
        ax.text(c, r, f"{e:.2f}", ha="center", va="center", fontsize="small",
                color="white" if e < np.sqrt(errors.min() * errors.max()) else "black")
    fig.colorbar(image, ax=ax, label="log$_{10}$ validation MSE")
    return fig


@register("kernel_svm_bandwidth", chapter=5,
          caption="Kernel SVM boundaries on two moons: a large bandwidth and a small one")
def kernel_svm_bandwidth():
    X, y = make_moons(n=120, noise=0.2, rng=3)
    fig = new_figure(1, 2, height=0.75, sharey=True)
    for ax, sigma in zip(fig.axes, (1.0, 0.1)):
        clf = KernelSVM(sigma=sigma, lam=1e-3, lr=5.0, max_iter=3000).fit(X, y)  # stops by its rule
        decision_regions(clf.predict, X, y, ax=ax, xlim=(-1.6, 2.6), ylim=(-1.2, 1.7), resolution=150)
        accuracy = np.mean(clf.predict(X) == y)
        ax.set_title(f"$\\sigma$ = {sigma:g}: training accuracy {accuracy:.2f}")
        ax.set_xlabel("$x_1$")
    fig.axes[0].set_ylabel("$x_2$")
    return fig


__all__ = ["kernel_ridge_grid", "kernel_ridge_cv", "kernel_svm_bandwidth"]
