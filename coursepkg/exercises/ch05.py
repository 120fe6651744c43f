"""Chapter 5 exercises: the RBF kernel matrix, kernel ridge, one sub-gradient step of the kernel SVM."""
import numpy as np

from ..datasets import make_curve_1d, make_moons
from ..kernels import KernelRidge, kernel_svm_step, rbf_kernel
from .judges import Choice, Numeric, Property
from .spec import Case, Derivation, Exercise, compare, describe, question


def _kernel_ridge_fit_predict(X_train, y_train, X_test, sigma, lam):
    return KernelRidge(sigma=sigma, lam=lam).fit(X_train, y_train).predict(X_test)


def _rng(seed):
    return np.random.default_rng(seed)


_X1, _y1 = make_curve_1d(n=30, noise=0.1, rng=0)
_Xm, _ym = make_moons(n=20, noise=0.2, rng=1)
_ym = 2.0 * _ym - 1.0
_Km = rbf_kernel(_Xm, None, 0.5)

EXERCISES = [
    Exercise(
        id="5.1",
        name="rbf_kernel_matrix",
        title="The RBF kernel matrix without loops",
        reference=rbf_kernel,
        cases=(
            Case((np.array([[0.0], [1.0]]), np.array([[0.0], [1.0]]), 1.0)),
            Case((np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]]), 5.0)),
            Case((_rng(0).normal(size=(6, 3)), _rng(1).normal(size=(4, 3)), 0.7)),
            Case((_rng(2).normal(size=(50, 5)), _rng(3).normal(size=(40, 5)), 2.0)),
        ),
        hint=("Expand the squared distance between two points into three terms; then the only heavy step is "
              "one matrix product. Mind the 2 sigma^2 in the exponent."),
        hint2=("Row norms of X as a column plus row norms of Y as a row minus twice the matrix of inner "
               "products. Rounding can make tiny values negative: clip them at 0. The output is len(X) x "
               "len(Y)."),
    ),
    Exercise(
        id="5.2",
        name="kernel_ridge_fit_predict",
        title="Kernel ridge regression: fit alpha, then predict",
        reference=_kernel_ridge_fit_predict,
        cases=(
            Case((np.array([[0.0], [1.0]]), np.array([1.0, -1.0]), np.array([[0.5]]), 1.0, 1.0)),
            Case((_X1, _y1, np.linspace(0, 1, 7)[:, None], 0.1, 1e-2)),
            Case((_X1, _y1, np.linspace(0, 1, 7)[:, None], 0.3, 1.0)),
            Case((_Xm, _ym, _rng(4).normal(size=(5, 2)), 0.5, 0.1)),
        ),
        hint=("Fit and predict are two different kernel matrices: training against training, and test against "
              "training. The regularisation sits on the diagonal."),
        hint2=("Solve a linear system for alpha rather than forming an inverse (it is faster and more "
               "accurate). Predictions are a weighted sum of kernel values with the training points."),
        # (K + lam I) alpha = y amplifies rounding by its condition number (~1e3 here): a float32
        # kernel moves the predictions by ~5e-4 relative, which is right, not a mistake.
        rtol=1e-3,
        atol=1e-4,
    ),
    Exercise(
        id="5.3",
        name="kernel_svm_step",
        title="One sub-gradient step of the kernel SVM",
        reference=kernel_svm_step,
        cases=(
            Case((np.zeros(2), 0.0, np.eye(2), np.array([1.0, -1.0]), 0.1, 1.0)),
            Case((np.array([0.5, -0.5]), 0.2, np.eye(2), np.array([1.0, -1.0]), 0.1, 0.5)),
            Case((np.zeros(20), 0.0, _Km, _ym, 1e-3, 1.0)),
            Case((_rng(5).normal(size=20), 0.3, _Km, _ym, 1e-2, 0.1)),
            # margins exactly +1 and -1, more negatives than positives: `<` vs `<=` and the bias step show
            Case((np.zeros(3), 1.0, np.eye(3), np.array([1.0, -1.0, -1.0]), 0.1, 0.5)),
            Case((_rng(6).normal(size=20), -0.4, _Km, np.where(np.arange(20) < 14, -1.0, 1.0), 1e-2, 0.2)),
        ),
        hint=("A point enters the hinge sub-gradient only when its margin is strictly below 1. Both the "
              "coefficients alpha and the bias b take a step."),
        hint2=("The hinge part of the gradient with respect to b sums -y_i over active points, divided by n; "
               "with respect to alpha it is K applied to the same vector. The penalty lam alpha^T K alpha adds "
               "its own gradient. Step against the gradient."),
    ),
]

