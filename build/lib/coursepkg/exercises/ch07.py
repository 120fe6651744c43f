"""Chapter 7 exercises: a momentum step, an Adam step with bias correction, an early-stopping rule."""
import numpy as np

from ..optim import SGD, Adam
from ..regularization import EarlyStopping
from .spec import Case, Exercise


def _momentum_step(theta, velocity, grad, lr, momentum):
    params = {"theta": np.array(theta, dtype=float)}
    opt = SGD(params, lr=lr, momentum=momentum)
    opt.state["theta"]["velocity"] = np.array(velocity, dtype=float)
    opt.step({"theta": grad})
    return params["theta"], opt.state["theta"]["velocity"]


def _adam_step(theta, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    params = {"theta": np.array(theta, dtype=float)}
    opt = Adam(params, lr=lr, betas=(beta1, beta2), eps=eps)
    opt.t = t - 1
    opt.state["theta"].update(m=np.array(m, dtype=float), v=np.array(v, dtype=float), v_max=np.zeros_like(m))
    opt.step({"theta": grad})
    return params["theta"], opt.state["theta"]["m"], opt.state["theta"]["v"]


def _early_stopping_epochs(val_losses, patience):
    stopper = EarlyStopping(patience=patience)
    for epoch, loss in enumerate(val_losses):
        if stopper.update(loss):
            return stopper.best_epoch_, epoch
    return stopper.best_epoch_, len(val_losses) - 1


_R = np.random.default_rng(7)

EXERCISES = [
    Exercise(
        id="7.1",
        name="momentum_step",
        title="One step of SGD with (heavy-ball) momentum",
        reference=_momentum_step,
        cases=(
            Case((np.array([1.0]), np.array([0.0]), np.array([2.0]), 0.1, 0.9)),
            Case((np.array([1.0, -1.0]), np.array([0.5, 0.5]), np.array([1.0, 1.0]), 0.1, 0.9)),
            Case((_R.normal(size=4), _R.normal(size=4), _R.normal(size=4), 0.05, 0.5)),
            Case((_R.normal(size=(2, 3)), _R.normal(size=(2, 3)), _R.normal(size=(2, 3)), 0.01, 0.99)),
        ),
        hint="First the velocity: v_new = momentum * v + g. Then theta_new = theta - lr * v_new. Return "
             "(theta_new, v_new) as new arrays (do not modify the inputs).",
    ),
    Exercise(
        id="7.2",
        name="adam_step",
        title="One Adam step with bias correction",
        reference=_adam_step,
        cases=(
            Case((np.array([1.0]), np.array([0.0]), np.array([0.0]), np.array([3.0]), 1)),
            Case((np.array([1.0, 2.0]), np.array([0.1, -0.2]), np.array([0.01, 0.04]), np.array([0.5, -1.0]), 2),
                 {"lr": 0.01}),
            Case((_R.normal(size=5), 0.1 * _R.normal(size=5), 0.01 * _R.random(5), _R.normal(size=5), 10),
                 {"lr": 0.1, "beta1": 0.8, "beta2": 0.99}),
            Case((_R.normal(size=3), np.zeros(3), np.zeros(3), _R.normal(size=3), 1), {"eps": 1e-3}),
        ),
        hint="m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g**2; m_hat = m / (1 - beta1**t); "
             "v_hat = v / (1 - beta2**t); theta = theta - lr * m_hat / (sqrt(v_hat) + eps). t counts from 1. "
             "Return (theta, m, v) with the *uncorrected* m and v.",
    ),
    Exercise(
        id="7.3",
        name="early_stopping_epochs",
        title="When does early stopping stop, and which epoch does it keep?",
        reference=_early_stopping_epochs,
        cases=(
            Case(([1.0, 0.8, 0.9, 0.95], 2)),
            Case(([1.0, 0.8, 0.9, 0.7, 0.75], 2)),
            Case(([3.0, 2.0, 1.0, 0.5], 1)),
            Case(([0.5, 0.5, 0.5, 0.5, 0.5], 3)),
            Case((list(np.round(1 / np.arange(1, 30) + 0.01 * np.arange(29), 4)), 4)),
        ),
        hint="Keep the best loss so far and a counter. A strictly smaller loss is an improvement: remember "
             "its epoch and reset the counter; otherwise add one to the counter and stop as soon as it "
             "reaches patience. Return (best_epoch, stop_epoch); if it never stops, stop_epoch is the last "
             "epoch. Epochs count from 0.",
    ),
]
