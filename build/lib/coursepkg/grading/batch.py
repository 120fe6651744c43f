"""Grade a batch of submissions in parallel, and the Gradescope entry point.

Policies (also in the README):

- Student: a notebook given directly, or lying directly in a given folder, belongs to the student
  named by its file stem; one inside a sub-folder of a given folder belongs to that sub-folder
  (the "one folder per student" export of most learning platforms).
- Duplicates: when a student has several notebooks, the newest (modification time, then name)
  is graded; the others are listed with status ``superseded`` and no score.
- Late: with ``deadline``, a notebook modified after it is marked ``late = yes``; the score is not
  changed (apply your course's late policy to the CSV).
- Re-runs: each graded record is saved as ``records/<student>.json`` as soon as it is done; with
  ``resume=True`` a record whose notebook, checks and limits are unchanged is reused, so an
  interrupted batch picks up where it stopped. The gradebook is rewritten, atomically, at the end.
"""
import hashlib
import importlib.util
import json
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime
from pathlib import Path

from .. import __version__
from ..exercises import all_exercises
from .grader import GradeOptions, grade_notebook, references_for
from .report import feedback_markdown, gradescope_results, write_gradebook, write_json

__all__ = ["load_private_checks", "find_submissions", "grade_batch", "grade_gradescope"]


def load_private_checks(directory):
    """Every ``EXERCISES`` list of the ``*.py`` files in ``directory`` (instructor code, trusted)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"checks directory {directory} does not exist")
    found = []
    for path in sorted(directory.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"_coursepkg_private_checks_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        exercises = getattr(module, "EXERCISES", None)
        if not isinstance(exercises, (list, tuple)):
            raise ValueError(f"{path} must define a list EXERCISES of coursepkg.exercises.Exercise")
        found.extend(exercises)
    return found


def _safe(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "submission"


def find_submissions(paths):
    """``[(student, path), ...]`` for every notebook in ``paths`` (files or folders), sorted."""
    found = []
    for given in map(Path, paths):
        if given.is_dir():
            for path in sorted(given.rglob("*.ipynb")):
                if ".ipynb_checkpoints" in path.parts:
                    continue
                rel = path.relative_to(given)
                found.append((_safe(rel.parts[0] if len(rel.parts) > 1 else path.stem), path))
        elif given.exists():
            found.append((_safe(given.stem), given))
        else:
            raise FileNotFoundError(f"no such file or folder: {given}")
    return found


def _newest_first(path):
    try:
        return (-path.stat().st_mtime, str(path))
    except OSError:
        return (0.0, str(path))


def _fingerprint(refs, options, chapter):
    h = hashlib.sha256(repr((__version__, sorted(refs), options, chapter)).encode())
    for ref in refs.values():
        for case, expected in zip(ref.exercise.cases, ref.expected):
            h.update(repr((ref.exercise.points, ref.exercise.rtol, ref.exercise.atol, case, expected)).encode())
    return h.hexdigest()


def grade_batch(paths, out, chapter=None, options=GradeOptions(), jobs=1, checks=None, resume=False,
                deadline=None, progress=True):
    """Grade every notebook in ``paths``; write gradebook, feedback and results.json under ``out``.

    Returns the list of records, one per submission (superseded duplicates included).
    """
    out = Path(out)
    exercises = list(all_exercises().values())
    private = load_private_checks(checks) if checks else []
    known = {e.id for e in exercises}
    for e in private:
        if e.id in known:
            raise ValueError(f"private check id {e.id!r} is already a built-in exercise; give it a new id, e.g. {e.id}h")
        known.add(e.id)
    refs = references_for(exercises + private, private_ids={e.id for e in private})
    fingerprint = _fingerprint(refs, options, chapter)
    if isinstance(deadline, str):
        deadline = datetime.fromisoformat(deadline)

    by_student = {}
    for student, path in find_submissions(paths):
        by_student.setdefault(student, []).append(path)
    todo, records = [], {}
    for student, candidates in sorted(by_student.items()):
        candidates.sort(key=_newest_first)
        todo.append((student, candidates[0]))
        for older in candidates[1:]:
            records[f"{student}::{older}"] = {"student": student, "submission": str(older), "status": "superseded",
                                              "reason": f"superseded by {candidates[0]}", "score": 0.0,
                                              "max_score": 0.0, "exercises": [], "flags": []}

    def one(student, path):
        record_path = out / "records" / f"{student}.json"
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = ""
        if resume and record_path.is_file():
            try:
                old = json.loads(record_path.read_text(encoding="utf-8"))
                if old.get("sha256") == digest and old.get("fingerprint") == fingerprint:
                    return old
            except (OSError, ValueError):
                pass
        try:
            record = grade_notebook(path, refs, chapter=chapter, options=options)
        except Exception as exc:  # noqa: BLE001 - a grader bug on one notebook must not stop the batch
            record = {"submission": str(path), "status": "error", "reason": f"grader error: {type(exc).__name__}: {exc}",
                      "score": 0.0, "max_score": 0.0, "exercises": [], "flags": [], "sha256": ""}
        record.update(student=student, fingerprint=fingerprint)
        if deadline is not None and path.is_file():
            modified = datetime.fromtimestamp(path.stat().st_mtime, tz=deadline.tzinfo)
            record["late"] = modified > deadline
        write_json(record_path, record)
        atomic_feedback(out, record)
        return record

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="grading", unit="nb")
    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        futures = {pool.submit(one, student, path): (student, path) for student, path in todo}
        for future in as_completed(futures):
            student, path = futures[future]
            records[f"{student}::{path}"] = future.result()
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    ordered = sorted(records.values(), key=lambda r: (r["student"], r["status"] == "superseded", r["submission"]))
    ids = sorted({row["id"] for r in ordered for row in r.get("exercises", [])}, key=_id_key)
    write_gradebook(out / "gradebook.csv", ordered, ids)
    return ordered


def _id_key(exercise_id):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", exercise_id)]


def atomic_feedback(out, record):
    write_json(Path(out) / "results" / record["student"] / "results.json", gradescope_results(record))
    from .report import atomic_write

    atomic_write(Path(out) / "feedback" / f"{record['student']}.md", feedback_markdown(record))


def grade_gradescope(root="/autograder", chapter=None, options=GradeOptions(), checks=None):
    """Gradescope entry point: grade the notebook in ``root/submission``, write ``root/results/results.json``."""
    root = Path(root)
    notebooks = sorted(p for p in (root / "submission").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    exercises = list(all_exercises().values()) + (load_private_checks(checks) if checks else [])
    private_ids = {e.id for e in load_private_checks(checks)} if checks else set()
    refs = references_for(exercises, private_ids=private_ids)
    if not notebooks:
        record = {"student": "submission", "submission": str(root / "submission"), "status": "unreadable",
                  "reason": "no .ipynb file in the submission", "score": 0.0, "max_score": 0.0, "exercises": [], "flags": []}
    else:
        record = grade_notebook(notebooks[0], refs, chapter=chapter, options=options)
        record["student"] = "submission"
    write_json(root / "results" / "results.json", gradescope_results(record))
    return record
