"""Forward propagation against torch.nn and scikit-learn's fitted MLPs; parameter counts; init."""
import numpy as np
import pytest
import strategies  # noqa: F401  (loads the suite's one hypothesis profile)
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor
from torch import nn

from coursepkg.mlp import (
    collapse_linear,
    count_parameters,
    forward,
    forward_batch,
    init_params,
    predict_output,
    split_theta,
    thetas_from_weights,
)

pytestmark = pytest.mark.ch1

TORCH_ACT = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "identity": nn.Identity,
    "softmax": lambda: nn.Softmax(dim=-1),
}


def torch_net(sizes, hidden="sigmoid", output="sigmoid", seed=0, activations=True):
    """nn.Sequential of Linear (+ activation) layers in float64, weights and biases ~ N(0, 1)."""
    torch.manual_seed(seed)
    layers = []
    for i, (s, s_next) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(s, s_next, dtype=torch.float64)
        nn.init.normal_(linear.weight)
        nn.init.normal_(linear.bias)
        layers.append(linear)
        if activations:
            layers.append(TORCH_ACT[output if i == len(sizes) - 2 else hidden]())
    return nn.Sequential(*layers)


def thetas_of(net):
    linears = [m for m in net if isinstance(m, nn.Linear)]
    return thetas_from_weights([m.weight.detach().numpy() for m in linears],
                               [m.bias.detach().numpy() for m in linears])


def torch_layers(net, X):
    """Pre-activations (Linear outputs) and activations (input, then each activation output)."""
    t = torch.from_numpy(X)
    z, a = [], [X]
    with torch.no_grad():
        for module in net:
            t = module(t)
            (z if isinstance(module, nn.Linear) else a).append(t.numpy().copy())
    return z, a


# ---------------------------------------------------------------- forward vs torch


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "identity", "softmax"])
def test_forward_batch_matches_torch_layer_by_layer(hidden, output):
    sizes = [4, 7, 5, 3]
    net = torch_net(sizes, hidden, output, seed=1)
    X = np.random.default_rng(2).normal(size=(11, sizes[0]))
    cache = forward_batch(thetas_of(net), X, hidden=hidden, output=output)
    z, a = torch_layers(net, X)
    assert len(cache.a) == len(sizes) and len(cache.z) == len(sizes) - 1
    for ours, theirs in zip(cache.z, z):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    for ours, theirs in zip(cache.a, a):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    with torch.no_grad():
        np.testing.assert_allclose(cache.a[-1], net(torch.from_numpy(X)).numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(predict_output(thetas_of(net), X, hidden, output), cache.a[-1], rtol=0, atol=0)


@settings(max_examples=30)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    hidden=st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity"]),
    output=st.sampled_from(["sigmoid", "identity", "softmax"]),
    seed=st.integers(0, 2**31 - 1),
)
def test_single_example_equals_its_row_of_the_batch(sizes, hidden, output, seed):
    rng = np.random.default_rng(seed)
    Thetas = init_params(sizes, rng=rng, scale=1.5)
    for T in Thetas:
        T[:, 0] = rng.normal(size=len(T))  # non-zero biases
    X = rng.normal(size=(4, sizes[0]))
    batch = forward_batch(Thetas, X, hidden, output)
    for i in range(len(X)):
        single = forward(Thetas, X[i], hidden, output)
        for a_single, a_batch in zip(single.a, batch.a):
            np.testing.assert_allclose(a_single, a_batch[i], rtol=1e-12, atol=1e-12)
        for z_single, z_batch in zip(single.z, batch.z):
            np.testing.assert_allclose(z_single, z_batch[i], rtol=1e-12, atol=1e-12)


def test_softmax_output_rows_are_distributions():
    net = torch_net([3, 6, 4], "tanh", "softmax", seed=5)
    P = predict_output(thetas_of(net), np.random.default_rng(0).normal(size=(9, 3)), "tanh", "softmax")
    assert np.all(P > 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)


# ---------------------------------------------------------------- scikit-learn's fitted networks


