"""Chapter 7 figures: optimisation paths, mini-batch noise, schedules, momentum, early stopping."""
import numpy as np

from ..datasets import make_logistic
from ..optim import gradient_descent, logistic_gradient, logistic_hessian, logistic_loss, newton_method, sgd_path
from ..optim import QUAD_A, SGD, Adagrad, Adam, RMSProp, quadratic_path
from ..regularization import EarlyStopping
from ..optim import cosine_lr, exponential_lr, inverse_time_lr, step_lr, warmup_lr
from ..style import PALETTE, new_figure, point_size
from . import register

_PATH_MARKER = 5  # points: iterates visible on a slide, yet not merging into a blob


def draw_quadratic_contours(ax, a=QUAD_A):
    """Level sets of f = 1/2 sum a_i theta_i^2 on ``ax`` (the view of Chapter 7's quadratic), its minimum starred."""
    g = np.linspace(-4.5, 4.5, 200)
    T1, T2 = np.meshgrid(g, np.linspace(-1.6, 1.6, 120))
    ax.contour(T1, T2, 0.5 * (a[0] * T1**2 + a[1] * T2**2), levels=np.geomspace(0.05, 40, 10), colors="0.75",
               linewidths=0.7)
    ax.plot(0, 0, "k*", markersize=8)
    ax.set(xlim=(-4.5, 4.5), ylim=(-1.6, 1.6), xlabel=r"$\theta_1$", ylabel=r"$\theta_2$")


@register("descent_paths", chapter=7, caption="GD, Newton and SGD on one logistic-regression loss surface")
def descent_paths():
    X, y = make_logistic(200, theta=(1.5, -1.0), rng=0)
    grad = lambda t: logistic_gradient(t, X, y)
    start = np.array([-1.0, 0.5])
    gd = gradient_descent(grad, start, lr=1.0, n_steps=30)
    newton = newton_method(grad, lambda t: logistic_hessian(t, X, y), start, 6)
    sgd = sgd_path(lambda t, idx: logistic_gradient(t, X[idx], y[idx]), len(y), start, lr=0.5, n_epochs=1,
                   batch_size=5, rng=1)
    g1, g2 = np.linspace(-1.5, 3.0, 80), np.linspace(-2.0, 1.0, 60)
    Z = np.array([[logistic_loss(np.array([a, b]), X, y) for a in g1] for b in g2])
    fig = new_figure(1, 2, height=0.9)
    ax = fig.axes[0]
    ax.contour(g1, g2, Z, levels=15, colors="0.75", linewidths=0.7)
    # Newton's first step overshoots along the line GD walks: Newton dashed, GD on top.
    for path, label, color, style in ((gd, "GD (30 steps)", PALETTE[0], "o-"), (newton, "Newton", PALETTE[3], "s--"),
                                      (sgd, "SGD, batch 5 (1 epoch)", PALETTE[2], "-")):
        ax.plot(path[:, 0], path[:, 1], style, color=color, label=label, markersize=_PATH_MARKER,
                zorder=3 if label.startswith("GD") else 2)
    ax.set(xlabel=r"$\theta_1$", ylabel=r"$\theta_2$", title="paths on $J(\\theta)$", aspect="equal")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3)  # below: the paths fill the contour plot
    ax = fig.axes[1]
    best = newton[-1]
    for path, label, color in ((gd, "GD", PALETTE[0]), (newton, "Newton", PALETTE[3])):
        err = np.linalg.norm(path - best, axis=1)[:-1] if label == "Newton" else np.linalg.norm(path - best, axis=1)
        ax.semilogy(np.arange(len(err)), np.maximum(err, 1e-16), "o-", color=color, label=label,
                    markersize=_PATH_MARKER)
    ax.set(xlabel="iteration t", ylabel=r"$\|\theta_t - \theta^*\|$", title="convergence:\nlinear vs quadratic")
    return fig


