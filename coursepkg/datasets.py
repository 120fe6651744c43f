"""Every data set the book uses, generated from a seed or shipped with scikit-learn (no downloads).

Each generator takes ``rng`` (a Generator, an int seed or None) and returns ``(X, y)``.
"""
import numpy as np

from ._validation import as_1d, as_float_array, as_rng, check_nonnegative, check_positive_int
from .activations import sigmoid

__all__ = [
    'make_poll', 'make_xor', 'make_moons', 'bump_function', 'make_curve_1d', 'load_digits', 'make_mixture',
    'mixture_density', 'mixture_posterior', 'mixture_bayes_predict', 'mixture_bayes_error', 'make_logistic',
    'three_blobs', 'curve_data', 'BOOTSTRAP_N', 'BOOTSTRAP_NOISE', 'BOOTSTRAP_GRID', 'bootstrap_sampler',
    'bootstrap_data',
]


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


# --- Chapter 4: a two-class Gaussian mixture with a known density (after Hastie et al., ESL 2.3) ---
# Each class is an equal-weight mixture of three Gaussians N(m, sigma^2 I) with these fixed means.
MIXTURE_MEANS = (np.array([[-1.0, 0.5], [0.5, 1.5], [1.8, -0.2]]),   # class 0
                 np.array([[0.0, -0.8], [1.2, 0.6], [-0.6, 1.8]]))   # class 1
MIXTURE_SIGMA = 0.55


def make_mixture(n=200, rng=None):
    """n points of the chapter 4 mixture: y ~ Bernoulli(1/2), then x from that class's density.

    Class c has density f_c(x) = (1/3) sum_j N(x; m_cj, sigma^2 I) with the means
    ``MIXTURE_MEANS[c]`` and sigma = ``MIXTURE_SIGMA``; see :func:`mixture_posterior`,
    :func:`mixture_bayes_predict` and :func:`mixture_bayes_error` for the exact Bayes rule.

    Returns
    -------
    X : array of shape (n, 2)
    y : array of shape (n,), ints in {0, 1}
    """
    n = check_positive_int(n, "n")
    rng = as_rng(rng)
    y = rng.integers(0, 2, size=n)
    comp = rng.integers(0, 3, size=n)
    means = np.stack(MIXTURE_MEANS)[y, comp]
    return means + MIXTURE_SIGMA * rng.normal(size=(n, 2)), y


def mixture_density(X):
    """Class-conditional densities f_0(x), f_1(x) of the mixture, shape (n, 2)."""
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be 2-D (n_samples, 2); got shape {X.shape}")
    s2 = MIXTURE_SIGMA**2
    out = [np.mean(np.exp(-((X[:, None, :] - M[None]) ** 2).sum(-1) / (2 * s2)), axis=1) / (2 * np.pi * s2)
           for M in MIXTURE_MEANS]
    return np.stack(out, axis=1)


def mixture_posterior(X):
    """P(y = 1 | x) = f_1(x) / (f_0(x) + f_1(x)) (equal priors), shape (n,)."""
    f = mixture_density(X)
    return f[:, 1] / np.maximum(f.sum(axis=1), 1e-300)


def mixture_bayes_predict(X):
    """The Bayes classifier 1[P(y = 1 | x) > 1/2]: the smallest possible error rate on this mixture."""
    f = mixture_density(X)
    return (f[:, 1] > f[:, 0]).astype(int)


def mixture_bayes_error(resolution=801, half_width=5.0):
    """Bayes error R* = integral of min(f_0, f_1) / 2 over the plane, by the midpoint rule on a grid.

    The grid covers the means +- ``half_width`` (about 9 sigma, so the mass outside is < 1e-15);
    with the default resolution the quadrature error is below 1e-5.
    """
    lo, hi = np.vstack(MIXTURE_MEANS).min(0) - half_width, np.vstack(MIXTURE_MEANS).max(0) + half_width
    h = (hi - lo) / resolution
    gx = lo[0] + h[0] * (np.arange(resolution) + 0.5)
    gy = lo[1] + h[1] * (np.arange(resolution) + 0.5)
    total = 0.0
    for yv in gy:  # one row at a time keeps memory small
        f = mixture_density(np.column_stack([gx, np.full_like(gx, yv)]))
        total += np.minimum(f[:, 0], f[:, 1]).sum()
    return float(0.5 * total * h[0] * h[1])


