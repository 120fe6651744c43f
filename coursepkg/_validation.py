"""Input checks shared by every module, with one message style.

Every public function validates at its boundary and raises ``ValueError`` (or ``TypeError``)
naming the parameter, what was expected and what was received, e.g.
``X must be 2-D (n_samples, n_features); got shape (5,)``.
"""
import numbers

import numpy as np
from sklearn.exceptions import NotFittedError

__all__ = [
    "as_float_array",
    "as_2d",
    "as_1d",
    "check_labels_pm1",
    "binary_classes",
    "encode_labels",
    "encode_binary_labels",
    "BinaryClassifierMixin",
    "check_consistent_length",
    "check_positive_int",
    "check_nonnegative",
    "check_positive",
    "check_real",
    "check_integer",
    "check_probability",
    "check_bool",
    "check_choice",
    "check_is_fitted",
    "require_y",
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
    if X.shape[1] == 0:
        raise ValueError(f"{name} must have at least one feature (column); got shape {X.shape}")
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
    if y.shape[0] == 0:
        raise ValueError(f"{name} must have at least one entry; got shape {y.shape}")
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
    Continuous targets (floats that are not whole numbers), NaN and ``None`` are refused: a
    classifier needs a finite set of labels.

    Examples
    --------
    >>> encode_labels(["b", "a", "b"], 3)
    (array(['a', 'b'], dtype='<U1'), array([1, 0, 1]))
    >>> encode_labels([0.5, 1.5], 2)
    Traceback (most recent call last):
    ...
    ValueError: y must hold class labels (integers or strings); got continuous values such as 0.5
    """
    if y is None:
        raise ValueError(f"{name} must be an array of class labels; got None (a classifier needs y)")
    try:
        y = np.asarray(y)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of class labels; got {type(y).__name__}") from exc
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) to match X; got {y.shape}")
    if y.dtype.kind == "c":
        raise ValueError(f"{name} must hold real or string class labels; got complex values")
    if y.dtype.kind == "O":
        if any(v is None or (isinstance(v, float) and not np.isfinite(v)) for v in y):
            raise ValueError(f"{name} contains None, NaN or infinite labels")
        try:
            y = y.astype(float) if all(isinstance(v, numbers.Real) for v in y) else y.astype(str)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must hold labels of one comparable type") from exc
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{name} contains NaN or infinite values")
        if np.any(y != np.round(y)):
            example = y[y != np.round(y)][0]
            raise ValueError(f"{name} must hold class labels (integers or strings); got continuous values "
                             f"such as {example:g}")
    classes, y_idx = np.unique(y, return_inverse=True)
    if len(classes) < min_classes:
        raise ValueError(f"{name} must contain at least {min_classes} classes; got {len(classes)} "
                         f"class{'' if len(classes) == 1 else 'es'}")
    return classes, y_idx.reshape(-1)



def encode_binary_labels(estimator, y, n):
    """``classes_`` (the two labels, sorted) and y as -1/+1 (the first class is -1), for a binary estimator."""
    classes, y_idx = encode_labels(y, n)
    if len(classes) != 2:
        name = type(estimator).__name__
        raise ValueError(f"Only binary classification is supported: y must hold exactly 2 classes for {name}; "
                         f"got {len(classes)}: use OneVsRestClassifier({name}()) for more")
    return classes, 2 * y_idx - 1


class BinaryClassifierMixin:
    """scikit-learn's tags for a classifier of exactly two classes (its checks then use two)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _more_tags(self):  # the same for scikit-learn < 1.6
        return {"binary_only": True}

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


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_integer(value, name, low=None, high=None):
    """Return ``value`` as an int in [low, high] (either bound optional); bools and floats are refused.

    Examples
    --------
    >>> check_integer(3, "k", low=1)
    3
    >>> check_integer(2.5, "n_steps", low=0)
    Traceback (most recent call last):
    ...
    ValueError: n_steps must be an integer >= 0; got 2.5
    """
    parts = ([f">= {low}"] if low is not None else []) + ([f"<= {high}"] if high is not None else [])
    bounds = (" " + " and ".join(parts)) if parts else ""
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or (low is not None and value < low) or (high is not None and value > high)):
        raise ValueError(f"{name} must be an integer{bounds}; got {value!r}")
    return int(value)


