"""Derivations graded by hand: collect the answers per student, merge the instructor's scores back.

After ``coursepkg grade SUBMISSIONS --out DIR``:

1. ``coursepkg manual collect DIR`` reads ``DIR/gradebook.csv`` (so students are exactly the
   grader's), finds in each graded notebook the Markdown answer cell of every derivation
   (metadata ``derivation: "N.M"``), and writes ``DIR/manual/<student>.md`` (prompt, rubric and
   the student's answer, per derivation) and ``DIR/manual/scores.csv`` (one row per student and
   derivation, the ``score`` column empty). An existing ``scores.csv`` is never overwritten.
2. The instructor fills in ``score`` (0 to ``max_points``; 0 for no answer) and ``comment``.
3. ``coursepkg manual merge DIR`` checks every score, then rewrites ``DIR/gradebook.csv`` with
   the columns ``auto`` (the grader's total), ``manual`` and ``total = auto + manual`` (and
   ``max_total`` raised by the derivations' points), and adds one test per derivation to each
   ``DIR/results/<student>/results.json`` so the Gradescope score carries the total. Merging
   again with corrected scores replaces the earlier merge.
"""
import csv
import io
import json
from pathlib import Path

from ..exercises import all_derivations
from .report import atomic_write, write_json

__all__ = ["derivation_answers", "collect_manual", "merge_manual"]

SCORE_COLUMNS = ["student", "derivation", "title", "max_points", "score", "comment"]
_NO_ANSWER = "*Write your answer here.*"


def derivation_answers(path):
    """``{derivation id: answer text}`` of the notebook at ``path`` (empty text where none was written)."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    answers = {}
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        key = (cell.get("metadata") or {}).get("derivation")
        if isinstance(key, str):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            answers[key] = "" if text.strip() == _NO_ANSWER else text.strip()
    return answers


def _read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _csv_text(columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _graded_rows(out):
    gradebook = Path(out) / "gradebook.csv"
    if not gradebook.is_file():
        raise FileNotFoundError(f"{gradebook} does not exist; run `coursepkg grade SUBMISSIONS --out {out}` first")
    return [row for row in _read_csv(gradebook) if row.get("status") != "superseded"]


def _page(student, submission, items):
    lines = [f"# Derivations of {student}", "", f"Submission: `{Path(submission).name}`", ""]
    for d, answer in items:
        lines += [f"## Derivation {d.id}: {d.title} ({d.points:g} points)", ""]
        if d.rubric:
            lines += [f"*Rubric:* {d.rubric}", ""]
        lines += [answer if answer else "> (no answer written)", ""]
    return "\n".join(lines)


def collect_manual(out):
    """Write ``out/manual/<student>.md`` and ``out/manual/scores.csv``; return the number of answers collected."""
    out = Path(out)
    derivations = all_derivations()
    rows, n_answers = [], 0
    for graded in _graded_rows(out):
        answers = derivation_answers(graded["submission"])
        items = [(d, answers[d.id]) for d in derivations.values() if d.id in answers]
        if not items:
            continue
        n_answers += sum(bool(a) for _, a in items)
        atomic_write(out / "manual" / f"{graded['student']}.md", _page(graded["student"], graded["submission"], items))
        rows += [{"student": graded["student"], "derivation": d.id, "title": d.title, "max_points": f"{d.points:g}",
                  "score": "" if a else "0", "comment": "" if a else "no answer written"} for d, a in items]
    scores = out / "manual" / "scores.csv"
    if not scores.exists():
        atomic_write(scores, _csv_text(SCORE_COLUMNS, rows))
    return n_answers


def _scores(path, derivations, students):
    """``{student: {id: (score, comment)}}`` from the filled-in CSV, every entry checked."""
    table = {}
    for number, row in enumerate(_read_csv(path), start=2):
        student, key = row.get("student", ""), row.get("derivation", "")
        where = f"{path}, line {number}"
        if student not in students:
            raise ValueError(f"{where}: student must be one of the gradebook's students; got {student!r}")
        if key not in derivations:
            raise ValueError(f"{where}: derivation must be one of {', '.join(derivations)}; got {key!r}")
        text = (row.get("score") or "").strip()
        try:
            score = float(text)
        except ValueError:
            raise ValueError(f"{where}: score for {student}, derivation {key} must be a number from 0 to "
                             f"{derivations[key].points:g} (0 for no answer); got {text!r}") from None
        if not 0.0 <= score <= derivations[key].points:
            raise ValueError(f"{where}: score for {student}, derivation {key} must be between 0 and "
                             f"{derivations[key].points:g}; got {score:g}")
        if key in table.setdefault(student, {}):
            raise ValueError(f"{where}: a second score for {student}, derivation {key}")
        table[student][key] = (score, (row.get("comment") or "").strip())
    return table


def _fmt(x):
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _merge_gradebook(path, table, derivations):
    rows = _read_csv(path)
    columns = list(rows[0].keys()) if rows else []
    if "manual" not in columns:  # first merge: keep the grader's total as `auto`
        at = columns.index("total")
        columns[at:at] = ["auto", "manual"]
        columns.append("manual_max")
        for row in rows:
            row["auto"], row["manual_max"] = row["total"], ""
            row["auto_max"] = row["max_total"]
    for row in rows:
        first_max = row.pop("auto_max", None)
        if row.get("status") == "superseded":
            row.update(manual="", manual_max="")
            continue
        auto_max = float(first_max or float(row["max_total"] or 0) - float(row.get("manual_max") or 0))
        scores = table.get(row["student"], {})
        manual = sum(s for s, _ in scores.values())
        manual_max = sum(derivations[k].points for k in scores)
        row.update(manual=_fmt(manual), manual_max=_fmt(manual_max), total=_fmt(float(row["auto"] or 0) + manual),
                   max_total=_fmt(auto_max + manual_max))
    atomic_write(path, _csv_text(columns, rows))
    return rows


def _merge_results(path, scores, derivations):
    results = json.loads(path.read_text(encoding="utf-8"))
    tests = [t for t in results.get("tests", []) if not str(t.get("name", "")).startswith("Derivation ")]
    for key, (score, comment) in sorted(scores.items()):
        d = derivations[key]
        tests.append({"name": f"Derivation {key}: {d.title}", "number": key, "score": score, "max_score": d.points,
                      "output": comment or "graded by hand", "status": "passed" if score == d.points else "failed",
                      "visibility": "visible"})
    results["tests"] = tests
    results["score"] = round(sum(float(t.get("score", 0)) for t in tests), 4)
    write_json(path, results)


def merge_manual(out, scores=None):
    """Merge the filled-in ``scores`` CSV (default ``out/manual/scores.csv``) into the gradebook and results.

    Returns the gradebook rows after the merge. Raises ValueError, naming the line, for a score
    that is missing, not a number, out of range, or for an unknown student or derivation.
    """
    out = Path(out)
    scores = Path(scores) if scores else out / "manual" / "scores.csv"
    if not scores.is_file():
        raise FileNotFoundError(f"{scores} does not exist; run `coursepkg manual collect {out}` and fill it in")
    derivations = all_derivations()
    students = {row["student"] for row in _graded_rows(out)}
    table = _scores(scores, derivations, students)
    rows = _merge_gradebook(out / "gradebook.csv", table, derivations)
    for student, by_id in table.items():
        results = out / "results" / student / "results.json"
        if results.is_file():
            _merge_results(results, by_id, derivations)
    return rows
