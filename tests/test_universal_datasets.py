"""Universal approximation by construction, and the chapter-1 data sets."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
from hypothesis import given, settings
from hypothesis import strategies as st

from coursepkg.datasets import bump_function, make_curve_1d, make_moons, make_poll, make_xor
from coursepkg.perceptron import XOR_PERCEPTRONS, perceptron_predict, two_layer_perceptron
from coursepkg.mlp import knots, max_error, network_output, relu_network, step_network
from coursepkg.widgets import perceptron_explorer, perceptron_view

pytestmark = pytest.mark.ch1

# |f'| <= 2 pi + 0.5 * 2 * 50 * max|u| e^{-50 u^2} = 2 pi + 50 / sqrt(e * 25)... bounded numerically below
_X = np.linspace(0, 1, 200_001)
_LIPSCHITZ = np.max(np.abs(np.gradient(bump_function(_X), _X))) * 1.001


@settings(max_examples=30)
@given(st.integers(1, 200))
def test_relu_network_is_numpys_linear_interpolant(n):
    x = np.linspace(0, 1, 777)
    expected = np.interp(x, knots(n), bump_function(knots(n)))
    np.testing.assert_allclose(network_output(relu_network(bump_function, n), x, "relu"), expected, atol=1e-12)


@settings(max_examples=30)
@given(st.integers(1, 200))
def test_step_network_error_is_within_the_lipschitz_bound(n):
    # the staircase takes the value of the nearest knot, at most h/2 away
    assert max_error(bump_function, step_network(bump_function, n), "step") <= _LIPSCHITZ * (1.0 / n) / 2 + 1e-12


def test_convergence_orders_are_one_and_two():
    def order(build, hidden):
        errors = [max_error(bump_function, build(bump_function, n), hidden, n_grid=20001) for n in (64, 128, 256)]
        return np.log2(np.array(errors[:-1]) / np.array(errors[1:]))

    assert np.all(np.abs(order(step_network, "step") - 1) < 0.15)
    assert np.all(np.abs(order(relu_network, "relu") - 2) < 0.15)


def test_step_network_on_a_line_is_exact_at_knots():
    f = lambda x: 3 * x - 1  # noqa: E731
    x = knots(10, -1, 2)
    np.testing.assert_allclose(network_output(step_network(f, 10, -1, 2), x, "step"), f(x), atol=1e-12)


@pytest.mark.parametrize("kwargs, match", [({"n_units": 0}, "positive integer"), ({"n_units": 3, "a": 1, "b": 0}, "a < b")])
def test_bad_networks_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        relu_network(np.sin, **kwargs)


def test_poll_data_is_separated_by_candidate_B_only():
    X, y = make_poll()
    wrong = {w: int(np.sum(perceptron_predict(X, np.array(w, float), 0.0) != y))
             for w in [(1, 1), (-1, 1), (1, -1), (-1, -1)]}
    assert wrong[(-1, 1)] == 0 and all(v > 0 for k, v in wrong.items() if k != (-1, 1))
    assert np.min(np.abs(X[:, 1] - X[:, 0]) / np.sqrt(2)) >= 0.15


@settings(max_examples=20)
@given(st.integers(0, 10_000))
def test_xor_labels_are_xor_of_the_corners_and_the_band_separates_them(seed):
    X, y = make_xor(n=100, rng=seed)
    corners = np.round(X)
    np.testing.assert_array_equal(y, np.where(corners[:, 0] != corners[:, 1], 1.0, -1.0))
    P = XOR_PERCEPTRONS
    np.testing.assert_array_equal(two_layer_perceptron(X, [P["A"], P["B"]], P["C"]), y)


def test_generators_are_reproducible_and_check_input():
    np.testing.assert_array_equal(make_xor(rng=3)[0], make_xor(rng=3)[0])
    np.testing.assert_array_equal(make_moons(rng=3)[0], make_moons(rng=3)[0])
    X, y = make_curve_1d(n=30, noise=0.0, rng=1)
    assert X.shape == (30, 1) and np.allclose(y, bump_function(X[:, 0]))
    with pytest.raises(ValueError, match="positive integer"):
        make_xor(n=0)
    with pytest.raises(ValueError, match="margin"):
        make_poll(margin=1.5)
    with pytest.raises(TypeError, match="rng"):
        make_xor(rng="seed")


def test_perceptron_view_counts_mistakes_and_explorer_has_three_sliders():
    X, y = make_poll()
    assert perceptron_view(X, y, -1.0, 1.0, 0.0).get_title().endswith(": 0 mistakes")
    wrong = int(np.sum(perceptron_predict(X, np.array([1.0, 1.0]), 0.0) != y))
    assert perceptron_view(X, y, 1.0, 1.0, 0.0).get_title().endswith(f": {wrong} mistakes")
    widget = perceptron_explorer(X, y)
    assert [c.description for c in widget.children[:3]] == ["w1", "w2", "b"]
    with pytest.raises(ValueError, match="2 features"):
        perceptron_view(np.ones((3, 3)), [1, -1, 1], 1, 1, 0)


@pytest.mark.parametrize("bad, match", [([1 + 2j, 3], "real-valued"), ([[1.0], [1.0, 2.0]], "numeric"),
                                        (["a", "b"], "numeric"), ([1.0, float("inf")], "NaN or infinite")])
def test_inputs_that_would_be_silently_wrong_are_refused(bad, match):
    from coursepkg._validation import as_float_array

    with pytest.raises(ValueError, match=match):
        as_float_array(bad, "X")
