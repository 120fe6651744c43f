"""Dropout, batch norm and early stopping against Monte Carlo, torch.nn.BatchNorm1d and autograd."""
import numpy as np
import pytest
import torch

from coursepkg.regularization import EarlyStopping, batchnorm_backward, batchnorm_forward, dropout

pytestmark = pytest.mark.ch7


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_keeps_the_expectation(p):
    X = np.linspace(-2, 3, 12).reshape(3, 4)
    rng = np.random.default_rng(0)
    draws = np.array([dropout(X, p, rng=rng)[0] for _ in range(20_000)])
    # Monte Carlo: sd of one draw is |x| sqrt(p / (1 - p)); 5 standard errors
    se = np.abs(X) * np.sqrt(p / (1 - p)) / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - X) <= 5 * se + 1e-12)
    assert abs((draws == 0).mean() - p) < 0.01
    np.testing.assert_array_equal(dropout(X, p, train=False)[0], X)


def test_dropout_bad_p():
    with pytest.raises(ValueError, match=r"p must be a finite number in \[0, 1\)"):
        dropout(np.ones(3), p=1.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_batchnorm_matches_torch_forward_running_stats_and_autograd(seed):
    rng = np.random.default_rng(seed)
    X, gamma, beta = rng.normal(2, 3, size=(7, 4)), rng.normal(size=4), rng.normal(size=4)
    dout = rng.normal(size=(7, 4))
    bn = torch.nn.BatchNorm1d(4, momentum=0.1, eps=1e-5).double()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
        bn.bias.copy_(torch.tensor(beta))
    Xt = torch.tensor(X, requires_grad=True)
    out_t = bn(Xt)
    out_t.backward(torch.tensor(dout))
    out, cache, rm, rv = batchnorm_forward(X, gamma, beta)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rm, bn.running_mean.numpy(), rtol=1e-10)
    np.testing.assert_allclose(rv, bn.running_var.numpy(), rtol=1e-10)
    dX, dgamma, dbeta = batchnorm_backward(dout, cache)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(dgamma, bn.weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(dbeta, bn.bias.grad.numpy(), rtol=1e-10)
    # evaluation mode uses the running statistics, as torch's eval() does
    bn.eval()
    X2 = rng.normal(size=(3, 4))
    X2t = torch.tensor(X2, requires_grad=True)
    out2_t = bn(X2t)
    out2_t.backward(torch.tensor(dout[:3]))
    out2, cache2, _, _ = batchnorm_forward(X2, gamma, beta, rm, rv, train=False)
    np.testing.assert_allclose(out2, out2_t.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(batchnorm_backward(dout[:3], cache2)[0], X2t.grad.numpy(), rtol=1e-10)


def test_batchnorm_bad_input():
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)"):
        batchnorm_forward(np.ones((4, 3)), np.ones(2), np.zeros(3))
    with pytest.raises(ValueError, match="at least 2 rows"):
        batchnorm_forward(np.ones((1, 3)), np.ones(3), np.zeros(3))


def test_early_stopping_restores_the_best_weights():
    losses = [1.0, 0.8, 0.6, 0.65, 0.7, 0.62, 0.9]
    params = {"w": np.zeros(2)}
    stopper = EarlyStopping(patience=3)
    for epoch, loss in enumerate(losses):
        params["w"][:] = epoch  # weights change every epoch, in place
        if stopper.update(loss, params):
            break
    assert epoch == 5 and stopper.best_epoch_ == 2 == int(np.argmin(losses[:epoch + 1]))
    stopper.restore(params)
    np.testing.assert_array_equal(params["w"], [2.0, 2.0])
    with pytest.raises(ValueError, match="patience must be a positive integer"):
        EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="no best parameters yet"):
        EarlyStopping().restore({})
