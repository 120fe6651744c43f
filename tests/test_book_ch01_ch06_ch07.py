"""Numbers stated in the text of Chapters 1, 6 and 7, checked against independent oracles.

Oracles: closed forms, exact enumeration, torch autograd and torch.optim, scikit-learn, and
numpy reference implementations written here (not the coursepkg code under test).
"""
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.metrics import log_loss

from coursepkg import gpu as tu
from coursepkg.optim import gradient_descent, newton_method

BOOK = Path(__file__).resolve().parents[1] / "book"


def _outputs(page):
    """All stored text outputs of a notebook page, joined."""
    nb = json.loads((BOOK / page).read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------------
# Chapter 7
# ----------------------------------------------------------------------------------------------
@pytest.mark.ch7
def test_deck002_objective_is_the_cross_entropy_and_its_sgd_step():
    """E6: deck 002's f_i = log(1 + e^z) - y z equals the cross-entropy; its SGD step is autograd's."""
    rng = np.random.default_rng(0)
    X, y, theta = rng.normal(size=(50, 3)), rng.integers(0, 2, 50), rng.normal(size=3)
    z = X @ theta
    deck = np.mean(np.log1p(np.exp(z)) - y * z)
    assert deck == pytest.approx(log_loss(y, 1 / (1 + np.exp(-z)), labels=[0, 1]), rel=1e-12)
    # the by-hand step of page 7.1: x_J = (1, 2), y_J = 1, theta = (0.5, -0.25), eta = 0.1
    t = torch.tensor([0.5, -0.25], dtype=torch.float64, requires_grad=True)
    x_J = torch.tensor([1.0, 2.0], dtype=torch.float64)
    f_J = torch.log1p(torch.exp(x_J @ t)) - 1.0 * (x_J @ t)
    f_J.backward()
    assert f_J.item() == pytest.approx(np.log(2))
    np.testing.assert_allclose((t - 0.1 * t.grad).detach().numpy(), [0.55, -0.15], atol=1e-12)


@pytest.mark.ch7
def test_gradient_descent_rate_on_the_quadratic_matches_the_closed_form():
    A = np.array([1.0, 20.0])
    eta = 2 / (A.min() + A.max())
    rho = (20 - 1) / (20 + 1)
    path = gradient_descent(lambda t: A * t, np.array([-4.0, 1.0]), lr=eta, n_steps=139)
    err = np.linalg.norm(path, axis=1)
    np.testing.assert_allclose(err[1:] / err[:-1], rho, rtol=1e-10)
    assert np.log(1e6) / np.log(21 / 19) == pytest.approx(138.04, abs=0.005)
    assert err[-1] / err[0] < 1e-6 < err[-2] / err[0]
    # stability boundary 2 / lambda_max = 0.1
    assert np.linalg.norm(gradient_descent(lambda t: A * t, np.ones(2), lr=0.101, n_steps=200)[-1]) > 10
    np.testing.assert_allclose(gradient_descent(lambda t: A * t, np.array([-4.0, 1.0]), lr=0.06, n_steps=1)[1],
                               [-3.76, -0.2])


@pytest.mark.ch7
def test_newton_hand_iterates_and_quadratic_rate():
    """L = e^t - 2t: iterates 0, 1, 0.7358, 0.6940; e_{t+1}/e_t^2 -> L'''/(2L'') = 1/2."""
    path = newton_method(lambda t: np.exp(t) - 2, lambda t: np.exp(t)[None, :], np.array([0.0]), 5)[:, 0]
    by_hand = [0.0]
    for _ in range(4):
        by_hand.append(by_hand[-1] - 1 + 2 * np.exp(-by_hand[-1]))
    np.testing.assert_allclose(path[:5], by_hand, rtol=1e-12)
    np.testing.assert_allclose(path[1:4], [1.0, 0.7358, 0.6940], atol=5e-5)
    err = np.abs(np.array(by_hand) - np.log(2))
    assert err[3] / err[2] ** 2 == pytest.approx(0.5, abs=0.02)


@pytest.mark.ch7
def test_minibatch_variance_formula_by_exact_enumeration():
    rng = np.random.default_rng(3)
    n, m = 7, 3
    U = rng.normal(size=(n, 2))
    mean = U.mean(axis=0)
    sigma2 = np.mean(np.sum((U - mean) ** 2, axis=1))
    subsets = list(itertools.combinations(range(n), m))
    batch_means = np.array([U[list(s)].mean(axis=0) for s in subsets])
    np.testing.assert_allclose(batch_means.mean(axis=0), mean, rtol=1e-12)        # unbiased
    exact = np.mean(np.sum((batch_means - mean) ** 2, axis=1))
    assert exact == pytest.approx(sigma2 / m * (n - m) / (n - 1), rel=1e-12)


@pytest.mark.ch7
def test_momentum_and_adam_hand_numbers_against_torch():
    w = torch.tensor([-4.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.06, momentum=0.6)
    steps = []
    for _ in range(2):
        opt.zero_grad()
        (0.5 * (torch.tensor([1.0, 20.0], dtype=torch.float64) * w**2).sum()).backward()
        opt.step()
        steps.append(w.detach().numpy().copy())
    np.testing.assert_allclose(steps, [[-3.76, -0.2], [-3.3904, -0.68]], atol=1e-12)
    # Adam on a constant gradient: the corrected first step is eta * sign(g); uncorrected ratio 3.162
    p = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([p], lr=0.1)
    p.grad = torch.tensor([2.0], dtype=torch.float64)
    adam.step()
    assert p.item() == pytest.approx(0.9, abs=1e-8)
    assert (1 - 0.9) / np.sqrt(1 - 0.999) == pytest.approx(3.162, abs=5e-4)
    t = np.arange(1, 1000)
    ratio = (1 - 0.9**t) / np.sqrt(1 - 0.999**t)        # uncorrected m_t / sqrt(v_t) for g = 1
    assert t[np.argmax(ratio)] == 12 and ratio.max() == pytest.approx(6.57, abs=0.01)


@pytest.mark.ch7
def test_adam_bias_exercise_numbers():
    m, hats = 0.0, {}
    for t in range(1, 21):
        m = 0.9 * m + 0.1 * (1.0 if t <= 10 else -1.0)
        hats[t] = m / (1 - 0.9**t)
    assert [round(hats[t], 3) for t in (11, 12, 20)] == [0.709, 0.470, -0.483]
    assert [t for t in range(11, 21) if hats[t] > 0] == [11, 12, 13, 14]


@pytest.mark.ch7
def test_adamw_decays_the_unused_weight_as_computed_by_hand():
    for lam, expected in ((0.1, 0.999**300), (0.001, 0.99999**300)):
        theta = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.AdamW([theta], lr=0.01, weight_decay=lam)
        for _ in range(300):
            opt.zero_grad()
            (50 * (theta[0] - 2) ** 2).backward()
            opt.step()
        assert theta[1].item() == pytest.approx(expected, rel=1e-9)
    assert round(0.999**300, 3) == 0.741


@pytest.mark.ch7
@pytest.mark.parametrize("p", [0.5, 0.2])
def test_dropout_is_an_l2_penalty_for_a_linear_model(p):
    rng = np.random.default_rng(1)
    x, theta, y = rng.normal(size=4), rng.normal(size=4), 0.7
    exact = 0.0
    for mask in itertools.product([0, 1], repeat=4):
        mask = np.array(mask)
        prob = np.prod(np.where(mask == 1, 1 - p, p))
        exact += prob * (y - (x * mask / (1 - p)) @ theta) ** 2
    assert exact == pytest.approx((y - x @ theta) ** 2 + p / (1 - p) * np.sum(x**2 * theta**2), rel=1e-12)
    # the page's numbers: 1.5 for p = 0.5 and 0.5625 for p = 0.2 (exercise)
    x2, t2 = np.array([1.0, 2.0]), np.array([0.5, 0.5])
    assert (2 - x2 @ t2) ** 2 + p / (1 - p) * np.sum(x2**2 * t2**2) == pytest.approx({0.5: 1.5, 0.2: 0.5625}[p])


@pytest.mark.ch7
def test_checklist_initialisation_draws_independent_layers():
    """E7: ten independent weight matrices; the page's printed std 0.22 recomputed with torch."""
    weights = np.random.default_rng(1).normal(scale=1 / 16, size=(10, 256, 256))
    assert len({w.tobytes() for w in weights}) == 10
    h = torch.tensor(np.random.default_rng(0).normal(size=(100, 256)))
    for w in weights:
        h = torch.tanh(h @ torch.tensor(w))
    assert f"{h.std(unbiased=False).item():.2f}" == "0.22"
    assert "std of layer-10 activations 0.22" in _outputs("07_optimization/02_momentum_adaptive.ipynb")
    source = (BOOK / "07_optimization/02_momentum_adaptive.ipynb").read_text(encoding="utf-8")
    assert "np.tanh(h @ np.random.default_rng(1)" not in source


def _numpy_shift(image, dy, dx, fill):
    height, width = image.shape
    out = np.full_like(image, fill)
    for r in range(height):
        for c in range(width):
            if 0 <= r - dy < height and 0 <= c - dx < width:
                out[r, c] = image[r - dy, c - dx]
    return out


@pytest.mark.ch7
def test_random_shift_matches_a_reference_per_image_without_wraparound():
    """E8: each image moves by its own offset; uncovered pixels get the fill, nothing wraps."""
    images = torch.randn(12, 2, 7, 9, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    out = tu.random_shift(images, 3, generator=torch.Generator().manual_seed(5), fill=-7.0)
    offsets = []
    for i in range(12):
        match = [(dy, dx) for dy in range(-3, 4) for dx in range(-3, 4)
                 if all(np.array_equal(_numpy_shift(images[i, ch].numpy(), dy, dx, -7.0), out[i, ch].numpy())
                        for ch in range(2))]
        assert len(match) == 1, f"image {i} is not a pure shift with fill"
        offsets.append(match[0])
    assert len(set(offsets)) > 3                      # per image, not one offset per batch
    assert any(dy != 0 or dx != 0 for dy, dx in offsets)
    # default fill is each image's own minimum
    out_default = tu.random_shift(images, 3, generator=torch.Generator().manual_seed(5))
    for i, (dy, dx) in enumerate(offsets):
        ref = _numpy_shift(images[i, 0].numpy(), dy, dx, images[i].min().item())
        np.testing.assert_array_equal(out_default[i, 0].numpy(), ref)


@pytest.mark.ch7
@pytest.mark.parametrize("bad, message", [(torch.zeros(3, 4, 4), "4-d"), (np.zeros((1, 1, 4, 4)), "4-d")])
def test_random_shift_rejects_bad_images(bad, message):
    with pytest.raises(ValueError, match=message):
        tu.random_shift(bad, 1)


@pytest.mark.ch7
@pytest.mark.parametrize("max_shift", [-1, 4, 1.5, True])
def test_random_shift_rejects_bad_max_shift(max_shift):
    with pytest.raises(ValueError, match="max_shift"):
        tu.random_shift(torch.zeros(1, 1, 4, 4), max_shift)


@pytest.mark.ch7
def test_train_applies_augment_to_every_training_batch_only():
    torch.manual_seed(0)
    X, y = torch.randn(40, 3), torch.randint(0, 2, (40,))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=8)
    seen = []

    def augment(batch):
        seen.append(batch.shape[0])
        return torch.zeros_like(batch)             # the model then only sees zeros

    model = torch.nn.Linear(3, 2)
    w0 = model.weight.detach().clone()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    tu.train(model, loader, opt, n_epochs=2, val_loader=loader, augment=augment, verbose=False)
    assert seen == [8] * 10                         # 5 batches x 2 epochs, none during validation
    # on all-zero inputs only the bias receives a gradient: the weights never moved
    torch.testing.assert_close(model.weight.detach(), w0)
    with pytest.raises(TypeError, match="augment"):
        tu.train(model, loader, opt, augment="shift", verbose=False)


@pytest.mark.ch7
@pytest.mark.slow
def test_augmentation_improves_accuracy_on_shifted_digits():
    torch.set_num_threads(1)
    train_loader, test_loader = tu.digits_loaders(batch_size=32, seed=0)
    X_test = torch.cat([xb for xb, _ in test_loader])
    y_test = torch.cat([yb for _, yb in test_loader])
    X_shift = tu.random_shift(X_test, 4, generator=torch.Generator().manual_seed(123))
    acc = {}
    for max_shift in (0, 4):
        tu.seed_everything(0)
        net = tu.Net()
        gen = torch.Generator().manual_seed(1)
        aug = None if max_shift == 0 else (lambda b: tu.random_shift(b, 4, generator=gen))
        tu.train(net, train_loader, torch.optim.Adam(net.parameters(), lr=3e-3), n_epochs=6, augment=aug,
                 verbose=False)
        net.eval()
        with torch.no_grad():
            acc[max_shift] = float((net(X_shift).argmax(1) == y_test).float().mean())
    assert acc[4] - acc[0] > 0.10


@pytest.mark.ch7
def test_net_parameter_counts_by_formula():
    def count(side):
        side = ((side - 2) // 2 - 2) // 2
        return 6 * 10 + 16 * 55 + 120 * (16 * side * side + 1) + 84 * 121 + 10 * 85

    assert count(32) == sum(p.numel() for p in tu.Net().parameters()) == 81194
    assert count(28) == sum(p.numel() for p in tu.Net(image_size=28).parameters()) == 60074


@pytest.mark.ch7
def test_scaling_arithmetic_in_the_text():
    assert 6 * 70e9 * 1.4e12 / (1e15 * 86_400) == pytest.approx(6806, abs=1)
    assert 2 ** (62 / 3.4) == pytest.approx(3.1e5, rel=0.02)
    assert 2 ** (5.5 / 2) == pytest.approx(6.7, abs=0.05)
    assert np.sqrt(1e21 / 120) == pytest.approx(2.9e9, rel=0.01)
    assert 2 ** (1 / 0.076) == pytest.approx(9.2e3, rel=0.01)


# ----------------------------------------------------------------------------------------------
# Chapter 6
# ----------------------------------------------------------------------------------------------
@pytest.mark.ch6
def test_bias_variance_hand_examples():
    for preds, truth, expected in (([0.9, 1.1, 1.3], 1.0, (0.01, 0.08 / 3, 0.11 / 3)),
                                   ([0.2, 0.6, 0.6, 1.0], 0.8, (0.04, 0.08, 0.12)),
                                   ([0.7, 0.75, 0.8, 0.85], 0.8, (0.000625, 0.003125, 0.00375))):
        p = np.array(preds)
        mse = np.mean((p - truth) ** 2)
        bias2, var = (p.mean() - truth) ** 2, np.mean((p - p.mean()) ** 2)
        np.testing.assert_allclose([bias2, var, mse], expected, atol=1e-12)
        assert mse == pytest.approx(bias2 + var)


@pytest.mark.ch6
def test_edge_slope_of_the_bump_function_is_two_pi():
    """E5: f*(0) = 0, f*(1) ~ 0.006 and f*'(0) = 2 pi (+ 1e-9 from the bump), by autograd."""
    x = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    f = torch.sin(2 * np.pi * x) + 0.5 * torch.exp(-50 * (x - 0.7) ** 2)
    f.sum().backward()
    assert abs(f[0].item()) < 1e-9 and f[1].item() == pytest.approx(0.0056, abs=1e-4)
    assert x.grad[0].item() == pytest.approx(2 * np.pi, abs=1e-8)
    assert x.grad[1].item() == pytest.approx(6.12, abs=0.005)    # 2 pi - 0.17 from the bump's tail


@pytest.mark.ch6
def test_edge_bias_signs_printed_on_page_6_1():
    """The oracle biases (+0.058, -0.041) and the line experiment (+0.055, -0.041) stored on the page."""
    out = _outputs("06_bootstrap/01_oracle.ipynb")
    assert "bias: [ 0.058 -0.003 -0.041]" in out
    assert "target 2 pi x      : bias at x = 0: +0.055" in out
    assert "target 2 pi (x - 1): bias at x = 1: -0.041" in out


@pytest.mark.ch6
def test_bootstrap_of_the_mean_of_1_2_6_by_enumeration():
    sample = np.array([1.0, 2.0, 6.0])
    means = np.array([sample[list(r)].mean() for r in itertools.product(range(3), repeat=3)])
    plug_in_var = np.mean((sample - sample.mean()) ** 2)
    assert plug_in_var == pytest.approx(14 / 3)
    assert means.var() == pytest.approx(14 / 9, rel=1e-12)
    assert np.mean(means == 6.0) == pytest.approx(1 / 27)
    # two points {0, 4}: the bootstrap reproduces sigma_hat^2 / n = 2, not s^2 / n = 4
    two = np.array([0.0, 4.0])
    m2 = np.array([two[list(r)].mean() for r in itertools.product(range(2), repeat=2)])
    assert m2.var() == pytest.approx(2.0)


@pytest.mark.ch6
def test_missing_fraction_of_a_bootstrap_sample():
    for n in (3, 5, 40):
        # exact: count over all n^n resamples for small n, closed form otherwise
        if n <= 5:
            missed = np.mean([0 not in r for r in itertools.product(range(n), repeat=n)])
            assert missed == pytest.approx((1 - 1 / n) ** n, rel=1e-12)
    assert (2 / 3) ** 3 == pytest.approx(8 / 27) and 3 * (1 - 8 / 27) == pytest.approx(57 / 27)
    assert round((39 / 40) ** 40, 3) == 0.363 and round(1 - 0.8**5, 3) == 0.672
    assert [(1 - 1 / n) ** n for n in (10, 100, 1000)] == sorted((1 - 1 / n) ** n for n in (10, 100, 1000))
    assert (1 - 1 / 10**6) ** 10**6 == pytest.approx(np.exp(-1), rel=1e-6)


@pytest.mark.ch6
def test_residual_rescaling_matches_the_trace_formula():
    """E||(I - H) eps||^2 = sigma^2 (n - 2 tr H + tr H^2), checked by Monte Carlo; the by-hand 1.63."""
    from coursepkg.kernels import rbf_kernel

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(40, 1))
    K = rbf_kernel(X, X, 0.1)
    H = K @ np.linalg.inv(K + 0.01 * np.eye(40))
    np.testing.assert_allclose(H, H.T, atol=1e-10)
    eps = rng.normal(scale=0.2, size=(20_000, 40))
    resid = eps - eps @ H.T
    measured = np.mean(np.sum(resid**2, axis=1))
    assert measured == pytest.approx(0.04 * (40 - 2 * np.trace(H) + np.trace(H @ H)), rel=0.01)
    assert np.sqrt(4 / (4 - 2 * 2 + 1.5)) == pytest.approx(1.63, abs=0.005)


@pytest.mark.ch6
def test_residual_bootstrap_coverage_beats_the_percentile_band_on_page_6_3():
    out = _outputs("06_bootstrap/03_coverage.ipynb")
    line = next(s for s in out.splitlines() if s.startswith("mean coverage of f*: percentile"))
    pairs, resid = (float(v) for v in
                    line.replace("mean coverage of f*: percentile (pairs) ", "").split(" | residual bootstrap "))
    assert resid > pairs and abs(resid - 0.9) < abs(pairs - 0.9)


# ----------------------------------------------------------------------------------------------
# Chapter 1
# ----------------------------------------------------------------------------------------------
@pytest.mark.ch1
def test_perceptron_exercise_by_hand():
    from coursepkg.perceptron import Perceptron

    X = np.array([[1.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    y = np.array([1, -1, -1])
    w, b, trace = np.zeros(2), 0.0, []                  # the rule, written out independently
    for x_i, y_i in zip(X, y):
        if y_i * (w @ x_i + b) <= 0:
            w, b = w + y_i * x_i, b + y_i
        trace.append((w.tolist(), b))
    assert trace == [([1.0, 1.0], 1.0), ([2.0, 1.0], 0.0), ([2.0, 1.0], 0.0)]
    clf = Perceptron().fit(X, y)
    assert list(clf.mistakes_) == [2, 0]
    np.testing.assert_allclose(clf.coef_, [2.0, 1.0])
    assert float(np.ravel(clf.intercept_)[0]) == 0.0


@pytest.mark.ch1
def test_chapter1_exercise_numbers():
    from scipy.special import expit

    # tanh = 2 sigma(2z) - 1 and tanh' = 1 - tanh^2, by autograd
    z = torch.linspace(-4, 4, 9, dtype=torch.float64, requires_grad=True)
    torch.tanh(z).sum().backward()
    torch.testing.assert_close(z.grad, 1 - torch.tanh(z.detach()) ** 2)
    np.testing.assert_allclose(np.tanh(z.detach().numpy()), 2 * expit(2 * z.detach().numpy()) - 1, atol=1e-15)
    # parameter counts against torch
    for sizes, expected in (([3, 5, 2], 32), ([784, 100, 100, 10], 89_610)):
        layers = [torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
        assert sum(p.numel() for layer in layers for p in layer.parameters()) == expected
    # saturation numbers
    sig_grad = lambda v: expit(v) * (1 - expit(v))
    assert [f"{sig_grad(v):.2g}" for v in (0, 2, 5, 10)] == ["0.25", "0.1", "0.0066", "4.5e-05"]
    assert sig_grad(2.0) ** 10 == pytest.approx(1.6e-10, rel=0.05)
    # XOR with a product feature, inputs in {0, 1}
    for x1, x2 in itertools.product((0, 1), repeat=2):
        assert (x1 + x2 - 2 * x1 * x2 - 0.5 > 0) == bool(x1 ^ x2)
    # softmax cross-entropy of z = (1000, 0, 0) without overflow
    logits = torch.tensor([[1000.0, 0.0, 0.0]] * 2, dtype=torch.float64)
    losses = torch.nn.functional.cross_entropy(logits, torch.tensor([0, 1]), reduction="none")
    np.testing.assert_allclose(losses.numpy(), [0.0, 1000.0], atol=1e-12)


@pytest.mark.ch1
def test_relu_network_for_x_squared_by_hand():
    from coursepkg.mlp import max_error, relu_network

    Thetas = relu_network(lambda x: x**2, 2)
    np.testing.assert_allclose(Thetas[1], [[0.0, 0.5, 1.0]])
    relu = lambda v: np.maximum(v, 0)
    f_hat = lambda x: 0.5 * relu(x) + relu(x - 0.5)
    np.testing.assert_allclose(f_hat(np.array([0.25, 0.75])), [0.125, 0.625])
    assert max_error(lambda x: x**2, Thetas, "relu") == pytest.approx(0.25 * 2 / 8, abs=1e-6)


@pytest.mark.ch7
def test_noise_floor_ratio_with_independent_batches_is_about_sqrt_m():
    """Exercise 7.1: RMS distance ratio m = 1 vs m = 25 is near sqrt(25 / 0.88) = 5.3 (measured 5.7)."""
    from sklearn.linear_model import LogisticRegression

    from coursepkg.datasets import make_logistic
    from coursepkg.optim import logistic_gradient

    X, y = make_logistic(200, theta=(1.5, -1.0), rng=0)
    sk = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-12).fit(X, y).coef_[0]
    rms = {}
    for m in (1, 25):
        rng, t, acc = np.random.default_rng(0), sk.copy(), []
        for s in range(40_000):
            idx = rng.choice(200, m, replace=False)
            t = t - 0.5 * logistic_gradient(t, X[idx], y[idx])
            if s > 5000:
                acc.append(np.sum((t - sk) ** 2))
        rms[m] = np.sqrt(np.mean(acc))
    assert rms[1] / rms[25] == pytest.approx(5.7, abs=0.1)
    assert abs(rms[1] / rms[25] - np.sqrt(25 / (175 / 199))) < 0.5
