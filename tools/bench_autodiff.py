"""Benchmark: coursepkg.autodiff vs micrograd (PyPI), build + backward of the same scalar graph.

The graph is a small MLP written with scalar values (as in micrograd's demo): inputs -> 16 ReLU
-> 16 ReLU -> 1, summed squared error over a batch. Both engines build it from the same numbers,
run backward, and must give the same gradients; the script prints the time ratio (goal <= 1.0x).
Run: python tools/bench_autodiff.py [--batch 32] [--repeats 5]. Needs `pip install micrograd`.
"""
import argparse
import time

import numpy as np

from coursepkg.autodiff import Value as OurValue


def build(Value, weights, X, y):
    """Loss of a 3-layer ReLU network on (X, y), written with scalar Values; returns (loss, params)."""
    params = [[[Value(float(w)) for w in row] for row in W] for W in weights]
    loss = Value(0.0)
    for x, target in zip(X, y):
        a = [Value(float(v)) for v in x]
        for l, W in enumerate(params):
            z = [sum((w * ai for w, ai in zip(row[1:], a)), row[0]) for row in W]
            a = z if l == len(params) - 1 else [zi.relu() for zi in z]
        diff = a[0] - float(target)
        loss = loss + diff * diff
    return loss, params


def run(Value, weights, X, y):
    loss, params = build(Value, weights, X, y)
    loss.backward()
    return loss.data, [p.grad for W in params for row in W for p in row]


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from micrograd.engine import Value as MicroValue

    rng = np.random.default_rng(0)
    sizes = [8, 16, 16, 1]
    weights = [rng.normal(scale=1 / np.sqrt(s), size=(t, s + 1)) for s, t in zip(sizes[:-1], sizes[1:])]
    X, y = rng.normal(size=(args.batch, sizes[0])), rng.normal(size=args.batch)
    t_ours, (l_ours, g_ours) = best_of(lambda: run(OurValue, weights, X, y), args.repeats)
    t_micro, (l_micro, g_micro) = best_of(lambda: run(MicroValue, weights, X, y), args.repeats)
    if not (np.isclose(l_ours, l_micro) and np.allclose(g_ours, g_micro)):
        raise SystemExit("the two engines disagree: benchmark invalid")
    n_params = sum(w.size for w in weights)
    print(f"scalar MLP 8-16-16-1, batch {args.batch}, {n_params} parameters; gradients agree")
    print(f"  coursepkg.autodiff {t_ours * 1e3:8.1f} ms   micrograd {t_micro * 1e3:8.1f} ms")
    print(f"coursepkg / micrograd: {t_ours / t_micro:.2f}x (goal <= 1.0x)")


if __name__ == "__main__":
    main()
