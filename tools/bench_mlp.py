"""Benchmark: one epoch of the numpy MLP (coursepkg.backprop) vs torch on CPU, 784-256-10, batch 128.

Both run the same mini-batch gradient descent on the same random data (60,000 x 784, float64 for
numpy, float32 and float64 for torch), side by side in one run, and print the ratio of epoch
times (goal: numpy / torch <= 1.5). Run: python tools/bench_mlp.py [--n 60000] [--repeats 3]
"""
import argparse
import time

import numpy as np
import torch

from coursepkg.backprop import loss_and_gradients
from coursepkg.mlp import init_params


def numpy_epoch(Thetas, X, Y, batch, lr=0.1):
    for start in range(0, len(X), batch):
        _, grads = loss_and_gradients(Thetas, X[start:start + batch], Y[start:start + batch],
                                      hidden="relu", output="softmax")
        for T, G in zip(Thetas, grads):
            G *= lr                   # in place, as torch.optim.SGD updates its parameters
            T -= G


def torch_epoch(net, opt, X, y, batch):
    loss_fn = torch.nn.CrossEntropyLoss()
    for start in range(0, len(X), batch):
        opt.zero_grad()
        loss_fn(net(X[start:start + batch]), y[start:start + batch]).backward()
        opt.step()


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(args.n, 784))
    y = rng.integers(10, size=args.n)
    Y = np.eye(10)[y]
    Thetas = init_params([784, 256, 10], rng=0, scale="he")
    t_np = best_of(lambda: numpy_epoch(Thetas, X, Y, args.batch), args.repeats)
    results = {"numpy float64": t_np}
    for dtype in (torch.float32, torch.float64):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)).to(dtype)
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        Xt, yt = torch.from_numpy(X).to(dtype), torch.from_numpy(y)
        results[f"torch CPU {str(dtype).split('.')[-1]}"] = best_of(lambda: torch_epoch(net, opt, Xt, yt, args.batch), args.repeats)
    print(f"784-256-10, batch {args.batch}, {args.n} examples, torch threads {torch.get_num_threads()}")
    for name, t in results.items():
        print(f"  {name:16s} {t:7.3f} s / epoch")
    for name in ("torch CPU float64", "torch CPU float32"):
        print(f"numpy / {name}: {t_np / results[name]:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
