"""Grade one notebook: run it in a child, compare its answers with references computed here.

Scoring policy (also in the README):

- each exercise is worth its ``points`` (its weight, 1 by default); it earns
  ``points * passed_cases / n_cases`` (partial credit per case);
- a case passes when :func:`coursepkg.exercises.spec.compare` finds the answer equal to the
  reference within the exercise's tolerances and the function left its inputs unchanged, the same
  rule as the in-notebook self-check;
- whatever could not be graded (timeout, crash, function missing, answer not data) earns 0 with
  the reason;
- time limits are CPU seconds of the submission's own process (``timeout`` per notebook,
  ``call_timeout`` per call), so a grade does not depend on how loaded the machine is; a
  generous wall-clock ceiling (``wall_timeout``) only stops a notebook that sleeps;
- integrity flags do not change the score: they mark the row for the instructor to look at.
"""
import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..exercises.spec import call_text, compare, describe
from . import protocol
from .sandbox import run_child
from .submission import SubmissionError, code_cells, guess_chapter, integrity_flags, is_self_check, read_bytes_checked

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


def _score_cases(ref, answer):
    """(n_passed, first_failure) for an answer with status "called"."""
    exercise = ref.exercise
    outcomes = answer.get("cases") if isinstance(answer, dict) else None
    if not isinstance(outcomes, list):
        return 0, {"problem": "the answer file is malformed"}
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
            first = {"case": k, "call": call_text(exercise, case), "expected": describe(expected),
                     "got": None if got is None else describe(got), "problem": problem}
    return n_passed, first


def _missing_reason(name, cell_errors):
    reason = f"function {name} is not defined in the notebook"
    if cell_errors:
        first = cell_errors[0]
        reason += f" (cell {first.get('cell')} raised {first.get('error')})"
    return reason


def _grade_exercise(ref, answer, child, cell_errors):
    exercise = ref.exercise
    # kind: how the row was graded ("function": by calling the student's function); the gradebook's
    # columns are computed from the rows, so rows of other kinds (e.g. hand-graded) merge in as they are
    row = {"id": exercise.id, "kind": "function", "name": exercise.name, "title": exercise.title, "points": float(exercise.points),
           "n_cases": len(exercise.cases), "n_passed": 0, "score": 0.0, "private": ref.private,
           "hint": exercise.hint, "failure": None}
    status = answer.get("status") if isinstance(answer, dict) else None
    if answer is None:
        row.update(status="not graded", reason=child.problem or "no answer came back")
    elif status == "missing":
        row.update(status="missing", reason=_missing_reason(exercise.name, cell_errors))
    elif status == "not callable":
        row.update(status="missing", reason=f"{exercise.name} is a {answer.get('type')}, not a function")
    elif status == "not implemented":
        row.update(status="not implemented", reason="not implemented (the function still raises NotImplementedError)")
    elif status == "called":
        n_passed, first = _score_cases(ref, answer)
        row.update(n_passed=n_passed, score=float(exercise.points) * n_passed / max(1, len(exercise.cases)),
                   failure=first, status="passed" if first is None else "failed",
                   reason="" if first is None else f"{n_passed}/{len(exercise.cases)} cases passed; first failure: {first['problem']}")
    else:
        row.update(status="error", reason=str(answer.get("error", "malformed answer"))[:400])
    return row


def grade_notebook(path, refs, chapter=None, options=GradeOptions(), workdir=None, hidden=(), group=""):
    """Grade the notebook at ``path`` against ``refs`` (``{id: Reference}``, every chapter).

    ``workdir``: a folder that does not exist yet, the child's only writable place (default: a new
    temporary one); ``hidden``: paths the sandbox must not show even if they lie in a folder it mounts;
    ``group``: a tag for the child's processes (:func:`.sandbox.work_marker`).
    Returns a record (a dict of plain data): status, score, max_score, one row per exercise,
    integrity flags, the reason for any 0, the child's captured output. Never raises for a bad
    submission.
    """
    path = Path(path)
    record = {"submission": str(path), "status": "graded", "reason": "", "flags": [], "output": "",
              "output_bytes": 0, "seconds": 0.0, "chapter": chapter, "exercises": [], "score": 0.0, "max_score": 0.0,
              "sha256": "", "sandbox": "bubblewrap" if options.sandbox else "none (--no-sandbox)"}
    exercises = [r.exercise for r in refs.values()]
    try:
        data = read_bytes_checked(path)
        record["sha256"] = hashlib.sha256(data).hexdigest()
        cells = code_cells(data)
        del data
    except SubmissionError as exc:
        cells, record["status"], record["reason"] = None, "unreadable", str(exc)
    if cells is not None and chapter is None:
        chapter = guess_chapter(cells, exercises)
        record["chapter"] = chapter
    chosen = [r for r in refs.values() if chapter is None or r.exercise.chapter == chapter] if chapter is not None else []
    record["max_score"] = float(sum(r.exercise.points for r in chosen))
    if cells is None:
        record["exercises"] = [_grade_exercise(r, None, _NoChild(record["reason"]), []) for r in chosen]
        return record
    if chapter is None:
        record.update(status="unreadable", reason="no exercise function found in the notebook; pass --chapter")
        return record
    record["flags"] = integrity_flags(cells, [r.exercise for r in chosen])
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
    record.update(output=child.output, output_bytes=child.output_bytes, seconds=round(child.seconds, 2))
    cell_errors = [e for e in child.cell_errors if isinstance(e, dict)]
    record["cell_errors"] = cell_errors
    record["exercises"] = [_grade_exercise(r, a, child, cell_errors) for r, a in zip(chosen, child.answers)]
    record["score"] = float(sum(row["score"] for row in record["exercises"]))
    if child.status != "finished":
        status = {"timeout": "timeout", "stopped": "stopped"}.get(child.status, "crashed")
        record.update(status=status, reason=child.problem)
    return record


class _NoChild:
    def __init__(self, problem):
        self.problem = problem
