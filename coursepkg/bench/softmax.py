"""Softmax regression: one epoch vs torch on the CPU, and a full fit vs scikit-learn.

* epoch: :class:`coursepkg.softmax.SoftmaxRegression` with ``max_iter=1`` (mini-batches of 128 in
  the estimator's shuffled order, lr = 0.1, then the full-data objective it records) vs the same
  steps with ``torch.nn.Linear`` + ``CrossEntropyLoss`` + ``torch.optim.SGD`` in float64, on 60,000
  x 784 random data. Agreement: the same weights (allclose, rtol 1e-8).
* fit: standardised digits, L2 lam = 0.01, momentum 0.9, to convergence, vs scikit-learn's
  multinomial ``LogisticRegression`` with C = 1 / (lam n) (the same objective). Agreement: the same
  predicted label for every training example.
"""
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .core import best_times, make_row, peak_memory_mb

SIZES = {"full": (60000, 784, 10), "quick": (256, 784, 10)}
BATCH, LR, SEED = 128, 0.1, 0


def torch_epoch(X, y, n_classes):
    """The estimator's epoch in torch: same shuffled order, zero start; returns (W, b) as numpy."""
    import torch

    order = torch.from_numpy(np.random.default_rng(SEED).permutation(len(X)))
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    model = torch.nn.Linear(X.shape[1], n_classes).double()
    torch.nn.init.zeros_(model.weight)
    torch.nn.init.zeros_(model.bias)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    for start in range(0, len(X), BATCH):
        idx = order[start:start + BATCH]
        opt.zero_grad()
        loss_fn(model(Xt[idx]), yt[idx]).backward()
        opt.step()
    with torch.no_grad():
        loss_fn(model(Xt), yt)  # the full-data objective the estimator records after each epoch
    return model.weight.detach().numpy(), model.bias.detach().numpy()


def epoch_row(quick, repeat):
    from ..softmax import SoftmaxRegression

    n, d, C = SIZES["quick" if quick else "full"]
    rng = np.random.default_rng(1)
    X, y = rng.uniform(size=(n, d)), rng.integers(C, size=n)

    def ours():
        with warnings.catch_warnings():  # one epoch is the point: it stops before tol on purpose
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = SoftmaxRegression(lr=LR, max_iter=1, batch_size=BATCH, random_state=SEED).fit(X, y)
        return model.coef_, model.intercept_

    (t_ours, t_torch), ((W, b), (Wt, bt)) = best_times([ours, lambda: torch_epoch(X, y, C)], repeat)
    agree = np.allclose(W, Wt, rtol=1e-8, atol=1e-12) and np.allclose(b, bt, rtol=1e-8, atol=1e-12)
    return make_row("softmax_epoch", f"softmax regression epoch, batch {BATCH}, {n:,} x {d}, {C} classes", t_ours,
                    "torch float64, CPU", t_torch, None, agree,
                    peak_memory_mb(ours), check="same weights")


def fit_row(quick, repeat):
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from ..softmax import SoftmaxRegression

    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X[:300] if quick else X)
    y = y[:len(X)]
    lam = 1e-2

    def ours():
        return SoftmaxRegression(lr=0.5, max_iter=1000, lam=lam, momentum=0.9, tol=1e-6).fit(X, y).predict(X)

    def theirs():
        return LogisticRegression(C=1.0 / (lam * len(X)), tol=1e-8, max_iter=5000).fit(X, y).predict(X)

    (t_ours, t_sk), (p_ours, p_sk) = best_times([ours, theirs], repeat)
    return make_row("softmax_fit", f"softmax regression fit, digits {len(X):,} x 64, lam = 0.01", t_ours,
                    "scikit-learn, L-BFGS", t_sk, None, np.array_equal(p_ours, p_sk),
                    peak_memory_mb(ours), check="identical training-set labels")


def run(quick=False, repeat=3):
    return [epoch_row(quick, repeat), fit_row(quick, repeat)]
