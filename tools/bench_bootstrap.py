"""Benchmark: the batched bootstrap of kernel ridge against a loop of scikit-learn fits, side by side.

Prints, for B bootstrap fits of RBF kernel ridge on n points predicted on a grid of m points:

- our batched numpy bootstrap (``coursepkg.bootstrap.bootstrap_predictions``) / a loop of
  scikit-learn ``KernelRidge`` fits on the same index sets (ratio < 1 means we are faster);
- when a CUDA GPU is present, the batched torch bootstrap on the GPU against the batched numpy
  bootstrap on this machine's CPU (goal at B = 1,000, n = 500: GPU >= 30x faster).

Both sides compute the same predictions (checked before timing).

    python tools/bench_bootstrap.py [--n 500] [--B 1000] [--m 200] [--repeats 3]
"""
import argparse
import time

import numpy as np
from sklearn.kernel_ridge import KernelRidge as SkKernelRidge

from coursepkg.bootstrap import bootstrap_indices, kernel_ridge_many
from coursepkg.datasets import make_curve_1d


def best_times_interleaved(fns, repeats):
    """Best-of-``repeats`` wall time of each function, alternating them so that load changes hit all."""
    best = [np.inf] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - start)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--B", type=int, default=1000)
    parser.add_argument("--m", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sigma", type=float, default=0.1)
    parser.add_argument("--lam", type=float, default=1e-2)
    args = parser.parse_args(argv)

    X, y = make_curve_1d(args.n, 0.2, rng=0)
    grid = np.linspace(0, 1, args.m)[:, None]
    idx = bootstrap_indices(args.n, args.B, rng=1)
    gamma = 1.0 / (2.0 * args.sigma ** 2)

    def ours():
        return kernel_ridge_many(X, y, grid, idx, args.sigma, args.lam)

    def sklearn_loop():
        return np.stack([SkKernelRidge(alpha=args.lam, kernel="rbf", gamma=gamma).fit(X[i], y[i]).predict(grid)
                         for i in idx])

    np.testing.assert_allclose(ours(), sklearn_loop(), rtol=1e-6, atol=1e-8)
    t_ours, t_sk = best_times_interleaved([ours, sklearn_loop], args.repeats)
    print(f"bootstrap of kernel ridge, B = {args.B}, n = {args.n}, m = {args.m}")
    print(f"  numpy batched: {t_ours:.3f} s   scikit-learn loop: {t_sk:.3f} s   "
          f"ratio ours / scikit-learn = {t_ours / t_sk:.2f}x")

    try:
        import torch
    except ImportError:
        return 0
    if not torch.cuda.is_available():
        print("  no CUDA GPU: GPU comparison skipped")
        return 0
    from coursepkg.torch_bootstrap import kernel_ridge_many_torch

    def gpu():
        out = kernel_ridge_many_torch(X, y, grid, idx, args.sigma, args.lam, device="cuda")
        torch.cuda.synchronize()
        return out

    np.testing.assert_allclose(gpu(), ours(), rtol=1e-7, atol=1e-9)
    t_gpu, t_cpu = best_times_interleaved([gpu, ours], args.repeats)
    print(f"  torch on GPU (float64): {t_gpu:.4f} s   numpy on CPU: {t_cpu:.3f} s   "
          f"speed-up GPU over CPU = {t_cpu / t_gpu:.1f}x (goal >= 30x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
