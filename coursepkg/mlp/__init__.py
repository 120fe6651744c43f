"""Multilayer networks: the forward pass, backpropagation, estimators, universal approximation."""
from ._backprop import (
    LOSSES,
    BackwardResult,
    backward,
    gradient_norms,
    loss_and_gradients,
    loss_value,
    output_delta,
)
from ._estimators import (
    MLPClassifier,
    MLPRegressor,
)
from ._forward import (
    ForwardCache,
    add_bias,
    collapse_linear,
    count_parameters,
    forward,
    forward_batch,
    init_params,
    join_theta,
    predict_output,
    split_theta,
    thetas_from_weights,
)
from ._universal import (
    knots,
    max_error,
    network_output,
    relu_network,
    step_network,
)

__all__ = [
    'LOSSES', 'output_delta', 'backward', 'loss_and_gradients', 'loss_value', 'BackwardResult',
    'gradient_norms', 'MLPClassifier', 'MLPRegressor', 'count_parameters', 'init_params', 'split_theta',
    'join_theta', 'add_bias', 'forward', 'forward_batch', 'predict_output', 'collapse_linear',
    'thetas_from_weights', 'ForwardCache', 'knots', 'step_network', 'relu_network', 'network_output',
    'max_error',
]
