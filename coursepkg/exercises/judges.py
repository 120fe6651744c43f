"""Expected answers that judge a student's output themselves.

A reference may return a :class:`Judge` instead of a value. :func:`~coursepkg.exercises.spec.compare`
then calls ``judge(got)``, which returns None (accepted) or one sentence saying what is wrong,
without ever printing the answer. Three kinds:

- :class:`Choice`: a multiple-choice question (the letter is not revealed);
- :class:`Numeric`: a number within a stated tolerance (the number is not revealed);
- :class:`Property`: a coding task checked by properties on seeded data (the loss decreases,
  held-out accuracy above a bar, the chosen k within the reference's tie set), each property a
  function of the student's output that returns a problem or None.

Judges run in the grader's own process on the student's answer as data, so a submission cannot
change a verdict. Their ``repr`` is deterministic: the grader fingerprints it to reuse records.
"""
from abc import ABC, abstractmethod

import numpy as np

__all__ = ["Judge", "Choice", "Numeric", "Property"]


class Judge(ABC):
    """Base class: ``judge(got, where)`` -> None or a problem; ``describe()`` -> what is expected, in words."""

    @abstractmethod
    def judge(self, got, where="output"):
        """None if ``got`` is right, else the problem in words (naming ``where``)."""

    @abstractmethod
    def describe(self):
        """What is expected, in words, without giving the answer away."""

    def __repr__(self):
        return f"{type(self).__name__}({self.describe()})"


class Choice(Judge):
    """The answer to a multiple-choice question: one of ``options``, compared case-insensitively.

    >>> Choice("b", "abcd").judge("B") is None
    True
    >>> Choice("b", "abcd").judge("a")
    "'a' is not the right choice; think again about what each option would imply"
    >>> Choice("b", "abcd").judge(2)
    "the answer must be one of the letters 'a', 'b', 'c', 'd' as a string, e.g. return 'a'; got 2 (int)"
    """

    def __init__(self, answer, options):
        self.options = tuple(str(o).lower() for o in options)
        self._answer = str(answer).lower()
        if self._answer not in self.options:
            raise ValueError(f"answer must be one of options {self.options}; got {answer!r}")

    def judge(self, got, where="output"):
        letters = ", ".join(repr(o) for o in self.options)
        if not isinstance(got, str) or got.strip().lower() not in self.options:
            return (f"the answer must be one of the letters {letters} as a string, e.g. return {self.options[0]!r}; "
                    f"got {got!r} ({type(got).__name__})")
        if got.strip().lower() != self._answer:
            return f"{got.strip().lower()!r} is not the right choice; think again about what each option would imply"
        return None

    def describe(self):
        return f"one of {', '.join(repr(o) for o in self.options)} (the right one is not shown)"

    def __repr__(self):  # the grader's fingerprint needs the answer; feedback uses describe()
        return f"Choice({self._answer!r}, {self.options})"


class Numeric(Judge):
    """A number within ``atol + rtol * |value|`` of ``value``; the value itself is never printed.

    >>> Numeric(13, atol=0).judge(13.0) is None
    True
    >>> Numeric(13, atol=0).judge(12)
    'got 12, which is not the expected number (tolerance |got - expected| <= 0 + 1e-06 * |expected|)'
    """

    def __init__(self, value, rtol=1e-6, atol=1e-8, integer=False):
        self._value, self.rtol, self.atol, self.integer = float(value), float(rtol), float(atol), bool(integer)

    def judge(self, got, where="output"):
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)) \
                and not (isinstance(got, np.ndarray) and got.shape == ()):
            return f"the answer must be a single number; got {got!r} ({type(got).__name__})"
        g = float(got)
        if not np.isfinite(g):
            return f"got {g}, which is not a finite number"
        if self.integer and g != round(g):
            return f"the answer is a whole number (a count); got {g:g}"
        if abs(g - self._value) > self.atol + self.rtol * abs(self._value):
            return (f"got {g:.7g}, which is not the expected number "
                    f"(tolerance |got - expected| <= {self.atol:.3g} + {self.rtol:.3g} * |expected|)")
        return None

    def describe(self):
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} (not shown), tolerance {self.atol:.3g} + {self.rtol:.3g} * |expected|"

    def __repr__(self):
        return f"Numeric({self._value!r}, rtol={self.rtol}, atol={self.atol})"


class Property(Judge):
    """Check the output against named properties, in order; the first that fails is the problem.

    Parameters
    ----------
    text : str
        What a right answer looks like, in words (shown as "Expected").
    checks : sequence of callable
        Each ``check(got) -> None | str``; they run in order, so put the shape check first.
    key : str
        A deterministic summary of the reference numbers behind the checks (for the grader's fingerprint).

    >>> nonneg = Property("a non-negative number", [lambda g: None if g >= 0 else f"got {g}, which is negative"])
    >>> nonneg.judge(-1.0)
    'got -1.0, which is negative'
    """

    def __init__(self, text, checks, key=""):
        self.text, self.checks, self.key = text, tuple(checks), key

    def judge(self, got, where="output"):
        for check in self.checks:
            try:
                problem = check(got)
            except Exception as exc:  # noqa: BLE001 - an answer of the wrong kind must read as feedback
                return f"{where} could not be checked ({type(exc).__name__}: {exc}); see the expected form above"
            if problem:
                return problem
        return None

    def describe(self):
        return self.text

    def __repr__(self):
        return f"Property({self.text!r}, key={self.key!r})"
