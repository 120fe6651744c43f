"""Reverse-mode automatic differentiation: the scalar engine, and trace tables beside it."""
from ._engine import (
    Value,
)
from ._functions import (
    cos,
    exp,
    ln,
    relu,
    sigmoid,
    sin,
    tanh,
)
from ._trace import (
    Trace,
    trace,
)

__all__ = [
    'Value', 'exp', 'ln', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'Trace', 'trace',
]