@register("minibatch_variance", chapter=7, caption="Mini-batch gradients are unbiased; their variance falls like 1/B")
def minibatch_variance():
    X, y = make_logistic(512, theta=(1.5, -1.0), rng=0)
    theta = np.array([0.5, 0.5])
    full = logistic_gradient(theta, X, y)
    per_example = (X * ((1 / (1 + np.exp(-X @ theta))) - y)[:, None])
    sigma2 = per_example.var(axis=0).sum()
    rng = np.random.default_rng(0)
    sizes = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256])
    var, samples = [], {}
    for B in sizes:
        draws = np.array([logistic_gradient(theta, X[i], y[i]) for i in
                          (rng.choice(len(y), B, replace=False) for _ in range(400))])
        var.append(((draws - full) ** 2).sum(axis=1).mean())
        samples[B] = draws
    N = len(y)
    fig = new_figure(1, 2, height=0.85)
    ax = fig.axes[0]
    for B, color in ((1, PALETTE[1]), (16, PALETTE[0]), (256, PALETTE[3])):
        ax.scatter(*samples[B][:200].T, s=point_size(), color=color, alpha=0.5,
                   label=f"B = {B}")
    ax.plot(*full, "k*", markersize=10, label="full gradient")
    ax.set(xlabel=r"$\partial J/\partial\theta_1$", ylabel=r"$\partial J/\partial\theta_2$", title="gradient estimates")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, markerscale=1.5)  # the B = 1 cloud fills its axes
    ax = fig.axes[1]
    ax.loglog(sizes, var, "o", color=PALETTE[0], label="measured (400 draws)")
    ax.loglog(sizes, sigma2 / sizes * (N - sizes) / (N - 1), "-", color="black",
              label=r"$\frac{\sigma^2}{B}\frac{N-B}{N-1}$")
    ax.set(xlabel="batch size B", ylabel=r"$E\|g_B - \nabla J\|^2$", title="variance vs batch size")
    ax.legend()
    return fig


@register("lr_schedules", chapter=7, caption="Learning-rate schedules: step, exponential, 1/t, cosine, warm-up + cosine")
def lr_schedules():
    t = np.arange(100)
    curves = [("step (every 30, x0.3)", step_lr(0.1, t, 30, 0.3)),
              ("exponential (0.97)", exponential_lr(0.1, t, 0.97)),
              ("1/t (decay 0.1)", inverse_time_lr(0.1, t, 0.1)),
              ("cosine (T = 100)", cosine_lr(0.1, t, 100)),
              ("warm-up 10 + cosine", warmup_lr(0.1, t, 10, after=lambda s: cosine_lr(0.1, s, 100)))]
    fig = new_figure(1, 1, height=0.8)
    ax = fig.axes[0]
    for (label, lr), color in zip(curves, PALETTE):
        ax.plot(t, lr, color=color, label=label)
    ax.lines[-1].set(linestyle="--", zorder=3)  # warm-up + cosine equals cosine after step 10: dashed, on top
    ax.set(xlabel="step t", ylabel=r"learning rate $\alpha_t$")
    fig.legend(loc="outside right upper")
    return fig


@register("momentum_paths", chapter=7, caption="GD, heavy-ball and Nesterov momentum on an ill-conditioned quadratic")
def momentum_paths():
    runs = [("GD, lr 0.06", dict(lr=0.06), PALETTE[0]),
            ("momentum 0.6", dict(lr=0.06, momentum=0.6), PALETTE[2]),
            ("Nesterov 0.6", dict(lr=0.06, momentum=0.6, nesterov=True), PALETTE[3])]
    fig = new_figure(1, 2, height=0.8)
    draw_quadratic_contours(fig.axes[0])
    for label, kw, color in runs:
        path = quadratic_path(SGD, 40, **kw)
        fig.axes[0].plot(path[:, 0], path[:, 1], ".-", color=color, label=label, markersize=_PATH_MARKER)
        loss = 0.5 * (path**2 @ QUAD_A)
        fig.axes[1].semilogy(loss, color=color, label=label)
    fig.axes[0].set_title(r"$f = \frac{1}{2}(\theta_1^2 + 20\,\theta_2^2)$")
    fig.axes[1].set(xlabel="step", ylabel=r"$f(\theta_t)$", title="loss")
    handles, labels = fig.axes[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3)
    return fig


