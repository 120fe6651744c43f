"""Chapter 1 figures: perceptrons and neural networks as functions."""
import numpy as np

from .. import activations as act
from ..datasets import bump_function, make_moons, make_poll, make_xor
from ..perceptron import XOR_PERCEPTRONS, perceptron_predict, two_layer_perceptron
from ..plotting import decision_regions, plot_line_boundary, scatter_classes
from ..style import PALETTE, current_style, new_figure
from ..mlp import max_error, network_output, relu_network, step_network
from . import register

POLL_CANDIDATES = [(np.array([1.0, 1.0]), 0.0), (np.array([-1.0, 1.0]), 0.0),
                   (np.array([1.0, -1.0]), 0.0), (np.array([-1.0, -1.0]), 0.0)]


@register("perceptron_poll", chapter=1, caption="The poll data and four candidate perceptrons sign(w^T x + b)")
def perceptron_poll():
    X, y = make_poll()
    slides = current_style() == "slides"
    # A 16:9 slide has room for a row of four squares; a book page for a 2 x 2 grid.
    fig = new_figure(1, 4, sharey=True) if slides else new_figure(2, 2, height=1.5, sharex=True, sharey=True)
    for ax, letter, (w, b) in zip(fig.axes, "ABCD", POLL_CANDIDATES):
        mistakes = int(np.sum(perceptron_predict(X, w, b) != y))
        decision_regions(lambda P, w=w, b=b: perceptron_predict(P, w, b), X, y, ax=ax,
                         xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), resolution=150)
        plot_line_boundary(w, b, ax=ax, xlim=(-1.1, 1.1), color="black")
        ax.set_title(f"{letter}: w = ({w[0]:+.0f}, {w[1]:+.0f})\n{mistakes} wrong")
        ax.set(xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), aspect="equal", xticks=[-1, 0, 1], yticks=[-1, 0, 1])
    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.suptitle("b = 0 for all four")
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    return fig


@register("activation_gallery", chapter=1, caption="Activation functions g(z) (solid) and their derivatives g'(z) (dashed)")
def activation_gallery():
    z = np.linspace(-4, 4, 801)
    names = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]
    fig = new_figure(2, 3, height=1.3, sharex=True)
    for ax, name in zip(fig.axes, names):
        g, dg = act.get_activation(name)
        ax.plot(z, g(z), color=PALETTE[0], label="g(z)")
        ax.plot(z, dg(z), color=PALETTE[3], linestyle="--", label="g'(z)")
        ax.set_title(name)
        ax.set_ylim(-1.5, 2.0)
    fig.axes[0].legend(loc="upper left")
    for ax in fig.axes[3:]:
        ax.set_xlabel("z")
    return fig


@register("xor_three_perceptrons", chapter=1, caption="XOR from three perceptrons: two lines, then an AND")
def xor_three_perceptrons():
    X, y = make_xor(n=160, rng=1)
    P = XOR_PERCEPTRONS
    fig = new_figure(1, 2, height=0.75)
    ax = fig.axes[0]
    decision_regions(lambda Q: two_layer_perceptron(Q, [P["A"], P["B"]], P["C"]), X, y, ax=ax,
                     xlim=(-0.4, 1.4), ylim=(-0.4, 1.4), boundary=False)
    for key, color in (("A", PALETTE[2]), ("B", PALETTE[4])):
        plot_line_boundary(*P[key], ax=ax, xlim=(-0.4, 1.4), normal=False, color=color, label=f"$h_{key} = 0$")
    ax.set(xlim=(-0.4, 1.4), ylim=(-0.4, 1.4), xlabel="$x_1$", ylabel="$x_2$", title="input space", aspect="equal")
    ax = fig.axes[1]
    H = np.column_stack([perceptron_predict(X, *P[k]) for k in "AB"])
    jitter = np.random.default_rng(0).uniform(-0.15, 0.15, size=H.shape)
    scatter_classes(H + jitter, y, ax=ax)
    plot_line_boundary(*P["C"], ax=ax, xlim=(-1.5, 1.5), color="black", label="$h_C = 0$")
    ax.set(xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), xlabel="$h_A(x)$", ylabel="$h_B(x)$", title="hidden space (jittered)",
           aspect="equal", xticks=[-1, 0, 1], yticks=[-1, 0, 1])  # no labels in the corner, where they collide
    # One legend for the three lines, in the hidden space's empty corner (no point maps to (-1, -1)):
    # a figure legend beside two equal-aspect panels pushed the x_2 label off a slide.
    lines = [ln for a in fig.axes for ln in a.get_lines() if ln.get_label().startswith("$h")]
    ax.legend(lines, [ln.get_label() for ln in lines], loc="lower left")
    return fig


@register("universal_approximation", chapter=1, caption="One hidden layer of step or ReLU units approximates a 1-D function")
def universal_approximation():
    x = np.linspace(0, 1, 1001)
    fig = new_figure(1, 3, height=0.65)
    for ax, hidden, build in ((fig.axes[0], "step", step_network), (fig.axes[1], "relu", relu_network)):
        ax.plot(x, bump_function(x), color="black", linestyle="--", zorder=3, label="$f(x)$")  # on top: n = 24 hugs it
        for n, color in ((6, PALETTE[1]), (24, PALETTE[0])):
            ax.plot(x, network_output(build(bump_function, n), x, hidden), color=color, label=f"$n = {n}$ units")
        ax.set(title=f"{hidden} units", xlabel="$x$")
    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3)
    ns = np.array([2, 4, 8, 16, 32, 64, 128, 256])
    ax = fig.axes[2]
    for hidden, build, color in (("step", step_network, PALETTE[3]), ("relu", relu_network, PALETTE[0])):
        errors = [max_error(bump_function, build(bump_function, n), hidden) for n in ns]
        ax.loglog(ns, errors, "o-", color=color, label=hidden)
    ax.loglog(ns, 4.0 / ns, ":", color="gray", label="$\\propto 1/n$")
    ax.loglog(ns, 20.0 / ns**2, "--", color="gray", label="$\\propto 1/n^2$")
    ax.set(title="max error", xlabel="hidden units $n$", ylim=(3e-5, 3e4))  # headroom above the curves
    ax.legend(fontsize="small", loc="upper right")
    return fig


