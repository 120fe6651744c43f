"""Checks proven by mutants: every exercise's check rejects the typical wrong solutions.

Each mutant is a realistic mistake (sign flip, off-by-one, wrong axis, a missing term or update,
``<`` for ``<=``, a forgotten normalisation, an answer that only fits the shown inputs, an input
changed in place). The right solutions are taken from ``solutions/`` itself, so the test also
proves that the solution notebooks pass. ``pytest tests/test_exercise_mutants.py -s`` prints the
kill-rate table per exercise.
"""
import functools
import json
from pathlib import Path

import numpy as np
import pytest

from coursepkg.exercises import all_exercises, run_checks

ROOT = Path(__file__).resolve().parents[1]


def _solution_namespace():
    namespace = {}
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and not source.startswith("check(") and "google.colab" not in source:
                exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - our own notebooks
    return namespace


S = _solution_namespace()


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---- chapter 1 ---------------------------------------------------------------------------------
def pu_strict(w, b, x, y, lr=1.0):
    if y * (w @ x + b) < 0:  # `<` for `<=`: a point on the boundary is not corrected
        return w + lr * y * x, b + lr * y, True
    return w.copy(), b, False


def pu_no_bias(w, b, x, y, lr=1.0):
    if y * (w @ x + b) <= 0:
        return w + lr * y * x, b, True
    return w.copy(), b, False


def pu_in_place(w, b, x, y, lr=1.0):
    if y * (w @ x + b) <= 0:
        w += lr * y * x
        return w, b + lr * y, True
    return w, b, False


def pu_sign(w, b, x, y, lr=1.0):
    if y * (w @ x + b) <= 0:
        return w - lr * y * x, b - lr * y, True
    return w.copy(), b, False


def pu_ignores_lr(w, b, x, y, lr=1.0):
    return S["perceptron_update"](w, b, x, y)


def cp_no_bias(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def cp_bias_on_inputs(sizes):
    return sum((a + 1) * (b + 1) for a, b in zip(sizes[:-1], sizes[1:]))


def cp_first_pair_only(sizes):
    return (sizes[0] + 1) * sizes[1]


def xor_or(X):
    return np.where(X.sum(axis=1) >= 0.5, 1.0, -1.0)


def xor_corners_only(X):
    return np.where(np.isclose(X[:, 0], 1 - X[:, 1]) & (X.sum(axis=1) > 0), 1.0, -1.0)


def xor_01_labels(X):
    return (S["xor_predict"](X) > 0).astype(float)


def fwd_no_bias(Thetas, X):
    A = X
    for T in Thetas:
        A = _sigmoid(A @ T[:, 1:].T)
    return A


def fwd_no_transpose(Thetas, X):
    A = X
    for T in Thetas:
        A = _sigmoid(np.column_stack([np.ones(len(A)), A]) @ T)
    return A


def fwd_linear_last(Thetas, X):
    A = X
    for i, T in enumerate(Thetas):
        Z = np.column_stack([np.ones(len(A)), A]) @ T.T
        A = Z if i == len(Thetas) - 1 else _sigmoid(Z)
    return A


def tp_no_bias(X, y, max_iter):
    w = np.zeros(X.shape[1])
    for _ in range(max_iter):
        for x_i, y_i in zip(X, y):
            if y_i * (w @ x_i) <= 0:
                w = w + y_i * x_i
    return w, 0.0


def tp_strict(X, y, max_iter):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_iter):
        for x_i, y_i in zip(X, y):
            if y_i * (w @ x_i + b) < 0:
                w, b = w + y_i * x_i, b + y_i
    return w, b


def tp_one_epoch(X, y, max_iter):
    return S["train_perceptron"](X, y, 1)


def tp_shuffled(X, y, max_iter):
    order = np.random.default_rng(0).permutation(len(y))
    return S["train_perceptron"](X[order], y[order], max_iter)


