"""Data and computations that moved out of the figure modules (issue 17, item 3), each against an oracle.

Figures hold figures only: the chapter data sets live in ``coursepkg.datasets``, the computations in
their algorithm module, and no notebook imports a figure module's data or a private name.
"""
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.kernel_ridge import KernelRidge as SkKernelRidge
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neighbors import NearestNeighbors

from coursepkg.mlp import gradient_norms
from coursepkg.bootstrap import BOOTSTRAP_LAM, BOOTSTRAP_LEVEL, BOOTSTRAP_SIGMA, bootstrap_smoother
from coursepkg.datasets import (
    BOOTSTRAP_GRID,
    BOOTSTRAP_N,
    BOOTSTRAP_NOISE,
    bootstrap_data,
    bootstrap_sampler,
    bump_function,
    curve_data,
    three_blobs,
)
from coursepkg.kernels import LAMS_CV, SIGMAS_CV, cv_errors
from coursepkg.mlp import init_params
from coursepkg.neighbors import median_nn_distance
from coursepkg.optim import QUAD_A, QUAD_START, SGD, Adam, quadratic_path

BOOK = Path(__file__).resolve().parents[1] / "book"


# --- neighbours: the median nearest-neighbour distance --------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_median_nn_distance_in_one_dimension_is_the_closed_form(n):
    # p = 1: |x_i| ~ U[0, 1/2], so P(min > d) = (1 - 2d)^n = 1/2 at d = (1 - 2^(-1/n)) / 2.
    assert median_nn_distance(n, 1) == pytest.approx((1 - 2 ** (-1 / n)) / 2, rel=1e-12)


def test_median_nn_distance_for_one_point_in_the_square():
    # p = 2, n = 1: P(|x| <= d) = pi d^2 = 1/2 while the disc stays inside the square.
    assert median_nn_distance(1, 2) == pytest.approx(1 / np.sqrt(2 * np.pi), rel=1e-12)


@pytest.mark.parametrize("n, p", [(50, 2), (200, 4)])
def test_median_nn_distance_splits_simulated_nearest_distances_in_half(n, p):
    """scikit-learn's exact nearest-neighbour search, 1000 draws: half the distances exceed the formula."""
    rng = np.random.default_rng(0)
    d = median_nn_distance(n, p)
    assert d < 0.5  # the regime where the formula is exact
    draws = 1000
    nearest = np.array([NearestNeighbors(n_neighbors=1).fit(rng.uniform(-0.5, 0.5, size=(n, p)))
                        .kneighbors(np.zeros((1, p)))[0][0, 0] for _ in range(draws)])
    assert abs(np.mean(nearest > d) - 0.5) < 4 * np.sqrt(0.25 / draws)


@pytest.mark.parametrize("args, message", [((0, 2), "n must be a positive integer"),
                                           ((10, 1.5), "p must be a positive integer"),
                                           (("5", 2), "n must be a positive integer")])
def test_median_nn_distance_refuses_bad_sizes(args, message):
    with pytest.raises(ValueError, match=message):
        median_nn_distance(*args)


# --- backprop: gradient norms per layer -----------------------------------------------------------

def _torch_gradient_norms(depth, activation, width=32, n=256, seed=0):
    """The same network, data and loss, differentiated by torch autograd (float64)."""
    rng = np.random.default_rng(seed)
    Thetas = init_params([width] * depth + [1], rng=rng, scale="he" if activation == "relu" else "lecun")
    X = rng.normal(size=(n, width))
    y = torch.tensor((X[:, 0] > 0).astype(float))
    g = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    Ws = [torch.tensor(T[:, 1:], requires_grad=True) for T in Thetas]
    bs = [torch.tensor(T[:, 0]) for T in Thetas]
    a = torch.tensor(X)
    for W, b in zip(Ws[:-1], bs[:-1]):
        a = g(a @ W.T + b)
    logit = (a @ Ws[-1].T + bs[-1])[:, 0]
    torch.nn.functional.binary_cross_entropy_with_logits(logit, y).backward()
    return np.array([W.grad.norm().item() for W in Ws])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_gradient_norms_match_torch_autograd(activation):
    ours = gradient_norms(5, activation)
    assert ours.shape == (5,)
    np.testing.assert_allclose(ours, _torch_gradient_norms(5, activation), rtol=1e-9)


