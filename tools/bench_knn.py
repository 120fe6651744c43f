"""Benchmark: our k-NN predict vs scikit-learn's brute force, side by side in one run.

2,000 queries x 20,000 training points x 64 features, k = 5, euclidean. Prints the time ratio
ours / scikit-learn (goal <= 1.2), the peak memory of our chunked path (tracemalloc), and, when
torch is installed, the torch k-NN on the GPU (if any) over the same torch code on the CPU.

Run: python tools/bench_knn.py [--repeat 3] [--working-memory-mb 64]
"""
import argparse
import time
import tracemalloc

import numpy as np
from sklearn.neighbors import KNeighborsClassifier as SkKNN

from coursepkg.neighbors import KNeighborsClassifier


def best_time(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--working-memory-mb", type=float, default=64)
    parser.add_argument("--m", type=int, default=2000)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--p", type=int, default=64)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X, Q = rng.normal(size=(args.n, args.p)), rng.normal(size=(args.m, args.p))
    y = rng.integers(0, 10, size=args.n)
    wm = int(args.working_memory_mb * 2**20)
    ours = KNeighborsClassifier(5, working_memory=wm).fit(X, y)
    sk = SkKNN(5, algorithm="brute").fit(X, y)
    t_ours, p_ours = best_time(lambda: ours.predict(Q), args.repeat)
    t_sk, p_sk = best_time(lambda: sk.predict(Q), args.repeat)
    print(f"k-NN predict, {args.m} queries x {args.n} points x {args.p} features, k = 5")
    print(f"  ours    {t_ours:8.3f} s")
    print(f"  sklearn {t_sk:8.3f} s (algorithm='brute')")
    print(f"  ratio ours / sklearn = {t_ours / t_sk:.2f}  (goal <= 1.2)")
    print(f"  predictions agree on {np.mean(p_ours == p_sk):.4f} of the queries")
    tracemalloc.start()
    ours.predict(Q)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    full = args.m * args.n * 8
    print(f"  peak memory of our chunked predict: {peak / 2**20:.1f} MiB "
          f"(working_memory {args.working_memory_mb:g} MiB; the full distance matrix would be {full / 2**20:.1f} MiB)")
    try:
        import torch

        from coursepkg.torch_neighbors import kneighbors_torch
    except ImportError:
        print("torch not installed: no torch timing")
        return
    t_cpu, (_, i_cpu) = best_time(lambda: kneighbors_torch(Q, X, 5, device="cpu"), args.repeat)
    print(f"torch k-NN on the CPU: {t_cpu:.3f} s")
    if torch.cuda.is_available():
        kneighbors_torch(Q[:10], X, 5, device="cuda")  # warm-up
        t_gpu, (_, i_gpu) = best_time(lambda: kneighbors_torch(Q, X, 5, device="cuda"), args.repeat)
        print(f"torch k-NN on the GPU: {t_gpu:.3f} s; speed-up GPU / CPU = {t_cpu / t_gpu:.1f}x (goal >= 30x); "
              f"same neighbours: {np.array_equal(i_cpu, i_gpu)}")
    else:
        print("no CUDA device: GPU timing skipped (run on the GPU machine)")


if __name__ == "__main__":
    main()