class _TanhNetwork:
    """A 2-H-1 network with tanh hidden units, fitted to convergence by BFGS (the figure's model).

    Why not scikit-learn's MLPClassifier: its L-BFGS stops on a relative loss decrease of 2e-9,
    short of the minimum, so where it stops moves with the machine's floating-point rounding
    (the boundary visibly moved on another CPU). Here the mean logistic loss plus
    ``alpha / 2 * ||W||^2`` is minimised from a fixed start until the gradient is below 1e-9:
    under another BLAS kernel the weights agree to about 1e-9, far below the smallest margin
    of a plotted grid point (about 7e-4), so the drawn boundary cannot move.
    """

    def __init__(self, X, y, hidden=8, alpha=1e-3, seed=0):
        from scipy.optimize import minimize

        self.hidden, t = hidden, np.asarray(y, dtype=float)
        theta0 = np.random.default_rng(seed).normal(scale=0.5, size=4 * hidden + 1)
        result = minimize(self._loss_and_gradient, theta0, args=(np.asarray(X, float), t, alpha), jac=True,
                          method="BFGS", options={"gtol": 1e-9, "maxiter": 20000})
        self.theta = result.x

    def _unpack(self, theta):
        H = self.hidden
        return theta[:2 * H].reshape(2, H), theta[2 * H:3 * H], theta[3 * H:4 * H], theta[4 * H]

    def _loss_and_gradient(self, theta, X, t, alpha):
        W1, b1, w2, b2 = self._unpack(theta)
        A = np.tanh(X @ W1 + b1)
        z = A @ w2 + b2
        loss = np.mean(np.logaddexp(0.0, z) - t * z) + alpha / 2 * (np.sum(W1**2) + np.sum(w2**2))
        d = (0.5 * (1.0 + np.tanh(z / 2)) - t) / len(t)  # sigmoid(z) - t, per example
        dA = np.outer(d, w2) * (1.0 - A**2)
        grad = [X.T @ dA + alpha * W1, dA.sum(0), A.T @ d + alpha * w2, [d.sum()]]
        return loss, np.concatenate([np.ravel(g) for g in grad])

    def decision_function(self, X):
        W1, b1, w2, b2 = self._unpack(self.theta)
        return np.tanh(np.asarray(X, float) @ W1 + b1) @ w2 + b2

    def predict(self, X):
        return (self.decision_function(X) >= 0).astype(float)

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.asarray(y)))


def _moons_models():
    from sklearn.linear_model import LogisticRegression

    X, y = make_moons(n=200, noise=0.2, rng=3)
    # A strictly convex loss solved to a tight tolerance: one answer, whatever the rounding.
    linear = LogisticRegression(tol=1e-10, max_iter=1000).fit(X, y)
    return X, y, linear, _TanhNetwork(X, y)


@register("linear_vs_two_layer", chapter=1, caption="Logistic regression (a linear boundary) vs a two-layer network")
def linear_vs_two_layer():
    X, y, linear, net = _moons_models()
    fig = new_figure(1, 2, height=0.75, sharey=True)
    for ax, model, title in ((fig.axes[0], linear, "logistic regression"), (fig.axes[1], net, "2-layer network, 8 tanh units")):
        decision_regions(model.predict, X, y, ax=ax, resolution=200)
        ax.set_title(f"{title}\n{model.score(X, y):.0%} training accuracy")
        ax.set_xlabel("$x_1$")
    fig.axes[0].set_ylabel("$x_2$")
    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper")
    return fig


@register("learned_features", chapter=1, caption="A hidden layer as a learned feature map: XOR becomes linearly separable")
def learned_features():
    from sklearn.neural_network import MLPClassifier

    X, y = make_xor(n=200, rng=2)
    # A moderate L2 penalty keeps tanh out of saturation, so the hidden space is worth looking at.
    net = MLPClassifier(hidden_layer_sizes=(2,), activation="tanh", solver="lbfgs", max_iter=2000, alpha=1.0,
                        random_state=1).fit(X, y)
    W1, b1 = net.coefs_[0], net.intercepts_[0]
    w2, b2 = net.coefs_[1][:, 0], net.intercepts_[1][0]
    H = np.tanh(X @ W1 + b1)
    fig = new_figure(1, 2, height=0.75)
    decision_regions(net.predict, X, y, ax=fig.axes[0], xlim=(-0.4, 1.4), ylim=(-0.4, 1.4))
    fig.axes[0].set(title="input space\n", xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax = fig.axes[1]
    decision_regions(lambda P: np.where(P @ w2 + b2 >= 0, 1.0, -1.0), H, y, ax=ax, xlim=(-1.1, 1.1), ylim=(-1.1, 1.1))
    ax.set(title="hidden space\n$a = \\tanh(Wx + b)$", xlabel="$a_1$", ylabel="$a_2$", aspect="equal")
    return fig
