"""Graded exercises: the specs, the self-check students call, and the notebook builder.

Exercises are written once, in ``solutions/NN_chapter.ipynb``; ``coursepkg exercises build``
writes the student version to ``exercises/``. In either notebook a student checks an answer with

>>> from coursepkg.exercises import check
>>> def count_parameters(layer_sizes):
...     return sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
>>> check("1.2", count_parameters)
✔ Exercise 1.2 (count_parameters) passed: 6/6 cases.
"""
import copy
from dataclasses import dataclass

from .._chapters import chapter_modules
from .judges import Choice, Judge, Numeric, Property
from .spec import Case, Derivation, Exercise, call_text, compare, describe

__all__ = ["Case", "Exercise", "Derivation", "Judge", "Choice", "Numeric", "Property", "CheckResult", "check",
           "run_checks", "all_exercises", "all_derivations", "get_exercise", "compare"]

# Failed self-checks per exercise id in this kernel: the hint gets stronger from the second failure.
# The only state the package keeps besides the figure registry; a restarted kernel starts again.
_FAILURES = {}


def all_exercises():
    """Every registered exercise, keyed by id, in chapter order."""
    return {exercise.id: exercise for module in chapter_modules(__path__, __name__) for exercise in module.EXERCISES}


def all_derivations():
    """Every derivation graded by hand, keyed by id, in chapter order."""
    return {d.id: d for module in chapter_modules(__path__, __name__) for d in getattr(module, "DERIVATIONS", ())}


def get_exercise(exercise_id):
    """The :class:`Exercise` with this id, e.g. ``get_exercise("1.1")``; a number such as 1.1 works too.

    >>> get_exercise(1.2).name
    'count_parameters'
    """
    exercises = all_exercises()
    key = exercise_id
    if isinstance(exercise_id, (int, float)) and not isinstance(exercise_id, bool):
        key = repr(float(exercise_id)) if isinstance(exercise_id, float) else str(exercise_id)
    if key not in exercises:
        raise ValueError(f"exercise_id must be one of the ids printed above the exercises, as a string such as "
                         f"\"3.1\"; got {exercise_id!r} ({type(exercise_id).__name__}). Known: {', '.join(exercises)}")
    return exercises[key]


@dataclass
class CheckResult:
    """Outcome of checking one exercise; its repr is the feedback shown in the notebook."""

    exercise_id: str
    name: str
    status: str  # "passed", "failed", "not implemented", "error"
    n_passed: int
    n_cases: int
    message: str

    @property
    def passed(self):
        return self.status == "passed"

    def __repr__(self):
        return self.message

    def __bool__(self):
        return self.passed




# When the failure itself says what went wrong, the hint is about that, not about the exercise.
_SITUATIONS = (
    ("changed one of its input arrays", "Your function modified an array it was given (with +=, -=, or by assigning "
     "into it), so the caller's data changed too. Build a new array, or work on a copy of the input."),
    ("where a finite number was expected", "A NaN or inf appeared: an exp overflowed, a log got 0, or something was "
     "divided by zero. Rewrite the formula so large or extreme inputs stay finite (numerical stability)."),
    ("has shape", "Compare your shape with the expected one: which axis did each sum, mean, max or product run "
     "over, did you keep that axis where you need it for broadcasting, and is a transpose missing?"),
)


def hint_lines(exercise, failures, problem=""):
    """The hint after the ``failures``-th failed check: chosen by the ``problem`` when it says what went
    wrong (in place, NaN, shape), else the exercise's nudge, with its stronger hint from the second failure."""
    for marker, hint in _SITUATIONS:
        if marker in problem:
            return [f"  Hint:     {hint}"]
    lines = [f"  Hint:     {exercise.hint}"]
    if failures >= 2 and exercise.hint2:
        lines.append(f"  Hint 2:   {exercise.hint2}")
    elif exercise.hint2:
        lines.append("  (Fails again? The next check adds a stronger hint.)")
    return lines


_EXPECTED = {}  # id(exercise) -> (exercise, expected answers): references of the larger tasks train models


def expected_answers(exercise):
    """The reference answer of every case of ``exercise``, computed once per exercise object."""
    entry = _EXPECTED.get(id(exercise))
    if entry is None or entry[0] is not exercise:
        entry = _EXPECTED[id(exercise)] = (exercise, [exercise.expected(case) for case in exercise.cases])
    return entry[1]


def run_checks(exercise, fn, failures=1):
    """Call ``fn`` on every case of ``exercise`` and compare with the reference.

    ``failures`` is how many times this exercise has failed so far, this time included: it picks the hint tier.
    """
    head = f"Exercise {exercise.id} ({exercise.name})"
    n = len(exercise.cases)
    if not callable(fn):
        return CheckResult(exercise.id, exercise.name, "error", 0, n,
                           f"✘ {head}: expected a function, got {type(fn).__name__}. Pass the function itself, "
                           f"without calling it: check({exercise.id!r}, {exercise.name}).")
    n_passed, first = 0, None
    for case, expected in zip(exercise.cases, expected_answers(exercise)):
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)  # the student may mutate them
        try:
            got = fn(*args, **kwargs)
        except NotImplementedError:
            return CheckResult(exercise.id, exercise.name, "not implemented", 0, n,
                               f"… {head}: not implemented yet. Replace the line `raise NotImplementedError(...)` "
                               f"in {exercise.name} with your code, then run this cell again.")
        except Exception as exc:  # noqa: BLE001 - any error in student code is feedback, not a crash
            got, problem = None, f"raised {type(exc).__name__}: {exc}"
        else:
            problem = compare(expected, got, exercise.rtol, exercise.atol)
            if problem is None and compare(case.args, args, 0.0, 0.0, "input") is not None:
                problem = "your function changed one of its input arrays in place; work on a copy"
        if problem is None:
            n_passed += 1
        elif first is None:
            first = (case, expected, got, problem)
    if first is None:
        return CheckResult(exercise.id, exercise.name, "passed", n, n, f"✔ {head} passed: {n}/{n} cases.")
    case, expected, got, problem = first
    lines = [
        f"✘ {head}: {n_passed}/{n} cases passed.",
        f"  First failing case: {call_text(exercise, case)}",
        f"  Expected: {describe(expected)}",
    ]
    if not problem.startswith("raised"):
        lines.append(f"  Got:      {describe(got)}")
    lines += [f"  Problem:  {problem}", *hint_lines(exercise, failures, problem)]
    return CheckResult(exercise.id, exercise.name, "failed", n_passed, n, "\n".join(lines))


def check(exercise_id, fn):
    """Check your function for exercise ``exercise_id``; the result displays as feedback.

    Parameters
    ----------
    exercise_id : str
        As printed above the exercise, e.g. "1.1" (the number 1.1 is accepted too).
    fn : callable
        Your function (pass it, do not call it).

    Returns
    -------
    CheckResult
        Shown as a message: passed, or the first failing input with expected vs got, the tolerance,
        and a hint that gets stronger from the second failure on.
    """
    exercise = get_exercise(exercise_id)
    result = run_checks(exercise, fn, failures=_FAILURES.get(exercise.id, 0) + 1)
    if result.status == "failed":
        _FAILURES[exercise.id] = _FAILURES.get(exercise.id, 0) + 1
    return result
