"""Learning-rate schedules lr_t as functions of the step (or epoch) index t = 0, 1, 2, ...

Each function takes the base rate ``lr0`` and ``t`` (an int or an integer array) and returns the
rate used at step t; they agree with the ``torch.optim.lr_scheduler`` classes named in each
docstring. Apply one to an optimiser with ``opt.lr = cosine_lr(lr0, t, T)`` before ``opt.step``.
"""
import numpy as np

from .._validation import check_positive_int, check_real

__all__ = ['step_lr', 'exponential_lr', 'inverse_time_lr', 'cosine_lr', 'warmup_lr']


def _check(lr0, t):
    lr0 = check_real(lr0, "lr0", 0)
    if isinstance(t, (bool, np.bool_)):
        raise ValueError(f"t must be an integer (or integer array) >= 0; got {t!r}")
    try:
        t = np.asarray(t)
    except (TypeError, ValueError):
        raise ValueError(f"t must be an integer (or integer array) >= 0; got {type(t).__name__}") from None
    if not np.issubdtype(t.dtype, np.integer) or np.any(t < 0):
        raise ValueError(f"t must be an integer (or integer array) >= 0; got {t!r}")
    return lr0, t


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


def step_lr(lr0, t, step_size, gamma=0.1):
    """Step decay: multiply by ``gamma`` in [0, 1] every ``step_size`` >= 1 steps (torch ``StepLR``).

    >>> step_lr(1.0, np.arange(6), step_size=2, gamma=0.5)
    array([1.  , 1.  , 0.5 , 0.5 , 0.25, 0.25])
    """
    lr0, t = _check(lr0, t)
    step_size = check_positive_int(step_size, "step_size")
    gamma = check_real(gamma, "gamma", 0, 1)
    return _out(lr0 * gamma ** (t // step_size))


def exponential_lr(lr0, t, gamma):
    """Exponential decay lr0 * gamma**t, gamma in [0, 1] (torch ``ExponentialLR``).

    >>> exponential_lr(1.0, 3, gamma=0.5)
    0.125
    """
    lr0, t = _check(lr0, t)
    gamma = check_real(gamma, "gamma", 0, 1)
    return _out(lr0 * gamma ** t)


def inverse_time_lr(lr0, t, decay=1.0):
    """1/t decay lr0 / (1 + decay t), decay >= 0: sum lr_t diverges, sum lr_t**2 converges (Robbins-Monro).

    >>> inverse_time_lr(1.0, 4, decay=0.25)
    0.5
    """
    lr0, t = _check(lr0, t)
    decay = check_real(decay, "decay", 0)
    return _out(lr0 / (1.0 + decay * t))


def cosine_lr(lr0, t, T, lr_min=0.0):
    """Cosine annealing from lr0 at t = 0 to lr_min in [0, lr0] at t = T (torch ``CosineAnnealingLR``).

    lr_t = lr_min + (lr0 - lr_min) (1 + cos(pi t / T)) / 2, held at lr_min after T.

    >>> cosine_lr(1.0, np.array([0, 5, 10]), T=10)
    array([1. , 0.5, 0. ])
    """
    lr0, t = _check(lr0, t)
    T = check_positive_int(T, "T")
    lr_min = check_real(lr_min, "lr_min", 0, lr0)
    return _out(lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * np.minimum(t, T) / T)) / 2)


def warmup_lr(lr0, t, warmup_steps, after=None):
    """Linear warm-up: lr0 (t + 1) / warmup_steps for the first steps, then ``after(t)`` or lr0.

    The warm-up part equals torch ``LinearLR(start_factor=1/warmup_steps, total_iters=warmup_steps-1)``.

    >>> warmup_lr(1.0, np.arange(6), warmup_steps=4)
    array([0.25, 0.5 , 0.75, 1.  , 1.  , 1.  ])
    """
    lr0, t = _check(lr0, t)
    warmup_steps = check_positive_int(warmup_steps, "warmup_steps")
    if after is not None and not callable(after):
        raise ValueError(f"after must be a schedule t -> lr (callable) or None; got {type(after).__name__}")
    rest = np.full(t.shape, lr0) if after is None else np.asarray(after(t), dtype=float)
    return _out(np.where(t < warmup_steps, lr0 * (t + 1) / warmup_steps, rest))
