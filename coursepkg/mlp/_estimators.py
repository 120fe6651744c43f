"""MLPClassifier and MLPRegressor: thin scikit-learn estimators over forward and backward passes.

Training is mini-batch gradient descent, Theta^(l) <- Theta^(l) - eta dJ/dTheta^(l), with the
gradients of :func:`coursepkg.mlp.loss_and_gradients`. Import them from
:mod:`coursepkg.mlp` (which re-exports them) or from here.
"""
import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .._validation import (
    as_2d,
    as_float_array,
    as_rng,
    check_bool,
    check_choice,
    check_integer,
    check_is_fitted,
    check_nonnegative,
    check_positive,
    encode_labels,
    require_y,
    validate_X,
)
from ._backprop import loss_and_gradients
from ._forward import init_params, predict_output

__all__ = ['MLPClassifier', 'MLPRegressor']


class _BaseMLP(BaseEstimator):
    _loss = "squared"

    def __init__(self, hidden_layer_sizes=(32,), *, activation="relu", lr=0.1, batch_size=32,
                 max_iter=200, lam=1e-4, random_state=None, verbose=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.lr = lr
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.lam = lam
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self):
        """Every hyper-parameter, checked in one place at fit."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        if not isinstance(sizes, (tuple, list)) or len(sizes) == 0:
            raise ValueError(f"hidden_layer_sizes must be a positive integer or a non-empty tuple of them; "
                             f"got {self.hidden_layer_sizes!r}")
        sizes = [check_integer(s, "every entry of hidden_layer_sizes", low=1) for s in sizes]
        check_choice(self.activation, "activation", ("sigmoid", "tanh", "relu"))
        check_positive(self.lr, "lr")
        check_integer(self.batch_size, "batch_size", low=1)
        check_integer(self.max_iter, "max_iter", low=1)
        check_nonnegative(self.lam, "lam")
        check_bool(self.verbose, "verbose")
        return sizes

    def _train(self, X, Y, output):
        from tqdm.auto import tqdm

        sizes = self._check_params()
        rng = as_rng(self.random_state, "random_state")
        scale = "he" if self.activation == "relu" else "lecun"
        Thetas = init_params([X.shape[1], *sizes, Y.shape[1]], rng=rng, scale=scale)
        n, batch = len(X), min(self.batch_size, len(X))
        self.loss_history_ = []
        bar = tqdm(range(self.max_iter), desc=type(self).__name__, disable=not self.verbose)
        for _ in bar:
            order = rng.permutation(n)
            total = 0.0
            for start in range(0, n, batch):
                idx = order[start:start + batch]
                with np.errstate(over="ignore", invalid="ignore"):
                    try:
                        J, grads = loss_and_gradients(Thetas, X[idx], Y[idx], hidden=self.activation,
                                                      output=output, loss=self._loss, lam=self.lam)
                    except ValueError as exc:  # an overflow inside the forward pass
                        raise ValueError(f"training diverged (the forward pass overflowed: {exc}); lower lr "
                                         f"(now {self.lr}) or scale the features X") from exc
                for Theta, G in zip(Thetas, grads):
                    G *= self.lr     # in place: Theta <- Theta - eta G, no temporaries
                    Theta -= G
                total += J * len(idx)
            self.loss_history_.append(total / n)
            if not (np.isfinite(self.loss_history_[-1]) and all(np.all(np.isfinite(T)) for T in Thetas)):
                raise ValueError(f"training diverged (loss {self.loss_history_[-1]}); lower lr (now {self.lr}) "
                                 "or scale the features")
            bar.set_postfix(loss=f"{self.loss_history_[-1]:.4f}")
        self.coefs_ = Thetas
        self.n_iter_ = len(self.loss_history_)
        return self

    def _output(self, X, output):
        check_is_fitted(self, "coefs_")
        X = validate_X(self, X)
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                return predict_output(self.coefs_, X, hidden=self.activation, output=output)
            except ValueError as exc:
                raise ValueError(f"the forward pass on X overflowed ({exc}): X is too large for the learned "
                                 "weights; scale X as the training data were scaled") from exc


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """A fully connected network for classification, trained by backprop and mini-batch GD.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(32,)
        Units in each hidden layer.
    activation : {"relu", "tanh", "sigmoid"}, default="relu"
        g of the hidden layers.
    lr : float, default=0.1
        Step size eta > 0.
    batch_size : int, default=32
    max_iter : int, default=200
        Epochs (passes over the data), >= 1.
    lam : float, default=1e-4
        L2 penalty lambda >= 0 on the weights (not the biases).
    random_state : Generator, int or None
        Seeds the initial weights and the shuffling.
    verbose : bool, default=False
        Show a progress bar (tqdm) with the loss.

    Attributes
    ----------
    coefs_ : list of arrays
        Theta^(l), shape (s_{l+1}, s_l + 1), biases in column 0.
    classes_ : array of shape (K,)
    loss_history_ : list of float
        Average training loss J after each epoch.
    n_iter_ : int
        Epochs run.

    Notes
    -----
    Two classes: one sigmoid output and binary cross-entropy; K > 2: K softmax outputs and
    categorical cross-entropy. Both give the output delta a - y.

    Examples
    --------
    >>> from coursepkg.datasets import make_xor
    >>> X, y = make_xor(n=200, rng=0)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=100, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    _loss = "cross_entropy"

    def fit(self, X, y):
        require_y(self, y)
        X = validate_X(self, X, reset=True)
        self.classes_, codes = encode_labels(y, X.shape[0])  # refuses continuous targets and NaN
        K = len(self.classes_)
        Y = codes[:, None].astype(float) if K == 2 else np.eye(K)[codes]
        return self._train(X, Y, self._output_name())

    def _output_name(self):
        check_is_fitted(self, "classes_")
        return "sigmoid" if len(self.classes_) == 2 else "softmax"

    def predict_proba(self, X):
        """Class probabilities, shape (n, K), columns in the order of ``classes_``."""
        check_is_fitted(self, "coefs_")
        P = self._output(X, self._output_name())
        return np.column_stack([1 - P[:, 0], P[:, 0]]) if len(self.classes_) == 2 else P

    def predict(self, X):
        """The most probable class of each row."""
        P = self.predict_proba(X)  # checks the fit before classes_ is read
        return self.classes_[np.argmax(P, axis=1)]


