"""Nearest neighbours against scikit-learn's brute force, scipy's distances and closed forms."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.neighbors import KNeighborsClassifier as SkClassifier
from sklearn.neighbors import KNeighborsRegressor as SkRegressor

from coursepkg.datasets import make_mixture, mixture_bayes_error, mixture_bayes_predict, mixture_posterior
from coursepkg.neighbors import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    cover_hart_bound,
    kneighbors,
    local_linear_regression,
    nadaraya_watson,
    pairwise_distances,
)

pytestmark = pytest.mark.ch4

SCIPY = {"euclidean": "euclidean", "manhattan": "cityblock", "chebyshev": "chebyshev", "mahalanobis": "mahalanobis"}


def _datasets():
    rng = np.random.default_rng(0)
    Xc, yc = load_breast_cancer(return_X_y=True)
    Xc = (Xc - Xc.mean(0)) / Xc.std(0)
    Xd, yd = load_digits(return_X_y=True)
    Xd = Xd / 16.0
    Xs = rng.normal(size=(300, 4))
    ys = (Xs[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int) + (Xs[:, 1] > 1)
    return {"cancer": (Xc[:400], yc[:400], Xc[400:]), "digits": (Xd[:900], yd[:900], Xd[1500:]),
            "synthetic": (Xs[:200], ys[:200], Xs[200:])}


DATA = _datasets()


def _sk_params(metric, X):
    if metric == "mahalanobis":
        return {"metric_params": {"VI": np.linalg.inv(np.cov(X, rowvar=False))}}
    return {}


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "mahalanobis"])
def test_distances_match_scipy(metric):
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(40, 3)), rng.normal(size=(25, 3))
    VI = np.linalg.inv(np.cov(B, rowvar=False))  # VI=None: estimated from B, the reference set
    ours = pairwise_distances(A, B, metric)
    kw = {"VI": VI} if metric == "mahalanobis" else {}
    np.testing.assert_allclose(ours, cdist(A, B, SCIPY[metric], **kw), rtol=1e-10, atol=1e-10)
    # the square root is there: the triangle inequality holds
    D = pairwise_distances(A, A, metric, VI=VI)
    assert np.all(D[:, None, :] <= D[:, :, None] + D.T[None, :, :] + 1e-9)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "mahalanobis"])
def test_chunked_equals_unchunked(metric):
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(101, 5)), rng.normal(size=(37, 5))
    full = pairwise_distances(A, B, metric, working_memory=2**30)
    tiny = pairwise_distances(A, B, metric, working_memory=1)  # one row per chunk
    mid = pairwise_distances(A, B, metric, working_memory=8 * 37 * 5 * 2 * 7)
    assert np.array_equal(full, tiny) and np.array_equal(full, mid)
    d1, i1 = kneighbors(A, B, 4, metric, working_memory=1)
    d2, i2 = kneighbors(A, B, 4, metric)
    assert np.array_equal(i1, i2) and np.array_equal(d1, d2)


@pytest.mark.parametrize("name", ["cancer", "digits", "synthetic"])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "mahalanobis"])
def test_classifier_matches_sklearn_brute(name, metric):
    X, y, Xq = DATA[name]
    if metric == "mahalanobis" and name == "digits":
        pytest.skip("digits has constant pixels: its covariance is singular (tested below)")
    kw = {"VI": np.linalg.inv(np.cov(X, rowvar=False))} if metric == "mahalanobis" else {}
    D = np.sort(cdist(Xq, X, SCIPY[metric], **kw), axis=1)[:, :17]  # scipy's sorted distances
    for k in (1, 4, 15):
        # rows where the k-th and (k+1)-th distances differ: the neighbour set is unambiguous
        clear = D[:, k] - D[:, k - 1] > 1e-9
        assert clear.mean() > 0.05  # the comparison is not vacuous
        for weights in ("uniform", "distance"):
            ours = KNeighborsClassifier(k, metric=metric, weights=weights).fit(X, y)
            sk = SkClassifier(n_neighbors=k, algorithm="brute", metric=metric, weights=weights,
                              **_sk_params(metric, X)).fit(X, y)
            d_sk, i_sk = sk.kneighbors(Xq)
            d, i = ours.kneighbors(Xq)
            np.testing.assert_allclose(d, d_sk, rtol=1e-7, atol=1e-9)
            # indices agree wherever the distance is not tied with any other training point
            gaps = np.diff(D, axis=1, prepend=-1.0) > 1e-9
            untied = gaps[:, :k] & gaps[:, 1:k + 1]
            assert np.array_equal(i[untied], i_sk[untied])
            assert np.array_equal(np.sort(i[clear], axis=1), np.sort(i_sk[clear], axis=1))
            assert np.array_equal(ours.predict(Xq)[clear], sk.predict(Xq)[clear])
            np.testing.assert_allclose(ours.predict_proba(Xq)[clear], sk.predict_proba(Xq)[clear], atol=1e-9)
            if name != "digits":  # continuous features: (almost) no ties, predictions agree
                assert clear.mean() > 0.95 and np.array_equal(ours.predict(Xq), sk.predict(Xq))


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "mahalanobis"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_regressor_matches_sklearn_brute(metric, weights):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(150, 3))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2 + 0.1 * rng.normal(size=150)
    Xq = rng.normal(size=(60, 3))
    for k in (1, 5, 20):
        ours = KNeighborsRegressor(k, metric=metric, weights=weights).fit(X, y)
        sk = SkRegressor(n_neighbors=k, algorithm="brute", metric=metric, weights=weights,
                         **_sk_params(metric, X)).fit(X, y)
        np.testing.assert_allclose(ours.predict(Xq), sk.predict(Xq), rtol=1e-10)
        assert np.array_equal(ours.kneighbors(Xq)[1], sk.kneighbors(Xq)[1])


def test_tie_breaking():
    # four training points at distance 1 from the query; k = 2 keeps the two lowest indices
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    dist, ind = kneighbors([[0.0, 0.0]], X, 2)
    assert ind.tolist() == [[0, 1]] and np.allclose(dist, 1.0)
    # vote tie 1 vs 1 between labels 7 and 3: the smaller label wins, as in scikit-learn
    clf = KNeighborsClassifier(2).fit(X[:2], [7, 3])
    sk = SkClassifier(2, algorithm="brute").fit(X[:2], [7, 3])
    assert clf.predict([[0.0, 0.0]])[0] == 3 == sk.predict([[0.0, 0.0]])[0]


@settings(max_examples=15)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_duplicates_are_stable(seed, k):
    # integer points give many exact distance ties; the order must be (distance, index)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 3, size=(30, 2)).astype(float)
    Q = rng.integers(0, 3, size=(5, 2)).astype(float)
    dist, ind = kneighbors(Q, X, k)
    D = cdist(Q, X)
    expected = np.argsort(D, axis=1, kind="stable")[:, :k]
    assert np.array_equal(ind, expected)


@pytest.mark.parametrize("call, match", [
    (lambda: KNeighborsClassifier(11).fit(np.zeros((10, 2)), np.zeros(10)), "n_neighbors must be <= n_samples"),
    (lambda: KNeighborsClassifier(0).fit(np.zeros((10, 2)), np.zeros(10)), "n_neighbors must be an integer >= 1"),
    (lambda: KNeighborsClassifier(1).fit(np.ones((3, 2)), [0, 1, 0]).predict(np.ones((2, 3))), "is expecting 2 features"),
    (lambda: KNeighborsRegressor(1).fit([[np.nan, 1.0]], [1.0]), "NaN"),
    (lambda: KNeighborsClassifier(1, metric="cosine").fit(np.ones((3, 2)), [0, 1, 0]), "metric must be one of"),
    (lambda: KNeighborsClassifier(1, weights="bad").fit(np.ones((3, 2)), [0, 1, 0]), "weights must be"),
    (lambda: pairwise_distances(np.c_[np.arange(5.0), 2 * np.arange(5.0)], np.ones((1, 2)), "mahalanobis"), "singular"),
    (lambda: pairwise_distances(np.ones((5, 2)), np.ones((1, 2)), "mahalanobis", VI=-np.eye(2)), "positive definite"),
    (lambda: KNeighborsClassifier(3).predict(np.ones((2, 2))), "not fitted"),
    (lambda: nadaraya_watson([0.0, 1.0], [0.0, 1.0], [0.5], bandwidth=0.0), "bandwidth"),
    (lambda: cover_hart_bound(0.7), "bayes_error"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_digits_mahalanobis_is_refused():
    X, y, _ = DATA["digits"]
    with pytest.raises(ValueError, match="singular"):
        KNeighborsClassifier(3, metric="mahalanobis").fit(X, y)


def test_bayes_error_matches_monte_carlo():
    # 10^6 draws: standard error sqrt(R(1 - R) / n) ~ 4.1e-4; allow 4 standard errors
    R = mixture_bayes_error()
    X, y = make_mixture(1_000_000, rng=1)
    mc = np.mean(mixture_bayes_predict(X) != y)
    assert abs(R - mc) < 4 * np.sqrt(R * (1 - R) / len(y))
    # the posterior is calibrated: among points with P(y=1|x) in [0.3, 0.4], about 35% are class 1
    p = mixture_posterior(X[:200_000])
    band = (p > 0.3) & (p < 0.4)
    assert abs(np.mean(y[:200_000][band]) - np.mean(p[band])) < 0.01
    # no classifier beats the Bayes rule: 15-NN on a fresh test set does worse (on average)
    Xtr, ytr = make_mixture(500, rng=2)
    knn_err = np.mean(KNeighborsClassifier(15).fit(Xtr, ytr).predict(X[:20_000]) != y[:20_000])
    assert knn_err > R - 0.01


def test_cover_hart_simulation_within_band():
    # labels independent of x with P(y=1) = p: the 1-NN errs when the two labels differ,
    # probability 2p(1 - p) exactly; the Bayes error is min(p, 1 - p) and the bound holds with equality.
    p, n, m = 0.3, 2000, 20_000
    rng = np.random.default_rng(4)
    X, Q = rng.uniform(size=(n, 2)), rng.uniform(size=(m, 2))
    y, yq = rng.random(n) < p, rng.random(m) < p
    err = np.mean(KNeighborsClassifier(1).fit(X, y).predict(Q) != yq)
    target = 2 * p * (1 - p)
    assert abs(err - target) < 4 * np.sqrt(target * (1 - target) / m) + 0.02  # +0.02: labels of X are one draw
    assert cover_hart_bound(min(p, 1 - p)) == pytest.approx(target)


@settings(max_examples=20)
@given(st.floats(0.0, 0.5), st.integers(2, 10))
def test_cover_hart_bound_between_R_and_2R(R, K):
    R = min(R, 1 - 1 / K)
    b = cover_hart_bound(R, K)
    assert R - 1e-12 <= b <= 2 * R + 1e-12


def test_nadaraya_watson_closed_form():
    x = np.array([0.0, 0.5, 1.0, 3.0])
    y = np.array([1.0, 2.0, 4.0, -1.0])
    x0 = np.array([0.2, 2.0])
    w = np.exp(-0.5 * ((x[None] - x0[:, None]) / 0.7) ** 2)
    np.testing.assert_allclose(nadaraya_watson(x, y, x0, 0.7), (w * y).sum(1) / w.sum(1))
    # box kernel = mean of the points within h; none within h gives NaN
    assert nadaraya_watson(x, y, [0.4], 0.5, kernel="box")[0] == pytest.approx(np.mean([1.0, 2.0]))
    assert np.isnan(nadaraya_watson(x, y, [10.0], 0.5, kernel="epanechnikov")[0])


def test_local_linear_closed_form():
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 1, 30)
    y = np.sin(4 * x) + 0.1 * rng.normal(size=30)
    x0 = np.array([0.0, 0.3, 1.0])
    got = local_linear_regression(x, y, x0, 0.2)
    for g, q in zip(got, x0):  # weighted least squares by lstsq on sqrt-weighted rows
        sw = np.sqrt(np.exp(-0.5 * ((x - q) / 0.2) ** 2))
        coef = np.linalg.lstsq(np.c_[np.ones(30), x - q] * sw[:, None], y * sw, rcond=None)[0]
        assert g == pytest.approx(coef[0], rel=1e-9)
    # lines are reproduced exactly, at any bandwidth and even outside the data
    np.testing.assert_allclose(local_linear_regression(x, 2 - 3 * x, [-1.0, 0.5, 2.0], 0.3), [5.0, 0.5, -4.0])
