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

from coursepkg.neighbors import (
    KNeighborsClassifier,
    cover_hart_bound,
    local_linear_regression,
    median_nn_distance,
    nadaraya_watson,
    pairwise_distances,
)

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


# --- Chapter 5, page 1: kernels worked by hand -----------------------------------------------------

@pytest.mark.ch5
def test_degree2_polynomial_kernel_by_hand_sklearn():
    from sklearn.metrics.pairwise import polynomial_kernel as sk_poly

    from coursepkg.kernels import polynomial_feature_map, polynomial_kernel

    a, b = np.array([[1.0, 2.0]]), np.array([[3.0, 1.0]])
    assert sk_poly(a, b, degree=2, gamma=1.0, coef0=0.0)[0, 0] == pytest.approx(25.0)
    assert polynomial_kernel(a, b, degree=2, coef0=0.0)[0, 0] == pytest.approx(25.0)
    phi_a, phi_b = np.array([1.0, 2 * np.sqrt(2), 4.0]), np.array([9.0, 3 * np.sqrt(2), 1.0])
    assert phi_a @ phi_b == pytest.approx(25.0)
    np.testing.assert_allclose(polynomial_feature_map(a, degree=2, coef0=0.0)[0], phi_a)
    # exercise: degree 3 gives 5^3 and the explicit 4-feature map
    f3 = lambda x: np.array([x[0] ** 3, np.sqrt(3) * x[0] ** 2 * x[1], np.sqrt(3) * x[0] * x[1] ** 2, x[1] ** 3])
    assert f3(a[0]) @ f3(b[0]) == pytest.approx(sk_poly(a, b, degree=3, gamma=1.0, coef0=0.0)[0, 0]) == pytest.approx(125.0)


@pytest.mark.ch5
def test_feature_counts_are_binomials():
    import math

    from coursepkg.kernels import n_polynomial_features

    for d, q in ((2, 2), (2, 3), (784, 2), (784, 4)):
        assert n_polynomial_features(d, q) == math.comb(d + q - 1, q)
        assert n_polynomial_features(d, q, exact=False) == math.comb(d + q, q)
    assert n_polynomial_features(784, 4) * 8 / 1e9 == pytest.approx(126.9, abs=0.1)  # "about 127 GB"


@pytest.mark.ch5
def test_sigmoid_kernel_counterexamples_by_hand():
    import math

    from sklearn.metrics.pairwise import sigmoid_kernel as sk_sigmoid

    assert sk_sigmoid(np.zeros((1, 2)), gamma=1.0, coef0=-1.0)[0, 0] == pytest.approx(math.tanh(-1.0))
    assert round(math.tanh(-1.0), 3) == -0.762
    K = sk_sigmoid(np.array([[1.0], [2.0]]), gamma=1.0, coef0=0.0)
    assert np.linalg.det(K) == pytest.approx(math.tanh(1) * math.tanh(4) - math.tanh(2) ** 2)
    assert round(float(np.linalg.det(K)), 3) == -0.168
    assert np.linalg.eigvalsh(K).min() < 0


# --- Chapter 5, page 2: kernel ridge ----------------------------------------------------------------

@pytest.mark.ch5
def test_four_point_kernel_ridge_by_hand_sklearn():
    from sklearn.kernel_ridge import KernelRidge as SkKRR

    from coursepkg.kernels import KernelRidge

    X, y = np.array([[0.0], [1.0], [10.0], [11.0]]), np.array([1.0, 2.0, -1.0, 1.0])
    sk = SkKRR(alpha=0.1, kernel="rbf", gamma=0.5).fit(X, y)  # gamma = 1 / (2 sigma^2), sigma = 1
    ours = KernelRidge(sigma=1.0, lam=0.1).fit(X, y)
    np.testing.assert_allclose(ours.alpha_, sk.dual_coef_, rtol=1e-10)
    np.testing.assert_allclose(np.round(sk.dual_coef_, 4), [-0.1343, 1.8922, -2.0265, 2.0265])
    # 2x2 block inverse by hand
    a = np.exp(-0.5)
    det = 1.1**2 - a**2
    assert round(det, 4) == 0.8421
    np.testing.assert_allclose(sk.dual_coef_[:2], [(1.1 - 2 * a) / det, (-a + 2.2) / det], rtol=1e-12)
    # residuals are lambda alpha; predictions quoted in the text
    np.testing.assert_allclose(y - sk.predict(X), 0.1 * sk.dual_coef_, atol=1e-12)
    f = sk.predict(np.array([[0.5], [10.5], [5.0]]))
    assert round(f[0], 3) == 1.551 and abs(f[1]) < 1e-12 and round(f[2], 3) == 0.001