def test_matches_scikit_learn_mlp_classifier_binary():
    X, y = make_classification(n_samples=40, n_features=3, n_informative=2, n_redundant=0, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(5,), activation="tanh", random_state=0, max_iter=2000).fit(X, y)
    assert clf.out_activation_ == "logistic"
    Thetas = thetas_from_weights([W.T for W in clf.coefs_], clf.intercepts_)
    p = predict_output(Thetas, X, hidden="tanh", output="sigmoid")
    assert p.shape == (40, 1)
    np.testing.assert_allclose(p[:, 0], clf.predict_proba(X)[:, 1], rtol=1e-12, atol=1e-14)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_matches_scikit_learn_mlp_classifier_multiclass_softmax():
    X, y = make_classification(n_samples=60, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=1)
    clf = MLPClassifier(hidden_layer_sizes=(6, 4), activation="relu", random_state=0, max_iter=300).fit(X, y)
    assert clf.out_activation_ == "softmax"
    Thetas = thetas_from_weights([W.T for W in clf.coefs_], clf.intercepts_)
    np.testing.assert_allclose(predict_output(Thetas, X, hidden="relu", output="softmax"),
                               clf.predict_proba(X), rtol=1e-12, atol=1e-14)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_matches_scikit_learn_mlp_regressor_identity_output():
    X, y = make_regression(n_samples=50, n_features=3, noise=0.1, random_state=2)
    reg = MLPRegressor(hidden_layer_sizes=(8,), activation="logistic", random_state=0, max_iter=300).fit(X, y)
    Thetas = thetas_from_weights([W.T for W in reg.coefs_], reg.intercepts_)
    np.testing.assert_allclose(predict_output(Thetas, X, hidden="sigmoid", output="identity")[:, 0],
                               reg.predict(X), rtol=1e-12, atol=1e-10)


# ---------------------------------------------------------------- parameter counts and init


@pytest.mark.parametrize("sizes", [[784, 10], [2, 3, 1], [1, 1], [5, 16, 16, 3], [784, 128, 64, 10]])
def test_count_parameters_matches_torch(sizes):
    net = torch_net(sizes, activations=False)
    assert count_parameters(sizes) == sum(p.numel() for p in net.parameters())
    assert count_parameters(sizes) == sum(T.size for T in init_params(sizes, rng=0))


def test_count_parameters_logistic_regression_on_mnist():
    assert count_parameters([784, 10]) == 7850


def test_init_params_shapes_and_zero_biases():
    sizes = [3, 4, 2, 6]
    Thetas = init_params(sizes, rng=0)
    assert [T.shape for T in Thetas] == [(4, 4), (2, 5), (6, 3)]
    for T in Thetas:
        W, b = split_theta(T)
        np.testing.assert_array_equal(b, 0.0)
        assert np.all(W != 0)
    for T, T_again in zip(Thetas, init_params(sizes, rng=0)):
        np.testing.assert_array_equal(T, T_again)  # same seed, same parameters


@pytest.mark.parametrize("scale, std_of", [
    ("lecun", lambda fan_in: 1 / np.sqrt(fan_in)),
    ("he", lambda fan_in: np.sqrt(2 / fan_in)),
    (0.3, lambda fan_in: 0.3),
])
def test_init_weight_scale(scale, std_of):
    sizes = [2000, 500, 100]  # 1e6 weights in the first layer, 5e4 in the second
    Thetas = init_params(sizes, rng=0, scale=scale)
    for fan_in, T, rtol in zip(sizes[:-1], Thetas, [0.01, 0.03]):
        W = split_theta(T)[0]
        assert W.std() == pytest.approx(std_of(fan_in), rel=rtol)
        assert abs(W.mean()) < 5 * std_of(fan_in) / np.sqrt(W.size)


# ---------------------------------------------------------------- collapse_linear


