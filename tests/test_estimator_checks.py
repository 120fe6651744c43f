"""scikit-learn's estimator contract, for every estimator of the package (issue 17).

``parametrize_with_checks`` runs scikit-learn's own checks (clone, get_params, fit/predict shapes,
NotFittedError, n_features_in_, feature_names_in_, refusal of NaN/inf and continuous targets, ...).
A check is marked as an expected failure only where the course deliberately differs, with the reason.
"""
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from coursepkg.kernels import KernelRidge, KernelSVM
from coursepkg.mlp import MLPClassifier, MLPRegressor
from coursepkg.multiclass import DECK_004_WEIGHTS, LinearMulticlass, OneVsOneClassifier, OneVsRestClassifier
from coursepkg.neighbors import KNeighborsClassifier, KNeighborsRegressor
from coursepkg.perceptron import Perceptron
from coursepkg.softmax import SoftmaxRegression

torch_kernels = pytest.importorskip("coursepkg.gpu")

# The course supports dense real arrays only (the lectures' X in R^{n x d}) and words its own messages.
DENSE = "dense input only: sparse matrices are outside the course"
MESSAGES = "the course's own messages name the parameter, expected and received (not scikit-learn's wording)"
COMMON = {
    "check_estimator_sparse_tag": DENSE,
    "check_estimator_sparse_array": DENSE,
    "check_estimator_sparse_matrix": DENSE,
    "check_estimators_empty_data_messages": MESSAGES,
    "check_complex_data": MESSAGES,
    "check_fit2d_predict1d": MESSAGES,
    "check_dtype_object": MESSAGES + "; an object array of numbers is accepted, a dict entry is a ValueError",
    "check_supervised_y_2d": "a column vector y (n, 1) is refused with a message instead of being raveled "
                             "with a warning: the course's shapes are exact",
}
EXTRA = {
    # fit() takes no data: W is given, there is nothing to learn, so every check that fits on data
    # and expects the model to depend on it does not apply
    "LinearMulticlass": {name: "fixed weights given to the constructor; fit learns nothing" for name in (
        "check_classifiers_train", "check_classifiers_classes", "check_supervised_y_2d",
        "check_classifiers_regression_target", "check_fit2d_1sample", "check_fit2d_1feature",
        "check_classifier_data_not_an_array", "check_estimators_dtypes", "check_dtype_object",
        "check_n_features_in_after_fitting", "check_dataframe_column_names_consistency",
        "check_estimators_nan_inf", "check_fit_score_takes_y", "check_methods_subset_invariance",
        "check_methods_sample_order_invariance", "check_estimators_pickle", "check_dict_unchanged",
        "check_dont_overwrite_parameters", "check_pipeline_consistency",
        "check_classifiers_multilabel_output_format_predict", "check_f_contiguous_array_estimator",
        "check_positive_only_tag_during_fit", "check_classifiers_multilabel_representation_invariance",
        "check_estimator_cloneable",)},
}

ESTIMATORS = [
    Perceptron(max_iter=20, random_state=0),
    KernelSVM(max_iter=50),
    KernelRidge(sigma=1.0, lam=1e-2),
    SoftmaxRegression(max_iter=50, tol=1e-3),
    KNeighborsClassifier(n_neighbors=3),
    KNeighborsRegressor(n_neighbors=3),
    MLPClassifier(max_iter=5, random_state=0),
    MLPRegressor(max_iter=20, random_state=0),
    LinearMulticlass(DECK_004_WEIGHTS),
    OneVsRestClassifier(Perceptron(max_iter=20)),
    OneVsOneClassifier(Perceptron(max_iter=20)),
    torch_kernels.TorchKernelRidge(sigma=1.0, lam=1e-2),
]


def _expected_failures(estimator):
    return {**COMMON, **EXTRA.get(type(estimator).__name__, {})}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failures)
def test_sklearn_contract(estimator, check):
    check(estimator)