# ---- chapter 2 ---------------------------------------------------------------------------------
def ds_bias_in_w(delta_next, Theta, A):
    grad = np.column_stack([delta_next.sum(axis=0), delta_next.T @ A])
    return grad, (delta_next @ Theta[:, :-1]) * A * (1 - A)


def ds_no_derivative(delta_next, Theta, A):
    grad = np.column_stack([delta_next.sum(axis=0), delta_next.T @ A])
    return grad, delta_next @ Theta[:, 1:]


def ds_mean_bias(delta_next, Theta, A):
    grad = np.column_stack([delta_next.mean(axis=0), delta_next.T @ A])
    return grad, (delta_next @ Theta[:, 1:]) * A * (1 - A)


def ds_no_bias_column(delta_next, Theta, A):
    return delta_next.T @ A, (delta_next @ Theta[:, 1:]) * A * (1 - A)


def at_one_path(x1, x2):
    vbar0 = x1 - np.cos(x2)
    vbar_m1 = 1.0 / x1  # forgets the x1 * x2 path
    return np.array([vbar_m1, vbar0, 1.0, 1.0, -1.0, 1.0, 1.0])


def at_sin_sign(x1, x2):
    out = S["adjoint_trace"](x1, x2)
    out[1] = x1 + np.cos(x2)
    return out


def at_reversed(x1, x2):
    return S["adjoint_trace"](x1, x2)[::-1]


def ng_no_mean(Thetas, X, y):
    return [g * len(X) for g in S["network_gradients"](Thetas, X, y)]


def ng_no_derivative(Thetas, X, y):
    A = [X]
    for T in Thetas:
        A.append(_sigmoid(A[-1] @ T[:, 1:].T + T[:, 0]))
    delta, grads = (A[-1] - y[:, None]) / len(X), []
    for l in range(len(Thetas) - 1, -1, -1):
        grads.append(np.column_stack([delta.sum(axis=0), delta.T @ A[l]]))
        delta = delta @ Thetas[l][:, 1:]
    return grads[::-1]


def ng_sign(Thetas, X, y):
    return [-g for g in S["network_gradients"](Thetas, X, y)]


def ng_order(Thetas, X, y):
    return S["network_gradients"](Thetas, X, y)[::-1]