class MLPRegressor(RegressorMixin, _BaseMLP):
    """A fully connected network for regression: identity output, squared loss 1/2 (h - y)^2.

    Parameters are those of :class:`MLPClassifier` (``lr`` defaults to 0.01).

    Examples
    --------
    >>> from coursepkg.datasets import make_curve_1d
    >>> X, y = make_curve_1d(n=100, noise=0.05, rng=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), lr=0.1, max_iter=200, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.6, reg.loss_history_[-1] < reg.loss_history_[0] / 2
    (True, True)
    """

    def __init__(self, hidden_layer_sizes=(32,), *, activation="relu", lr=0.01, batch_size=32,
                 max_iter=200, lam=1e-4, random_state=None, verbose=False):
        super().__init__(hidden_layer_sizes, activation=activation, lr=lr, batch_size=batch_size,
                         max_iter=max_iter, lam=lam, random_state=random_state, verbose=verbose)

    def fit(self, X, y):
        X = validate_X(self, X, reset=True)
        require_y(self, y)
        y = as_float_array(y, "y")
        if y.ndim not in (1, 2):
            raise ValueError(f"y must be 1-D (n_samples,) or 2-D (n_samples, n_targets); got shape {y.shape}")
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"X and y must have the same number of rows; got {X.shape[0]} and {y.shape[0]}")
        self._y_1d = y.ndim == 1
        Y = y[:, None] if y.ndim == 1 else y
        Y = as_2d(Y, "y")
        return self._train(X, Y, "identity")

    def predict(self, X):
        """h(x) for each row, shape (n,) (or (n, n_targets) when fit on 2-D y)."""
        H = self._output(X, "identity")
        return H[:, 0] if self._y_1d else H
