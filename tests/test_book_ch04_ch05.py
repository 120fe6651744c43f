"""Numbers quoted in the text of Chapters 4 and 5, checked against independent oracles.

Each test recomputes a hand-worked or corrected number of a page with a different method than the
page uses (closed forms, scipy, scikit-learn, Monte Carlo), so a slip in the text or in the package
shows up here.
"""
import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.spatial.distance import mahalanobis
from scipy.special import gammaln

from coursepkg.figures.ch04 import median_nn_distance
from coursepkg.neighbors import (KNeighborsClassifier, cover_hart_bound, local_linear_regression,
                                 nadaraya_watson, pairwise_distances)

X_TOY = np.array([[1.0, 2.0], [0.0, 0.0], [3.0, 1.0], [2.0, 3.0], [3.0, 3.0]])
Y_TOY = np.array([1, 0, 0, 1, 1])
Q = np.array([[1.0, 1.0]])


def _log_ball_volume(d):
    return d / 2 * np.log(np.pi) - gammaln(d / 2 + 1)


# --- Chapter 4, page 1: the hand-worked k-NN example -------------------------------------------

@pytest.mark.ch4
@pytest.mark.parametrize("k, p1, label", [(1, 1.0, 1), (3, 1 / 3, 0), (5, 3 / 5, 1)])
def test_hand_worked_votes_match_sklearn(k, p1, label):
    from sklearn.neighbors import KNeighborsClassifier as SkKNN

    sk = SkKNN(n_neighbors=k, algorithm="brute").fit(X_TOY, Y_TOY)
    ours = KNeighborsClassifier(n_neighbors=k).fit(X_TOY, Y_TOY)
    assert sk.predict_proba(Q)[0, 1] == pytest.approx(p1)
    assert ours.predict_proba(Q)[0, 1] == pytest.approx(p1)
    assert sk.predict(Q)[0] == ours.predict(Q)[0] == label


@pytest.mark.ch4
def test_scaling_the_second_feature_flips_the_1nn_prediction():
    from sklearn.neighbors import KNeighborsClassifier as SkKNN

    s = np.array([1.0, 10.0])
    before = SkKNN(n_neighbors=1).fit(X_TOY, Y_TOY).kneighbors(Q)
    after = SkKNN(n_neighbors=1).fit(X_TOY * s, Y_TOY).kneighbors(Q * s)
    assert before[1][0, 0] == 0 and before[0][0, 0] == pytest.approx(1.0)
    assert after[1][0, 0] == 2 and after[0][0, 0] == pytest.approx(2.0)
    # the distances listed in the text, by the closed form
    d = np.sqrt(((X_TOY * s - Q * s) ** 2).sum(1))
    np.testing.assert_allclose(d, [10, np.sqrt(101), 2, np.sqrt(401), np.sqrt(404)])
    assert KNeighborsClassifier(n_neighbors=1).fit(X_TOY * s, Y_TOY).predict(Q * s)[0] == 0


@pytest.mark.ch4
def test_mahalanobis_is_euclidean_after_whitening_scipy():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(40, 3)) @ np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.4]])
    Sigma = np.cov(A, rowvar=False)
    VI = np.linalg.inv(Sigma)
    ours = pairwise_distances(A[:4], A[4:8], "mahalanobis", VI=VI)
    oracle = np.array([[mahalanobis(a, b, VI) for b in A[4:8]] for a in A[:4]])
    np.testing.assert_allclose(ours, oracle, rtol=1e-10)
    L = np.linalg.cholesky(Sigma)
    Z = np.linalg.solve(L, A.T).T
    np.testing.assert_allclose(np.cov(Z, rowvar=False), np.eye(3), atol=1e-10)


# --- Chapter 4, page 1: Cover-Hart ---------------------------------------------------------------

