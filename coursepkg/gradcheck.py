"""Finite-difference gradients and the gradient check that catches a wrong backward pass.

For a scalar function f of an array x, the central difference

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

has error O(eps^2) (plus rounding of order |f| * 1e-16 / eps). It costs two evaluations of f per
entry of x, so O(m) forward passes for m parameters; backprop gets all m derivatives from one
forward and one backward pass.
"""
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_nonnegative, check_real

__all__ = ["numerical_gradient", "relative_error", "check_gradient", "GradientCheck"]


def _check_eps(eps):
    return check_real(eps, "eps", 0, 1, low_open=True, high_open=True)


def _scalar(f, x):
    value = f(x)
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"f must return a scalar; got {type(value).__name__} "
                         f"of shape {np.shape(value)}") from None
    if not np.isfinite(value):
        raise ValueError(f"f must return a finite number near x; got {value}")
    return value


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function of an array.

    Parameters
    ----------
    f : callable
        f(x) -> float, for an array x of the shape given.
    x : array of any shape
        The point; it is not modified (f sees copies).
    eps : float in (0, 1), default=1e-6
        Step h.

    Returns
    -------
    array of the shape of x
        (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every index i.

    Notes
    -----
    2 m evaluations of f for m = x.size entries. The O(eps^2) truncation error and the
    O(1e-16 / eps) rounding error balance near eps = 1e-5 to 1e-6 in float64.

    Examples
    --------
    >>> numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {type(f).__name__}")
    x = as_float_array(x, "x")
    eps = _check_eps(eps)
    work = x.copy()
    grad = np.empty_like(x)
    flat, out = work.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = _scalar(f, work.copy())
        flat[i] = old - eps
        f_minus = _scalar(f, work.copy())
        flat[i] = old
        out[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b, floor=1e-8):
    """Entry-wise |a - b| / max(|a|, |b|, floor): scale-free, and 0 when both are 0.

    Examples
    --------
    >>> relative_error([1.0, 0.0], [1.1, 0.0]).round(4)
    array([0.0909, 0.    ])
    """
    a, b = as_float_array(a, "a"), as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    floor = check_real(floor, "floor", 0, low_open=True)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    with np.errstate(over="ignore"):
        return np.abs(a / scale - b / scale)  # divided first: |a - b| itself may overflow


@dataclass(frozen=True)
class GradientCheck:
    """Outcome of :func:`check_gradient`: the worst entry and whether the check passed."""

    ok: bool
    max_relative_error: float
    index: tuple
    analytic: float
    numerical: float
    tol: float
    atol: float = 0.0

    def __str__(self):
        verdict = "passed" if self.ok else "FAILED"
        return (f"gradient check {verdict}: worst relative error {self.max_relative_error:.2e} "
                f"(tolerance {self.tol:.0e}) at index {self.index}: analytic {self.analytic:.6g}, "
                f"numerical {self.numerical:.6g}")


def check_gradient(f, grad, x, eps=1e-6, tol=1e-5, atol=1e-8):
    """Compare an analytic gradient with central differences and report the worst entry.

    Parameters
    ----------
    f : callable
        f(x) -> float.
    grad : callable or array
        The gradient to test: grad(x) -> array shaped like x, or that array itself.
    x : array
        The point.
    eps : float in (0, 1), default=1e-6
    tol : float >= 0, default=1e-5
        Relative tolerance.
    atol : float >= 0, default=1e-8
        Absolute tolerance. An entry passes when |analytic - numerical| <= atol + tol max(|analytic|,
        |numerical|), the rule of ``numpy.isclose`` and ``torch.autograd.gradcheck``. The absolute part
        is needed where the true derivative is tiny: there central differences carry a rounding error
        of about |f| 1e-16 / eps ~ 1e-10, a huge *relative* error of a correct gradient (the
        cross-entropy gradient at confident logits is ~1e-9).

    Returns
    -------
    GradientCheck
        ``ok``, the worst ``max_relative_error`` (among the entries, the one that exceeds its
        allowance the most), its ``index`` and both values there; ``str()`` gives a one-line report.

    Examples
    --------
    >>> f = lambda v: float(v[0] ** 2 * v[1])
    >>> x = np.array([3.0, 2.0])
    >>> check_gradient(f, lambda v: np.array([2 * v[0] * v[1], v[0] ** 2]), x).ok
    True
    >>> print(check_gradient(f, np.array([12.0, 6.0]), x))
    gradient check FAILED: worst relative error 3.33e-01 (tolerance 1e-05) at index (1,): analytic 6, numerical 9
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {type(f).__name__}")
    x = as_float_array(x, "x")
    tol = check_nonnegative(tol, "tol")
    atol = check_nonnegative(atol, "atol")
    eps = _check_eps(eps)
    analytic = grad(x.copy()) if callable(grad) else grad
    analytic = as_float_array(analytic, "grad")
    if analytic.shape != x.shape:
        raise ValueError(f"grad must have the shape of x, {x.shape}; got {analytic.shape}")
    numerical = numerical_gradient(f, x, eps)
    if x.size == 0:
        return GradientCheck(True, 0.0, (), 0.0, 0.0, float(tol), float(atol))
    err = relative_error(analytic, numerical)
    with np.errstate(over="ignore"):
        excess = np.abs(analytic - numerical) - (atol + tol * np.maximum(np.abs(analytic), np.abs(numerical)))
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(excess)), x.shape))
    ok = bool(np.all(excess <= 0))
    return GradientCheck(ok, float(err[index]), index, float(analytic[index]), float(numerical[index]),
                         float(tol), float(atol))
