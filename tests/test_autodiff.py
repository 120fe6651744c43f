"""The scalar reverse-mode engine against torch autograd, the lecture's trace, bad input."""
import math

import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from coursepkg import autodiff as ad
from coursepkg.autodiff import Value, trace

pytestmark = pytest.mark.ch2

# (arity, our op, torch op); unary ops get safe arguments below
UNARY = {
    "exp": (lambda a: ad.exp(a * 0.3), lambda a: torch.exp(a * 0.3)),
    "ln": (lambda a: ad.ln(a * a + 1), lambda a: torch.log(a * a + 1)),
    "sin": (ad.sin, torch.sin),
    "cos": (ad.cos, torch.cos),
    "tanh": (ad.tanh, torch.tanh),
    "sigmoid": (ad.sigmoid, torch.sigmoid),
    "relu": (ad.relu, torch.relu),
    "neg": (lambda a: -a, lambda a: -a),
    "square": (lambda a: a ** 2, lambda a: a ** 2),
}
BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: a + b),
    "-": (lambda a, b: a - b, lambda a, b: a - b),
    "*": (lambda a, b: a * b, lambda a, b: a * b),
    "/": (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    "c-": (lambda a, b: 2.5 - a * b, lambda a, b: 2.5 - a * b),
}

program = st.lists(st.tuples(st.sampled_from(sorted(UNARY) + sorted(BINARY)),
                             st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=12)


def run(steps, inputs, ours):
    """Build the same graph: each step applies an op to earlier nodes, so nodes are reused (branches)."""
    nodes = list(inputs)
    for name, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        table = UNARY if name in UNARY else BINARY
        op = table[name][0 if ours else 1]
        nodes.append(op(a) if name in UNARY else op(a, b))
    return sum(nodes[len(inputs):], nodes[-1] * 0.0) if ours else sum(nodes[len(inputs):])


@settings(max_examples=40)
@given(program, st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_random_graphs_match_torch(steps, xs):
    xs = [x + 0.01 if x == 0 else x for x in xs]  # keep relu off its kink
    ours = [Value(x) for x in xs]
    y = run(steps, ours, True)
    y.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    y_t = run(steps, ts, False)
    y_t.backward()
    assert y.data == pytest.approx(y_t.item(), rel=1e-9, abs=1e-12)
    for v, t in zip(ours, ts):
        expected = 0.0 if t.grad is None else t.grad.item()
        assert v.grad == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_lecture_trace_numbers():
    t = trace(lambda x1, x2: ad.ln(x1) + x1 * x2 - ad.sin(x2), 2, 5)
    assert round(t.value, 3) == 11.652
    assert [round(g, 3) for g in t.gradient] == [5.5, 1.716]
    assert [row[0] for row in t.forward] == ["v_-1", "v_0", "v_1", "v_2", "v_3", "v_4", "v_5"]
    assert [row[1] for row in t.forward[2:]] == ["ln v_-1", "v_-1 * v_0", "sin v_0", "v_1 + v_2", "v_4 - v_3"]
    assert t.gradient[1] == pytest.approx(2 - math.cos(5), rel=1e-15)  # closed form x1 - cos x2
    assert "<table" in t._repr_html_() and "11.652" in t._repr_html_()
    assert "reverse adjoint trace" in str(t)


def test_branches_add_and_backward_twice_keeps_intermediates_fresh():
    x = Value(3.0)
    u = x * x
    y = u + ad.sin(u)          # u feeds two branches
    y.backward()
    assert x.grad == pytest.approx((1 + math.cos(9.0)) * 6.0)
    assert u.grad == pytest.approx(1 + math.cos(9.0))
    y.backward()               # leaves accumulate, as in torch; u is recomputed, not doubled
    assert x.grad == pytest.approx(2 * (1 + math.cos(9.0)) * 6.0)
    assert u.grad == pytest.approx(1 + math.cos(9.0))


def test_deep_chain_has_no_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_bad_input():
    with pytest.raises(TypeError, match="data must be a real number"):
        Value("3")
    with pytest.raises(ValueError, match="ln needs a positive argument"):
        ad.ln(Value(-1.0))
    with pytest.raises(TypeError, match="exponent must be a constant"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="divisor must be non-zero"):
        Value(1.0) / 0
    with pytest.raises(ValueError, match="f must return a Value"):
        trace(lambda x: 3.0, 1.0)
    with pytest.raises(ValueError, match="at least one input"):
        trace(lambda: Value(1.0))


def test_power_zero_and_overflow_issue_18():
    """Issue 18: Value(0) ** 0 raised "no finite derivative" (d/dx x^0 = 0); exp(1000) raised OverflowError."""
    import torch

    x = Value(0.0)
    y = x ** 0
    y.backward()
    xt = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (xt ** 0).backward()
    assert (y.data, x.grad) == (1.0, float(xt.grad))
    with pytest.raises(ValueError, match="overflows float64"):
        ad.exp(Value(1000.0))
    with pytest.raises(ValueError, match="overflows float64"):
        Value(1e200) ** 2
    with pytest.raises(ValueError, match="negative base needs an integer exponent"):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError, match="finite"):
        Value(float("nan"))
