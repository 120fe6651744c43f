"""k-NN predict: :class:`coursepkg.neighbors.KNeighborsClassifier` vs scikit-learn's brute force.

2,000 queries x 20,000 training points x 64 features, k = 5, euclidean (goal: ratio <= 1.2). Our
predict works in chunks of queries (``working_memory``, 64 MiB here), so its peak memory stays far
below the 305 MiB a full distance matrix would take. Agreement: identical predicted labels.
"""
import numpy as np

from .core import best_times, make_row, peak_memory_mb

SIZES = {"full": (2000, 20000, 64), "quick": (200, 2000, 64)}
WORKING_MEMORY = 64 * 2**20


def run(quick=False, repeat=3):
    from sklearn.neighbors import KNeighborsClassifier as SkKNN

    from ..neighbors import KNeighborsClassifier

    m, n, p = SIZES["quick" if quick else "full"]
    rng = np.random.default_rng(0)
    X, Q = rng.normal(size=(n, p)), rng.normal(size=(m, p))
    y = rng.integers(0, 10, size=n)
    ours = KNeighborsClassifier(5, working_memory=WORKING_MEMORY).fit(X, y)
    sk = SkKNN(5, algorithm="brute").fit(X, y)
    (t_ours, t_sk), (p_ours, p_sk) = best_times([lambda: ours.predict(Q), lambda: sk.predict(Q)], repeat)
    peak = peak_memory_mb(lambda: ours.predict(Q))
    return [make_row("knn", f"k-NN predict, {m:,} x {n:,} x {p}, k = 5", t_ours,
                     "scikit-learn, brute force", t_sk, "<= 1.2",
                     np.array_equal(p_ours, p_sk), peak, check="identical labels")]
