"""What an exercise is: the function a student writes, the cases it is checked on, the reference.

An :class:`Exercise` holds data only (its cases are plain arrays and numbers), so the same spec
serves the self-check in the notebook and the batch grader, which computes the student's answers
in a child process and compares them in its own.

A reference returns either the expected output (compared with :func:`compare`, within the stated
tolerances) or a :class:`Judge`: an expected answer that judges the student's output itself, for
tasks checked by properties (the loss decreases, held-out accuracy above a bar) and for questions
whose answer must not be shown. Both paths go through :func:`compare`, so the notebook and the
grader always agree.
"""
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .judges import Judge

__all__ = [
    'Case', 'Exercise', 'Derivation', 'question', 'compare', 'describe', 'tolerance_text', 'FLOAT32_RTOL',
]

#: float32 carries about 7 significant digits, so a float32 answer is compared with at least this rtol.
FLOAT32_RTOL = 1e-4


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
        The instructor's answer; the expected output of each case is ``reference(*args)`` (a
        value, or a :class:`~coursepkg.exercises.judges.Judge` that judges the answer itself).
    cases : tuple of Case
        Inputs, simplest first, so the first failure is the easiest to understand.
    hint : str
        The first hint, a nudge: printed at the first failure (and by the grader).
    hint2 : str
        A stronger hint, added from the second failure of the self-check on. Never the solution.
    points : float
        Weight in the gradebook.
    rtol, atol : float
        Tolerances for floating-point outputs (printed on failure); float32 answers get
        ``rtol = max(rtol, FLOAT32_RTOL)``.
    kind : str
        "code" (a function of real size) or "question" (a conceptual or numeric answer returned
        by a function without arguments).
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
    hint2: str = ""
    kind: str = "code"

    @property
    def chapter(self):
        return int(self.id.split(".")[0])

    def expected(self, case):
        """The reference answer for ``case``."""
        return self.reference(*case.args, **case.kwargs)


@dataclass(frozen=True)
class Derivation:
    """A derivation graded by hand: collected per student, scored by the instructor, merged back.

    The student answers in the Markdown cell that follows the prompt; in the solution notebook
    that cell (tagged ``solution``) holds the model answer, and its metadata ``derivation`` is this
    id, which is how :mod:`coursepkg.grading.manual` finds the student's answer.
    """

    id: str
    title: str
    points: float = 2.0
    rubric: str = ""

    @property
    def chapter(self):
        return int(self.id.split(".")[0])


def _is_number(x):
    return isinstance(x, (int, float, np.integer, np.floating, bool, np.bool_))


def _has_float32(value):
    if isinstance(value, (tuple, list)):
        return any(_has_float32(v) for v in value)
    return getattr(value, "dtype", None) == np.float32


def tolerance_text(rtol, atol):
    """How close is close enough, in words printed with every numeric failure.

    >>> tolerance_text(1e-6, 1e-8)
    'tolerance |got - expected| <= 1e-08 + 1e-06 * |expected|'
    """
    return f"tolerance |got - expected| <= {atol:.3g} + {rtol:.3g} * |expected|"


def _diagnose(e, g, rtol, atol):
    """A sentence naming a typical mistake the numbers show, or ''."""
    if e.size == 0 or not np.all(np.isfinite(e)):
        return ""
    if np.allclose(g, -e, rtol=rtol, atol=atol) and np.any(np.abs(e) > atol):
        return " Every entry has the opposite sign: look for a sign flip."
    nonzero = np.abs(e) > 1e-12
    if np.count_nonzero(nonzero) >= 1 and np.all(np.abs(g[~nonzero]) <= atol):
        ratio = g[nonzero] / e[nonzero]
        if np.all(np.isfinite(ratio)) and np.ptp(ratio) <= 1e-6 * max(1.0, abs(ratio[0])) and ratio[0] > 0:
            # only whole factors (n, 2, a batch size) point at a forgotten or doubled normalisation
            for factor, word in ((ratio[0], "times"), (1.0 / ratio[0], "divided by")):
                if factor >= 1.5 and abs(factor - round(factor)) < 1e-6 * factor:
                    return (f" Your answer is the expected one {word} {round(factor)}: a missing or extra "
                            f"normalisation (a 1/n, a mean, a factor 2)?")
    return ""


