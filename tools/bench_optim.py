"""Benchmark: coursepkg's Newton method for logistic regression vs scikit-learn, side by side.

Prints the time of each on the same problem and the ratio ours / scikit-learn (best of 5 runs).
Run: python tools/bench_optim.py
"""
import time

import numpy as np
from sklearn.linear_model import LogisticRegression

from coursepkg.datasets import make_logistic
from coursepkg.optim import logistic_gradient, logistic_hessian, newton_method


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(n=20_000, d=20):
    X, y = make_logistic(n, theta=np.linspace(-1, 1, d), rng=0)
    ours_t, path = best_of(lambda: newton_method(lambda t: logistic_gradient(t, X, y),
                                                 lambda t: logistic_hessian(t, X, y), np.zeros(d), 20, tol=1e-10))
    sk_t, sk = best_of(lambda: LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-10).fit(X, y))
    print(f"n = {n}, d = {d}; same solution: {np.allclose(path[-1], sk.coef_[0], atol=1e-5)}")
    print(f"coursepkg Newton: {ours_t * 1e3:.1f} ms   scikit-learn lbfgs: {sk_t * 1e3:.1f} ms   "
          f"ratio ours / sklearn: {ours_t / sk_t:.2f}")


if __name__ == "__main__":
    main()
