"""Input checks shared by every module, with one message style.

Every public function validates at its boundary and raises ``ValueError`` (or ``TypeError``)
naming the parameter, what was expected and what was received, e.g.
``X must be 2-D (n_samples, n_features); got shape (5,)``.
"""
import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "as_2d",
    "as_1d",
    "check_labels_pm1",
    "binary_classes",
    "encode_labels",
    "check_consistent_length",
    "check_positive_int",
    "check_nonnegative",
    "check_positive",
    "check_is_fitted",
    "as_rng",
]


def as_float_array(a, name="a", allow_nan=False):
    """Return ``a`` as a float ndarray; reject NaN/inf unless ``allow_nan``.

    Examples
    --------
    >>> as_float_array([1, 2], "x")
    array([1., 2.])
    >>> as_float_array([1, float("nan")], "x")
    Traceback (most recent call last):
    ...
    ValueError: x contains NaN or infinite values
    """
    numeric = f"{name} must be numeric (convertible to a float array); got {type(a).__name__}"
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:
        raise ValueError(numeric) from exc
    if arr.dtype.kind == "c":  # casting would drop the imaginary part without a word
        raise ValueError(f"{name} must be real-valued; got complex values")
    try:
        arr = arr.astype(float, copy=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(numeric) from exc
    if not allow_nan and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def as_2d(X, name="X", n_features=None):
    """Return X as a finite float array of shape (n_samples, n_features)."""
    X = as_float_array(X, name)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features); got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} must have at least one row; got shape {X.shape}")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"{name} must have {n_features} features (columns); got shape {X.shape}")
    return X


def as_1d(y, name="y", n=None):
    """Return y as a finite float array of shape (n,)."""
    y = as_float_array(y, name)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n_samples,); got shape {y.shape}")
    if n is not None and y.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) to match X; got {y.shape}")
    return y


def check_labels_pm1(y, name="y", n=None):
    """Map binary labels to {-1, +1}.

    Labels already in {-1, +1} are kept; labels in {0, 1} are mapped 0 -> -1, 1 -> +1.
    Anything else raises ``ValueError``.

    Examples
    --------
    >>> check_labels_pm1([0, 1, 1])
    array([-1.,  1.,  1.])
    >>> check_labels_pm1([1, 2])
    Traceback (most recent call last):
    ...
    ValueError: y must hold labels in {-1, +1} or {0, 1}; got values [1.0, 2.0]
    """
    y = as_1d(y, name, n)
    values = set(np.unique(y).tolist())
    if values <= {-1.0, 1.0}:
        return y.copy()
    if values <= {0.0, 1.0}:
        return 2.0 * y - 1.0
    shown = sorted(values)[:6]
    raise ValueError(f"{name} must hold labels in {{-1, +1}} or {{0, 1}}; got values {shown}")


def encode_labels(y, n, min_classes=2, name="y"):
    """(classes, y_idx) for class labels of any type, one per row of an n-row X.

    ``classes`` are the sorted distinct labels and ``y_idx`` the index of each label in them.

    Examples
    --------
    >>> encode_labels(["b", "a", "b"], 3)
    (array(['a', 'b'], dtype='<U1'), array([1, 0, 1]))
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) to match X; got {y.shape}")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(f"{name} contains NaN or infinite values")
    classes, y_idx = np.unique(y, return_inverse=True)
    if len(classes) < min_classes:
        raise ValueError(f"{name} must contain at least {min_classes} classes; got {len(classes)}")
    return classes, y_idx


def binary_classes(y):
    """The label pair a binary estimator reports as ``classes_``: [0, 1] if y uses 0, else [-1, 1].

    Call it after :func:`check_labels_pm1` has accepted ``y``.

    Examples
    --------
    >>> binary_classes([0, 1, 1]), binary_classes([-1, 1])
    (array([0, 1]), array([-1,  1]))
    """
    return np.array([0, 1]) if np.any(np.asarray(y) == 0) else np.array([-1, 1])


def check_consistent_length(X, y, names=("X", "y")):
    """Raise if X and y do not have the same number of rows."""
    if len(X) != len(y):
        raise ValueError(f"{names[0]} and {names[1]} must have the same number of rows; got {len(X)} and {len(y)}")


def check_positive_int(value, name):
    """Return ``value`` as an int >= 1, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def check_nonnegative(value, name):
    """Return ``value`` as a float >= 0, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return float(value)


def check_positive(value, name):
    """Return ``value`` as a float > 0 (a bandwidth, a step size), or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return float(value)


def check_is_fitted(estimator, attribute):
    """Raise a ValueError naming the estimator if ``attribute`` has not been learned yet."""
    if not hasattr(estimator, attribute):
        name = type(estimator).__name__
        raise ValueError(f"{name} is not fitted yet; call fit(X, y) first")


def as_rng(rng):
    """Turn ``rng`` (a Generator, an int seed or None) into a ``numpy.random.Generator``.

    Examples
    --------
    >>> bool(as_rng(0).integers(10) == as_rng(0).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None; got {type(rng).__name__}")
