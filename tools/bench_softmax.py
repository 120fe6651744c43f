#!/usr/bin/env python3
"""Time SoftmaxRegression against scikit-learn's multinomial LogisticRegression, side by side in one run.

Both fit standardised digits with the same L2 strength (sklearn C = 1 / (alpha n)). Prints each
median time over a few repeats, the ratio ours / scikit-learn and the agreement of the predictions.

    python tools/bench_softmax.py [--repeats 3]
"""
import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from coursepkg.softmax import SoftmaxRegression


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    alpha = 1e-2

    def ours():
        return SoftmaxRegression(lr=0.5, max_iter=1000, alpha=alpha, momentum=0.9, tol=1e-6).fit(X, y)

    def theirs():
        return LogisticRegression(C=1.0 / (alpha * len(X)), tol=1e-8, max_iter=5000).fit(X, y)

    times = {"ours": [], "sklearn": []}
    models = {}
    for _ in range(args.repeats):  # interleaved, so both see the same machine load
        for name, fit in (("ours", ours), ("sklearn", theirs)):
            t0 = time.perf_counter()
            models[name] = fit()
            times[name].append(time.perf_counter() - t0)
    t_ours, t_sk = np.median(times["ours"]), np.median(times["sklearn"])
    agree = np.mean(models["ours"].predict(X) == models["sklearn"].predict(X))
    print(f"digits n={len(X)}, d={X.shape[1]}, C=10, alpha={alpha}")
    print(f"SoftmaxRegression   {t_ours:.3f} s  ({models['ours'].n_iter_} epochs)")
    print(f"LogisticRegression  {t_sk:.3f} s")
    print(f"ratio ours / sklearn: {t_ours / t_sk:.2f}")
    print(f"prediction agreement: {agree:.4f}")


if __name__ == "__main__":
    main()
