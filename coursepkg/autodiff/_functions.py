"""The elementary functions of the lectures as functions of a Value (or of a number, lifted to a
constant Value), so an expression reads as it is written: ``ln(x1) + x1 * x2 - sin(x2)``."""
import math
import numbers

from ._engine import Value

__all__ = ['exp', 'ln', 'sin', 'cos', 'tanh', 'sigmoid', 'relu']

def lift(x, name):
    """``x`` as a Value: a Value as it is, a finite real number as a constant; ``name`` is the caller, for errors."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"x must be a Value or a real number (the argument of {name}); got {type(x).__name__}")
    if not math.isfinite(x):
        raise ValueError(f"x must be a finite number (the argument of {name}); got {x!r}")
    return Value(x)


def exp(x):
    """e^x for a Value (or a number, lifted to a constant Value)."""
    return lift(x, "exp").exp()


def ln(x):
    """Natural logarithm; raises ValueError for x <= 0."""
    return lift(x, "ln").ln()


def sin(x):
    """sin x."""
    return lift(x, "sin").sin()


def cos(x):
    """cos x."""
    return lift(x, "cos").cos()


def tanh(x):
    """tanh x."""
    return lift(x, "tanh").tanh()


def sigmoid(x):
    """1 / (1 + e^{-x})."""
    return lift(x, "sigmoid").sigmoid()


def relu(x):
    """max(0, x)."""
    return lift(x, "relu").relu()
