"""Trace tables: the forward and reverse pass of an expression, one row per node, as the lectures tabulate them."""
import html
import inspect
from dataclasses import dataclass

from ._engine import Value
from ._functions import lift

__all__ = ['Trace', 'trace']


@dataclass(frozen=True, repr=False)
class Trace:
    """The forward primal trace and the reverse adjoint trace of one evaluation.

    ``forward`` and ``reverse`` are lists of rows (name, definition, value); ``names`` maps
    each numbered node to v_i; ``edges`` lists (parent name, child name) pairs for drawings;
    ``value`` is y and ``gradient`` holds dy/dx for each input.
    """

    forward: list
    reverse: list
    edges: list
    ops: dict
    value: float
    gradient: tuple
    input_labels: tuple

    @staticmethod
    def _text_table(title, rows):
        width = [max(len(r[i]) for r in rows) for i in (0, 1)]
        lines = [title]
        lines += [f"  {a:<{width[0]}} = {b:<{width[1]}} = {c}" for a, b, c in rows]
        return "\n".join(lines)

    def __str__(self):
        fwd = [(n, d, f"{v:.3f}") for n, d, v in self.forward]
        rev = [(n, d, f"{v:.3f}") for n, d, v in self.reverse]
        return self._text_table("forward primal trace", fwd) + "\n" + self._text_table("reverse adjoint trace", rev)

    __repr__ = __str__

    def _repr_html_(self):
        def table(title, rows, head):
            cells = "".join(f"<tr><td>{html.escape(n)}</td><td>{html.escape(d)}</td>"
                            f"<td style='text-align:right'>{v:.3f}</td></tr>" for n, d, v in rows)
            return (f"<table style='display:inline-table;margin-right:2em'><caption>{title}</caption>"
                    f"<tr><th>{head}</th><th>definition</th><th>value</th></tr>{cells}</table>")

        return (table("forward primal trace", self.forward, "v<sub>i</sub>")
                + table("reverse adjoint trace", self.reverse, "v&#772;<sub>i</sub>"))


def _fmt(x):
    return f"{x:.4g}"


def _definition(node, names):
    parts = [names.get(p, _fmt(p.data)) for p in node._parents]
    if node._op in ("+", "-", "*", "/"):
        return f"{parts[0]} {node._op} {parts[1]}"
    if node._op == "neg":
        return f"-{parts[0]}"
    if node._op.startswith("^"):
        return f"{parts[0]}{node._op}"
    return f"{node._op} {parts[0]}"


def trace(f, *inputs):
    """Evaluate f on scalar inputs, differentiate it in reverse mode and tabulate both passes.

    Parameters
    ----------
    f : callable
        f(*values) -> Value, written with Value operators and this module's functions.
    *inputs : float
        The point (x_1, ..., x_n).

    Returns
    -------
    Trace
        Printing it gives plain-text tables; in a notebook it shows as HTML tables.

    Notes
    -----
    Numbering as in the lecture: the n inputs are v_{1-n}, ..., v_0 and the intermediates
    v_1, ..., v_m by depth in the graph (ties in the order the program computed them); y = v_m.
    Constants are not numbered.
    The adjoint rows read vbar_i = sum over the children j of vbar_j * dv_j/dv_i.

    Examples
    --------
    >>> from coursepkg.autodiff import ln, sin
    >>> t = trace(lambda x1, x2: ln(x1) + x1 * x2 - sin(x2), 2.0, 5.0)
    >>> print(t)
    forward primal trace
      v_-1 = x1         = 2.000
      v_0  = x2         = 5.000
      v_1  = ln v_-1    = 0.693
      v_2  = v_-1 * v_0 = 10.000
      v_3  = sin v_0    = -0.959
      v_4  = v_1 + v_2  = 10.693
      v_5  = v_4 - v_3  = 11.652
    reverse adjoint trace
      vbar_5  = 1                            = 1.000
      vbar_4  = vbar_5 * 1                   = 1.000
      vbar_3  = vbar_5 * -1                  = -1.000
      vbar_2  = vbar_4 * 1                   = 1.000
      vbar_1  = vbar_4 * 1                   = 1.000
      vbar_0  = vbar_2 * 2 + vbar_3 * 0.2837 = 1.716
      vbar_-1 = vbar_1 * 0.5 + vbar_2 * 5    = 5.500
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {type(f).__name__}")
    if not inputs:
        raise ValueError("trace needs at least one input value")
    try:
        params = list(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        params = []
    labels = tuple(params[i] if i < len(params) and not params[i].startswith("*") else f"x{i + 1}"
                   for i in range(len(inputs)))
    xs = [Value(lift(x, "trace").data, label=lab) for x, lab in zip(inputs, labels)]
    y = f(*xs)
    if not isinstance(y, Value):
        raise ValueError(f"f must return a Value computed from its inputs; got {type(y).__name__}")
    y.backward()
    order = y.topological_order()
    n = len(xs)
    names = {x: f"v_{i - n + 1}" for i, x in enumerate(xs)}
    # depth (longest path from the inputs), then creation order: the lecture's numbering
    depth = {}
    for v in order:
        depth[v] = 1 + max((depth[p] for p in v._parents), default=-1)
    inner = sorted((v for v in order if v._parents), key=lambda v: (depth[v], v._id))
    names.update({v: f"v_{i + 1}" for i, v in enumerate(inner)})
    forward_rows = [(names[x], x.label, x.data) for x in xs]
    forward_rows += [(names[v], _definition(v, names), v.data) for v in inner]
    children = {v: [] for v in names}
    for v in inner:
        for p, local in zip(v._parents, v._local):
            if p in children:
                children[p].append((v, local))
    reverse_rows = []
    for v in reversed(list(xs) + inner):
        bar = names[v].replace("v_", "vbar_")
        if v is y:
            definition = "1"
        elif children[v]:
            definition = " + ".join(f"{names[c].replace('v_', 'vbar_')} * {_fmt(d)}" for c, d in children[v])
        else:
            definition = "0 (y does not depend on it)"
        reverse_rows.append((bar, definition, v.grad))
    edges = [(names[p], names[v]) for v in inner for p in v._parents if p in names]
    ops = {names[v]: (v.label if v in xs else v._op) for v in names}
    return Trace(forward_rows, reverse_rows, edges, ops, y.data, tuple(x.grad for x in xs), labels)
