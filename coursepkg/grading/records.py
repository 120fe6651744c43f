"""What the grader records: one :class:`GradeRecord` per submission, one :class:`ExerciseResult` per exercise.

The shapes are fixed here, once. ``to_dict()`` gives the JSON-ready form that ``records/<student>.json``
holds (and from which the gradebook, feedback and ``results.json`` are written); ``from_dict()``
reads it back and refuses anything else with a ``ValueError`` naming the field: an unknown or
missing key, a value of the wrong type, a status outside the sets below. A resumed batch reads
records written by an earlier run, so a damaged or foreign file must be refused (and the notebook
re-graded), never trusted.
"""
from dataclasses import dataclass, field, fields

__all__ = ["RECORD_STATUSES", "ROW_STATUSES", "NOT_RUN", "NOT_COUNTED", "Failure", "CellError", "ExerciseResult",
           "GradeRecord"]

# A submission: "graded" (the notebook ran to its end), what stopped it early ("timeout", "crashed",
# "stopped"), what kept it from running ("unreadable", "error": a grader bug), and the notebooks listed
# but not run ("superseded", "skipped": another notebook of the student counts; "not graded": the batch
# was stopped first).
RECORD_STATUSES = frozenset({"graded", "timeout", "crashed", "stopped", "unreadable", "error", "superseded",
                             "skipped", "not graded"})
NOT_RUN = frozenset({"superseded", "skipped"})  # listed beside the student's graded notebook
NOT_COUNTED = NOT_RUN | {"not graded"}  # no total in the gradebook
# An exercise: "passed"/"failed" (called on every case), or why it earned 0 without being called.
ROW_STATUSES = frozenset({"passed", "failed", "missing", "not implemented", "not graded", "error"})

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list"}


def _checked(owner, name, value, expected, optional=False):
    """``value`` if it is an ``expected`` (a float field also takes an int, made float); else ValueError."""
    if value is None and optional:
        return None
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, expected) and (expected is bool or not isinstance(value, bool)):
        return value
    what = _TYPE_NAMES.get(expected, f"a {expected.__name__}") + (" or null" if optional else "")
    raise ValueError(f"{owner}.{name} must be {what}; got {type(value).__name__} {_short(value)}")


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _checked_list(owner, name, values, item):
    """A list whose entries are ``item`` (a type, or a record class whose dicts are converted)."""
    _checked(owner, name, values, list)
    convert = getattr(item, "from_dict", None)
    out = []
    for k, v in enumerate(values):
        if convert is not None and isinstance(v, dict):
            v = convert(v)
        out.append(_checked(owner, f"{name}[{k}]", v, item))
    return out


def _set(obj, name, value):
    object.__setattr__(obj, name, value)  # the classes are frozen; __post_init__ stores checked values


def _keys_checked(cls, d):
    """The constructor's keyword arguments from ``d``: exactly the class's fields, no more, no fewer."""
    if not isinstance(d, dict):
        raise ValueError(f"a {cls.__name__} must be a JSON object; got {type(d).__name__} {_short(d)}")
    names = [f.name for f in fields(cls)]
    unknown = [k for k in d if k not in names]
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field {unknown[0]!r} (the fields are {', '.join(names)})")
    missing = [n for n in names if n not in d]
    if missing:
        raise ValueError(f"{cls.__name__}: missing field {missing[0]!r}")
    return dict(d)


def _status_checked(owner, value, allowed):
    _checked(owner, "status", value, str)
    if value not in allowed:
        raise ValueError(f"{owner}.status must be one of {', '.join(sorted(allowed))}; got {value!r}")
    return value


