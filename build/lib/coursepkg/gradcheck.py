"""Finite-difference gradients and the gradient check that catches a wrong backward pass.

For a scalar function f of an array x, the central difference

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

has error O(eps^2) (plus rounding of order |f| * 1e-16 / eps). It costs two evaluations of f per
entry of x, so O(m) forward passes for m parameters; backprop gets all m derivatives from one
forward and one backward pass.
"""
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array

__all__ = ["numerical_gradient", "relative_error", "check_gradient", "GradientCheck"]


def _check_eps(eps):
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating)) or not 0 < eps < 1:
        raise ValueError(f"eps must be a number in (0, 1); got {eps!r}")
    return float(eps)


def _scalar(f, x):
    value = f(x)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"f must return a scalar; got {type(value).__name__} "
                         f"of shape {np.shape(value)}") from None


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
    """Entry-wise |a - b| / max(|a|, |b|, floor): scale-free, and 0 when both are 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


@dataclass(frozen=True)
class GradientCheck:
    """Outcome of :func:`check_gradient`: the worst entry and whether the check passed."""

    ok: bool
    max_relative_error: float
    index: tuple
    analytic: float
    numerical: float
    tol: float

    def __str__(self):
        verdict = "passed" if self.ok else "FAILED"
        return (f"gradient check {verdict}: worst relative error {self.max_relative_error:.2e} "
                f"(tolerance {self.tol:.0e}) at index {self.index}: analytic {self.analytic:.6g}, "
                f"numerical {self.numerical:.6g}")


def check_gradient(f, grad, x, eps=1e-6, tol=1e-5):
    """Compare an analytic gradient with central differences and report the worst entry.

    Parameters
    ----------
    f : callable
        f(x) -> float.
    grad : callable or array
        The gradient to test: grad(x) -> array shaped like x, or that array itself.
    x : array
        The point.
    eps : float, default=1e-6
    tol : float, default=1e-5
        Largest relative error accepted.

    Returns
    -------
    GradientCheck
        ``ok``, the worst ``max_relative_error``, its ``index`` and both values there;
        ``str()`` gives a one-line report.

    Examples
    --------
    >>> f = lambda v: float(v[0] ** 2 * v[1])
    >>> x = np.array([3.0, 2.0])
    >>> check_gradient(f, lambda v: np.array([2 * v[0] * v[1], v[0] ** 2]), x).ok
    True
    >>> print(check_gradient(f, np.array([12.0, 6.0]), x))
    gradient check FAILED: worst relative error 3.33e-01 (tolerance 1e-05) at index (1,): analytic 6, numerical 9
    """
    x = as_float_array(x, "x")
    analytic = grad(x.copy()) if callable(grad) else grad
    analytic = as_float_array(analytic, "grad")
    if analytic.shape != x.shape:
        raise ValueError(f"grad must have the shape of x, {x.shape}; got {analytic.shape}")
    numerical = numerical_gradient(f, x, eps)
    err = relative_error(analytic, numerical)
    index = np.unravel_index(int(np.argmax(err)), x.shape) if x.size else ()
    index = tuple(int(i) for i in index)
    worst = float(err[index]) if x.size else 0.0
    return GradientCheck(worst <= tol, worst, index, float(analytic[index]) if x.size else 0.0,
                         float(numerical[index]) if x.size else 0.0, float(tol))
