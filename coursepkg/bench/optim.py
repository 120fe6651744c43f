"""Newton's method for logistic regression (:mod:`coursepkg.optim`) vs scikit-learn.

n = 20,000 examples, d = 20, no penalty and no intercept: ``newton_method`` with the exact gradient
and Hessian, 20 steps at most (tol 1e-10), vs ``LogisticRegression(C=inf, fit_intercept=False)``
(lbfgs). Reported, no goal. Agreement: the same coefficients (atol 1e-5).
"""
import numpy as np

from .core import best_times, make_row, peak_memory_mb

SIZES = {"full": (20000, 20), "quick": (2000, 20)}


def run(quick=False, repeat=3):
    from sklearn.linear_model import LogisticRegression

    from ..datasets import make_logistic
    from ..optim import logistic_gradient, logistic_hessian, newton_method

    n, d = SIZES["quick" if quick else "full"]
    X, y = make_logistic(n, theta=np.linspace(-1, 1, d), rng=0)

    def ours():
        return newton_method(lambda t: logistic_gradient(t, X, y), lambda t: logistic_hessian(t, X, y),
                             np.zeros(d), 20, tol=1e-10)[-1]

    def theirs():
        return LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-10).fit(X, y).coef_[0]

    (t_ours, t_sk), (w_ours, w_sk) = best_times([ours, theirs], repeat)
    return [make_row("newton", f"logistic regression by Newton's method, n = {n:,}, d = {d}", t_ours,
                     "scikit-learn, L-BFGS", t_sk, None, np.allclose(w_ours, w_sk, atol=1e-5),
                     peak_memory_mb(ours), check="same coefficients")]
