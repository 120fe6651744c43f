"""Optimisers vs torch.optim step by step; descent paths vs scikit-learn, scipy and closed forms."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime
from sklearn.linear_model import LogisticRegression

from coursepkg.optim import (
    SGD,
    Adagrad,
    Adam,
    RMSProp,
    cosine_lr,
    exponential_lr,
    gradient_descent,
    inverse_time_lr,
    logistic_gradient,
    logistic_hessian,
    logistic_loss,
    newton_method,
    sgd_path,
    step_lr,
    warmup_lr,
)

pytestmark = pytest.mark.ch7

CASES = [
    (SGD, torch.optim.SGD, dict(lr=0.05)),
    (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9)),
    (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.1)),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1)),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.2)),
    (RMSProp, torch.optim.RMSprop, dict(lr=0.01)),
    (RMSProp, torch.optim.RMSprop, dict(lr=0.01, momentum=0.8, centered=True, weight_decay=0.01)),
    (Adam, torch.optim.Adam, dict(lr=0.01)),
    (Adam, torch.optim.Adam, dict(lr=0.02, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True)),
    (SGD, torch.optim.SGD, dict()),
    (Adagrad, torch.optim.Adagrad, dict()),
    (RMSProp, torch.optim.RMSprop, dict()),
    (Adam, torch.optim.Adam, dict()),
]


def _loss_torch(params, A, b):
    """A random non-quadratic loss, so gradients change along the path."""
    return torch.sum(torch.log1p((A @ params["w"] - b) ** 2)) + torch.sum(torch.cos(params["c"]) * params["c"] ** 2)


@pytest.mark.parametrize("ours, theirs, kwargs", CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_trajectory_equals_torch_optim(ours, theirs, kwargs, seed):
    rng = np.random.default_rng(seed)
    A, b = torch.tensor(rng.normal(size=(6, 4))), torch.tensor(rng.normal(size=6))
    start = {"w": rng.normal(size=4), "c": rng.normal(size=(2, 3))}
    tparams = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in start.items()}
    topt = theirs(list(tparams.values()), **kwargs)
    params = {k: v.copy() for k, v in start.items()}
    opt = ours(params, **kwargs)
    for _ in range(25):
        topt.zero_grad()
        _loss_torch(tparams, A, b).backward()
        grads = {k: v.grad.numpy().copy() for k, v in tparams.items()}
        topt.step()
        opt.step(grads)  # same gradients: taken at the same point the torch optimiser used
        for k in params:
            np.testing.assert_allclose(params[k], tparams[k].detach().numpy(), rtol=1e-10, atol=1e-12)


def test_own_gradients_follow_torch_path_too():
    """Computing gradients at our own iterates (not torch's) gives the same path: nothing leaks."""
    rng = np.random.default_rng(3)
    A, b = rng.normal(size=(5, 3)), rng.normal(size=5)
    w = torch.tensor(np.zeros(3), requires_grad=True)
    topt = torch.optim.Adam([w], lr=0.1)
    params = {"w": np.zeros(3)}
    opt = Adam(params, lr=0.1)
    for _ in range(30):
        topt.zero_grad()
        torch.sum((torch.tensor(A) @ w - torch.tensor(b)) ** 2).backward()
        topt.step()
        opt.step({"w": 2 * A.T @ (A @ params["w"] - b)})
    np.testing.assert_allclose(params["w"], w.detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize("make, message", [
    (lambda p: SGD(p, lr=-0.1), "lr must be"),
    (lambda p: Adam(p, lr=float("nan")), "lr must be"),
    (lambda p: SGD(p, lr=0.1, nesterov=True), "nesterov"),
    (lambda p: RMSProp(p, alpha=1.5), "alpha"),
    (lambda p: Adam(p, betas=(0.9,)), "betas"),
    (lambda p: Adam({"w": [1.0, 2.0]}), "float numpy array"),
    (lambda p: Adam({}), "non-empty dict"),
])
def test_bad_hyper_parameters_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make({"w": np.zeros(2)})


@pytest.mark.parametrize("grads, message", [
    ({"w": np.zeros(2), "v": np.zeros(2)}, r"unknown \['v'\]"),
    ({}, r"missing \['w'\]"),
    ({"w": np.zeros(3)}, r"grads\['w'\] must have shape \(2,\)"),
    ({"w": np.array([1.0, np.nan])}, "NaN"),
])
def test_bad_gradients_raise(grads, message):
    opt = SGD({"w": np.zeros(2)}, lr=0.1)
    with pytest.raises(ValueError, match=message):
        opt.step(grads)
    with pytest.raises(ValueError, match="lr must be"):
        opt.lr = -1


def _logistic_data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = np.hstack([np.ones((n, 1)), rng.normal(size=(n, 2))])
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ np.array([0.3, 1.5, -1.0]))))).astype(float)
    return X, y


def test_logistic_gradient_and_hessian_match_finite_differences():
    X, y = _logistic_data()
    theta = np.array([0.2, -0.4, 0.7])
    g = approx_fprime(theta, logistic_loss, 1e-7, X, y, 0.1)
    np.testing.assert_allclose(logistic_gradient(theta, X, y, 0.1), g, rtol=1e-5, atol=1e-7)
    H = np.array([approx_fprime(theta, lambda t: logistic_gradient(t, X, y, 0.1)[j], 1e-7) for j in range(3)])
    np.testing.assert_allclose(logistic_hessian(theta, X, y, 0.1), H, rtol=1e-5, atol=1e-7)