@pytest.mark.ch4
def test_cover_hart_k_class_bound_closed_form_and_pointwise_inequality():
    assert cover_hart_bound(0.1, n_classes=10) == pytest.approx(0.1 * (2 - 10 / 9 * 0.1))
    assert cover_hart_bound(0.1, n_classes=10) == pytest.approx(0.18888888888888888)
    assert cover_hart_bound(0.217) == pytest.approx(2 * 0.217 * (1 - 0.217))
    rng = np.random.default_rng(0)
    for K in (2, 3, 7):
        P = rng.dirichlet(np.full(K, 0.3), size=20_000)
        r = 1 - P.max(1)
        assert np.all(1 - (P**2).sum(1) <= 2 * r - K / (K - 1) * r**2 + 1e-12)
        # equality when the non-maximal classes share r equally
        r0 = 0.2
        p = np.r_[1 - r0, np.full(K - 1, r0 / (K - 1))]
        assert 1 - (p**2).sum() == pytest.approx(2 * r0 - K / (K - 1) * r0**2)


@pytest.mark.ch4
def test_knn_average_variance_is_sigma2_over_k():
    # fixed design, only the noise varies: Var = sigma^2 / k exactly (Monte Carlo oracle)
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(0, 1, 200))
    k, sd = 15, 0.3
    idx = np.argsort(np.abs(x - 0.25), kind="stable")[:k]
    preds = (sd * rng.normal(size=(40_000, 200)))[:, idx].mean(1)
    assert preds.var() == pytest.approx(sd**2 / k, rel=0.03)


# --- Chapter 4, page 2: E1, the median nearest-neighbour distance --------------------------------

@pytest.mark.ch4
@pytest.mark.parametrize("d, value", [(2, 0.021), (8, 0.369), (10, 0.472), (11, 0.519)])
def test_median_nn_distance_values_quoted(d, value):
    # independent closed form via log-gamma
    oracle = np.exp((np.log1p(-0.5 ** (1 / 500)) - _log_ball_volume(d)) / d)
    assert median_nn_distance(500, d) == pytest.approx(oracle, rel=1e-10)
    assert round(oracle, 3) == value


@pytest.mark.ch4
def test_median_nn_distance_crosses_half_near_10_6():
    # P(D > 1/2) = (1 - v_d 2^-d)^n is exact (the ball of radius 1/2 fits in the cube): solve = 1/2
    g = lambda d: 500 * np.log1p(-np.exp(_log_ball_volume(d) - d * np.log(2))) - np.log(0.5)
    d_star = brentq(g, 2, 20)
    assert d_star == pytest.approx(10.6, abs=0.05)
    assert not 7.5 < d_star < 8.5  # the old text said "about 8"


@pytest.mark.ch4
def test_median_nn_distance_simulation_either_side_of_the_crossing():
    rng = np.random.default_rng(0)
    for d, below in ((10, True), (11, False)):
        D = np.array([np.min(np.linalg.norm(rng.uniform(-0.5, 0.5, size=(500, d)), axis=1)) for _ in range(600)])
        assert (np.median(D) < 0.5) == below


# --- Chapter 4, page 2: smoothers worked by hand --------------------------------------------------

@pytest.mark.ch4
def test_hand_worked_smoothers_at_the_edge_against_weighted_least_squares():
    x, y, h = np.array([0.0, 0.5, 1.0]), np.array([1.0, 2.0, 4.0]), 0.25
    w = np.exp(-0.5 * (x / h) ** 2)
    nw = nadaraya_watson(x, y, np.array([0.0]), h)[0]
    assert nw == pytest.approx(np.average(y, weights=w)) and round(nw, 3) == 1.120
    # np.polyfit weights multiply residuals, so pass sqrt(w) for weighted least squares
    slope, intercept = np.polyfit(x - 0.0, y, 1, w=np.sqrt(w))
    ll = local_linear_regression(x, y, np.array([0.0]), h)[0]
    assert ll == pytest.approx(intercept, rel=1e-10) and round(ll, 3) == 1.000


@pytest.mark.ch4
def test_exercise_numbers_shell_and_sample_sizes():
    np.testing.assert_allclose([1 - 0.95**d for d in (2, 10, 100)], [0.0975, 0.401, 0.994], atol=1e-3)
    n_needed = [np.log(2) / np.exp(_log_ball_volume(d) + d * np.log(0.1)) for d in (2, 5, 10, 20)]
    np.testing.assert_allclose(n_needed, [22.06, 1.32e4, 2.72e9, 2.69e21], rtol=0.01)
    # smallest n with median <= 0.1 in d = 2, exactly
    n = next(n for n in range(1, 100) if median_nn_distance(n, 2) <= 0.1)
    assert n == 22