@pytest.mark.ch5
def test_effective_degrees_of_freedom_of_the_grid():
    from coursepkg.datasets import curve_data
    from coursepkg.kernels import KRR_GRID, rbf_kernel

    X, _ = curve_data()
    quoted = [40.0, 39.5, 17.1, 4.2, 6.6]
    for (s, lam), q in zip(KRR_GRID, quoted):
        K = rbf_kernel(X, X, s)
        S = np.linalg.solve(K + lam * np.eye(len(X)), K).T  # K (K + lam I)^-1, both symmetric
        mu = np.linalg.eigvalsh(K)
        assert np.trace(S) == pytest.approx(np.sum(mu / (mu + lam)), abs=1e-6)
        assert round(float(np.trace(S)), 1) == q


# --- Chapter 5, page 3: kernel SVM --------------------------------------------------------------------

@pytest.mark.ch5
def test_svm_hand_step_equals_gradient_at_the_smooth_start():
    from scipy.optimize import approx_fprime

    from coursepkg.kernels import kernel_svm_loss, kernel_svm_step, rbf_kernel

    X, y = np.array([[0.0], [1.0], [3.0]]), np.array([-1.0, -1.0, 1.0])
    K = rbf_kernel(X, X, sigma=1.0)
    np.testing.assert_allclose(K[[0, 0, 1], [1, 2, 2]], np.exp([-0.5, -4.5, -2.0]))
    # at alpha = 0, b = 0 every margin is 0 < 1: the loss is differentiable, so the step is a gradient step
    theta0 = np.zeros(4)
    grad = approx_fprime(theta0, lambda th: kernel_svm_loss(th[:3], th[3], K, y, 0.01), 1e-7)
    alpha, b = kernel_svm_step(np.zeros(3), 0.0, K, y, 0.01, 1.0)
    np.testing.assert_allclose(np.r_[alpha, b], -grad, atol=1e-6)
    np.testing.assert_allclose(np.round(alpha, 4), [-0.5318, -0.4904, 0.2845])
    np.testing.assert_allclose(np.round(y * (K @ alpha + b), 3), [1.159, 1.108, -0.121])


@pytest.mark.ch5
def test_svc_with_c_from_lambda_minimises_our_objective():
    from coursepkg.kernels import kernel_svm_loss, kernel_svm_step

    X, y01, y, K, svc, best = _moons_svm_problem()
    n, lam, alpha = len(y), 1e-3, _svc_alpha(svc, len(y))
    assert round(best, 4) == 0.0566
    # a minimum of a convex function: no random perturbation goes below it
    rng = np.random.default_rng(0)
    for _ in range(50):
        v = rng.normal(size=n + 1)
        for eps in (1e-3, 1e-2):
            assert kernel_svm_loss(alpha + eps * v[:n], svc.intercept_[0] + eps * v[n], K, y, lam) >= best - 1e-9
    # sub-gradient descent with the decreasing step of the page approaches it from above
    a, b, losses = np.zeros(n), 0.0, []
    for t in range(1, 3001):
        a, b = kernel_svm_step(a, b, K, y, lam, 1 / (2 * lam * (t + 100)))
        losses.append(kernel_svm_loss(a, b, K, y, lam))
    assert best <= min(losses) < best + 0.003
    # support vectors: on the margin or at the bound; every other point beyond the margin
    m = y * svc.decision_function(X)
    free = np.abs(svc.dual_coef_[0]) < svc.C * (1 - 1e-6)
    np.testing.assert_allclose(m[svc.support_[free]], 1.0, atol=1e-3)
    assert np.all(m[svc.support_[~free]] <= 1 + 1e-6)
    assert np.all(np.delete(m, svc.support_) >= 1 - 1e-6)


def _moons_svm_problem():
    """The page's problem: 120 moons, sigma 0.3, lambda 1e-3, and SVC's exact minimum of our objective."""
    from sklearn.svm import SVC

    from coursepkg.datasets import make_moons
    from coursepkg.kernels import kernel_svm_loss, rbf_kernel

    X, y01 = make_moons(n=120, noise=0.2, rng=3)
    y = 2 * y01 - 1
    n, sigma, lam = len(y), 0.3, 1e-3
    K = rbf_kernel(X, X, sigma)
    svc = SVC(kernel="rbf", gamma=1 / (2 * sigma**2), C=1 / (2 * lam * n), tol=1e-8).fit(X, y)
    return X, y01, y, K, svc, kernel_svm_loss(_svc_alpha(svc, n), svc.intercept_[0], K, y, lam)


def _svc_alpha(svc, n):
    """SVC's dual coefficients as our alpha: one entry per training point, 0 off the support vectors."""
    alpha = np.zeros(n)
    alpha[svc.support_] = svc.dual_coef_[0]
    return alpha


