"""Scalar autodiff: :class:`coursepkg.autodiff.Value` vs micrograd's ``Value``, build + backward.

The graph is a small MLP written with scalar values, as in micrograd's demo: 8 inputs -> 16 ReLU
-> 16 ReLU -> 1, summed squared error over a batch of 32 (goal: ratio <= 1.0). Both engines build
it from the same numbers; agreement: the same loss and the same gradient of every parameter.
Each timed run includes freeing its graph: ours by reference counting when the run returns,
micrograd's (reference cycles through its closures) by a collection of generation 0.
"""
import numpy as np

from .core import best_times, make_row, peak_memory_mb

SIZES = {"full": 32, "quick": 4}
LAYERS = (8, 16, 16, 1)


def build(Value, weights, X, y):
    """Loss of the ReLU network on (X, y) written with scalar ``Value`` objects; returns (loss, params)."""
    params = [[[Value(float(w)) for w in row] for row in W] for W in weights]
    loss = Value(0.0)
    for x, target in zip(X, y):
        a = [Value(float(v)) for v in x]
        for layer, W in enumerate(params):
            z = [sum((w * ai for w, ai in zip(row[1:], a)), row[0]) for row in W]
            a = z if layer == len(params) - 1 else [zi.relu() for zi in z]
        diff = a[0] - float(target)
        loss = loss + diff * diff
    return loss, params


def build_and_backward(Value, weights, X, y):
    """(loss, gradients of all parameters, flattened) after ``loss.backward()``."""
    loss, params = build(Value, weights, X, y)
    loss.backward()
    return loss.data, np.array([p.grad for W in params for row in W for p in row])


def run(quick=False, repeat=3):
    try:
        from micrograd.engine import Value as MicroValue
    except ImportError as exc:
        raise ImportError("the autodiff benchmark needs micrograd: pip install micrograd") from exc
    from ..autodiff import Value

    batch = SIZES["quick" if quick else "full"]
    rng = np.random.default_rng(0)
    weights = [rng.normal(scale=1 / np.sqrt(s), size=(t, s + 1)) for s, t in zip(LAYERS[:-1], LAYERS[1:])]
    X, y = rng.normal(size=(batch, LAYERS[0])), rng.normal(size=batch)
    (t_ours, t_micro), ((l_ours, g_ours), (l_micro, g_micro)) = best_times(
        [lambda: build_and_backward(Value, weights, X, y), lambda: build_and_backward(MicroValue, weights, X, y)],
        max(repeat, 3), collect=True)  # micrograd's graph is cyclic: freeing it is part of its cost
    agree = bool(np.isclose(l_ours, l_micro) and np.allclose(g_ours, g_micro))
    n_params = sum(w.size for w in weights)
    return [make_row("autodiff", f"scalar MLP 8-16-16-1 build + backward, batch {batch}, {n_params} parameters",
                     t_ours, "micrograd", t_micro, "<= 1.0", agree,
                     peak_memory_mb(lambda: build_and_backward(Value, weights, X, y)),
                     check="same loss and gradients")]
