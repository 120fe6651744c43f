"""Optimisation: gradient descent and Newton's method, optimisers, learning-rate schedules."""
from ._descent import (
    gradient_descent,
    logistic_gradient,
    logistic_hessian,
    logistic_loss,
    newton_method,
    sgd_path,
)
from ._optimizers import (
    QUAD_A,
    QUAD_START,
    SGD,
    Adagrad,
    Adam,
    Optimizer,
    RMSProp,
    quadratic_path,
)
from ._schedules import (
    cosine_lr,
    exponential_lr,
    inverse_time_lr,
    step_lr,
    warmup_lr,
)

__all__ = [
    'logistic_loss', 'logistic_gradient', 'logistic_hessian', 'gradient_descent', 'newton_method',
    'sgd_path', 'Optimizer', 'SGD', 'Adagrad', 'RMSProp', 'Adam', 'QUAD_A', 'QUAD_START', 'quadratic_path',
    'step_lr', 'exponential_lr', 'inverse_time_lr', 'cosine_lr', 'warmup_lr',
]
