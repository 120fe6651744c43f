"""Chapter 2 figures: computation graphs, gradient norms per layer, the cost of gradients."""
import numpy as np

from ..autodiff import cos, ln, sin, trace
from ..mlp import gradient_norms
from ..style import PALETTE, new_figure
from . import register


def lecture_example(x1, x2):
    """f(x1, x2) = ln x1 + x1 x2 - sin x2, the example of the autodiff lecture."""
    return ln(x1) + x1 * x2 - sin(x2)


def branching_example(x):
    """g(x) = u + cos u with u = x^2: u feeds two branches, so its adjoint is a sum."""
    u = x ** 2
    return u + cos(u)


def draw_trace_graph(t, ax, show_adjoints=True):
    """Draw the computation graph of a :class:`coursepkg.autodiff.Trace` on ``ax``, inputs left.

    Nodes are placed by depth (columns) and numbered as in the trace; each shows its operation,
    primal value and (optionally) adjoint. Returns the Axes.
    """
    values = {name: v for name, _, v in t.forward}
    adjoints = {name.replace("vbar_", "v_"): g for name, _, g in t.reverse}
    depth = {name: 0 for name in values if t.ops[name] in t.input_labels}
    for name, _, _ in t.forward:
        parents = [p for p, c in t.edges if c == name]
        if parents:
            depth[name] = 1 + max(depth[p] for p in parents)
    columns = {}
    for name, _, _ in t.forward:
        columns.setdefault(depth[name], []).append(name)
    pos = {}
    for d, names in columns.items():
        for k, name in enumerate(names):
            pos[name] = (d, (len(names) - 1) / 2 - k)
    nodes = {}
    for name, (x, y) in pos.items():
        is_input = depth[name] == 0
        text = f"${name.replace('v_', 'v_{')}}}$\n{t.ops[name]}\n{values[name]:.3f}"
        if show_adjoints:
            text += f"\n$\\bar v$ = {adjoints[name]:.3f}"
        nodes[name] = ax.text(x, y, text, ha="center", va="center", fontsize="small", zorder=3,
                              bbox=dict(boxstyle="round,pad=0.4", fc=PALETTE[5] if is_input else "white", ec=PALETTE[0]))
    for p, c in t.edges:
        skip = depth[c] - depth[p] > 1 and pos[c][1] == pos[p][1]  # would run through a node: bend it
        # Clipped to the two boxes (whatever their size in this style), so every arrowhead shows.
        ax.annotate("", xy=pos[c], xytext=pos[p], zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color="0.4", lw=1.5, mutation_scale=15, shrinkA=2, shrinkB=2,
                                    patchA=nodes[p].get_bbox_patch(), patchB=nodes[c].get_bbox_patch(),
                                    connectionstyle="arc3,rad=-0.35" if skip else "arc3"))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set(xlim=(min(xs) - 0.6, max(xs) + 0.6), ylim=(min(ys) - 0.9, max(ys) + 0.9))
    ax.axis("off")
    return ax


@register("computation_graph", chapter=2,
          caption="Computation graph of f(x1, x2) = ln x1 + x1 x2 - sin x2 at (2, 5): primal values and adjoints")
def computation_graph():
    fig = new_figure(1, 1, height=0.75)
    draw_trace_graph(trace(lecture_example, 2.0, 5.0), fig.axes[0])
    fig.axes[0].set_title("forward: values left to right; reverse: adjoints right to left")
    return fig


@register("computation_graph_branches", chapter=2,
          caption="A value used twice: g(x) = u + cos u, u = x^2; the adjoint of u adds both branches")
def computation_graph_branches():
    fig = new_figure(1, 1, height=0.6)
    draw_trace_graph(trace(branching_example, 1.5), fig.axes[0])
    fig.axes[0].set_title(r"$v_1 = u$ feeds $v_2$ and $v_3$: $\bar v_1 = \bar v_3 \cdot 1 + \bar v_2 \cdot (-\sin v_1)$")
    return fig


@register("gradient_norms_per_layer", chapter=2,
          caption="Gradient norm per layer of a 12-layer network at initialisation: sigmoid vanishes, ReLU (He init) does not")
def gradient_norms_per_layer():
    fig = new_figure(1, 2, height=0.7)
    depth = 12
    for activation, color in (("sigmoid", PALETTE[3]), ("tanh", PALETTE[2]), ("relu", PALETTE[0])):
        norms = gradient_norms(depth, activation)
        fig.axes[0].semilogy(np.arange(1, depth + 1), norms, "o-", color=color, label=activation)
    fig.axes[0].set(xlabel="layer l (input side = 1)", ylabel=r"$\|\partial J / \partial W^{(l)}\|$",
                    title="one network, depth 12", xticks=range(1, depth + 1, 2))
    fig.axes[0].legend()
    depths = np.arange(2, 21, 2)
    for activation, color in (("sigmoid", PALETTE[3]), ("tanh", PALETTE[2]), ("relu", PALETTE[0])):
        ratio = [gradient_norms(d, activation)[0] / gradient_norms(d, activation)[-1] for d in depths]
        fig.axes[1].semilogy(depths, ratio, "o-", color=color, label=activation)
    fig.axes[1].set(xlabel="number of layers", ylabel="norm ratio",
                    title="first / last layer")
    return fig


@register("gradient_cost", chapter=2,
          caption="Cost of a full gradient: finite differences need 2m forward passes, backprop about 3 passes")
def gradient_cost():
    fig = new_figure(1, 1, height=0.6)
    ax = fig.axes[0]
    widths = np.array([4, 8, 16, 32, 64, 128, 256])
    m = np.array([2 * w * (w + 1) + (w + 1) for w in widths])  # two hidden layers of w units
    ax.loglog(m, 2 * m, "o-", color=PALETTE[3], label="central differences: 2m passes")
    ax.loglog(m, np.full(m.shape, 3.0), "o-", color=PALETTE[0], label="backprop: about 3 passes")
    ax.set(xlabel="number of parameters m", ylabel="cost in forward passes", ylim=(1, 1e7))
    ax.legend(loc="upper left")  # the headroom above 2m keeps the legend off the curve
    return fig
