"""Grade a batch of submissions in parallel, and the Gradescope entry point.

Policies (also in the README):

- Students and which notebook counts: :mod:`.identity` (path relative to the given root,
  resubmission suffixes the only supersede, the notebook defining the exercise functions graded).
- Late: with ``deadline``, a notebook modified after it is marked ``late = yes`` (on every run,
  reused records included); the score is not changed.
- Re-runs: each graded record is saved as ``records/<student>.json`` as soon as it is done; with
  ``resume=True`` a record whose notebook, checks and limits are unchanged is reused (a file that
  does not parse as a :class:`.GradeRecord` is graded again, never trusted). Feedback and
  ``results.json`` are always rewritten from the records, and the gradebook at the end.
- Stopping: Ctrl-C or SIGTERM kill the running children at once; the gradebook is written with
  what is done (the rest as ``not graded``) and :class:`GradingInterrupted` is raised.
- Nothing is written outside ``out`` (the children's work folders are ``out/.work/*``, removed,
  and whatever a killed earlier run left there is killed and removed at start).
"""
import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from .. import __version__
from ..exercises import all_exercises
from .grader import GradeOptions, grade_notebook, references_for
from .identity import file_names, find_submissions, notebooks_in, resolve_students
from .records import NOT_RUN, GradeRecord
from .report import feedback_markdown, gradescope_results, write_gradebook, write_json
from .sandbox import allow_children, check_sandbox, kill_all_children, kill_leftovers, work_marker
from .submission import SubmissionError, count_defined, read_bytes_checked, read_code_cells

__all__ = ["load_private_checks", "find_submissions", "grade_batch", "grade_gradescope", "parse_deadline",
           "GradingInterrupted"]


class GradingInterrupted(Exception):
    """The batch was stopped by a signal; the gradebook holds what was done. ``signum`` says which."""

    def __init__(self, signum, records):
        super().__init__(f"stopped by {signal.Signals(signum).name}; the gradebook lists what was graded")
        self.signum, self.records = signum, records


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


def parse_deadline(deadline):
    """A datetime from an ISO date-time string (or a datetime); ValueError saying what is expected.

    >>> parse_deadline("2026-03-01T23:59").isoformat()
    '2026-03-01T23:59:00'
    >>> parse_deadline("tomorrow")
    Traceback (most recent call last):
    ValueError: --deadline must be an ISO date-time such as 2026-03-01T23:59 or 2026-03-01T23:59+01:00; got 'tomorrow'
    """
    if deadline is None or isinstance(deadline, datetime):
        return deadline
    try:
        return datetime.fromisoformat(str(deadline))
    except ValueError:
        raise ValueError("--deadline must be an ISO date-time such as 2026-03-01T23:59 or 2026-03-01T23:59+01:00; "
                         f"got {deadline!r}") from None


def _check_arguments(chapter, jobs, exercises):
    chapters = sorted({e.chapter for e in exercises})
    if chapter is not None and (isinstance(chapter, bool) or chapter not in chapters):
        raise ValueError(f"--chapter must be one of {', '.join(map(str, chapters))} (the chapters with exercises); got {chapter!r}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"--jobs must be a whole number >= 1; got {jobs!r}")


def _references(checks):
    exercises = list(all_exercises().values())
    private = load_private_checks(checks) if checks else []
    known = {e.id for e in exercises}
    for e in private:
        if e.id in known:
            raise ValueError(f"private check id {e.id!r} is already a built-in exercise; give it a new id, e.g. {e.id}h")
        known.add(e.id)
    return exercises + private, references_for(exercises + private, private_ids={e.id for e in private})


def _fingerprint(refs, options, chapter):
    h = hashlib.sha256(repr((__version__, sorted(refs), options, chapter)).encode())
    for ref in refs.values():
        for case, expected in zip(ref.exercise.cases, ref.expected):
            h.update(repr((ref.exercise.points, ref.exercise.rtol, ref.exercise.atol, case, expected)).encode())
    return h.hexdigest()


def _defined_counter(exercises, chapter):
    cache = {}

    def defined(path):
        if path not in cache:
            try:
                cache[path] = count_defined(read_code_cells(path), exercises, chapter)
            except SubmissionError:
                cache[path] = -1
        return cache[path]
    return defined


def _reusable(record_path, notebook, fingerprint, sandbox):
    """The record saved by an earlier run if it is intact and the notebook, checks and limits are unchanged.

    Anything else (no file, damaged or foreign JSON, another notebook or fingerprint) gives None:
    the notebook is graded again rather than the file trusted.
    """
    try:
        old = GradeRecord.from_dict(json.loads(record_path.read_text(encoding="utf-8")))
        digest = hashlib.sha256(read_bytes_checked(notebook)).hexdigest()
    except (OSError, ValueError, RecursionError, SubmissionError):
        return None
    return old if (old.sha256, old.fingerprint, old.sandbox) == (digest, fingerprint, sandbox) else None


def _late(path, deadline):
    if deadline is None:
        return False
    try:
        modified = datetime.fromtimestamp(os.stat(path).st_mtime, tz=deadline.tzinfo)
    except OSError:
        return False
    return modified > deadline


def _write_outputs(out, record, name):
    write_json(out / "results" / name / "results.json", gradescope_results(record))
    from .report import atomic_write

    atomic_write(out / "feedback" / f"{name}.md", feedback_markdown(record))


class _Stop:
    """Ctrl-C / SIGTERM while grading: note it and kill the running children (handlers only in the main thread)."""

    def __init__(self):
        self.signum, self.previous = None, {}

    def __enter__(self):
        allow_children()
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self.handle)
        return self

    def handle(self, signum, frame):
        self.signum = signum
        kill_all_children()

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def _prepare_out(out):
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    if work.exists():  # a killed earlier run: its children (if any survived) and folders go
        kill_leftovers(work)
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    return work


