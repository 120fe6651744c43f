"""Chapter 6 exercises: bootstrap indices, the percentile interval, bootstrap kernel ridge, coverage."""
import numpy as np

from ..bootstrap import bootstrap_indices, kernel_ridge_many, percentile_interval
from ..datasets import make_curve_1d
from .judges import Choice, Numeric
from .spec import Case, Derivation, Exercise, question


def _draw_bootstrap_indices(n, B, seed):
    return bootstrap_indices(n, B, np.random.default_rng(seed))


def _estimate_coverage(lows, highs, truth):
    lows, highs, truth = np.asarray(lows, float), np.asarray(highs, float), np.asarray(truth, float)
    return np.mean((lows <= truth) & (truth <= highs), axis=0)


def _rng(seed):
    return np.random.default_rng(seed)


_X, _y = make_curve_1d(n=25, noise=0.2, rng=0)
_grid = np.linspace(0, 1, 9)[:, None]
_lo = _rng(7).normal(-1.0, 0.5, size=(50, 4))
_hi = _lo + _rng(8).uniform(0.5, 2.5, size=(50, 4))

EXERCISES = [
    Exercise(
        id="6.1",
        name="draw_bootstrap_indices",
        title="Bootstrap samples: B rows of n indices drawn with replacement",
        reference=_draw_bootstrap_indices,
        cases=(
            Case((1, 3, 0)),
            Case((5, 2, 0)),
            Case((10, 4, 42)),
            Case((40, 200, 7)),
        ),
        hint=("Use a generator made from the seed, and draw all the indices with a single call so your draws "
              "match the reference's."),
        hint2=("Sampling is with replacement: repeats are expected. Row b holds the n indices of bootstrap "
               "sample b, so the output has B rows and n columns."),
        rtol=0.0,
        atol=0.0,
    ),
    Exercise(
        id="6.2",
        name="percentile_interval",
        title="The percentile interval over the first axis",
        reference=percentile_interval,
        cases=(
            Case((np.arange(101.0), 0.9)),
            Case((np.arange(11.0), 0.5)),
            Case((_rng(1).normal(size=(200, 3)), 0.9)),
            Case((_rng(2).exponential(size=(57, 2, 2)), 0.8)),
        ),
        hint=("A level of 0.9 leaves 0.1 outside, split equally between the two tails. Quantiles are taken "
              "over the first axis (the bootstrap replicates)."),
        hint2=("Use linear interpolation between order statistics (the usual default). Return a tuple (lo, hi); "
               "for 1-D input each is a plain number."),
    ),
    Exercise(
        id="6.3",
        name="bootstrap_kernel_ridge",
        title="B kernel ridge fits on bootstrap samples, predicted on a grid",
        reference=kernel_ridge_many,
        cases=(
            Case((np.array([[0.0], [1.0]]), np.array([1.0, -1.0]), np.array([[0.5]]),
                  np.array([[0, 1], [0, 0]]), 1.0, 1.0)),
            Case((_X, _y, _grid, bootstrap_indices(25, 3, 1), 0.1, 0.01)),
            Case((_X, _y, _grid, bootstrap_indices(25, 20, 2), 0.3, 0.1)),
        ),
        hint=("Each bootstrap sample is a full training set of its own: fit on it, predict on the grid, and "
              "repeat for every row of idx."),
        hint2=("Select the rows of X and y named by idx[b] (repeats included), fit kernel ridge with the given "
               "sigma and lam, predict the grid: one row of the output per bootstrap sample."),
        rtol=1e-3, atol=1e-4,  # a linear solve per sample: float32 kernels move answers by ~1e-4 (see 5.2)
    ),
    Exercise(
        id="6.4",
        name="estimate_coverage",
        title="Coverage: how often the intervals contain the truth",
        reference=_estimate_coverage,
        cases=(
            Case((np.array([[0.0]]), np.array([[1.0]]), np.array([0.5]))),
            Case((np.array([[0.0], [2.0]]), np.array([[1.0], [3.0]]), np.array([1.0]))),
            Case((_lo, _hi, np.zeros(4))),
            Case((_lo, _hi, np.array([-1.0, 0.0, 0.5, 1.0]))),
        ),
        hint=("An interval covers a point when the truth lies inside it, ends included. Coverage is a "
              "frequency over experiments."),
        hint2=("The experiments run along the first axis; return one coverage per point (the mean of a boolean "
               "over that axis)."),
    ),
]

EXERCISES += [
    question("6.5", "answer_6_5", "Bootstrap samples expected to miss a point",
             Numeric(1000 * 0.9**10, rtol=0, atol=0.01),
             hint="One bootstrap sample draws n = 10 indices with replacement. What is the probability that one "
                  "given point is never drawn?",
             hint2="Each draw misses the point with probability 1 - 1/n, independently; then multiply by the "
                   "number of samples, B = 1000."),
    question("6.6", "answer_6_6", "What a 90% bootstrap interval means", Choice("b", "abcd"),
             hint="The interval is random: it is computed from a random data set.",
             hint2="Coverage is a statement about repeating the whole experiment many times, one point x at a time."),
]

DERIVATIONS = [
    Derivation("6.7", "About 63% of the points are in a bootstrap sample", points=2.0,
               rubric="1 pt: P(point i not drawn) = (1 - 1/n)^n; 1 pt: the limit 1/e (via ln(1 - 1/n) ~ -1/n), so the "
                      "expected fraction of distinct points tends to 1 - 1/e ~ 0.632."),
]


def _bootstrap_correlation(x, y, B, level, seed):
    """Percentile interval and standard error of Pearson's r over B paired bootstrap samples."""
    idx = np.random.default_rng(seed).integers(0, len(x), size=(B, len(x)))
    xs, ys = x[idx], y[idx]
    xc, yc = xs - xs.mean(axis=1, keepdims=True), ys - ys.mean(axis=1, keepdims=True)
    r = (xc * yc).sum(axis=1) / np.sqrt((xc**2).sum(axis=1) * (yc**2).sum(axis=1))
    lo, hi = percentile_interval(r, level)
    return float(lo), float(hi), float(np.std(r, ddof=1))


def _paired(n, rho, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return x, rho * x + np.sqrt(1 - rho**2) * rng.normal(size=n)


EXERCISES += [
    Exercise(
        id="6.8",
        name="bootstrap_correlation",
        title="A bootstrap interval and standard error for a correlation",
        points=3.0,
        reference=_bootstrap_correlation,
        cases=(
            Case((np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 3.0, 2.0]), 5, 0.5, 0)),
            Case((*_paired(30, 0.6, 1), 200, 0.9, 1)),
            Case((*_paired(50, -0.3, 2), 500, 0.8, 2)),
        ),
        hint=("A bootstrap sample of paired data resamples the pairs: the same indices for x and y. Compute the "
              "correlation of each sample, then read the interval and the spread off those B values."),
        hint2=("Draw all indices at once as in exercise 6.1, take the percentile interval as in exercise 6.2, and "
               "use the sample standard deviation (divide by B - 1) for the standard error. Return (lo, hi, se)."),
    ),
]
