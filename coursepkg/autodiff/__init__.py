"""Reverse-mode automatic differentiation: the scalar engine, and trace tables beside it."""
from ._engine import (
    Trace,
    Value,
    cos,
    exp,
    ln,
    relu,
    sigmoid,
    sin,
    tanh,
    trace,
)

__all__ = [
    'Value', 'exp', 'ln', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'trace', 'Trace',
]