# ---- chapter 3 ---------------------------------------------------------------------------------
def sm_naive(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def sm_axis0(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def sm_in_place(Z):
    Z -= Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def sm_global_max(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)


def ce_no_mean(logits, y):
    return S["cross_entropy_grad"](logits, y) * len(y)


def ce_sign(logits, y):
    return -S["cross_entropy_grad"](logits, y)


def ce_unstable(logits, y):
    E = np.exp(logits)
    P = E / E.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return P / len(y)


def am_no_bias(X, W, b):
    return np.argmax(X @ W.T, axis=1)


def am_last_tie(X, W, b):
    S_ = X @ W.T + b
    return S_.shape[1] - 1 - np.argmax(S_[:, ::-1], axis=1)


def am_no_transpose(X, W, b):
    return np.argmax(X @ W[:, : X.shape[1]].T + b, axis=0)[: len(X)]


def sgd_no_bias(X, y, n_classes, lr, n_epochs, batch_size, seed):
    W, b, losses = S["softmax_regression_sgd"](X, y, n_classes, lr, n_epochs, batch_size, seed)
    rng = np.random.default_rng(seed)
    W, losses = np.zeros_like(W), []
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            rows = order[start:start + batch_size]
            W = W - lr * S["cross_entropy_grad"](X[rows] @ W.T, y[rows]).T @ X[rows]
        P = S["stable_softmax"](X @ W.T)
        losses.append(-np.mean(np.log(P[np.arange(len(y)), y])))
    return W, np.zeros(n_classes), np.array(losses)


def sgd_sign(X, y, n_classes, lr, n_epochs, batch_size, seed):
    return S["softmax_regression_sgd"](X, y, n_classes, -lr, n_epochs, batch_size, seed)


def sgd_stale_losses(X, y, n_classes, lr, n_epochs, batch_size, seed):
    W, b, losses = S["softmax_regression_sgd"](X, y, n_classes, lr, n_epochs, batch_size, seed)
    return W, b, losses[::-1]


def sgd_one_batch(X, y, n_classes, lr, n_epochs, batch_size, seed):
    return S["softmax_regression_sgd"](X[:batch_size], y[:batch_size], n_classes, lr, n_epochs, batch_size, seed)[:2] + (
        S["softmax_regression_sgd"](X, y, n_classes, lr, n_epochs, batch_size, seed)[2],)


# ---- chapter 4 ---------------------------------------------------------------------------------
def ed_squared(A, B):
    return S["euclidean_distances"](A, B) ** 2


def ed_transposed(A, B):
    return S["euclidean_distances"](B, A)


def ed_no_clip(A, B):
    sq = (A**2).sum(axis=1)[:, None] - 2.0 * A @ B.T + (B**2).sum(axis=1)[None, :]
    return np.sqrt(sq)


def ed_l1(A, B):
    return np.abs(A[:, None, :] - B[None, :, :]).sum(axis=2)


def mv_largest_tie(labels):
    classes, inverse = np.unique(labels, return_inverse=True)
    counts = (inverse.reshape(labels.shape)[:, :, None] == np.arange(len(classes))).sum(axis=1)
    return classes[len(classes) - 1 - np.argmax(counts[:, ::-1], axis=1)]


def mv_first_neighbour(labels):
    return labels[:, 0]


def mv_index_not_label(labels):
    classes, inverse = np.unique(labels, return_inverse=True)
    counts = (inverse.reshape(labels.shape)[:, :, None] == np.arange(len(classes))).sum(axis=1)
    return np.argmax(counts, axis=1)


def nw_unnormalised(x_train, y_train, x_query, h):
    W = np.exp(-0.5 * ((x_train[None, :] - x_query[:, None]) / h) ** 2)
    return W @ y_train


def nw_no_half(x_train, y_train, x_query, h):
    W = np.exp(-(((x_train[None, :] - x_query[:, None]) / h) ** 2))
    return W @ y_train / W.sum(axis=1)


def nw_axis0(x_train, y_train, x_query, h):
    W = np.exp(-0.5 * ((x_train[None, :] - x_query[:, None]) / h) ** 2)
    return W @ y_train / W.sum()


def cv_train_error(X, y, ks, n_folds):  # scores k on the points it was fitted on
    errors = np.array([np.mean(S["majority_vote"](y[np.argsort(S["euclidean_distances"](X, X), axis=1)[:, :k]]) != y)
                       for k in ks])
    return ks[int(np.argmin(errors))], errors


def cv_index_not_k(X, y, ks, n_folds):
    best, errors = S["choose_k_by_cv"](X, y, ks, n_folds)
    return int(np.argmin(errors)), errors


def cv_mean_of_fold_rates(X, y, ks, n_folds):
    folds = np.array_split(np.arange(len(y)), n_folds)
    errors = np.zeros(len(ks))
    for held in folds:
        train = np.setdiff1d(np.arange(len(y)), held)
        order = np.argsort(S["euclidean_distances"](X[held], X[train]), axis=1)
        for j, k in enumerate(ks):
            errors[j] += np.mean(S["majority_vote"](y[train][order[:, :k]]) != y[held]) / n_folds
    return ks[int(np.argmin(errors))], errors


def cv_argmax(X, y, ks, n_folds):
    _, errors = S["choose_k_by_cv"](X, y, ks, n_folds)
    return ks[int(np.argmax(errors))], errors


# ---- chapter 5 ---------------------------------------------------------------------------------
def rbf_no_two(X, Y, sigma):
    sq = (X**2).sum(axis=1)[:, None] + (Y**2).sum(axis=1)[None, :] - 2.0 * X @ Y.T
    return np.exp(-np.maximum(sq, 0.0) / sigma**2)


def rbf_sigma_not_squared(X, Y, sigma):
    sq = (X**2).sum(axis=1)[:, None] + (Y**2).sum(axis=1)[None, :] - 2.0 * X @ Y.T
    return np.exp(-np.maximum(sq, 0.0) / (2.0 * sigma))


def rbf_wrong_sign(X, Y, sigma):
    sq = (X**2).sum(axis=1)[:, None] + (Y**2).sum(axis=1)[None, :] + 2.0 * X @ Y.T
    return np.exp(-np.maximum(sq, 0.0) / (2.0 * sigma**2))


def kr_no_lam(X_train, y_train, X_test, sigma, lam):
    K = S["rbf_kernel_matrix"](X_train, X_train, sigma)
    return S["rbf_kernel_matrix"](X_test, X_train, sigma) @ np.linalg.lstsq(K, y_train, rcond=None)[0]


def kr_wrong_kernel(X_train, y_train, X_test, sigma, lam):
    K = S["rbf_kernel_matrix"](X_train, X_train, sigma)
    alpha = np.linalg.solve(K + lam * np.eye(len(K)), y_train)
    return S["rbf_kernel_matrix"](X_test, X_test, sigma)[:, :1] * alpha.sum()


def kr_lam_off_diagonal(X_train, y_train, X_test, sigma, lam):
    K = S["rbf_kernel_matrix"](X_train, X_train, sigma)
    alpha = np.linalg.solve(K + lam, y_train)
    return S["rbf_kernel_matrix"](X_test, X_train, sigma) @ alpha


def _svm(alpha, b, K, y, lam, lr, active_rule, bias=True, bias_sign=1.0, reg=2.0):
    n = len(y)
    Ka = K @ alpha
    a = y * active_rule(y * (b + Ka))
    g_alpha = -(K @ a) / n + reg * lam * Ka
    g_b = -bias_sign * a.sum() / n
    return alpha - lr * g_alpha, (b - lr * g_b) if bias else b


def svm_bias_sign(alpha, b, K, y, lam, lr):
    return _svm(alpha, b, K, y, lam, lr, lambda m: m < 1, bias_sign=-1.0)


def svm_no_bias_update(alpha, b, K, y, lam, lr):
    return _svm(alpha, b, K, y, lam, lr, lambda m: m < 1, bias=False)


def svm_le(alpha, b, K, y, lam, lr):
    return _svm(alpha, b, K, y, lam, lr, lambda m: m <= 1)


def svm_no_reg_factor(alpha, b, K, y, lam, lr):
    return _svm(alpha, b, K, y, lam, lr, lambda m: m < 1, reg=1.0)


def svm_margin_zero(alpha, b, K, y, lam, lr):
    return _svm(alpha, b, K, y, lam, lr, lambda m: m < 0)


def krcv_train_error(X, y, sigmas, lams, n_folds):
    errors = np.array([[np.mean((S["kernel_ridge_fit_predict"](X, y, X, s, l) - y) ** 2) for l in lams] for s in sigmas])
    i, j = np.unravel_index(np.argmin(errors), errors.shape)
    return sigmas[i], lams[j], errors


def krcv_transposed(X, y, sigmas, lams, n_folds):
    s, l, errors = S["kernel_ridge_cv"](X, y, sigmas, lams, n_folds)
    return s, l, errors.T


def krcv_argmax(X, y, sigmas, lams, n_folds):
    _, _, errors = S["kernel_ridge_cv"](X, y, sigmas, lams, n_folds)
    i, j = np.unravel_index(np.argmax(errors), errors.shape)
    return sigmas[i], lams[j], errors


def krcv_sum_not_mean(X, y, sigmas, lams, n_folds):
    s, l, errors = S["kernel_ridge_cv"](X, y, sigmas, lams, n_folds)
    return s, l, errors * len(y)


# ---- chapter 6 ---------------------------------------------------------------------------------
def bi_same_rows(n, B, seed):  # a fresh generator per sample: every row is the same sample
    return np.stack([np.random.default_rng(seed).integers(0, n, size=n) for _ in range(B)])


def bi_choice_no_replace(n, B, seed):
    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(n) for _ in range(B)])


