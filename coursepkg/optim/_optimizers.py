"""Optimisers over a dict of numpy parameters, with the update rules of ``torch.optim``.

Every optimiser holds ``params``, a dict name -> float ndarray that it updates **in place**, and
one method ``step(grads)`` that takes a dict with the same names and shapes. Defaults and formulas
are those of torch's ``SGD``, ``Adagrad``, ``RMSprop`` and ``Adam``, so that the same gradients
give the same trajectory step by step (the tests check this).

Notation: theta is a parameter array, g its gradient at the current step, t = 1, 2, ... the step
counter, lr the learning rate and lambda the weight decay (g <- g + lambda theta first).

The full-batch paths (gradient descent, Newton, mini-batch SGD) live in :mod:`coursepkg.optim`
and the learning-rate schedules in :mod:`coursepkg.optim`; both are re-exported here.
"""
import numbers
from abc import ABC, abstractmethod

import numpy as np

__all__ = [
    'Optimizer', 'SGD', 'Adagrad', 'RMSProp', 'Adam', 'QUAD_A', 'QUAD_START', 'quadratic_path',
]


def _check_rate(value, name, upper=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    if upper is not None and value >= upper:
        raise ValueError(f"{name} must be in [0, {upper}); got {value!r}")
    return float(value)


class Optimizer(ABC):
    """Base class: validates ``params`` and ``grads`` and keeps per-parameter state.

    Subclasses implement ``_update(name, theta, g, state)``, which changes ``theta`` in place.
    ``lr`` may be changed between steps (that is how a schedule is applied).
    """

    def __init__(self, params, lr, weight_decay=0.0):
        if not isinstance(params, dict) or not params:
            raise ValueError(f"params must be a non-empty dict name -> numpy array; got {type(params).__name__}")
        for name, p in params.items():
            if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
                raise ValueError(f"params[{name!r}] must be a float numpy array (updated in place); "
                                 f"got {type(p).__name__}")
        self.params = params
        self.lr = lr
        self.weight_decay = _check_rate(weight_decay, "weight_decay")
        self.t = 0
        self.state = {name: {} for name in params}

    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = _check_rate(value, "lr")

    def step(self, grads):
        """Apply one update to every parameter, given ``grads`` (same keys and shapes)."""
        if not isinstance(grads, dict):
            raise ValueError(f"grads must be a dict name -> numpy array; got {type(grads).__name__}")
        unknown = sorted(set(grads) - set(self.params))
        missing = sorted(set(self.params) - set(grads))
        if unknown or missing:
            raise ValueError(f"grads must have the same keys as params; unknown {unknown}, missing {missing}")
        checked = {}
        for name, theta in self.params.items():
            g = np.asarray(grads[name], dtype=float)
            if g.shape != theta.shape:
                raise ValueError(f"grads[{name!r}] must have shape {theta.shape} like params[{name!r}]; "
                                 f"got {g.shape}")
            if not np.all(np.isfinite(g)):
                raise ValueError(f"grads[{name!r}] contains NaN or infinite values")
            checked[name] = g
        self.t += 1
        for name, theta in self.params.items():
            g = checked[name]
            if self.weight_decay:
                g = g + self.weight_decay * theta
            self._update(name, theta, g, self.state[name])
        return self.params

    @abstractmethod
    def _update(self, name, theta, g, state):
        """Update ``theta`` in place from its gradient ``g`` and its per-parameter ``state``."""


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (heavy-ball or Nesterov) momentum.

    Notes
    -----
    With momentum mu and dampening tau, torch's rule is, with the buffer ``v`` started at
    ``v_1 = g_1``::

        v_t = mu v_{t-1} + (1 - tau) g_t
        d_t = g_t + mu v_t   (Nesterov)   or   d_t = v_t   (heavy ball)
        theta <- theta - lr d_t

    Unrolled (tau = 0), the heavy-ball step is lr * sum_k mu^(t-k) g_k: an exponentially weighted
    sum of all past gradients.

    Examples
    --------
    >>> params = {"w": np.array([1.0, -2.0])}
    >>> opt = SGD(params, lr=0.1, momentum=0.9)
    >>> _ = opt.step({"w": np.array([1.0, 1.0])}); _ = opt.step({"w": np.array([1.0, 1.0])})
    >>> params["w"]
    array([ 0.71, -2.29])
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        self.momentum = _check_rate(momentum, "momentum")
        self.dampening = _check_rate(dampening, "dampening")
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0")
        self.nesterov = bool(nesterov)

    def _update(self, name, theta, g, state):
        if self.momentum:
            if "velocity" not in state:
                state["velocity"] = g.copy()
            else:
                state["velocity"] = self.momentum * state["velocity"] + (1 - self.dampening) * g
            g = g + self.momentum * state["velocity"] if self.nesterov else state["velocity"]
        theta -= self.lr * g


class Adagrad(Optimizer):
    """Adagrad: divide each coordinate's step by the root of its summed squared gradients.

    Notes
    -----
    ``s_t = s_{t-1} + g_t**2`` (``s_0`` = ``initial_accumulator_value``),
    ``theta <- theta - lr_t g_t / (sqrt(s_t) + eps)`` with ``lr_t = lr / (1 + (t - 1) lr_decay)``.
    Coordinates with large past gradients get small steps; the steps only ever shrink.

    Examples
    --------
    >>> params = {"w": np.array([1.0])}
    >>> _ = Adagrad(params, lr=0.5).step({"w": np.array([4.0])})
    >>> params["w"].round(6)
    array([0.5])
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr, weight_decay)
        self.lr_decay = _check_rate(lr_decay, "lr_decay")
        self.initial_accumulator_value = _check_rate(initial_accumulator_value, "initial_accumulator_value")
        self.eps = _check_rate(eps, "eps")

    def _update(self, name, theta, g, state):
        if "sum" not in state:
            state["sum"] = np.full_like(theta, self.initial_accumulator_value)
        state["sum"] = state["sum"] + g * g
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        theta -= clr * g / (np.sqrt(state["sum"]) + self.eps)


class RMSProp(Optimizer):
    """RMSProp: divide by a running root-mean-square of the gradients (torch's ``RMSprop``).

    Notes
    -----
    ``r_t = alpha r_{t-1} + (1 - alpha) g_t**2`` (``r_0 = 0``) and
    ``theta <- theta - lr g_t / (sqrt(r_t) + eps)``. Unlike Adagrad the average forgets old
    gradients, so steps do not shrink to zero. ``centered`` subtracts the squared running mean of
    g from ``r_t``; ``momentum`` > 0 keeps a buffer ``b_t = momentum b_{t-1} + g_t / (sqrt(r_t) + eps)``
    and steps by ``lr b_t``.

    Examples
    --------
    >>> params = {"w": np.array([1.0])}
    >>> _ = RMSProp(params, lr=0.01).step({"w": np.array([3.0])})
    >>> params["w"].round(4)   # first step is lr / sqrt(1 - alpha) = 0.1
    array([0.9])
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(params, lr, weight_decay)
        self.alpha = _check_rate(alpha, "alpha", upper=1.0)
        self.eps = _check_rate(eps, "eps")
        self.momentum = _check_rate(momentum, "momentum")
        self.centered = bool(centered)

    def _update(self, name, theta, g, state):
        if "square_avg" not in state:
            state["square_avg"] = np.zeros_like(theta)
            state["grad_avg"] = np.zeros_like(theta)
            state["buffer"] = np.zeros_like(theta)
        a = self.alpha
        state["square_avg"] = a * state["square_avg"] + (1 - a) * g * g
        if self.centered:
            state["grad_avg"] = a * state["grad_avg"] + (1 - a) * g
            avg = np.sqrt(state["square_avg"] - state["grad_avg"] ** 2) + self.eps
        else:
            avg = np.sqrt(state["square_avg"]) + self.eps
        if self.momentum:
            state["buffer"] = self.momentum * state["buffer"] + g / avg
            theta -= self.lr * state["buffer"]
        else:
            theta -= self.lr * g / avg


class Adam(Optimizer):
    """Adam: momentum on g and RMSProp on g**2, both bias-corrected.

    Notes
    -----
    ``m_t = beta1 m_{t-1} + (1 - beta1) g_t``, ``v_t = beta2 v_{t-1} + (1 - beta2) g_t**2`` (both
    start at 0, hence biased towards 0), corrected by ``m_hat = m_t / (1 - beta1**t)`` and
    ``v_hat = v_t / (1 - beta2**t)``; then ``theta <- theta - lr m_hat / (sqrt(v_hat) + eps)``.
    ``amsgrad`` uses the running maximum of ``v_t`` instead of ``v_t``.

    Examples
    --------
    >>> params = {"w": np.array([1.0, 1.0])}
    >>> _ = Adam(params, lr=0.1).step({"w": np.array([5.0, -0.01])})
    >>> params["w"].round(6)   # the first step is lr * sign(g), whatever |g|
    array([0.9, 1.1])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr, weight_decay)
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2); got {betas!r}")
        self.betas = (_check_rate(betas[0], "betas[0]", upper=1.0), _check_rate(betas[1], "betas[1]", upper=1.0))
        self.eps = _check_rate(eps, "eps")
        self.amsgrad = bool(amsgrad)

    def _update(self, name, theta, g, state):
        if "m" not in state:
            state["m"] = np.zeros_like(theta)
            state["v"] = np.zeros_like(theta)
            state["v_max"] = np.zeros_like(theta)
        b1, b2 = self.betas
        state["m"] = b1 * state["m"] + (1 - b1) * g
        state["v"] = b2 * state["v"] + (1 - b2) * g * g
        v = state["v"]
        if self.amsgrad:
            state["v_max"] = np.maximum(state["v_max"], v)
            v = state["v_max"]
        bias1 = 1 - b1 ** self.t
        bias2 = 1 - b2 ** self.t
        denom = np.sqrt(v) / np.sqrt(bias2) + self.eps
        theta -= (self.lr / bias1) * state["m"] / denom


# --- Chapter 7's test bed: an ill-conditioned quadratic bowl ---

#: f(theta) = 1/2 sum_i a_i theta_i^2 with a = (1, 20): condition number 20, minimum at 0.
QUAD_A = np.array([1.0, 20.0])
QUAD_START = np.array([-4.0, 1.0])


def quadratic_path(opt_class, n_steps=60, start=QUAD_START, a=QUAD_A, **kwargs):
    """Iterates of an optimiser on the quadratic f(theta) = 1/2 sum_i a_i theta_i^2, whose gradient is a * theta.

    Parameters
    ----------
    opt_class : subclass of :class:`Optimizer`
        ``SGD``, ``Adagrad``, ``RMSProp``, ``Adam``; built as ``opt_class(params, **kwargs)``.
    n_steps : int, default=60
        Number of steps (>= 1).
    start : array of shape (p,), default=QUAD_START (-4, 1)
        theta_0.
    a : array of shape (p,), default=QUAD_A (1, 20)
        Curvatures a_i.
    **kwargs
        Hyper-parameters of the optimiser (``lr``, ``momentum``, ...).

    Returns
    -------
    path : array of shape (n_steps + 1, p)
        theta_0, theta_1, ..., theta_{n_steps}.

    Examples
    --------
    Plain gradient descent multiplies theta_i by (1 - lr a_i) per step:

    >>> quadratic_path(SGD, 2, lr=0.01)[-1]
    array([-3.9204,  0.64  ])
    """
    from .._validation import as_1d, check_positive_int  # local: appended code leaves the header untouched

    if not (isinstance(opt_class, type) and issubclass(opt_class, Optimizer)):
        raise TypeError(f"opt_class must be an Optimizer subclass such as SGD or Adam; got {opt_class!r}")
    n_steps = check_positive_int(n_steps, "n_steps")
    start = as_1d(start, "start")
    a = as_1d(a, "a", n=len(start))
    params = {"theta": start.copy()}
    opt = opt_class(params, **kwargs)
    path = [params["theta"].copy()]
    for _ in range(n_steps):
        opt.step({"theta": a * params["theta"]})
        path.append(params["theta"].copy())
    return np.array(path)
