"""What an exercise is: the function a student writes, the cases it is checked on, the reference.

An :class:`Exercise` holds data only (its cases are plain arrays and numbers), so the same spec
serves the self-check in the notebook and the batch grader, which computes the student's answers
in a child process and compares them in its own.
"""
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["Case", "Exercise", "compare", "describe"]


@dataclass(frozen=True)
class Case:
    """One call ``fn(*args, **kwargs)`` of the student's function."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    """A graded exercise.

    Attributes
    ----------
    id : str
        "chapter.number", e.g. "1.2".
    name : str
        The name of the function the student defines in the notebook.
    title : str
        One line shown in feedback.
    reference : callable
        The instructor's answer; the expected output of each case is ``reference(*args)``.
    cases : tuple of Case
        Inputs, simplest first, so the first failure is the easiest to understand.
    hint : str
        Printed when a case fails.
    points : float
        Weight in the gradebook.
    rtol, atol : float
        Tolerances for floating-point outputs.
    """

    id: str
    name: str
    title: str
    reference: Callable
    cases: tuple
    hint: str
    points: float = 1.0
    rtol: float = 1e-6
    atol: float = 1e-8

    @property
    def chapter(self):
        return int(self.id.split(".")[0])

    def expected(self, case):
        """The reference answer for ``case``."""
        return self.reference(*case.args, **case.kwargs)


def _is_number(x):
    return isinstance(x, (int, float, np.integer, np.floating, bool, np.bool_))


def compare(expected, got, rtol=1e-6, atol=1e-8, where="output"):
    """None if ``got`` matches ``expected``; otherwise one sentence saying where they differ.

    Tuples and lists are compared item by item, arrays by shape then values (allclose),
    numbers with the tolerances, anything else with ``==``.

    Examples
    --------
    >>> compare((np.array([1.0, 2.0]), 3), (np.array([1.0, 2.5]), 3))
    'output[0] differs at index (1,): expected 2, got 2.5'
    >>> compare(np.zeros(2), np.zeros(3))
    'output has shape (3,); expected shape (2,)'
    """
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"{where} should be a {type(expected).__name__} of {len(expected)} items; got {type(got).__name__}"
        if len(got) != len(expected):
            return f"{where} should have {len(expected)} items; got {len(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            message = compare(e, g, rtol, atol, f"{where}[{i}]")
            if message:
                return message
        return None
    if isinstance(expected, np.ndarray) or (_is_number(expected) and not isinstance(expected, (bool, np.bool_))):
        try:
            g = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"{where} should be numeric; got {type(got).__name__}"
        e = np.asarray(expected, dtype=float)
        if g.shape != e.shape:
            return f"{where} has shape {g.shape}; expected shape {e.shape}"
        close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        if not np.all(close):
            index = tuple(int(i) for i in np.argwhere(~close)[0])
            at = f" at index {index}" if index else ""
            return f"{where} differs{at}: expected {e[index]:.6g}, got {g[index]:.6g}"
        return None
    if got != expected:
        return f"{where} should be {expected!r}; got {got!r}"
    return None


def describe(value, limit=300):
    """A short, deterministic text form of an input or output for feedback."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, suppress_small=True, threshold=20, edgeitems=3, separator=", ")
        text = " ".join(text.split())  # one line
        text = f"array(shape={value.shape}) {text}" if value.size > 6 else f"array({text})"
    elif isinstance(value, list):
        text = "[" + ", ".join(describe(v, limit) for v in value) + "]"
    elif isinstance(value, tuple):
        text = "(" + ", ".join(describe(v, limit) for v in value) + ("," if len(value) == 1 else "") + ")"
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