EXERCISES += [
    question("5.5", "answer_5_5", "One RBF kernel value", Numeric(np.exp(-0.5), rtol=0, atol=1e-4),
             hint="K(x, y) = exp(-||x - y||^2 / (2 sigma^2)) with x = (0, 0), y = (3, 4), sigma = 5.",
             hint2="||x - y||^2 = 25 and 2 sigma^2 = 50."),
    question("5.6", "answer_5_6", "Kernel ridge with a huge lambda", Choice("b", "abcd"),
             hint="Look at alpha = (K + lam I)^{-1} y as lam grows without bound.",
             hint2="For large lam, (K + lam I)^{-1} behaves like I / lam; what does that do to alpha and to f = K alpha?"),
]

DERIVATIONS = [
    Derivation("5.7", "Kernel ridge regression from ridge regression", points=3.0,
               rubric="1 pt: ridge solution w = (X^T X + lam I)^{-1} X^T y; 1 pt: push-through identity to "
                      "w = X^T (X X^T + lam I)^{-1} y; 1 pt: predictions x^T w = k(x)^T alpha with alpha = (K + lam I)^{-1} y, "
                      "so only inner products (the kernel) are needed."),
]


def _cv_grid(X, y, sigmas, lams, n_folds):
    folds = np.array_split(np.arange(len(y)), n_folds)
    errors = np.zeros((len(sigmas), len(lams)))
    for i, sigma in enumerate(sigmas):
        for j, lam in enumerate(lams):
            for held in folds:
                train = np.setdiff1d(np.arange(len(y)), held)
                pred = _kernel_ridge_fit_predict(X[train], y[train], X[held], sigma, lam)
                errors[i, j] += np.sum((pred - y[held]) ** 2) / len(y)
    return errors


def _kernel_ridge_cv_judge(X, y, sigmas, lams, n_folds):
    errors = _cv_grid(X, y, sigmas, lams, n_folds)
    best = [(float(sigmas[i]), float(lams[j])) for i, j in np.argwhere(errors <= errors.min() * (1 + 1e-9))]

    def form(got):
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            return f"return a tuple (sigma, lam, cv_errors); got {describe(got)}"
        return compare(errors, got[2], 1e-3, 1e-6, "cv_errors")  # conditioning, as in 5.2

    def chosen(got):
        if (float(got[0]), float(got[1])) not in best:
            return (f"(sigma, lam) = ({got[0]!r}, {got[1]!r}) does not have the lowest CV error; "
                    f"the lowest, {errors.min():.4g}, is at {best}")
        return None

    return Property(f"(sigma, lam, cv_errors) with cv_errors = {describe(errors)} and (sigma, lam) one of {best}",
                    [form, chosen], key=repr(errors))


_Xc, _yc = make_curve_1d(n=40, noise=0.15, rng=3)

EXERCISES += [
    Exercise(
        id="5.8",
        points=3.0,  # a task of real size weighs three short items
        name="kernel_ridge_cv",
        title="Kernel ridge with sigma and lambda chosen by cross-validation",
        reference=_kernel_ridge_cv_judge,
        cases=(
            Case((_X1[:10], _y1[:10], [0.1, 1.0], [0.01], 2)),
            Case((_Xc, _yc, [0.03, 0.1, 0.3], [1e-3, 1e-1, 10.0], 5)),
            Case((_Xm, _ym, [0.2, 0.5, 1.0], [0.01, 0.1, 1.0], 4)),
        ),
        hint=("For every pair (sigma, lam) on the grid, hold out each fold once, fit on the rest, and add up the "
              "squared errors on the held-out points; divide the total by n."),
        hint2=("Folds are consecutive blocks of rows (nearly equal sizes, the first ones larger). cv_errors[i, j] "
               "belongs to sigmas[i] and lams[j]; return the pair with the smallest entry, then the whole grid."),
    ),
]