class _Record:
    """``to_dict``/``from_dict`` for the frozen dataclasses below (fields in declaration order)."""

    def to_dict(self):
        """The JSON-ready dict: every field, in declaration order, nested records as dicts."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, d):
        """The record ``d`` describes; ValueError naming the field for an unknown, missing or mistyped one."""
        return cls(**_keys_checked(cls, d))


def _plain(value):
    if isinstance(value, _Record):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Failure(_Record):
    """The first failing case of an exercise: its index, the call, expected and got (as text), the problem.

    Examples
    --------
    >>> f = Failure(case=0, call="f(x=1)", expected="2", got=None, problem="raised ValueError")
    >>> Failure.from_dict(f.to_dict()) == f, f.to_dict()["got"]
    (True, None)
    """

    case: int
    call: str
    expected: str
    got: str | None
    problem: str

    def __post_init__(self):
        for name in ("case", "call", "expected", "problem"):
            _set(self, name, _checked("Failure", name, getattr(self, name), int if name == "case" else str))
        _checked("Failure", "got", self.got, str, optional=True)


@dataclass(frozen=True)
class CellError(_Record):
    """A notebook cell (its index among the code cells run) that raised, and the exception as text.

    Examples
    --------
    >>> CellError.from_dict({"cell": 3, "error": "ZeroDivisionError: division by zero"}).cell
    3
    """

    cell: int
    error: str

    def __post_init__(self):
        _checked("CellError", "cell", self.cell, int)
        _checked("CellError", "error", self.error, str)


@dataclass(frozen=True)
class ExerciseResult(_Record):
    """One exercise of one submission: points earned of ``points``, cases passed, status and reason.

    ``kind`` says how the row was graded (``"function"``: by calling the student's function);
    ``private``: an instructor check, whose inputs students never see.

    Examples
    --------
    >>> row = ExerciseResult(id="1.2", kind="function", name="count_parameters", title="Count",
    ...                      points=2, n_cases=4, n_passed=3, score=1.5, private=False, hint="h",
    ...                      failure=None, status="failed", reason="3/4 cases passed")
    >>> row.points, ExerciseResult.from_dict(row.to_dict()) == row
    (2.0, True)
    >>> ExerciseResult.from_dict({**row.to_dict(), "status": "almost"})
    Traceback (most recent call last):
    ValueError: ExerciseResult.status must be one of error, failed, missing, not graded, not implemented, passed; got 'almost'
    """

    id: str
    kind: str
    name: str
    title: str
    points: float
    n_cases: int
    n_passed: int
    score: float
    private: bool
    hint: str
    failure: Failure | None
    status: str
    reason: str

    def __post_init__(self):
        types = {"id": str, "kind": str, "name": str, "title": str, "points": float, "n_cases": int,
                 "n_passed": int, "score": float, "private": bool, "hint": str, "reason": str}
        for name, expected in types.items():
            _set(self, name, _checked("ExerciseResult", name, getattr(self, name), expected))
        if isinstance(self.failure, dict):
            _set(self, "failure", Failure.from_dict(self.failure))
        _checked("ExerciseResult", "failure", self.failure, Failure, optional=True)
        _status_checked("ExerciseResult", self.status, ROW_STATUSES)

    @classmethod
    def of(cls, exercise, private, status, reason, n_passed=0, failure=None):
        """The row of ``exercise``: earns ``points * n_passed / n_cases`` (0 unless it was called)."""
        n_cases = len(exercise.cases)
        return cls(id=exercise.id, kind="function", name=exercise.name, title=exercise.title,
                   points=float(exercise.points), n_cases=n_cases, n_passed=n_passed,
                   score=float(exercise.points) * n_passed / max(1, n_cases), private=private,
                   hint=exercise.hint, failure=failure, status=status, reason=reason)


@dataclass(frozen=True)
class GradeRecord(_Record):
    """One submission: status and reason, score of ``max_score``, one :class:`ExerciseResult` per exercise.

    ``flags``: integrity findings (they do not change the score); ``output``: the child's captured
    output (``output_bytes`` before the cap) and ``seconds`` its CPU time; ``chapter``: the chapter
    graded (None when it could not be told); ``sha256`` of the notebook and ``fingerprint`` of the
    checks and limits decide whether a resumed batch may reuse the record; ``late``: modified after
    the deadline.

    Examples
    --------
    >>> r = GradeRecord.ungraded("ada", "ada/01.ipynb", "superseded", "resubmitted as 01-1.ipynb", "bubblewrap")
    >>> r.score, r.counted, GradeRecord.from_dict(r.to_dict()) == r
    (0.0, False, True)
    >>> GradeRecord.from_dict({**r.to_dict(), "score": "9"})
    Traceback (most recent call last):
    ValueError: GradeRecord.score must be a number; got str '9'
    >>> GradeRecord.from_dict({**r.to_dict(), "grade": "A"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: GradeRecord: unknown field 'grade' (the fields are submission, status, reason, ...)
    """

    submission: str
    status: str
    reason: str = ""
    flags: list = field(default_factory=list)
    output: str = ""
    output_bytes: int = 0
    seconds: float = 0.0
    chapter: int | None = None
    exercises: list = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    sha256: str = ""
    sandbox: str = "bubblewrap"
    cell_errors: list = field(default_factory=list)
    student: str = ""
    fingerprint: str = ""
    late: bool = False

    def __post_init__(self):
        types = {"submission": str, "reason": str, "output": str, "output_bytes": int, "seconds": float,
                 "score": float, "max_score": float, "sha256": str, "sandbox": str, "student": str,
                 "fingerprint": str, "late": bool}
        for name, expected in types.items():
            _set(self, name, _checked("GradeRecord", name, getattr(self, name), expected))
        _status_checked("GradeRecord", self.status, RECORD_STATUSES)
        _checked("GradeRecord", "chapter", self.chapter, int, optional=True)
        _set(self, "flags", _checked_list("GradeRecord", "flags", self.flags, str))
        _set(self, "exercises", _checked_list("GradeRecord", "exercises", self.exercises, ExerciseResult))
        _set(self, "cell_errors", _checked_list("GradeRecord", "cell_errors", self.cell_errors, CellError))

    @property
    def counted(self):
        """Whether the gradebook shows a total for this record (not superseded, skipped or not graded)."""
        return self.status not in NOT_COUNTED

    @classmethod
    def ungraded(cls, student, submission, status, reason, sandbox):
        """A notebook the grader did not run: superseded, skipped, not graded, or no notebook at all."""
        return cls(submission=str(submission), status=status, reason=reason, sandbox=sandbox, student=student)

    @classmethod
    def error(cls, student, submission, exc, sandbox):
        """A notebook on which the grader itself failed with ``exc``: status "error", score 0, the reason."""
        return cls(submission=str(submission), status="error", sandbox=sandbox, student=student,
                   reason=f"grader error: {type(exc).__name__}: {str(exc)[:300]}")