@register("adaptive_paths", chapter=7, caption="Momentum, Adagrad, RMSProp and Adam on the same quadratic")
def adaptive_paths():
    runs = [("momentum 0.6", SGD, dict(lr=0.06, momentum=0.6), PALETTE[2]),
            ("Adagrad", Adagrad, dict(lr=1.0), PALETTE[0]),
            ("RMSProp", RMSProp, dict(lr=0.1), PALETTE[1]),
            ("Adam", Adam, dict(lr=0.3), PALETTE[3])]
    fig = new_figure(1, 2, height=0.8)
    draw_quadratic_contours(fig.axes[0])
    for label, cls, kw, color in runs:
        path = quadratic_path(cls, 60, **kw)
        fig.axes[0].plot(path[:, 0], path[:, 1], ".-", color=color, label=label, markersize=_PATH_MARKER)
        fig.axes[1].semilogy(0.5 * (path**2 @ QUAD_A), color=color, label=label)
    fig.axes[0].set_title("paths (60 steps)")
    fig.axes[1].set(xlabel="step", ylabel=r"$f(\theta_t)$", title="loss")
    handles, labels = fig.axes[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4)
    return fig


def early_stopping_run(n_epochs=300, patience=25):
    """Logistic regression with more features than examples, trained by GD: (train, val, stopper)."""
    rng = np.random.default_rng(0)
    theta_true = np.zeros(50)
    theta_true[:3] = (2.0, -2.0, 1.0)
    X_all = rng.normal(size=(240, 50))
    y_all = (rng.random(240) < 1 / (1 + np.exp(-X_all @ theta_true))).astype(float)
    X, y, Xv, yv = X_all[:40], y_all[:40], X_all[40:], y_all[40:]
    params = {"theta": np.zeros(50)}
    opt = SGD(params, lr=0.05)
    stopper = EarlyStopping(patience=patience)
    train, val, stop_epoch = [], [], None
    for epoch in range(n_epochs):
        train.append(logistic_loss(params["theta"], X, y))
        val.append(logistic_loss(params["theta"], Xv, yv))
        if stopper.update(val[-1], params) and stop_epoch is None:
            stop_epoch = epoch
        opt.step({"theta": logistic_gradient(params["theta"], X, y)})
    return np.array(train), np.array(val), stopper, stop_epoch


@register("early_stopping", chapter=7, caption="Early stopping: keep the weights of the best validation epoch")
def early_stopping():
    train, val, stopper, stop_epoch = early_stopping_run()
    fig = new_figure(1, 1, height=0.8)
    ax = fig.axes[0]
    ax.plot(train, color=PALETTE[0], label="training loss")
    ax.plot(val, color=PALETTE[3], label="validation loss")
    ax.axvline(stopper.best_epoch_, color="black", linestyle="--", label=f"best epoch {stopper.best_epoch_}")
    ax.axvline(stop_epoch, color="gray", linestyle=":", label=f"stop (patience {stopper.patience})")
    ax.set(xlabel="epoch", ylabel="cross-entropy", ylim=(0, 1.2))
    fig.legend(loc="outside right upper")
    return fig


@register("nonconvex_network", chapter=7, caption="A one-hidden-layer network's loss has two minima: not convex")
def nonconvex_network():
    x = np.linspace(-2, 2, 41)
    target = np.tanh(1.5 * x)

    def loss(w, v):  # f(x) = v tanh(w x): (w, v) and (-w, -v) give the same function
        return np.mean((v * np.tanh(w * x) - target) ** 2)

    g = np.linspace(-3, 3, 121)
    Z = np.array([[loss(w, v) for w in g] for v in g])
    fig = new_figure(1, 2, height=0.85)
    ax = fig.axes[0]
    ax.contourf(g, g, np.log10(Z + 1e-3), levels=20)  # the style's colour map
    ax.plot([1.5, -1.5], [1.0, -1.0], "w*", markersize=10)
    ax.plot([1.5, -1.5], [1.0, -1.0], "w--", linewidth=1)
    ax.set(xlabel="hidden weight w", ylabel="output weight v", title=r"$\log_{10}$ loss of $v\,\tanh(wx)$",
           aspect="equal", xticks=[-2, 0, 2], yticks=[-2, 0, 2])
    s = np.linspace(0, 1, 101)
    along = [loss(1.5 * (1 - 2 * si), 1.0 * (1 - 2 * si)) for si in s]
    ax = fig.axes[1]
    ax.plot(s, along, color=PALETTE[0], label="loss on the segment")
    ax.plot([0, 1], [along[0], along[-1]], "k--", label="chord (convex bound)")
    ax.set(xlabel="position s on the segment", ylabel="loss", title="above the chord: not convex",
           ylim=(-0.05 * max(along), 1.6 * max(along)))  # headroom for the legend above the bump
    ax.legend(loc="upper left", fontsize="small")
    return fig