def test_newton_gd_and_sgd_reach_scikit_learns_minimiser():
    X, y = _logistic_data()
    sk = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-12, max_iter=10_000).fit(X, y).coef_[0]
    newton = newton_method(lambda t: logistic_gradient(t, X, y), lambda t: logistic_hessian(t, X, y), np.zeros(3), 10)
    np.testing.assert_allclose(newton[-1], sk, rtol=1e-6, atol=1e-8)
    gd = gradient_descent(lambda t: logistic_gradient(t, X, y), np.zeros(3), lr=2.0, n_steps=2000)
    np.testing.assert_allclose(gd[-1], sk, rtol=1e-4, atol=1e-6)
    sgd = sgd_path(lambda t, idx: logistic_gradient(t, X[idx], y[idx]), len(y), np.zeros(3),
                   lr=lambda t: 1.0 / (1 + t / 100), n_epochs=100, batch_size=8, rng=0)
    assert np.linalg.norm(sgd[-1] - sk) < 0.1 * np.linalg.norm(sk)


def test_newton_converges_quadratically():
    X, y = _logistic_data(seed=1)
    path = newton_method(lambda t: logistic_gradient(t, X, y), lambda t: logistic_hessian(t, X, y), np.zeros(3), 8)
    err = np.linalg.norm(path - path[-1], axis=1)
    # e_{t+1} <= C e_t^2 with a bounded C: 4e-2 -> 6e-4 -> 1.5e-7 -> 1e-14 (digits double)
    ratios = err[1:6] / err[0:5] ** 2
    assert np.all(ratios < 1.0) and err[6] < 1e-12
    # gradient descent from the same start is only linear: after 6 steps still far away
    gd = gradient_descent(lambda t: logistic_gradient(t, X, y), np.zeros(3), lr=1.0, n_steps=6)
    assert np.linalg.norm(gd[-1] - path[-1]) > 1e-3


@settings(max_examples=15)
@given(st.floats(0.01, 0.9))
def test_gradient_descent_on_a_quadratic_matches_closed_form(lr):
    # f(theta) = 1/2 sum a_i theta_i^2 -> theta_t = (1 - lr a)^t theta_0
    a = np.array([1.0, 2.0])
    path = gradient_descent(lambda t: a * t, np.array([1.0, -1.0]), lr=lr, n_steps=10)
    np.testing.assert_allclose(path[-1], (1 - lr * a) ** 10 * np.array([1.0, -1.0]), rtol=1e-10, atol=1e-14)


def test_minibatch_gradient_is_unbiased():
    X, y = _logistic_data(n=40)
    theta = np.array([0.5, 0.5, 0.5])
    full = logistic_gradient(theta, X, y)
    rng = np.random.default_rng(0)
    draws = np.array([logistic_gradient(theta, X[i], y[i]) for i in
                      (rng.choice(40, 5, replace=False) for _ in range(4000))])
    se = draws.std(axis=0) / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - full) < 4 * se)


def test_schedules_match_torch_lr_schedulers():
    def torch_rates(make, n=12):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
        sched, rates = make(opt), []
        for _ in range(n):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return np.array(rates)

    t = np.arange(12)
    lrs = torch.optim.lr_scheduler
    np.testing.assert_allclose(step_lr(0.5, t, 3, 0.5), torch_rates(lambda o: lrs.StepLR(o, 3, 0.5)), rtol=1e-10)
    np.testing.assert_allclose(exponential_lr(0.5, t, 0.9), torch_rates(lambda o: lrs.ExponentialLR(o, 0.9)),
                               rtol=1e-10)
    # torch's cosine restarts upwards after T (periodic); ours holds lr_min, so compare up to T
    np.testing.assert_allclose(cosine_lr(0.5, t[:9], 8, 0.05),
                               torch_rates(lambda o: lrs.CosineAnnealingLR(o, 8, 0.05))[:9], rtol=1e-10)
    np.testing.assert_allclose(warmup_lr(0.5, t, 4),
                               torch_rates(lambda o: lrs.LinearLR(o, start_factor=0.25, total_iters=3)), rtol=1e-10)
    np.testing.assert_allclose(inverse_time_lr(0.5, t, 0.3),
                               torch_rates(lambda o: lrs.LambdaLR(o, lambda k: 1 / (1 + 0.3 * k))), rtol=1e-10)


@pytest.mark.parametrize("call, message", [
    (lambda: step_lr(0.1, -1, 2), "t must be"),
    (lambda: cosine_lr(-0.1, 1, 2), "lr0 must be"),
    (lambda: cosine_lr(0.1, 1, 0), "T must be"),
    (lambda: gradient_descent(lambda t: t, np.ones(2), lr=-1.0, n_steps=2), "lr must be"),
    (lambda: logistic_loss(np.zeros(3), np.ones((4, 2)), np.zeros(4)), r"theta must have shape \(2,\)"),
    (lambda: logistic_loss(np.zeros(2), np.ones((4, 2)), np.full(4, 2.0)), "labels in"),
])
def test_bad_input_in_paths_and_schedules(call, message):
    with pytest.raises(ValueError, match=message):
        call()