def _compare_arrays(e, g, rtol, atol, where):
    if g.shape != e.shape:
        extra = ""
        if g.ndim == 2 and g.shape == e.shape[::-1]:
            extra = " It looks transposed."
        elif g.size == e.size:
            extra = " Same number of entries: check which axis you reduced over, and keepdims."
        elif g.ndim != e.ndim:
            extra = " A different number of axes: check the axis of each sum, mean or max."
        return f"{where} has shape {g.shape}; expected shape {e.shape}.{extra}"
    bad_e = ~np.isfinite(e)
    if np.any(~np.isfinite(g) & np.isfinite(e)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(g) & np.isfinite(e))[0])
        at = f" at index {index}" if index else ""
        return (f"{where} is {g[index]}{at} where a finite number was expected: an exp or a log overflowed, "
                f"or something was divided by zero (numerical stability)")
    close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True) | (bad_e & (g == e))
    if not np.all(close):
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        at = f" at index {index}" if index else ""
        n_bad = int(np.count_nonzero(~close))
        count = f" ({n_bad} of {close.size} entries differ)" if close.size > 1 else ""
        return (f"{where} differs{at}: expected {e[index]:.6g}, got {g[index]:.6g}{count}; "
                f"{tolerance_text(rtol, atol)}.{_diagnose(e, g, rtol, atol)}")
    return None


def compare(expected, got, rtol=1e-6, atol=1e-8, where="output"):
    """None if ``got`` matches ``expected``; otherwise one sentence saying where they differ.

    Tuples and lists are compared item by item, arrays by shape then values (within
    ``atol + rtol * |expected|``, printed on failure; at least ``FLOAT32_RTOL`` for float32
    answers), numbers with the tolerances, a :class:`Judge` by its own rule, anything else with ``==``.

    Examples
    --------
    >>> compare((np.array([1.0, 2.0]), 3), (np.array([1.0, 2.5]), 3))
    'output[0] differs at index (1,): expected 2, got 2.5 (1 of 2 entries differ); tolerance |got - expected| <= 1e-08 + 1e-06 * |expected|.'
    >>> compare(np.zeros(2), np.zeros(3))
    'output has shape (3,); expected shape (2,).'
    """
    if isinstance(expected, Judge):
        return expected.judge(got, where)
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
        if _has_float32(got):
            rtol = max(rtol, FLOAT32_RTOL)
        try:
            g = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"{where} should be numeric; got {type(got).__name__}"
        return _compare_arrays(np.asarray(expected, dtype=float), g, rtol, atol, where)
    if got != expected:
        return f"{where} should be {expected!r}; got {got!r}"
    return None


def _summary(value):
    flat = value.ravel()
    head = ", ".join(np.format_float_positional(x, precision=4, trim="-") if np.issubdtype(value.dtype, np.floating)
                     else repr(x.item()) for x in flat[:4])
    return f"array(shape={value.shape}, dtype={value.dtype}, first entries [{head}, ...])"


def describe(value, max_items=6):
    """A short, deterministic text form of an input or output for feedback.

    Small arrays are printed whole; a large one is summarised (shape, dtype, its first entries),
    never cut in the middle. Lists of more than ``max_items`` items show the first ones and the count.

    >>> describe(np.arange(30.0).reshape(3, 10))
    'array(shape=(3, 10), dtype=float64, first entries [0, 1, 2, 3, ...])'
    >>> describe([np.eye(2), 0.5])
    '[array([[1., 0.], [0., 1.]]), 0.5]'
    """
    if isinstance(value, Judge):
        return value.describe()
    if isinstance(value, np.ndarray):
        if value.size > 12:
            return _summary(value)
        text = np.array2string(value, precision=4, suppress_small=True, separator=", ", threshold=100)
        return f"array({' '.join(text.split())})"
    if isinstance(value, (list, tuple)):
        items = [describe(v, max_items) for v in value[:max_items]]
        if len(value) > max_items:
            items.append(f"... ({len(value)} items in all)")
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(value) == 1 else "") + ")"
        return "[" + ", ".join(items) + "]"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return repr(value)


def call_text(exercise, case):
    """The call a case stands for, as a student would type it: ``name(param=value, ...)``."""
    try:
        params = list(inspect.signature(exercise.reference).parameters)
    except (TypeError, ValueError):
        params = []
    parts = [f"{params[i]}={describe(a)}" if i < len(params) else describe(a) for i, a in enumerate(case.args)]
    parts += [f"{k}={describe(v)}" for k, v in case.kwargs.items()]
    return f"{exercise.name}({', '.join(parts)})"


def question(id, name, title, answer, hint, hint2="", points=1.0):
    """An auto-graded question: the student writes ``name()`` returning the answer; ``answer`` is a Judge.

    >>> from coursepkg.exercises.judges import Numeric
    >>> q = question("9.1", "answer_9_1", "Two plus two", Numeric(4, integer=True), "Count.")
    >>> compare(q.expected(q.cases[0]), 5)
    'got 5, which is not the expected number (tolerance |got - expected| <= 1e-08 + 1e-06 * |expected|)'
    """
    def _answer():
        return answer

    return Exercise(id=id, name=name, title=title, reference=_answer, cases=(Case(),), hint=hint, hint2=hint2,
                    points=points, kind="question")