def make_logistic(n=100, theta=(1.5, -1.0), rng=None):
    """Labels y in {0, 1} drawn from a logistic model P(y = 1 | x) = sigma(theta^T x), x ~ N(0, I).

    No bias column; ``theta`` sets the dimension. Used by Chapter 7's optimisation paths.

    >>> X, y = make_logistic(5, rng=0)
    >>> X.shape, sorted(set(y.tolist())) <= [0.0, 1.0]
    ((5, 2), True)
    """
    theta = as_1d(as_float_array(theta, "theta"), "theta")
    n = check_positive_int(n, "n")
    rng = as_rng(rng)
    X = rng.normal(size=(n, theta.shape[0]))
    with np.errstate(over="ignore"):
        y = (rng.random(n) < sigmoid(X @ theta)).astype(float)
    return X, y


# --- Chapters 3, 5 and 6: the data sets their pages and figures share (fixed seeds) ---


def three_blobs():
    """Chapter 3's three-class data: 40 points around each of (-2, 0), (2, 0) and (0, 2.5), unit spread.

    The data set of the one-vs-rest / one-vs-one / softmax comparison (scikit-learn's ``make_blobs``,
    seed 0).

    Returns
    -------
    X : array of shape (120, 2)
    y : array of shape (120,), ints in {0, 1, 2}

    Examples
    --------
    >>> X, y = three_blobs()
    >>> X.shape, np.bincount(y).tolist()
    ((120, 2), [40, 40, 40])
    """
    from sklearn.datasets import make_blobs

    return make_blobs(120, centers=[(-2.0, 0.0), (2.0, 0.0), (0.0, 2.5)], cluster_std=1.0, random_state=0)


def curve_data():
    """Chapter 5's 1-D data set: n = 40 points x ~ U[0, 1], y = f(x) + N(0, 0.15^2), f the bump function.

    Returns
    -------
    X : array of shape (40, 1), sorted
    y : array of shape (40,)

    Examples
    --------
    >>> X, y = curve_data()
    >>> X.shape, y.shape, bool(0 <= X.min() and X.max() <= 1)
    ((40, 1), (40,), True)
    """
    return make_curve_1d(n=40, noise=0.15, rng=5)


#: Chapter 6's setting: n = 40 points of the bump function with noise sd 0.2, predictions read on a
#: grid of 101 points of [0, 1] (a column, shape (101, 1), ready for ``predict``).
BOOTSTRAP_N, BOOTSTRAP_NOISE = 40, 0.2
BOOTSTRAP_GRID = np.linspace(0, 1, 101)[:, None]


def bootstrap_sampler(n=BOOTSTRAP_N, noise=BOOTSTRAP_NOISE):
    """Chapter 6's true distribution as a sampler: ``sample(rng) -> (X, y)``, one fresh training set per call.

    Each call draws n points x ~ U[0, 1] and y = f(x) + N(0, noise^2) with f the bump function
    (:func:`make_curve_1d`); the oracle and the coverage experiments call it with their own ``rng``.

    Parameters
    ----------
    n : int, default=BOOTSTRAP_N (40)
        Training set size.
    noise : float, default=BOOTSTRAP_NOISE (0.2)
        Standard deviation of the noise, >= 0.

    Examples
    --------
    >>> sample = bootstrap_sampler(10)
    >>> X, y = sample(np.random.default_rng(0))
    >>> X.shape, y.shape
    ((10, 1), (10,))
    """
    n = check_positive_int(n, "n")
    noise = check_nonnegative(noise, "noise")
    return lambda rng: make_curve_1d(n, noise, rng=rng)


def bootstrap_data():
    """The one training set Chapter 6 bootstraps: n = 40 points of :func:`bootstrap_sampler`, seed 6.

    Examples
    --------
    >>> X, y = bootstrap_data()
    >>> X.shape, y.shape
    ((40, 1), (40,))
    """
    return make_curve_1d(BOOTSTRAP_N, BOOTSTRAP_NOISE, rng=6)