@settings(max_examples=30)
@given(sizes=st.lists(st.integers(1, 6), min_size=2, max_size=6), seed=st.integers(0, 2**31 - 1))
def test_deep_linear_network_equals_its_collapsed_single_layer(sizes, seed):
    net = torch_net(sizes, seed=seed % 2**16, activations=False)
    Thetas = thetas_of(net)
    X = np.random.default_rng(seed).normal(size=(7, sizes[0]))
    one = collapse_linear(Thetas)
    assert one.shape == (sizes[-1], sizes[0] + 1)
    deep = predict_output(Thetas, X, hidden="identity", output="identity")
    np.testing.assert_allclose(predict_output([one], X, output="identity"), deep, rtol=1e-9, atol=1e-9)
    # the affine map read off torch: b = net(0), column j of W = net(e_j) - net(0)
    with torch.no_grad():
        b = net(torch.zeros(1, sizes[0], dtype=torch.float64)).numpy()[0]
        W = (net(torch.eye(sizes[0], dtype=torch.float64)).numpy() - b).T
    W_one, b_one = split_theta(one)
    np.testing.assert_allclose(b_one, b, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(W_one, W, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_sigmoid_hidden_layers_do_not_collapse(seed):
    net = torch_net([3, 5, 4, 2], seed=seed, activations=False)
    Thetas = thetas_of(net)
    X = np.random.default_rng(seed).normal(size=(20, 3))
    one = predict_output([collapse_linear(Thetas)], X, output="identity")
    nonlinear = predict_output(Thetas, X, hidden="sigmoid", output="identity")
    assert np.max(np.abs(nonlinear - one)) > 0.1
    # and it is torch's sigmoid network that we computed
    with torch.no_grad():
        layers = [net[0], nn.Sigmoid(), net[1], nn.Sigmoid(), net[2]]
        expected = nn.Sequential(*layers)(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(nonlinear, expected, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- bad input

GOOD = init_params([3, 4, 2], rng=0)


@pytest.mark.parametrize("Thetas, X, message", [
    ([np.zeros((4, 4)), np.zeros((2, 6))], np.ones((5, 3)), r"Thetas\[1\] must have shape \(s_next, 5\)"),
    (GOOD, np.ones((5, 2)), r"Thetas\[0\] must have shape .* 2 inputs"),
    (GOOD, np.ones((5, 4)), r"Thetas\[0\] must have shape .* 4 inputs"),
    (GOOD, np.array([[1.0, np.nan, 0.0]]), "NaN"),
    ([GOOD[0], np.full((2, 5), np.inf)], np.ones((5, 3)), "NaN"),
    (GOOD, np.ones(3), "2-D"),
    ([], np.ones((5, 3)), "at least one layer"),
    ([np.ones(4)], np.ones((5, 3)), "2-D"),
])
def test_forward_batch_bad_input(Thetas, X, message):
    with pytest.raises(ValueError, match=message):
        forward_batch(Thetas, X)


@pytest.mark.parametrize("x, kwargs, message", [
    (np.ones((1, 3)), {}, "1-D"),
    (np.ones(2), {}, "inputs"),
    (np.array([np.nan, 0.0, 0.0]), {}, "NaN"),
    (np.ones(3), {"hidden": "swish"}, "hidden must be one of"),
    (np.ones(3), {"output": "argmax"}, "output must be one of"),
])
def test_forward_bad_input(x, kwargs, message):
    with pytest.raises(ValueError, match=message):
        forward(GOOD, x, **kwargs)


@pytest.mark.parametrize("sizes, message", [([5], "at least 2"), ([3, 0, 1], r"layer_sizes\[1\] must be an integer >= 1"),
                                            ([3, 2.5], r"layer_sizes\[1\] must be an integer >= 1"), ([3, -1], r"layer_sizes\[1\] must be an integer >= 1")])
def test_bad_layer_sizes(sizes, message):
    with pytest.raises(ValueError, match=message):
        count_parameters(sizes)
    with pytest.raises(ValueError, match=message):
        init_params(sizes)


@pytest.mark.parametrize("scale", ["xavier", -1.0, 0])
def test_bad_init_scale(scale):
    with pytest.raises(ValueError, match="scale"):
        init_params([3, 2], scale=scale)


def test_thetas_from_weights_checks_bias_length():
    with pytest.raises(ValueError, match=r"biases\[0\] must have shape"):
        thetas_from_weights([np.ones((4, 3))], [np.ones(3)])


def test_thetas_from_weights_needs_one_bias_per_layer():
    with pytest.raises(ValueError, match="2 weight matrices and 1 bias vectors"):
        thetas_from_weights([np.eye(2), np.eye(2)], [np.zeros(2)])
