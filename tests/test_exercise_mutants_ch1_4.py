"""Mutants of chapters 1 to 4: the typical wrong solutions each check must reject (see test_exercise_mutants.py)."""
import numpy as np

S = {}  # the solution notebooks' functions, filled in by test_exercise_mutants.py before any call


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _const(value):
    def answer():
        return value
    return answer




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


def _gc(Thetas, X, y, grads, eps, step="central", restore=True, denominator="sum", mean=True):
    def loss(Ts):
        A = X
        for T in Ts:
            A = _sigmoid(A @ T[:, 1:].T + T[:, 0])
        terms = -(y * np.log(A[:, 0]) + (1 - y) * np.log(1 - A[:, 0]))
        return terms.mean() if mean else terms.sum()

    Thetas = [T.copy() for T in Thetas]
    numeric, worst = [], 0.0
    for l, Theta in enumerate(Thetas):
        g = np.zeros_like(Theta)
        for index in np.ndindex(Theta.shape):
            original = Theta[index]
            Theta[index] = original + eps
            up = loss(Thetas)
            Theta[index] = original - eps if step == "central" else original
            down = loss(Thetas)
            # forward: `down` is the loss at the weight itself; half: a central difference over eps, not 2 eps
            g[index] = (up - down) / (2 * eps) if step == "central" else (up - down) / eps
            if restore:
                Theta[index] = original
        numeric.append(g)
        a = grads[l]
        scale = np.maximum(1e-8, np.abs(a) + np.abs(g)) if denominator == "sum" else np.maximum(1e-8, np.abs(g))
        worst = max(worst, float(np.max(np.abs(a - g) / scale)))
    return numeric, worst


def gc_forward(Thetas, X, y, grads, eps):
    return _gc(Thetas, X, y, grads, eps, step="forward")


def gc_one_eps(Thetas, X, y, grads, eps):  # central difference divided by eps, not 2 eps
    return _gc(Thetas, X, y, grads, eps, step="half")


def gc_not_restored(Thetas, X, y, grads, eps):
    return _gc(Thetas, X, y, grads, eps, restore=False)


def gc_sum_loss(Thetas, X, y, grads, eps):
    return _gc(Thetas, X, y, grads, eps, mean=False)


def gc_relative_to_numeric(Thetas, X, y, grads, eps):
    return _gc(Thetas, X, y, grads, eps, denominator="numeric")


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
    "2.8": [gc_forward, gc_one_eps, gc_not_restored, gc_sum_loss, gc_relative_to_numeric],
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
}
