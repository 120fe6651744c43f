"""Shared hypothesis strategies and the one hypothesis profile of the test suite.

``hostile()`` draws the inputs a careless (or curious) caller passes: None, bools, strings, NaN and
infinities, wrong-sign and fractional numbers, 0-d / empty / ragged / wrong-shape arrays, integer,
bool, object, complex and string dtypes, dicts. ``magnitudes()`` draws powers of ten from 1e-300 to
1e300 to rescale valid data. :func:`assert_contract` states what every public function promises: the
right answer, or a ``ValueError`` / ``TypeError`` raised by coursepkg itself whose message names a
parameter, and never NaN from finite input.
"""
import inspect
import os
import re
import traceback
import warnings

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# One profile for every property-based test: few examples (the suite must stay fast), no deadline
# (the shared CI machine is slow), derandomised so that a run is reproducible on any machine.
settings.register_profile("coursepkg", max_examples=int(os.environ.get("COURSEPKG_FUZZ_EXAMPLES", "20")),
                          deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.load_profile("coursepkg")

_ARRAYS = [
    np.array(1.0), np.array([]), np.zeros((0, 2)), np.zeros((2, 0)), np.zeros((2, 2, 2)),
    np.array([np.nan, 1.0]), np.array([[np.inf, 1.0], [1.0, 1.0]]), np.array([[1.0, -np.inf]]),
    np.array([1, 2, 3]), np.array([[True, False], [False, True]]), np.array([[1.0, 2.0]], dtype=object),
    np.array([[1 + 2j, 1.0]]), np.array([["a", "b"]]), np.array([[{"a": 1}, 2]], dtype=object),
    np.ones((3, 5)), np.ones((1, 1)), np.full((2, 2), 1e300), np.full((3, 2), -1e-300),
]
_SCALARS = [None, True, False, "a", "0.5", b"x", 0, -1, 1, 2.5, -0.5, 0.0, 1e300, -1e300, 1e-300,
            float("nan"), float("inf"), -float("inf"), {"a": 1}, (1, 2), [1.0, 2.0], [[1.0], [2.0, 3.0]],
            1 + 1j, np.float64("nan"), np.int64(3), np.bool_(True)]


def hostile():
    """A strategy over hostile argument values (scalars, containers and arrays of every kind)."""
    finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
    any_floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
    small_lists = st.lists(st.one_of(finite_floats, any_floats), min_size=0, max_size=4)
    random_arrays = st.builds(lambda shape, fill: np.full(shape, fill),
                              st.tuples(*[st.integers(0, 3)] * 2) | st.tuples(st.integers(0, 4)),
                              any_floats)
    return st.one_of(st.sampled_from(_SCALARS), st.sampled_from(_ARRAYS), finite_floats, any_floats,
                     st.integers(-5, 5), small_lists, random_arrays)


def magnitudes():
    """Powers of ten 10^k, k in [-300, 300], to rescale valid data."""
    return st.integers(-300, 300).map(lambda k: 10.0 ** k)


def _finite_leaf(value):
    """True when value holds only finite numbers (arrays, lists, numbers); non-numeric leaves count as finite."""
    if isinstance(value, (list, tuple)):
        return all(_finite_leaf(v) for v in value)
    if isinstance(value, dict):
        return all(_finite_leaf(v) for v in value.values())
    try:
        arr = np.asarray(value)
    except Exception:
        return True
    if arr.dtype.kind in "fc":
        return bool(np.all(np.isfinite(arr)))
    if arr.dtype.kind == "O":
        return all(_finite_leaf(v) for v in arr.ravel()) if arr.ndim else True
    return True


def _has_nan(value):
    if isinstance(value, (list, tuple)):
        return any(_has_nan(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, (float, np.floating, np.ndarray)):
        arr = np.asarray(value)
        return arr.dtype.kind in "fc" and bool(np.any(np.isnan(arr)))
    return False


class ContractViolation(AssertionError):
    pass


def assert_contract(fn, *args, names=None, **kwargs):
    """Call ``fn``; it must return (without NaN when every input is finite) or raise a clear error.

    A clear error is a ``ValueError`` or ``TypeError`` (or a subclass) raised by coursepkg's own code
    (the innermost frame of the traceback lies in the package, not in numpy, scikit-learn, torch or
    a builtin) whose message names one of ``names`` (by default the parameters of ``fn``). Warnings
    are allowed. Returns the result, or None when it raised.
    """
    target = fn.__init__ if inspect.isclass(fn) else fn
    if names is None:
        try:
            names = [p for p in inspect.signature(target).parameters if p != "self"]
        except (TypeError, ValueError):
            names = []
    names = list(names)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):  # only the result counts, not numpy's warnings
                out = fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = frames[-1].filename if frames else ""
        inner = os.sep + "coursepkg" + os.sep in where
        named = any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", str(exc)) for n in names)
        if not (inner and named):
            raise ContractViolation(
                f"unclear error from {getattr(fn, '__qualname__', fn)}: {type(exc).__name__}: {exc} "
                f"(raised in {where}; parameters {names})") from exc
        return None
    except Exception as exc:  # noqa: BLE001 - any other type is the violation we look for
        raise ContractViolation(f"wrong exception type from {getattr(fn, '__qualname__', fn)}: "
                                f"{type(exc).__name__}: {exc}") from exc
    if _finite_leaf(list(args) + list(kwargs.values())) and _has_nan(out):
        raise ContractViolation(f"NaN from finite input in {getattr(fn, '__qualname__', fn)}")
    return out