def grade_batch(paths, out, chapter=None, options=GradeOptions(), jobs=1, checks=None, resume=False,
                deadline=None, progress=True):
    """Grade every notebook in ``paths``; write gradebook, feedback and results.json under ``out``.

    Returns the list of :class:`.GradeRecord`, one per notebook found (superseded and skipped ones included).
    Raises :class:`GradingInterrupted` after writing the gradebook if a signal stopped the batch.
    """
    out = Path(out).absolute()  # the sandbox mounts folders by path: a relative one means nothing in there
    exercises, refs = _references(checks)
    _check_arguments(chapter, jobs, exercises)
    deadline = parse_deadline(deadline)
    if options.sandbox:
        check_sandbox()
    sandbox = _sandbox_text(options)
    entries = find_submissions(paths)
    fingerprint = _fingerprint(refs, options, chapter)
    chosen = resolve_students(entries, _defined_counter(exercises, chapter))
    names = file_names(chosen)
    hidden = [out, *map(Path, paths)] + ([Path(checks)] if checks else [])
    work = _prepare_out(out)
    records = {}
    for student, (entry, others) in chosen.items():
        for other, status, reason in others:
            records[str(other.path)] = GradeRecord.ungraded(student, other.path, status, reason, sandbox)

    stop = _Stop()

    def one(student, entry):
        if stop.signum is not None:
            return None
        name = names[student]
        record_path = out / "records" / f"{name}.json"
        record = _reusable(record_path, entry.path, fingerprint, sandbox) if resume else None
        if record is None:
            try:
                record = grade_notebook(entry.path, refs, chapter=chapter, options=options, hidden=hidden,
                                        workdir=Path(tempfile.mkdtemp(dir=work)) / "w", group=work_marker(work))
            except Exception as exc:  # noqa: BLE001 - a grader bug on one notebook must not stop the batch
                record = GradeRecord.error(student, entry.path, exc, sandbox)
            if record.status == "stopped":
                return replace(record, student=student)
        record = replace(record, student=student, submission=str(entry.path), fingerprint=fingerprint,
                         late=_late(entry.path, deadline))
        write_json(record_path, record.to_dict())
        _write_outputs(out, record, name)
        return record

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(chosen), desc="grading", unit="nb")
    with stop, ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(one, student, entry): (student, entry) for student, (entry, _) in sorted(chosen.items())}
        for future in as_completed(futures):
            student, entry = futures[future]
            record = future.result()
            if record is None or record.status == "stopped":
                record = GradeRecord.ungraded(student, entry.path, "not graded", "the batch was stopped before this "
                                              "notebook was graded; run again with --resume", sandbox)
            records[str(entry.path)] = record
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    shutil.rmtree(work, ignore_errors=True)
    ordered = sorted(records.values(), key=lambda r: (r.student, r.status in NOT_RUN, r.submission))
    ids = sorted({row.id for r in ordered for row in r.exercises}, key=_id_key)
    write_gradebook(out / "gradebook.csv", ordered, ids)
    if stop.signum is not None:
        raise GradingInterrupted(stop.signum, ordered)
    return ordered


def _sandbox_text(options):
    return "bubblewrap" if options.sandbox else "none (--no-sandbox)"


def _id_key(exercise_id):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", exercise_id)]


def _gradescope_record(root, chapter, options, checks):
    exercises, refs = _references(checks)
    _check_arguments(chapter, 1, exercises)
    if options.sandbox:
        check_sandbox()
    allow_children()
    entries = notebooks_in(root / "submission")
    if not entries:
        return GradeRecord.ungraded("submission", root / "submission", "unreadable", "no .ipynb file in the submission",
                                    _sandbox_text(options))
    for e in entries:  # everything uploaded is this one student's
        e.student, e.origin = "submission", ("", None)
    entry, _ = resolve_students(entries, _defined_counter(exercises, chapter))["submission"]
    with tempfile.TemporaryDirectory(prefix="coursepkg-grade-") as work:
        record = grade_notebook(entry.path, refs, chapter=chapter, options=options, workdir=Path(work) / "w",
                                hidden=[root / "results"] + ([Path(checks)] if checks else []))
    return replace(record, student="submission")


def grade_gradescope(root="/autograder", chapter=None, options=GradeOptions(), checks=None):
    """Gradescope entry point: grade the notebook in ``root/submission``, write ``root/results/results.json``.

    Writes nothing unless ``root/submission`` exists (we are on Gradescope, or in a copy of its
    layout); from then on ``results.json`` is always written, whatever goes wrong.
    """
    root = Path(root)
    if not (root / "submission").is_dir():
        raise ValueError(f"--gradescope: {root / 'submission'} does not exist, so this is not a Gradescope autograder; "
                         "pass --autograder-root to a folder laid out like /autograder")
    try:
        record = _gradescope_record(root, chapter, options, checks)
    except Exception as exc:  # noqa: BLE001 - results.json must be written whatever happens
        record = GradeRecord.error("submission", root / "submission", exc, _sandbox_text(options))
    write_json(root / "results" / "results.json", gradescope_results(record))
    return record
