"""What the grader writes: the CSV gradebook, Markdown feedback, Gradescope ``results.json``.

Every file is written atomically (a temporary file in the same folder, then ``os.replace``), so an
interrupted run leaves either the previous version or the new one, never half a file, with the
permissions the user's umask gives (like any file they create).

Private checks stay private in what students see (feedback, ``results.json``): a failed hidden
case is reported as "hidden case k failed", with no inputs, expected values or exception text.
The gradebook and ``records/`` are for the instructor and keep the details.
"""
import csv
import io
import json
import os
import tempfile
import threading
from pathlib import Path

__all__ = ["atomic_write", "gradebook_columns", "write_gradebook", "feedback_markdown", "gradescope_results"]


_UMASK_LOCK = threading.Lock()


def _file_mode():
    """0o666 less the process umask, read from /proc (os.umask can only read it by setting it, racing other threads)."""
    try:
        with open("/proc/self/status") as f:
            mask = next(int(line.split()[1], 8) for line in f if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        with _UMASK_LOCK:
            mask = os.umask(0o022)
            os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path, text):
    """Write ``text`` to ``path`` atomically, with the permissions the umask gives."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            os.fchmod(f.fileno(), _file_mode())  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _fmt(x):
    return f"{x:.2f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def gradebook_columns(exercise_ids):
    return ["student", "submission", "status", *exercise_ids, "total", "max_total", "late", "flags", "reason", "sandbox"]


def write_gradebook(path, records, exercise_ids):
    """One row per :class:`.GradeRecord`, one column per exercise (points earned), total, status, flags, reason."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(gradebook_columns(exercise_ids))
    for r in records:
        earned = {row.id: row.score for row in r.exercises}
        cells = [_fmt(earned[i]) if i in earned else "" for i in exercise_ids]
        writer.writerow([r.student, r.submission, r.status, *cells,
                         _fmt(r.score) if r.counted else "", _fmt(r.max_score) if r.counted else "",
                         "yes" if r.late else "no", "; ".join(r.flags), r.reason, r.sandbox])
    return atomic_write(path, buffer.getvalue())


def hidden_text(row):
    """What a student may read about a private check (an :class:`.ExerciseResult`): which hidden case failed, nothing of its data.

    >>> from coursepkg.grading.records import ExerciseResult, Failure
    >>> row = ExerciseResult(id="1.2h", kind="function", name="f", title="t", points=2.0, n_cases=3, n_passed=1,
    ...                      score=2 / 3, private=True, hint="", status="failed", reason="",
    ...                      failure=Failure(case=1, call="f(x=[7, 1])", expected="1", got=None, problem="raised ValueError: x=[7, 1]"))
    >>> hidden_text(row)
    '1/3 hidden cases passed; hidden case 2 failed'
    """
    return f"{row.n_passed}/{row.n_cases} hidden cases passed; hidden case {row.failure.case + 1} failed"


def _row_lines(row):
    mark = "✔" if row.status == "passed" else "✘"
    head = f"### {mark} Exercise {row.id} ({row.name}): {_fmt(row.score)}/{_fmt(row.points)} points"
    lines = [head, "", row.title + ("  *(instructor check)*" if row.private else ""), ""]
    if row.status == "passed":
        lines.append(f"All {row.n_cases} cases passed.")
    elif row.failure and not row.private:
        f = row.failure
        lines += [f"{row.n_passed}/{row.n_cases} cases passed. First failing case:", "",
                  "```", f"{f.call}", f"expected: {f.expected}"]
        if f.got is not None:
            lines.append(f"got:      {f.got}")
        lines += [f"problem:  {f.problem}", "```", "", f"**Hint:** {row.hint}"]
    elif row.failure:
        lines.append(hidden_text(row) + " (the inputs of instructor checks are not shown).")
    else:
        lines.append(row.reason[:1].upper() + row.reason[1:] + ".")
        if row.status in ("not implemented", "missing"):
            lines += ["", f"**Hint:** {row.hint}"]
    return lines + [""]


def feedback_markdown(record):
    """Feedback for one :class:`.GradeRecord`: the total, then per exercise passed/failed, input, expected vs got, hint."""
    lines = [f"# Feedback: {record.student}", "",
             f"Submission: `{Path(record.submission).name}`  ", f"Status: **{record.status}**  ",
             f"Score: **{_fmt(record.score)} / {_fmt(record.max_score)}**", ""]
    if record.reason:
        lines += [f"> {record.reason}", ""]
    if record.late:
        lines += ["> Submitted after the deadline.", ""]
    if record.sandbox != "bubblewrap":
        lines += [f"> Graded without the sandbox ({record.sandbox}).", ""]
    for flag in record.flags:
        lines += [f"> Integrity: {flag}. Exercises must be solved without calling the course package's own answer.", ""]
    for error in record.cell_errors[:5]:
        lines += [f"- Cell {error.cell} raised `{error.error}`"]
    if record.cell_errors:
        lines.append("")
    for row in record.exercises:
        lines += _row_lines(row)
    return "\n".join(lines)


def gradescope_results(record):
    """The Gradescope autograder ``results.json`` for one :class:`.GradeRecord` (a dict; dump with json)."""
    tests = []
    for row in record.exercises:
        output = "passed" if row.status == "passed" else row.reason
        if row.failure and row.private:
            output = hidden_text(row)
        elif row.failure:
            f = row.failure
            output = (f"{row.n_passed}/{row.n_cases} cases passed.\nFirst failing case: {f.call}\n"
                      f"Expected: {f.expected}\n" + (f"Got:      {f.got}\n" if f.got is not None else "")
                      + f"Problem:  {f.problem}\nHint:     {row.hint}")
        tests.append({"name": f"Exercise {row.id}: {row.title}", "number": row.id,
                      "score": round(row.score, 4), "max_score": row.points, "output": output,
                      "status": "passed" if row.status == "passed" else "failed",
                      "visibility": "after_published" if row.private else "visible"})
    summary = [f"Status: {record.status}"] + ([record.reason] if record.reason else [])
    summary += [f"Flag: {flag}" for flag in record.flags]
    if record.sandbox != "bubblewrap":
        summary.append(f"Sandbox: {record.sandbox}")
    return {"score": round(record.score, 4), "output": "\n".join(summary),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def write_json(path, value):
    return atomic_write(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")
