"""Benchmark: our kernel ridge fit + predict against scikit-learn's, measured side by side.

Prints our time / scikit-learn's time for RBF kernel ridge at n = 4,000 (goal <= 1.2x), and, when
a CUDA GPU is present, torch kernel ridge on the GPU at n = 20,000 against the same torch code on
the CPU (goal: GPU >= 30x faster).

    python tools/bench_kernels.py [--n 4000] [--repeats 3] [--gpu-n 20000]
"""
import argparse
import time

import numpy as np
from sklearn.kernel_ridge import KernelRidge as SkKernelRidge

from coursepkg.kernels import KernelRidge


def best_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def best_times_interleaved(fns, repeats):
    """Best-of-``repeats`` time of each function, alternating them so that load changes hit both."""
    best = [np.inf] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            best[k] = min(best[k], best_time(fn, 1))
    return best


def data(n, d=5, n_test=1000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, d))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2 + 0.1 * rng.normal(size=n)
    return X, y, rng.uniform(-1, 1, size=(n_test, d))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--gpu-n", type=int, default=20000)
    args = parser.parse_args(argv)
    sigma, lam = 0.5, 1e-2
    X, y, X_test = data(args.n)
    ours = lambda: KernelRidge(sigma=sigma, lam=lam).fit(X, y).predict(X_test)  # noqa: E731
    theirs = lambda: SkKernelRidge(kernel="rbf", gamma=1 / (2 * sigma**2), alpha=lam).fit(X, y).predict(X_test)  # noqa: E731
    assert np.allclose(ours(), theirs(), rtol=1e-6, atol=1e-8), "predictions differ from scikit-learn"
    t_ours, t_sk = best_times_interleaved([ours, theirs], args.repeats)
    print(f"kernel ridge fit+predict, n = {args.n}: ours {t_ours:.3f} s, scikit-learn {t_sk:.3f} s, "
          f"ratio ours/sklearn = {t_ours / t_sk:.2f}x (goal <= 1.2x)")

    try:
        import torch
    except ImportError:
        print("torch not installed: GPU benchmark skipped")
        return
    if not torch.cuda.is_available():
        print("no CUDA device: GPU benchmark skipped")
        return
    from coursepkg.torch_kernels import TorchKernelRidge

    Xg, yg, Xg_test = data(args.gpu_n)

    def run(device):
        out = TorchKernelRidge(sigma=sigma, lam=lam, device=device).fit(Xg, yg).predict(Xg_test)
        if device == "cuda":
            torch.cuda.synchronize()
        return out

    run("cuda")  # warm-up: CUDA context, kernels, cuSOLVER handles
    t_gpu = best_time(lambda: run("cuda"), args.repeats)
    t_cpu = best_time(lambda: run("cpu"), 1)
    print(f"torch kernel ridge fit+predict, n = {args.gpu_n}: GPU {t_gpu:.3f} s, CPU {t_cpu:.3f} s, "
          f"speed-up CPU/GPU = {t_cpu / t_gpu:.1f}x (goal >= 30x)")


if __name__ == "__main__":
    main()
