"""MLPClassifier / MLPRegressor: accuracy on non-linear data, parameter checks."""
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from coursepkg.datasets import load_digits, make_moons
from coursepkg.mlp import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.ch2


def test_digits_accuracy():
    X, y = load_digits()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(32,), max_iter=30, random_state=0).fit(X_tr, y_tr)
    assert clf.score(X_te, y_te) > 0.93
    assert clf.loss_history_[-1] < clf.loss_history_[0]
    np.testing.assert_allclose(clf.predict_proba(X_te).sum(axis=1), 1.0)


def test_moons_binary_and_string_labels():
    X, y = make_moons(n=300, noise=0.1, rng=0)
    labels = np.where(y == 1, "yes", "no")
    clf = MLPClassifier(hidden_layer_sizes=(16, 16), activation="tanh", max_iter=150, random_state=0).fit(X, labels)
    assert clf.score(X, labels) > 0.95
    assert set(clf.predict(X)) <= {"yes", "no"}


def test_regressor_fits_a_smooth_curve():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(200, 1))
    y = np.sin(X[:, 0])
    reg = MLPRegressor(hidden_layer_sizes=(16,), activation="tanh", lr=0.1, max_iter=200,
                       random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.97


# scikit-learn's estimator checks for both estimators run in tests/test_estimator_checks.py.


@pytest.mark.parametrize("params, match", [
    ({"activation": "elu"}, "activation must be"),
    ({"lr": 0}, "lr must be a finite number > 0"),
    ({"batch_size": 0}, "batch_size must be an integer >= 1"),
    ({"hidden_layer_sizes": (3, -1)}, "every entry of hidden_layer_sizes"),
    ({"lam": -1}, "lam must be"),
])
def test_bad_hyperparameters(params, match):
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**params).fit(np.ones((4, 2)), [0, 1, 0, 1])


def test_not_fitted_and_one_class():
    with pytest.raises(ValueError, match="not fitted yet"):
        MLPClassifier().predict(np.ones((2, 2)))
    with pytest.raises(ValueError, match="at least 2 classes"):
        MLPClassifier().fit(np.ones((3, 2)), [1, 1, 1])
    clf = clone(MLPClassifier(max_iter=2)).fit(np.eye(4), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="has 3 features, but MLPClassifier is expecting 4"):
        clf.predict(np.ones((2, 3)))
