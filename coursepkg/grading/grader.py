"""Grade one notebook: run it in a child, compare its answers with references computed here.

Scoring policy (also in the README):

- each exercise is worth its ``points`` (its weight, 1 by default); it earns
  ``points * passed_cases / n_cases`` (partial credit per case);
- a case passes when :func:`coursepkg.exercises.spec.compare` finds the answer equal to the
  reference within the exercise's tolerances and the function left its inputs unchanged, the same
  rule as the in-notebook self-check;
- whatever could not be graded (timeout, crash, function missing, answer not data) earns 0 with
  the reason;
- the chapter is ``chapter`` if given, else the one whose exercise functions the notebook defines
  most of, else the one its file name starts with (``01_perceptrons.ipynb``): so an unreadable file
  named as the course names its notebooks still gets that chapter's exercises, each at 0;
- time limits are CPU seconds of the submission's own process (``timeout`` per notebook,
  ``call_timeout`` per call), so a grade does not depend on how loaded the machine is; a
  generous wall-clock ceiling (``wall_timeout``) only stops a notebook that sleeps;
- integrity flags do not change the score: they mark the row for the instructor to look at.
"""
import copy
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..exercises.spec import call_text, compare, describe
from . import protocol
from .records import CellError, ExerciseResult, Failure, GradeRecord
from .sandbox import run_child
from .submission import (SubmissionError, chapter_from_name, code_cells, guess_chapter, integrity_flags, is_self_check,
                         read_bytes_checked)

__all__ = ["GradeOptions", "Reference", "references_for", "grade_notebook"]


