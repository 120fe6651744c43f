"""Chapter 6: the bootstrap, checked against normal theory, scikit-learn and Monte Carlo error."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.kernel_ridge import KernelRidge as SkKernelRidge

from coursepkg.bootstrap import (
    binomial_tolerance,
    bootstrap_indices,
    bootstrap_predictions,
    bootstrap_statistic,
    coverage,
    kernel_ridge_many,
    oracle_predictions,
    percentile_interval,
)
from coursepkg.datasets import bump_function, make_curve_1d
from coursepkg.kernels import KernelRidge

pytestmark = pytest.mark.ch6

GRID = np.linspace(0, 1, 25)[:, None]


def test_indices_are_uniform_draws_with_replacement():
    idx = bootstrap_indices(10, 20000, rng=0)
    assert idx.shape == (20000, 10) and idx.dtype.kind == "i"
    # every index equally likely: chi-square goodness of fit
    counts = np.bincount(idx.ravel(), minlength=10)
    assert stats.chisquare(counts).pvalue > 1e-3
    # P(point 0 absent from a sample) = (1 - 1/n)^n
    absent = np.mean(~np.any(idx == 0, axis=1))
    p = 0.9 ** 10
    assert abs(absent - p) < 4 * np.sqrt(p * (1 - p) / 20000)


def test_percentile_interval_matches_numpy_percentiles():
    v = np.random.default_rng(1).normal(size=(500, 3))
    lo, hi = percentile_interval(v, level=0.8)
    np.testing.assert_allclose(lo, np.percentile(v, 10, axis=0))
    np.testing.assert_allclose(hi, np.percentile(v, 90, axis=0))


def test_bootstrap_interval_of_mean_agrees_with_normal_theory():
    x = np.random.default_rng(2).normal(loc=3.0, scale=2.0, size=2000)
    lo, hi = percentile_interval(bootstrap_statistic(x, np.mean, B=4000, rng=3), level=0.9)
    se = x.std(ddof=1) / np.sqrt(x.size)
    z = stats.norm.ppf(0.95)
    # the bootstrap quantiles estimate mean -+ z se; Monte Carlo error of a 5% quantile with
    # B = 4000 is well under 0.1 se
    assert abs(lo - (x.mean() - z * se)) < 0.1 * se
    assert abs(hi - (x.mean() + z * se)) < 0.1 * se


def test_coverage_of_the_mean_is_near_nominal():
    n_exp = 400
    cov = coverage(lambda x, r: percentile_interval(bootstrap_statistic(x, B=400, rng=r), 0.9),
                   lambda r: r.normal(loc=1.0, size=200), truth=1.0, n_experiments=n_exp, rng=4)
    # percentile interval undercovers by O(1/n) only; allow 4 binomial standard errors
    assert abs(cov - 0.9) < binomial_tolerance(0.9, n_exp, z=4.0)


def test_coverage_counts_hits_exactly():
    # an interval that always covers, and one that never does
    always = coverage(lambda d, r: (-np.inf, np.inf), lambda r: None, truth=[0.0, 1.0], n_experiments=3)
    never = coverage(lambda d, r: (2.0, 3.0), lambda r: None, truth=0.0, n_experiments=3)
    np.testing.assert_array_equal(always, [1.0, 1.0])
    assert never == 0.0


def test_exact_coverage_of_a_known_interval():
    # [x - z, x + z] with x ~ N(0, 1) covers 0 with probability 2 Phi(z) - 1 = 0.9
    z = stats.norm.ppf(0.95)
    cov = coverage(lambda x, r: (x - z, x + z), lambda r: r.normal(), truth=0.0, n_experiments=2000, rng=5)
    assert abs(cov - 0.9) < binomial_tolerance(0.9, 2000)


@pytest.mark.parametrize("sigma, lam", [(0.1, 1e-2), (0.3, 1e-1)])
def test_batched_equals_loop_and_scikit_learn(sigma, lam):
    X, y = make_curve_1d(40, 0.15, rng=6)
    model = KernelRidge(sigma=sigma, lam=lam)
    batched = bootstrap_predictions(X, y, GRID, model, B=30, rng=7)
    loop = bootstrap_predictions(X, y, GRID, model, B=30, rng=7, batched=False)
    np.testing.assert_allclose(batched, loop, rtol=1e-8, atol=1e-10)
    idx = bootstrap_indices(40, 30, rng=7)
    sk = SkKernelRidge(alpha=lam, kernel="rbf", gamma=1 / (2 * sigma**2)).fit(X[idx[4]], y[idx[4]])
    np.testing.assert_allclose(batched[4], sk.predict(GRID), rtol=1e-7, atol=1e-9)


def test_chunking_does_not_change_the_answer(monkeypatch):
    import coursepkg.bootstrap as bs
    X, y = make_curve_1d(20, 0.1, rng=8)
    idx = bootstrap_indices(20, 9, rng=9)
    whole = kernel_ridge_many(X, y, GRID, idx, 0.2, 0.05)
    monkeypatch.setattr(bs, "CHUNK_FLOATS", 2 * 400)    # two fits per chunk
    np.testing.assert_allclose(bs.kernel_ridge_many(X, y, GRID, idx, 0.2, 0.05), whole, rtol=1e-12)


def test_same_seed_same_band_and_function_models():
    X, y = make_curve_1d(30, 0.1, rng=10)
    model = KernelRidge(sigma=0.2, lam=0.05)
    a = percentile_interval(bootstrap_predictions(X, y, GRID, model, B=40, rng=11))
    b = percentile_interval(bootstrap_predictions(X, y, GRID, model, B=40, rng=11))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    # a plain fit_predict function gives the same as the estimator
    f = lambda Xt, yt, G: KernelRidge(sigma=0.2, lam=0.05).fit(Xt, yt).predict(G)  # noqa: E731
    np.testing.assert_allclose(bootstrap_predictions(X, y, GRID, f, B=40, rng=11),
                               bootstrap_predictions(X, y, GRID, model, B=40, rng=11), rtol=1e-8, atol=1e-10)


def test_oracle_mean_of_linear_smoother_is_its_expectation():
    # kernel ridge is linear in y: averaging over the noise (x fixed) gives the fit to f itself
    X = np.linspace(0, 1, 30)[:, None]
    model = KernelRidge(sigma=0.15, lam=0.05)

    def sample(rng):
        return X, bump_function(X[:, 0]) + 0.2 * rng.normal(size=30)

    preds = oracle_predictions(sample, GRID, model, B=2000, rng=12)
    expected = KernelRidge(sigma=0.15, lam=0.05).fit(X, bump_function(X[:, 0])).predict(GRID)
    assert np.max(np.abs(preds.mean(axis=0) - expected)) < 4 * preds.std(axis=0).max() / np.sqrt(2000)


@settings(max_examples=15)
@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95))
def test_wider_level_gives_a_wider_interval(l1, l2):
    v = np.random.default_rng(13).normal(size=300)
    (lo1, hi1), (lo2, hi2) = percentile_interval(v, min(l1, l2)), percentile_interval(v, max(l1, l2))
    assert lo2 <= lo1 <= hi1 <= hi2


@settings(max_examples=10)
@given(st.integers(1, 30), st.integers(1, 5))
def test_bootstrap_samples_only_hold_training_points(n, B):
    idx = bootstrap_indices(n, B, rng=n * B)
    assert idx.shape == (B, n) and idx.min() >= 0 and idx.max() < n


@pytest.mark.parametrize("call, message", [
    (lambda: bootstrap_indices(5, 0), "B must be a positive integer"),
    (lambda: bootstrap_indices(0, 5), "n must be a positive integer"),
    (lambda: percentile_interval(np.ones(5), level=1.0), r"level must be a number in \(0, 1\)"),
    (lambda: percentile_interval(np.ones(5), level=0), r"level must be a number in \(0, 1\)"),
    (lambda: percentile_interval(np.ones((0, 3))), "B >= 1"),
    (lambda: bootstrap_statistic(np.array([])), "x must have at least one entry"),
    (lambda: bootstrap_predictions(np.ones((0, 1)), np.ones(0), GRID, KernelRidge()), "at least one row"),
    (lambda: bootstrap_predictions(np.ones((3, 1)), np.ones(4), GRID, KernelRidge()), "same number of rows"),
    (lambda: bootstrap_predictions(np.ones((3, 1)), np.ones(3), GRID, KernelRidge(), B=0), "B must be"),
    (lambda: kernel_ridge_many(np.ones((3, 1)), np.ones(3), GRID, [[0, 5, 1]]), "indices in"),
    (lambda: kernel_ridge_many(np.ones((3, 1)), np.ones(3), GRID, [[0, 1, 1]], lam=0.0), "lam must be"),
    (lambda: coverage(lambda d, r: (0, 1), lambda r: 0, 0.5, n_experiments=0), "n_experiments"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
