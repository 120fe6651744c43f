"""MLPClassifier / MLPRegressor: accuracy on non-linear data, scikit-learn's estimator checks."""
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

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


# The course validates input with its own messages (coursepkg._validation) and supports dense
# real arrays only; the checks below test scikit-learn's own messages and input types.
NOT_APPLICABLE = {name: "dense real input, the course's own validation messages" for name in (
    "check_estimators_unfitted", "check_complex_data", "check_dtype_object",
    "check_estimators_empty_data_messages", "check_estimator_sparse_tag", "check_estimator_sparse_array",
    "check_estimator_sparse_matrix", "check_requires_y_none", "check_fit2d_predict1d",
    "check_supervised_y_2d", "check_n_features_in_after_fitting")}


@parametrize_with_checks([MLPClassifier(max_iter=5, random_state=0), MLPRegressor(max_iter=60, random_state=0)],
                         expected_failed_checks=lambda est: NOT_APPLICABLE)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


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