def test_gradient_norms_other_sizes_match_torch_autograd():
    np.testing.assert_allclose(gradient_norms(3, "tanh", width=8, n=40, rng=3),
                               _torch_gradient_norms(3, "tanh", width=8, n=40, seed=3), rtol=1e-9)


@pytest.mark.parametrize("kwargs, message", [(dict(depth=0, activation="relu"), "depth must be a positive integer"),
                                             (dict(depth=3, activation="swish"), "activation must be one of"),
                                             (dict(depth=3, activation="relu", width=0), "width must be"),
                                             (dict(depth=3, activation="relu", rng="a"), "rng must be")])
def test_gradient_norms_refuse_bad_input(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        gradient_norms(**kwargs)


# --- kernels: the cross-validation grid -----------------------------------------------------------

def test_cv_errors_match_scikit_learn_kernel_ridge_with_the_same_folds():
    X, y = curve_data()
    sigmas, lams = [0.03, 0.1, 0.3], [1e-3, 1e-1]
    folds = KFold(5, shuffle=True, random_state=0)
    expected = np.array([[-cross_val_score(SkKernelRidge(kernel="rbf", gamma=1 / (2 * s**2), alpha=lam), X, y,
                                           cv=folds, scoring="neg_mean_squared_error").mean() for lam in lams]
                         for s in sigmas])
    np.testing.assert_allclose(cv_errors(X, y, sigmas, lams), expected, rtol=1e-7)


def test_cv_errors_default_grid_is_the_chapters_five_by_five():
    X, y = curve_data()
    errors = cv_errors(X, y)
    assert errors.shape == (len(SIGMAS_CV), len(LAMS_CV)) == (5, 5)
    # The smallest bandwidth with the weakest penalty fits noise: validation error far above the best.
    assert errors[0, 0] > 2 * errors.min()


@pytest.mark.parametrize("kwargs, message", [(dict(sigmas=[0.1, 0.0]), r"sigmas\[1\] must be a finite number > 0"),
                                             (dict(lams=[-1.0]), r"lams\[0\] must be a finite number >= 0"),
                                             (dict(n_folds=1), "n_folds must be an integer between 2 and n = 40"),
                                             (dict(n_folds=41), "n_folds must be an integer between 2 and n = 40")])
def test_cv_errors_refuse_bad_grids(kwargs, message):
    X, y = curve_data()
    with pytest.raises(ValueError, match=message):
        cv_errors(X, y, **kwargs)


def test_cv_errors_refuse_a_one_dimensional_X():
    with pytest.raises(ValueError, match="X must be 2-D"):
        cv_errors(np.linspace(0, 1, 10), np.zeros(10))


# --- optim: paths on the quadratic ----------------------------------------------------------------

def test_gradient_descent_path_is_the_closed_form():
    # theta_t = (1 - lr a)^t theta_0, coordinate by coordinate.
    path = quadratic_path(SGD, 30, lr=0.06)
    t = np.arange(31)[:, None]
    np.testing.assert_allclose(path, (1 - 0.06 * QUAD_A) ** t * QUAD_START, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("cls, kwargs, torch_cls", [
    (SGD, dict(lr=0.06, momentum=0.6), torch.optim.SGD),
    (SGD, dict(lr=0.06, momentum=0.6, nesterov=True), torch.optim.SGD),
    (Adam, dict(lr=0.3), torch.optim.Adam),
])
def test_quadratic_path_matches_torch_optimisers(cls, kwargs, torch_cls):
    theta = torch.tensor(QUAD_START, requires_grad=True)
    opt = torch_cls([theta], **kwargs)
    expected = [theta.detach().numpy().copy()]
    for _ in range(40):  # a hand loop over torch's optimiser, autograd for the gradient
        opt.zero_grad()
        (0.5 * (torch.tensor(QUAD_A) * theta**2).sum()).backward()
        opt.step()
        expected.append(theta.detach().numpy().copy())
    np.testing.assert_allclose(quadratic_path(cls, 40, **kwargs), np.array(expected), rtol=1e-10, atol=1e-12)


def test_quadratic_path_takes_another_start_and_curvature():
    path = quadratic_path(SGD, 3, start=[1.0, 1.0, 1.0], a=[1.0, 2.0, 3.0], lr=0.1)
    np.testing.assert_allclose(path[-1], (1 - 0.1 * np.array([1.0, 2.0, 3.0])) ** 3)


@pytest.mark.parametrize("args, kwargs, error, message", [
    (("SGD", 5), dict(lr=0.1), TypeError, "opt_class must be an Optimizer subclass"),
    ((SGD, 0), dict(lr=0.1), ValueError, "n_steps must be a positive integer"),
    ((SGD, 5), dict(a=[1.0, 2.0, 3.0], lr=0.1), ValueError, r"a must have shape \(2,\)"),
    ((SGD, 5), dict(start=[np.nan, 0.0], lr=0.1), ValueError, "start contains NaN"),
])
def test_quadratic_path_refuses_bad_input(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        quadratic_path(*args, **kwargs)


# --- datasets: the chapter data sets --------------------------------------------------------------

def test_three_blobs_are_forty_points_round_each_centre():
    X, y = three_blobs()
    assert X.shape == (120, 2) and np.bincount(y).tolist() == [40, 40, 40]
    centres = np.array([(-2.0, 0.0), (2.0, 0.0), (0.0, 2.5)])
    means = np.array([X[y == k].mean(axis=0) for k in range(3)])
    assert np.all(np.abs(means - centres) < 4 / np.sqrt(40))  # unit spread: standard error 1/sqrt(40)


def test_bootstrap_sampler_draws_the_bump_function_plus_the_stated_noise():
    X, y = bootstrap_sampler(20_000)(np.random.default_rng(1))
    assert X.shape == (20_000, 1) and 0 <= X.min() and X.max() <= 1
    residual = y - bump_function(X[:, 0])
    assert abs(residual.mean()) < 4 * BOOTSTRAP_NOISE / np.sqrt(20_000)
    assert abs(residual.std() - BOOTSTRAP_NOISE) < 4 * BOOTSTRAP_NOISE / np.sqrt(2 * 20_000)
    assert abs(np.mean(X[:, 0] < 0.3) - 0.3) < 4 * np.sqrt(0.21 / 20_000)  # x ~ U[0, 1]


def test_bootstrap_data_is_one_draw_of_the_sampler_and_the_grid_covers_zero_to_one():
    X, y = bootstrap_data()
    X2, y2 = bootstrap_sampler()(np.random.default_rng(6))
    assert X.shape == (BOOTSTRAP_N, 1) and np.array_equal(X, X2) and np.array_equal(y, y2)
    assert BOOTSTRAP_GRID.shape == (101, 1)
    np.testing.assert_allclose(np.diff(BOOTSTRAP_GRID[:, 0]), 0.01)
    assert BOOTSTRAP_GRID[0, 0] == 0 and BOOTSTRAP_GRID[-1, 0] == 1


@pytest.mark.parametrize("kwargs, message", [(dict(n=0), "n must be a positive integer"),
                                             (dict(noise=-0.1), "noise must be a finite number >= 0")])
def test_bootstrap_sampler_refuses_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_sampler(**kwargs)


def test_bootstrap_smoother_is_scikit_learns_rbf_kernel_ridge_and_fresh_each_call():
    X, y = bootstrap_data()
    sk = SkKernelRidge(kernel="rbf", gamma=1 / (2 * BOOTSTRAP_SIGMA**2), alpha=BOOTSTRAP_LAM).fit(X, y)
    np.testing.assert_allclose(bootstrap_smoother().fit(X, y).predict(BOOTSTRAP_GRID), sk.predict(BOOTSTRAP_GRID),
                               rtol=1e-8, atol=1e-10)
    assert bootstrap_smoother() is not bootstrap_smoother() and not hasattr(bootstrap_smoother(), "alpha_")
    assert BOOTSTRAP_LEVEL == 0.9


# --- the rule itself: pages import data and computations from the public API ----------------------

def _code_cells(path):
    return [("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def test_no_page_imports_from_a_figure_module_or_a_private_name():
    bad = []
    for nb in sorted(BOOK.rglob("*.ipynb")):
        for src in _code_cells(nb):
            for line in src.splitlines():
                if re.search(r"coursepkg\.figures\.ch\d\d|from coursepkg\S* import .*\b_[a-z]", line):
                    bad.append(f"{nb.relative_to(BOOK)}: {line.strip()}")
    assert not bad, "\n".join(bad)