def bi_off_by_one(n, B, seed):
    return np.random.default_rng(seed).integers(1, n + 1, size=(B, n))


def bi_transposed(n, B, seed):
    return np.random.default_rng(seed).integers(0, n, size=(n, B))


def pi_full_alpha(values, level):
    a = 1.0 - level
    lo, hi = np.quantile(values, [a, 1 - a], axis=0)
    return (float(lo), float(hi)) if np.ndim(lo) == 0 else (lo, hi)


def pi_axis_last(values, level):
    a = 1.0 - level
    lo, hi = np.quantile(values, [a / 2, 1 - a / 2], axis=-1)
    return (float(lo), float(hi)) if np.ndim(lo) == 0 else (lo, hi)


def pi_nearest(values, level):
    a = 1.0 - level
    lo, hi = np.quantile(values, [a / 2, 1 - a / 2], axis=0, method="nearest")
    return (float(lo), float(hi)) if np.ndim(lo) == 0 else (lo, hi)


def bkr_same_sample(X, y, X_grid, idx, sigma, lam):
    first = S["bootstrap_kernel_ridge"](X, y, X_grid, idx[:1], sigma, lam)
    return np.repeat(first, len(idx), axis=0)


def bkr_full_data(X, y, X_grid, idx, sigma, lam):
    return np.repeat(S["kernel_ridge_fit_predict"](X, y, X_grid, sigma, lam)[None, :], len(idx), axis=0)


