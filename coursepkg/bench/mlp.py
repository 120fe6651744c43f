"""One epoch of the numpy MLP (:mod:`coursepkg.mlp`) vs the same model in torch on the CPU.

784-256-10 (ReLU, softmax output, mean cross-entropy), mini-batches of 128 in order, plain SGD with
lr = 0.1, on 60,000 random examples: what an MNIST epoch costs. Both start from the same weights.
Rows: torch float64 (the same arithmetic; goal: ratio <= 1.5) and torch float32 (torch's default,
reported). Agreement: the weights after the epoch are allclose (float64: rtol 1e-8; float32: atol 1e-4).
"""
import numpy as np

from .core import best_times, make_row, peak_memory_mb

SIZES = {"full": 60000, "quick": 256}
LAYERS, BATCH, LR = (784, 256, 10), 128, 0.1


def numpy_epoch(Thetas, X, Y, batch=BATCH, lr=LR):
    """One epoch of mini-batch SGD on ``Thetas`` (updated in place); returns them."""
    from ..mlp import loss_and_gradients

    for start in range(0, len(X), batch):
        _, grads = loss_and_gradients(Thetas, X[start:start + batch], Y[start:start + batch],
                                      hidden="relu", output="softmax")
        for T, G in zip(Thetas, grads):
            G *= lr  # in place, as torch.optim.SGD updates its parameters
            T -= G
    return Thetas


def torch_net(Thetas, dtype):
    """The same network in torch, with weights copied from ``Thetas`` (Theta = [b | W])."""
    import torch

    layers = [torch.nn.Linear(LAYERS[0], LAYERS[1], dtype=dtype), torch.nn.ReLU(),
              torch.nn.Linear(LAYERS[1], LAYERS[2], dtype=dtype)]
    with torch.no_grad():  # created in dtype, so float64 weights are copied without a float32 detour
        for layer, T in zip(layers[::2], Thetas):
            layer.weight.copy_(torch.from_numpy(T[:, 1:]))
            layer.bias.copy_(torch.from_numpy(T[:, 0]))
    return torch.nn.Sequential(*layers)


def torch_epoch(net, X, y, batch=BATCH, lr=LR):
    """One epoch of the same SGD with ``torch.optim.SGD``; returns the weights as numpy Thetas."""
    import torch

    opt = torch.optim.SGD(net.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for start in range(0, len(X), batch):
        opt.zero_grad()
        loss_fn(net(X[start:start + batch]), y[start:start + batch]).backward()
        opt.step()
    return [np.column_stack([layer.bias.detach().double().numpy(), layer.weight.detach().double().numpy()])
            for layer in (net[0], net[2])]


def run(quick=False, repeat=3):
    import torch

    from ..mlp import init_params

    n = SIZES["quick" if quick else "full"]
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(n, LAYERS[0]))
    y = rng.integers(LAYERS[-1], size=n)
    Y = np.eye(LAYERS[-1])[y]
    Thetas0 = init_params(list(LAYERS), rng=0, scale="he")
    ours = lambda: numpy_epoch([T.copy() for T in Thetas0], X, Y)  # noqa: E731
    peak = peak_memory_mb(ours)
    rows = []
    for dtype, goal, tol in ((torch.float64, "<= 1.5", dict(rtol=1e-8, atol=1e-10)), (torch.float32, None, dict(atol=1e-4))):
        Xt, yt = torch.from_numpy(X).to(dtype), torch.from_numpy(y)
        theirs = lambda: torch_epoch(torch_net(Thetas0, dtype), Xt, yt)  # noqa: E731
        (t_ours, t_torch), (w_ours, w_torch) = best_times([ours, theirs], repeat)
        agree = all(np.allclose(a, b, **tol) for a, b in zip(w_ours, w_torch))
        kind = str(dtype).split(".")[-1]
        rows.append(make_row(f"mlp_{kind}", f"MLP 784-256-10 epoch, batch {BATCH}, n = {n:,}, numpy float64", t_ours,
                             f"torch {kind}, CPU", t_torch, goal, agree, peak,
                             check="weights after the epoch allclose"))
    return rows
