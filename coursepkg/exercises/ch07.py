"""Chapter 7 exercises: a momentum step, an Adam step with bias correction, an early-stopping rule."""
import numpy as np

from ..datasets import make_logistic
from ..optim import SGD, Adam
from ..regularization import EarlyStopping
from .judges import Numeric, Property
from .spec import Case, Derivation, Exercise, compare, describe, question


def _momentum_step(theta, velocity, grad, lr, momentum):
    params = {"theta": np.array(theta, dtype=float)}
    opt = SGD(params, lr=lr, momentum=momentum)
    opt.state["theta"]["velocity"] = np.array(velocity, dtype=float)
    opt.step({"theta": grad})
    return params["theta"], opt.state["theta"]["velocity"]


def _adam_step(theta, m, v, grad, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    params = {"theta": np.array(theta, dtype=float)}
    opt = Adam(params, lr=lr, betas=(beta1, beta2), eps=eps)
    opt.t = t - 1
    opt.state["theta"].update(m=np.array(m, dtype=float), v=np.array(v, dtype=float), v_max=np.zeros_like(m))
    opt.step({"theta": grad})
    return params["theta"], opt.state["theta"]["m"], opt.state["theta"]["v"]


def _early_stopping_epochs(val_losses, patience):
    stopper = EarlyStopping(patience=patience)
    for epoch, loss in enumerate(val_losses):
        if stopper.update(loss):
            return stopper.best_epoch_, epoch
    return stopper.best_epoch_, len(val_losses) - 1


_R = np.random.default_rng(7)

EXERCISES = [
    Exercise(
        id="7.1",
        name="momentum_step",
        title="One step of SGD with (heavy-ball) momentum",
        reference=_momentum_step,
        cases=(
            Case((np.array([1.0]), np.array([0.0]), np.array([2.0]), 0.1, 0.9)),
            Case((np.array([1.0, -1.0]), np.array([0.5, 0.5]), np.array([1.0, 1.0]), 0.1, 0.9)),
            Case((_R.normal(size=4), _R.normal(size=4), _R.normal(size=4), 0.05, 0.5)),
            Case((_R.normal(size=(2, 3)), _R.normal(size=(2, 3)), _R.normal(size=(2, 3)), 0.01, 0.99)),
        ),
        hint=("Heavy-ball momentum keeps a running velocity. Which comes first: updating the velocity or "
              "moving theta?"),
        hint2=("Update the velocity with the new gradient first, then move theta against the new velocity, "
               "scaled by lr. Return new arrays; do not change the inputs."),
    ),
    Exercise(
        id="7.2",
        name="adam_step",
        title="One Adam step with bias correction",
        reference=_adam_step,
        cases=(
            Case((np.array([1.0]), np.array([0.0]), np.array([0.0]), np.array([3.0]), 1)),
            Case((np.array([1.0, 2.0]), np.array([0.1, -0.2]), np.array([0.01, 0.04]), np.array([0.5, -1.0]), 2),
                 {"lr": 0.01}),
            Case((_R.normal(size=5), 0.1 * _R.normal(size=5), 0.01 * _R.random(5), _R.normal(size=5), 10),
                 {"lr": 0.1, "beta1": 0.8, "beta2": 0.99}),
            Case((_R.normal(size=3), np.zeros(3), np.zeros(3), _R.normal(size=3), 1), {"eps": 1e-3}),
        ),
        hint=("Adam keeps two running averages (of g and of g squared) and corrects both for starting at zero. "
              "t counts steps from 1."),
        hint2=("The bias correction divides by 1 - beta^t; eps sits outside the square root. Return the "
               "uncorrected running averages along with the new theta."),
    ),
    Exercise(
        id="7.3",
        name="early_stopping_epochs",
        title="When does early stopping stop, and which epoch does it keep?",
        reference=_early_stopping_epochs,
        cases=(
            Case(([1.0, 0.8, 0.9, 0.95], 2)),
            Case(([1.0, 0.8, 0.9, 0.7, 0.75], 2)),
            Case(([3.0, 2.0, 1.0, 0.5], 1)),
            Case(([0.5, 0.5, 0.5, 0.5, 0.5], 3)),
            Case(([1.0, 1.1, 0.9, 1.0, 0.95, 0.97], 2)),  # an improvement resets the count
            Case((list(np.round(1 / np.arange(1, 30) + 0.01 * np.arange(29), 4)), 4)),
        ),
        hint=("Track the best validation loss so far and how many epochs have passed without a strict "
              "improvement. Epochs count from 0."),
        hint2=("An equal loss is not an improvement. Stop at the epoch where the count of epochs without "
               "improvement reaches patience; if that never happens the run ends at the last epoch."),
    ),
]

EXERCISES += [
    question("7.5", "answer_7_5", "The size of Adam's first step", Numeric(-0.01, rtol=0, atol=1e-6),
             hint="Start from m = v = 0 at t = 1 and apply the bias corrections; eps is negligible here.",
             hint2="After the corrections, m_hat = g and v_hat = g^2. Here lr = 0.01 and g = 3."),
    question("7.6", "answer_7_6", "The largest stable learning rate on a quadratic", Numeric(0.5, rtol=0, atol=1e-6),
             hint="For f(theta) = (a/2) theta^2, one gradient step multiplies theta by a fixed factor.",
             hint2="The factor is 1 - lr a; gradient descent converges when its absolute value is below 1. Here a = 4."),
]

DERIVATIONS = [
    Derivation("7.7", "Momentum under a constant gradient", points=2.0,
               rubric="1 pt: unrolls v_t = beta v_{t-1} + g to a geometric sum g (1 - beta^t) / (1 - beta); "
                      "1 pt: concludes the step tends to lr g / (1 - beta): an effective learning rate lr / (1 - beta)."),
]


def _logistic_loss(X1, y, w):
    z = X1 @ w
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def _newton_judge(X, y, n_iter):
    """The fixed point is the maximum-likelihood fit, taken from scikit-learn (an oracle written elsewhere)."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    w_star = np.concatenate([fit.intercept_, fit.coef_.ravel()])
    X1 = np.column_stack([np.ones(len(y)), X])
    loss0 = _logistic_loss(X1, y, np.zeros(X1.shape[1]))

    def form(got):
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"return a tuple (w, losses); got {describe(got)}"
        shapes = (np.shape(got[0]), np.shape(got[1]))
        if shapes != ((X.shape[1] + 1,), (n_iter + 1,)):
            return (f"w must have shape ({X.shape[1] + 1},) (the intercept first) and losses shape ({n_iter + 1},) "
                    f"(the loss at the start and after each step); got {shapes}")
        return None

    def losses(got):
        w, history = np.asarray(got[0], float), np.asarray(got[1], float)
        if abs(history[0] - loss0) > 1e-9:
            return f"losses[0] = {history[0]:.6g}, but the loss at w = 0 is {loss0:.6g} (log 2)"
        if not np.all(np.isfinite(history)) or np.any(np.diff(history) > 1e-12):
            return f"the loss must never increase under Newton's method here; got losses {describe(history)}"
        if abs(history[-1] - _logistic_loss(X1, y, w)) > 1e-9:
            return "losses[-1] is not the loss of the returned w"
        return None

    def converged(got):
        return compare(w_star, np.asarray(got[0], float), 1e-5, 1e-6, "w (compared with scikit-learn's unpenalised fit)")

    return Property(f"(w, losses): w = {describe(np.round(w_star, 4))} within 1e-6 + 1e-5 |w| (scikit-learn's fit), "
                    f"losses non-increasing from {loss0:.4g}", [form, losses, converged], key=repr(np.round(w_star, 8)))


def _logistic_data(n, theta, seed):
    X, y = make_logistic(n, theta=theta, rng=seed)
    return X + 0.5, y  # shifted, so the intercept is needed


EXERCISES += [
    Exercise(
        id="7.8",
        points=3.0,  # a task of real size weighs three short items
        name="newton_logistic",
        title="Newton's method for logistic regression",
        reference=_newton_judge,
        cases=(
            Case((*_logistic_data(40, (1.0,), 0), 10)),
            Case((*_logistic_data(200, (1.5, -1.0), 1), 12)),
            Case((*_logistic_data(300, (0.5, 2.0, -1.0), 2), 15)),
        ),
        hint=("Add a column of ones for the intercept and start from w = 0. Newton's method divides the gradient by "
              "the curvature: each step solves a linear system with the Hessian of the mean loss."),
        hint2=("With p = sigma(X1 w): the gradient is X1^T (p - y) / n and the Hessian X1^T diag(p (1 - p)) X1 / n. "
               "Record the mean loss before the first step and after every step."),
    ),
]