@pytest.mark.ch5
def test_kernel_svm_stops_by_its_rule_near_the_svc_minimum():
    import warnings

    from coursepkg.kernels import KernelSVM

    X, y01, y, K, svc, loss_min = _moons_svm_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the page states this fit ends by the stopping rule, no warning
        clf = KernelSVM(sigma=0.3, lam=1e-3, lr=5.0, max_iter=3000).fit(X, y01)
    history = np.array(clf.loss_history_)
    # the page's numbers: stopped early, 1375 steps, best gap 0.0059 above SVC's minimum
    assert clf.n_iter_ == 1375 and len(history) == clf.n_iter_ + 1 < 3001
    assert round(history.min() - loss_min, 4) == 0.0059
    # the stopping rule: over the last max(10, 3000 // 10) = 300 steps the best loss improved by < 1 %
    best = np.minimum.accumulate(history)
    assert best[-301] - best[-1] <= 1e-2 * best[-1]
    assert best[-302] - best[-2] > 1e-2 * best[-2]  # and not one step earlier
    # same sign as the exact solution on 119 of 120 points; the exception is inside SVC's margin
    f_ours, f_svc = clf.decision_function(X), svc.decision_function(X)
    differ = np.sign(f_ours) != np.sign(f_svc)
    assert differ.sum() == 1
    np.testing.assert_allclose(np.round(y[differ] * f_svc[differ], 2), [0.28])
    np.testing.assert_allclose(np.round(y[differ] * f_ours[differ], 2), [-0.04])
    assert np.all(clf.alpha_ != 0)  # the page: the sub-gradient alpha has no exact zeros, unlike SVC's


@pytest.mark.ch5
def test_kernel_svm_steps_are_eta0_over_sqrt_t_and_warn_at_max_iter():
    from sklearn.exceptions import ConvergenceWarning

    from coursepkg.kernels import KernelSVM

    X, y01, y, K, svc, loss_min = _moons_svm_problem()
    with pytest.warns(ConvergenceWarning, match="max_iter=3000"):
        strict = KernelSVM(sigma=0.3, lam=1e-3, lr=5.0, max_iter=3000, tol=0).fit(X, y01)
    # plain numpy sub-gradient descent with steps 5 / sqrt(t), t = 1..3000, written from the page's formulas
    n, lam = len(y), 1e-3
    alpha, b, losses = np.zeros(n), 0.0, []
    for t in range(1, 3001):
        a = y * (y * (b + K @ alpha) < 1)
        alpha, b = alpha - 5 / np.sqrt(t) * (-(K @ a) / n + 2 * lam * K @ alpha), b + 5 / np.sqrt(t) * a.sum() / n
        losses.append(np.maximum(0, 1 - y * (b + K @ alpha)).mean() + lam * alpha @ K @ alpha)
    assert strict.n_iter_ == 3000
    np.testing.assert_allclose(strict.loss_history_[1:], losses, rtol=1e-9, atol=1e-12)
    assert round(min(losses) - loss_min, 4) == 0.0040
    # the returned iterate is the best one: its loss is the smallest in the history
    assert np.isclose(np.maximum(0, 1 - y * strict.decision_function(X)).mean()
                      + lam * strict.alpha_ @ K @ strict.alpha_, min(strict.loss_history_))


@pytest.mark.ch5
def test_kernel_svm_bandwidth_table_numbers():
    import warnings

    from coursepkg.datasets import make_moons
    from coursepkg.kernels import KernelSVM

    X, y01 = make_moons(n=120, noise=0.2, rng=3)
    X_test, y_test = make_moons(n=1000, noise=0.2, rng=4)
    printed = {1.0: (0.950, 0.948), 0.3: (0.983, 0.953), 0.1: (1.000, 0.954), 0.03: (1.000, 0.781)}
    for s, (train, test) in printed.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the page says every fit stops by the rule
            model = KernelSVM(sigma=s, lam=1e-3, lr=5.0, max_iter=3000).fit(X, y01)
        assert round(float(np.mean(model.predict(X) == y01)), 3) == train
        assert round(float(np.mean(model.predict(X_test) == y_test)), 3) == test
    # the figure kernel_svm_bandwidth fits sigma = 1 and 0.1 with these settings: no warning (checked above)


@pytest.mark.ch5
def test_constant_step_hovers_in_the_band_the_page_quotes():
    from coursepkg.kernels import kernel_svm_loss, kernel_svm_step

    X, y01, y, K, svc, loss_min = _moons_svm_problem()
    alpha, b, gaps = np.zeros(len(y)), 0.0, []
    for _ in range(3000):
        alpha, b = kernel_svm_step(alpha, b, K, y, 1e-3, 1.0)
        gaps.append(kernel_svm_loss(alpha, b, K, y, 1e-3) - loss_min)
    low, high = np.percentile(gaps[2000:], [1, 99])  # "a band between about 0.002 and 0.015", no settling
    assert 0.002 <= low < 0.003 and 0.012 < high <= 0.016
    assert round(gaps[-1], 4) == 0.0099 and round(min(gaps), 4) == 0.0019  # the pitfall's numbers


@pytest.mark.ch5
def test_margin_exercise_numbers():
    w, b = np.array([3.0, 4.0]), -5.0
    f = np.array([[1.0, 1.0], [0.0, 0.0]]) @ w + b
    np.testing.assert_allclose(np.array([1, -1]) * f / np.linalg.norm(w), [0.4, 1.0])
    assert 1 / np.linalg.norm(w / 2) == pytest.approx(0.4)
