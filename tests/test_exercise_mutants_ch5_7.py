"""Mutants of chapters 5 to 7: the typical wrong solutions each check must reject (see test_exercise_mutants.py)."""
import numpy as np

from test_exercise_mutants_ch1_4 import _const, _sigmoid  # the same two helpers (tests/ is on sys.path under pytest)

S = {}  # the solution notebooks' functions, filled in by test_exercise_mutants.py before any call




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


def _corr(x, y, B, level, seed, pairs=True, ddof=1, tails=2):
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(x), size=(B, len(x)))
    j = i if pairs else rng.integers(0, len(x), size=(B, len(x)))
    r = np.array([np.corrcoef(x[a], y[b])[0, 1] for a, b in zip(i, j)])
    alpha = (1 - level) / tails
    return float(np.quantile(r, alpha)), float(np.quantile(r, 1 - alpha)), float(r.std(ddof=ddof))


def bc_unpaired(x, y, B, level, seed):
    return _corr(x, y, B, level, seed, pairs=False)


def bc_ddof0(x, y, B, level, seed):
    return _corr(x, y, B, level, seed, ddof=0)


def bc_one_tail(x, y, B, level, seed):
    return _corr(x, y, B, level, seed, tails=1)


def bc_no_resampling(x, y, B, level, seed):
    r = np.corrcoef(x, y)[0, 1]
    lo, hi, se = _corr(x, y, B, level, seed)
    return lo, hi, float(np.sqrt((1 - r**2) / (len(x) - 2)))


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



MUTANTS = {
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
    "6.8": [bc_unpaired, bc_ddof0, bc_one_tail, bc_no_resampling],
    "6.5": [_const(1000 / np.e), _const(1000 * 0.9), _const(1000 * (1 - 0.9**10))],
    "6.6": [_const("a"), _const("c"), _const("d")],
    "7.1": [mom_old_velocity, mom_damped, mom_sign],
    "7.2": [adam_no_correction, adam_corrected_state, adam_eps_inside, adam_t_from_zero],
    "7.3": [es_le, es_off_by_one, es_no_reset],
    "7.5": [_const(0.01), _const(-0.03), _const(-0.001)],
    "7.6": [_const(0.25), _const(2.0), _const(1.0)],
    "7.8": [nl_no_weights, nl_sign, nl_no_intercept, nl_gradient_descent, nl_no_initial_loss],
}
