"""Every data set the book uses, generated from a seed or shipped with scikit-learn (no downloads).

Each generator takes ``rng`` (a Generator, an int seed or None) and returns ``(X, y)``.
"""
import numpy as np

from ._validation import as_float_array, as_rng, check_nonnegative, check_positive_int

__all__ = ["make_poll", "make_xor", "make_moons", "bump_function", "make_curve_1d", "load_digits"]


def make_poll(n=24, margin=0.15, rng=0):
    """The poll data: 2-D points in [-1, 1]^2 labelled by the line x_2 = x_1.

    Labels are y = sign(-x_1 + x_2), so of the candidates w = (+-1, +-1), b = 0 only
    w = (-1, 1) separates them. Points closer than ``margin`` to the line are redrawn.

    Returns
    -------
    X : array of shape (n, 2)
    y : array of shape (n,), values in {-1, +1}
    """
    n = check_positive_int(n, "n")
    check_nonnegative(margin, "margin")
    if margin >= 1:
        raise ValueError(f"margin must be < 1; got {margin}")
    rng = as_rng(rng)
    points = []
    while len(points) < n:
        x = rng.uniform(-1, 1, size=2)
        if abs(x[1] - x[0]) / np.sqrt(2) >= margin:
            points.append(x)
    X = np.array(points)
    return X, np.where(X[:, 1] - X[:, 0] >= 0, 1.0, -1.0)


def make_xor(n=200, spread=0.2, rng=None):
    """XOR data: clouds around the corners of the unit square, y = +1 where x_1 XOR x_2.

    Each point is a corner c in {0, 1}^2 plus uniform noise in [-spread, spread]^2; the label is
    +1 for corners (0, 1) and (1, 0) and -1 for (0, 0) and (1, 1). No line separates the classes;
    with spread < 0.25 the band 0.5 < x_1 + x_2 < 1.5 does.
    """
    n = check_positive_int(n, "n")
    spread = check_nonnegative(spread, "spread")
    rng = as_rng(rng)
    corners = rng.integers(0, 2, size=(n, 2))
    X = corners + rng.uniform(-spread, spread, size=(n, 2))
    y = np.where(corners[:, 0] != corners[:, 1], 1.0, -1.0)
    return X, y


def make_moons(n=200, noise=0.15, rng=None):
    """Two interleaving half circles (scikit-learn's generator), labels in {0, 1}."""
    from sklearn.datasets import make_moons as sk_make_moons

    n = check_positive_int(n, "n")
    seed = int(as_rng(rng).integers(2**31 - 1))
    X, y = sk_make_moons(n_samples=n, noise=check_nonnegative(noise, "noise"), random_state=seed)
    return X, y.astype(float)


def bump_function(x):
    """A smooth 1-D target on [0, 1]: f(x) = sin(2 pi x) + 0.5 exp(-50 (x - 0.7)^2)."""
    x = as_float_array(x, "x")
    return np.sin(2 * np.pi * x) + 0.5 * np.exp(-50.0 * (x - 0.7) ** 2)


def make_curve_1d(n=50, noise=0.1, f=bump_function, rng=None):
    """n points x ~ U[0, 1] with y = f(x) + N(0, noise^2); returns X of shape (n, 1) and y of shape (n,)."""
    n = check_positive_int(n, "n")
    rng = as_rng(rng)
    x = np.sort(rng.uniform(0.0, 1.0, size=n))
    return x[:, None], f(x) + check_nonnegative(noise, "noise") * rng.normal(size=n)


def load_digits(n_class=10):
    """scikit-learn's 8x8 handwritten digits (1797 images), scaled to [0, 1]; shipped, works offline.

    Returns
    -------
    X : array of shape (n, 64)
    y : array of shape (n,), ints in 0..n_class-1
    """
    from sklearn.datasets import load_digits as sk_load_digits

    X, y = sk_load_digits(n_class=n_class, return_X_y=True)
    return X / 16.0, y