def check_positive_int(value, name):
    """Return ``value`` as an int >= 1, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def check_real(value, name, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a finite float in the interval given by low/high (open or closed ends).

    Examples
    --------
    >>> check_real(0.5, "momentum", 0, 1, high_open=True)
    0.5
    >>> check_real(1.0, "momentum", 0, 1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: momentum must be a finite number in [0, 1); got 1.0
    """
    left = "" if low is None else ("(" if low_open else "[") + f"{low:g}"
    right = "" if high is None else f"{high:g}" + (")" if high_open else "]")
    if low is not None and high is not None:
        what = f"in {left}, {right}"
    elif low is not None:
        what = (">" if low_open else ">=") + f" {low:g}"
    elif high is not None:
        what = ("<" if high_open else "<=") + f" {high:g}"
    else:
        what = ""
    message = f"{name} must be a finite number{(' ' + what) if what else ''}; got {value!r}"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not _is_real(value) or not np.isfinite(value):
        raise ValueError(message)
    v = float(value)
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(message)
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(message)
    return v


def check_nonnegative(value, name):
    """Return ``value`` as a float >= 0, or raise."""
    if not _is_real(value) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return float(value)


def check_positive(value, name):
    """Return ``value`` as a float > 0 (a bandwidth, a step size), or raise."""
    if not _is_real(value) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return float(value)


def check_probability(value, name, open_high=False):
    """Return ``value`` as a float in [0, 1] ([0, 1) with ``open_high``), or raise."""
    return check_real(value, name, 0, 1, high_open=open_high)


def check_bool(value, name):
    """Return ``value`` if it is a bool (numpy bools included), or raise."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices`` (strings), or raise naming them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}; got {value!r}")
    return value


def check_is_fitted(estimator, attribute):
    """Raise scikit-learn's ``NotFittedError`` (a ValueError) if ``attribute`` has not been learned yet."""
    if not hasattr(estimator, attribute):
        name = type(estimator).__name__
        raise NotFittedError(f"{name} is not fitted yet; call fit(X, y) first")


def require_y(estimator, y):
    """Raise if an estimator's fit got y=None (scikit-learn's wording, with what is expected)."""
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target y is None "
                         "(y must be an array of shape (n_samples,))")


def validate_X(estimator, X, reset=False, name="X"):
    """Check X for an estimator: finite 2-D floats; at fit (``reset``) record ``n_features_in_`` and
    ``feature_names_in_`` (a DataFrame's column names), afterwards require the same ones.

    Column names are checked because a DataFrame with re-ordered columns would otherwise be read in
    the wrong order without a word.
    """
    try:  # scikit-learn >= 1.6 has it as a function; before, as a method
        from sklearn.utils.validation import _check_feature_names
    except ImportError:  # pragma: no cover - older scikit-learn
        def _check_feature_names(est, X, *, reset):
            est._check_feature_names(X, reset=reset)
    if not reset:
        check_is_fitted(estimator, "n_features_in_")
    _check_feature_names(estimator, X, reset=reset)
    X = as_2d(X, name)
    if reset:
        estimator.n_features_in_ = X.shape[1]
    elif X.shape[1] != estimator.n_features_in_:
        raise ValueError(f"{name} has {X.shape[1]} features, but {type(estimator).__name__} is expecting "
                         f"{estimator.n_features_in_} features as input")
    return X


def as_rng(rng, name="rng"):
    """Turn ``rng`` (a Generator, an int seed or None) into a ``numpy.random.Generator``.

    Examples
    --------
    >>> bool(as_rng(0).integers(10) == as_rng(0).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng < 0:
        raise ValueError(f"{name} must be a numpy Generator, an int seed >= 0 or None; got {rng!r}")
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"{name} must be a numpy Generator, an int seed >= 0 or None; got {type(rng).__name__}")