def bkr_x_only(X, y, X_grid, idx, sigma, lam):
    return np.array([S["kernel_ridge_fit_predict"](X[i], y, X_grid, sigma, lam) for i in idx])


def cov_strict(lows, highs, truth):
    return ((lows < truth) & (truth < highs)).mean(axis=0)


def cov_axis1(lows, highs, truth):
    covered = (lows <= truth) & (truth <= highs)
    return covered.mean(axis=1)


def cov_count(lows, highs, truth):
    return ((lows <= truth) & (truth <= highs)).sum(axis=0).astype(float)


# ---- chapter 7 ---------------------------------------------------------------------------------
def mom_old_velocity(theta, velocity, grad, lr, momentum):
    return theta - lr * velocity, momentum * velocity + grad


def mom_damped(theta, velocity, grad, lr, momentum):
    v = momentum * velocity + (1 - momentum) * grad
    return theta - lr * v, v


def mom_sign(theta, velocity, grad, lr, momentum):
    v = momentum * velocity + grad
    return theta + lr * v, v


def adam_no_correction(theta, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * m / (np.sqrt(v) + eps), m, v


def adam_corrected_state(theta, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1**t)
    v = (beta2 * v + (1 - beta2) * grad**2) / (1 - beta2**t)
    return theta - lr * m / (np.sqrt(v) + eps), m, v


def adam_eps_inside(theta, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


def adam_t_from_zero(theta, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return S["adam_step"](theta, m, v, grad, t + 1, lr=lr, beta1=beta1, beta2=beta2, eps=eps)


def es_le(val_losses, patience):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses):
        if loss <= best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


def es_off_by_one(val_losses, patience):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait > patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


def es_no_reset(val_losses, patience):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch = loss, epoch
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


def _newton(X, y, n_iter, hessian="full", step=1.0, intercept=True):
    X1 = np.column_stack([np.ones(len(y)), X]) if intercept else X
    w = np.zeros(X1.shape[1])

    def loss(w):
        z = X1 @ w
        return np.mean(np.logaddexp(0.0, z) - y * z)

    losses = [loss(w)]
    for _ in range(n_iter):
        p = _sigmoid(X1 @ w)
        g = X1.T @ (p - y) / len(y)
        H = (X1 * (p * (1 - p))[:, None]).T @ X1 / len(y) if hessian == "full" else X1.T @ X1 / len(y)
        w = w - step * np.linalg.solve(H, g)
        losses.append(loss(w))
    if not intercept:
        w = np.concatenate([[0.0], w])
    return w, np.array(losses)


def nl_no_weights(X, y, n_iter):
    return _newton(X, y, n_iter, hessian="plain")


def nl_sign(X, y, n_iter):
    return _newton(X, y, n_iter, step=-1.0)


def nl_no_intercept(X, y, n_iter):
    return _newton(X, y, n_iter, intercept=False)


def nl_gradient_descent(X, y, n_iter):
    X1 = np.column_stack([np.ones(len(y)), X])
    w, losses = np.zeros(X1.shape[1]), []
    for _ in range(n_iter + 1):
        z = X1 @ w
        losses.append(np.mean(np.logaddexp(0.0, z) - y * z))
        w = w - 1.0 * X1.T @ (_sigmoid(z) - y) / len(y)
    return w, np.array(losses)


def nl_no_initial_loss(X, y, n_iter):
    w, losses = S["newton_logistic"](X, y, n_iter + 1)
    return w, losses[1:]


def _const(value):
    def answer():
        return value
    return answer


MUTANTS = {
    "1.1": [pu_strict, pu_no_bias, pu_in_place, pu_sign, pu_ignores_lr],
    "1.2": [cp_no_bias, cp_bias_on_inputs, cp_first_pair_only],
    "1.3": [xor_or, xor_corners_only, xor_01_labels],
    "1.4": [fwd_no_bias, fwd_no_transpose, fwd_linear_last],
    "1.5": [_const(-1), _const(3), _const(-0.5), _const("-3")],
    "1.6": [_const("a"), _const("c"), _const("d"), _const(2)],
    "1.8": [tp_no_bias, tp_strict, tp_one_epoch, tp_shuffled],
    "2.1": [ds_bias_in_w, ds_no_derivative, ds_mean_bias, ds_no_bias_column],
    "2.2": [at_one_path, at_sin_sign, at_reversed],
    "2.3": [ng_no_mean, ng_no_derivative, ng_sign, ng_order],
    "2.5": [_const(2.0 + np.cos(5.0)), _const(2.0 - np.cos(np.deg2rad(5.0))), _const(5.5)],
    "2.6": [_const("a"), _const("c"), _const("d")],
    "3.1": [sm_naive, sm_axis0, sm_in_place, sm_global_max],
    "3.2": [ce_no_mean, ce_sign, ce_unstable],
    "3.3": [am_no_bias, am_last_tie, am_no_transpose],
    "3.5": [_const(0.75), _const(1 / 3), _const(0.5)],
    "3.6": [_const("a"), _const("c"), _const("d")],
    "3.8": [sgd_no_bias, sgd_sign, sgd_stale_losses, sgd_one_batch],
    "4.1": [ed_squared, ed_transposed, ed_no_clip, ed_l1],
    "4.2": [mv_largest_tie, mv_first_neighbour, mv_index_not_label],
    "4.3": [nw_unnormalised, nw_no_half, nw_axis0],
    "4.5": [_const(1), _const(2), _const(0.5)],
    "4.6": [_const("a"), _const("c"), _const("d")],
    "4.8": [cv_train_error, cv_index_not_k, cv_mean_of_fold_rates, cv_argmax],
    "5.1": [rbf_no_two, rbf_sigma_not_squared, rbf_wrong_sign],
    "5.2": [kr_no_lam, kr_wrong_kernel, kr_lam_off_diagonal],
    "5.3": [svm_bias_sign, svm_no_bias_update, svm_le, svm_no_reg_factor, svm_margin_zero],
    "5.5": [_const(np.exp(-25 / 5)), _const(np.exp(-1.0)), _const(np.exp(-5 / 50))],
    "5.6": [_const("a"), _const("c"), _const("d")],
    "5.8": [krcv_train_error, krcv_transposed, krcv_argmax, krcv_sum_not_mean],
    "6.1": [bi_same_rows, bi_choice_no_replace, bi_off_by_one, bi_transposed],
    "6.2": [pi_full_alpha, pi_axis_last, pi_nearest],
    "6.3": [bkr_same_sample, bkr_full_data, bkr_x_only],
    "6.4": [cov_strict, cov_axis1, cov_count],
    "6.5": [_const(1000 / np.e), _const(1000 * 0.9), _const(1000 * (1 - 0.9**10))],
    "6.6": [_const("a"), _const("c"), _const("d")],
    "7.1": [mom_old_velocity, mom_damped, mom_sign],
    "7.2": [adam_no_correction, adam_corrected_state, adam_eps_inside, adam_t_from_zero],
    "7.3": [es_le, es_off_by_one, es_no_reset],
    "7.5": [_const(0.01), _const(-0.03), _const(-0.001)],
    "7.6": [_const(0.25), _const(2.0), _const(1.0)],
    "7.8": [nl_no_weights, nl_sign, nl_no_intercept, nl_gradient_descent, nl_no_initial_loss],
}

EXERCISES = all_exercises()


def _label(mutant):
    return mutant.__name__ if mutant.__name__ != "answer" else f"returns {mutant()!r}"


@functools.cache
def _verdict(exercise_id, mutant):
    return run_checks(EXERCISES[exercise_id], mutant)


def kill_table():
    """``[(id, name, n_mutants, n_killed)]`` and the failures' messages, for the report."""
    rows, survivors = [], []
    for exercise_id, mutants in MUTANTS.items():
        killed = 0
        for mutant in mutants:
            if _verdict(exercise_id, mutant).passed:
                survivors.append(f"{exercise_id}: {_label(mutant)}")
            else:
                killed += 1
        rows.append((exercise_id, EXERCISES[exercise_id].name, len(mutants), killed))
    return rows, survivors


def test_every_exercise_has_at_least_three_mutants():
    assert set(MUTANTS) == set(EXERCISES)
    assert all(len(m) >= 3 for m in MUTANTS.values())


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_the_solution_notebook_answer_passes(exercise_id):
    result = run_checks(EXERCISES[exercise_id], S[EXERCISES[exercise_id].name])
    assert result.passed, repr(result)


@pytest.mark.parametrize("exercise_id", sorted(MUTANTS))
def test_every_mutant_is_rejected_with_a_useful_message(exercise_id):
    exercise = EXERCISES[exercise_id]
    for mutant in MUTANTS[exercise_id]:
        result = _verdict(exercise_id, mutant)
        text = repr(result)
        assert not result.passed, f"{exercise_id}: mutant {_label(mutant)} passes the check"
        assert result.status in ("failed", "error"), text
        assert "First failing case" in text and "Problem:" in text and "Hint:" in text, text
        assert "Expected:" in text


def test_kill_rate_table(capsys):
    rows, survivors = kill_table()
    with capsys.disabled():
        print("\nexercise  function                    mutants  killed  rate")
        for exercise_id, name, n, killed in rows:
            print(f"{exercise_id:<9} {name:<27} {n:>7} {killed:>7}  {killed / n:.0%}")
        total, killed = sum(r[2] for r in rows), sum(r[3] for r in rows)
        print(f"{'all':<9} {'':<27} {total:>7} {killed:>7}  {killed / total:.0%}")
    assert survivors == []