@dataclass(frozen=True)
class GradeOptions:
    """Limits for one submission's child process (CPU seconds), and whether it runs under bubblewrap."""

    timeout: float = 120.0
    memory_mb: int = 2048
    call_timeout: float = 10.0
    output_cap: int = 65536
    wall_timeout: float = None  # default max(60, 3 * timeout)
    sandbox: bool = True

    def __post_init__(self):
        for name in ("timeout", "call_timeout", "memory_mb", "output_cap"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number; got {value!r}")
        if self.wall_timeout is not None and not self.wall_timeout > 0:
            raise ValueError(f"wall_timeout must be a positive number or None; got {self.wall_timeout!r}")


@dataclass
class Reference:
    """An exercise with its expected answers, computed once per batch in the grader's process."""

    exercise: object
    private: bool = False
    expected: list = field(default_factory=list)


def references_for(exercises, private_ids=()):
    """``{id: Reference}`` with every case's expected answer computed now (on copies of the inputs)."""
    refs = {}
    for exercise in exercises:
        expected = []
        for k, case in enumerate(exercise.cases):
            try:
                expected.append(exercise.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
            except Exception as exc:
                raise ValueError(f"the reference of exercise {exercise.id} fails on case {k}: {exc}") from exc
        refs[exercise.id] = Reference(exercise, exercise.id in private_ids, expected)
    return refs


def _contains_unencodable(value):
    if isinstance(value, protocol.Unencodable):
        return value
    if isinstance(value, (list, tuple)):
        for v in value:
            found = _contains_unencodable(v)
            if found is not None:
                return found
    if isinstance(value, dict):
        return _contains_unencodable(list(value.values()))
    return None


def _score_cases(ref, outcomes):
    """(n_passed, first :class:`.Failure` or None) for the case outcomes of an answer with status "called"."""
    exercise = ref.exercise
    n_passed, first = 0, None
    for k, (case, expected) in enumerate(zip(exercise.cases, ref.expected)):
        outcome = outcomes[k] if k < len(outcomes) and isinstance(outcomes[k], dict) else {"status": "error", "error": "not run (an earlier case timed out)"}
        got, problem = None, None
        if outcome.get("status") == "ok":
            got = outcome.get("value")
            bad = _contains_unencodable(got)
            if bad is not None:
                problem = f"returned {bad.what}, not numbers or arrays"
            else:
                try:
                    problem = compare(expected, got, exercise.rtol, exercise.atol)
                except Exception as exc:  # noqa: BLE001 - an answer of a shape compare never expected
                    problem = f"answer could not be compared with the expected one ({type(exc).__name__})"
                if problem is None:
                    try:
                        changed = compare(case.args, outcome.get("args"), 0.0, 0.0, "input") is not None \
                            or compare(case.kwargs, outcome.get("kwargs"), 0.0, 0.0, "input") is not None
                    except Exception:  # noqa: BLE001
                        changed = True
                    if changed:
                        problem = "your function changed one of its input arrays in place; work on a copy"
        else:
            problem = str(outcome.get("error", "no answer"))[:400]
        if problem is None:
            n_passed += 1
        elif first is None:
            first = Failure(case=k, call=call_text(exercise, case), expected=describe(expected),
                            got=None if got is None else describe(got), problem=problem)
    return n_passed, first


def _missing_reason(name, cell_errors):
    reason = f"function {name} is not defined in the notebook"
    if cell_errors:
        reason += f" (cell {cell_errors[0].cell} raised {cell_errors[0].error})"
    return reason


def _grade_exercise(ref, answer, problem, cell_errors):
    """The :class:`.ExerciseResult` of one exercise from the child's ``answer`` (None: none came back, ``problem`` says why)."""
    exercise = ref.exercise

    def row(status, reason, n_passed=0, failure=None):
        return ExerciseResult.of(exercise, ref.private, status, reason, n_passed, failure)

    if answer is None:
        return row("not graded", problem or "no answer came back")
    if not isinstance(answer, dict):  # only a tampered answer file: the child always writes a dict
        return row("error", "malformed answer")
    status = answer.get("status")
    if status == "missing":
        return row("missing", _missing_reason(exercise.name, cell_errors))
    if status == "not callable":
        return row("missing", f"{exercise.name} is a {answer.get('type')}, not a function")
    if status == "not implemented":
        return row("not implemented", "not implemented (the function still raises NotImplementedError)")
    if status == "called" and isinstance(answer.get("cases"), list):
        n_passed, first = _score_cases(ref, answer["cases"])
        if first is None:
            return row("passed", "", n_passed)
        return row("failed", f"{n_passed}/{len(exercise.cases)} cases passed; first failure: {first.problem}", n_passed, first)
    if status == "called":  # only a tampered answer file: the child always writes a list
        return row("error", "the answer file is malformed")
    return row("error", str(answer.get("error", "malformed answer"))[:400])


def _cell_errors(raw):
    """The child's cell errors as :class:`.CellError` (entries of another shape, possible only if tampered with, are dropped)."""
    return [CellError(e["cell"], e["error"]) for e in raw if isinstance(e, dict) and set(e) == {"cell", "error"}
            and isinstance(e["cell"], int) and not isinstance(e["cell"], bool) and isinstance(e["error"], str)]


def grade_notebook(path, refs, chapter=None, options=GradeOptions(), workdir=None, hidden=(), group=""):
    """Grade the notebook at ``path`` against ``refs`` (``{id: Reference}``, every chapter).

    ``workdir``: a folder that does not exist yet, the child's only writable place (default: a new
    temporary one); ``hidden``: paths the sandbox must not show even if they lie in a folder it mounts;
    ``group``: a tag for the child's processes (:func:`.sandbox.work_marker`).
    Returns a :class:`.GradeRecord`: status, score, max_score, one :class:`.ExerciseResult` per
    exercise, integrity flags, the reason for any 0, the child's captured output (``student`` is
    left empty: the batch fills it in). Never raises for a bad submission.
    """
    path = Path(path)
    record = GradeRecord(submission=str(path), status="graded", chapter=chapter,
                         sandbox="bubblewrap" if options.sandbox else "none (--no-sandbox)")
    exercises = [r.exercise for r in refs.values()]
    try:
        data = read_bytes_checked(path)
        record = replace(record, sha256=hashlib.sha256(data).hexdigest())
        cells = code_cells(data)
        del data
    except SubmissionError as exc:
        cells, record = None, replace(record, status="unreadable", reason=str(exc))
    if chapter is None:  # the functions it defines, else its file name (what an unreadable file still has)
        chapter = guess_chapter(cells, exercises) if cells is not None else None
        if chapter is None:
            chapter = chapter_from_name(path, {e.chapter for e in exercises})
        record = replace(record, chapter=chapter)
    chosen = [r for r in refs.values() if r.exercise.chapter == chapter] if chapter is not None else []
    record = replace(record, max_score=float(sum(r.exercise.points for r in chosen)))
    if cells is None:
        return replace(record, exercises=[_grade_exercise(r, None, record.reason, []) for r in chosen])
    if chapter is None:
        return replace(record, status="unreadable", reason="no exercise function found in the notebook; pass --chapter")
    flags = integrity_flags(cells, [r.exercise for r in chosen])
    jobs = [{"name": r.exercise.name, "private": r.private,
             "cases": [{"args": c.args, "kwargs": dict(c.kwargs)} for c in r.exercise.cases]} for r in chosen]
    if workdir is None:
        import tempfile

        workdir = Path(tempfile.mkdtemp(prefix="coursepkg-grade-")) / "work"
    child = run_child([c for c in cells if not is_self_check(c[1])], jobs, workdir, timeout=options.timeout,
                      memory_mb=options.memory_mb, call_timeout=options.call_timeout, output_cap=options.output_cap,
                      wall_timeout=options.wall_timeout, sandbox=options.sandbox, hidden=hidden, group=group)
    if workdir.parent.name.startswith("coursepkg-grade-"):
        workdir.parent.rmdir()
    cell_errors = _cell_errors(child.cell_errors)
    rows = [_grade_exercise(r, a, child.problem, cell_errors) for r, a in zip(chosen, child.answers)]
    record = replace(record, flags=flags, output=child.output, output_bytes=child.output_bytes,
                     seconds=round(child.seconds, 2), exercises=rows, score=float(sum(row.score for row in rows)),
                     cell_errors=cell_errors)
    if child.status != "finished":
        status = {"timeout": "timeout", "stopped": "stopped"}.get(child.status, "crashed")
        record = replace(record, status=status, reason=child.problem)
    return record
