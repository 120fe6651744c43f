"""Who each submitted notebook belongs to, and which of a student's notebooks is graded.

Rules (also in the README, "Grading submissions"):

- A student is named by the notebook's path relative to the root the instructor gave, with
  Unicode kept as it is: for a folder per student (``subs/ada/03_softmax.ipynb`` under ``subs``),
  the folder (``ada``, or ``group1/ada`` deeper down); for a flat export (``subs/ada.ipynb``), the
  file stem. A notebook named like a course notebook (``03_softmax``, ``Untitled``) lying directly
  in the given folder belongs to that folder (``grade subs/ada`` grades Ada).
- Explicit files (a shell glob such as ``subs/*/03_softmax.ipynb``) are named by their shortest
  distinguishing path: the parts all the paths share at the start and at the end are dropped
  (``ada``, ``bob``).
- Two different students never merge: two notebooks that would get one name from different
  places (``2023/ada`` and ``2024/ada``, or ``ada.ipynb`` next to a folder ``ada/``) are an error
  naming both files.
- Resubmissions: ``name-1``, ``name-2`` (the suffixes learning platforms add to a file
  submitted again) are the same student's later versions of ``name``: the student is ``name``,
  the highest number is graded, the others are listed as ``superseded``. It is the only supersede.
- In a folder with several notebooks, the one that defines the most of the chapter's exercise
  functions is graded (not the newest); the others are listed as ``skipped`` with the reason.
"""
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Entry", "notebooks_in", "find_submissions", "resolve_students", "file_names", "is_course_stem"]

_RESUBMISSION = re.compile(r"^(?P<base>.+?)-(?P<n>\d{1,3})$")
_COURSE_STEM = re.compile(r"^(\d{2}_\w[\w-]*|Untitled.*)$", re.IGNORECASE)


@dataclass
class Entry:
    """One submitted notebook: the student it belongs to, and where that name came from."""

    student: str
    path: Path
    origin: tuple  # (folder, file-stem base or None): two entries of one student must share it
    version: int = 0  # the resubmission number (``-2`` -> 2)
    base: str = ""  # the stem without its resubmission suffix


def _split_version(stem):
    match = _RESUBMISSION.match(stem)
    return (match["base"], int(match["n"])) if match else (stem, 0)


def is_course_stem(stem):
    """True for names a course notebook has (``03_softmax``, ``Untitled1``), which name no student.

    >>> [is_course_stem(s) for s in ("03_softmax", "03_softmax-2", "Untitled1", "ada", "José")]
    [True, True, True, False, False]
    """
    return bool(_COURSE_STEM.match(_split_version(stem)[0]))


def _entry(student, path, folder, from_stem):
    base, version = _split_version(path.stem)
    return Entry(student, path, (str(folder), base if from_stem else None), version, base)


def notebooks_in(root):
    """An :class:`Entry` for every notebook under folder ``root`` (hidden folders such as checkpoints left out)."""
    entries = []
    for path in sorted(root.rglob("*.ipynb")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts[:-1]):  # .ipynb_checkpoints, hidden folders
            continue
        if len(rel.parts) > 1:
            entries.append(_entry(rel.parent.as_posix(), path, path.parent, False))
        elif is_course_stem(path.stem):
            entries.append(_entry(root.resolve().name or str(root), path, root, False))
        else:
            entries.append(_entry(_split_version(path.stem)[0], path, root, True))
    return entries


def _explicit(paths):
    """Shortest distinguishing names for files given one by one (a shell glob)."""
    parts = [list(Path(os.path.abspath(p)).parent.parts) + [p.stem] for p in paths]
    prefix = 0
    while all(len(q) > prefix + 1 for q in parts) and len({q[prefix] for q in parts}) == 1:
        prefix += 1
    suffix = 0
    while all(len(q) - prefix > suffix + 1 for q in parts) and len({q[-1 - suffix] for q in parts}) == 1:
        suffix += 1
    entries = []
    for path, q in zip(paths, parts):
        rest, from_stem = q[prefix: len(q) - suffix], False
        if suffix == 0:  # the names end with the file stem
            if is_course_stem(rest[-1]):
                rest = rest[:-1]
            else:
                rest, from_stem = rest[:-1] + [_split_version(rest[-1])[0]], True
        if not rest:  # course notebooks in one folder: the folder names the student
            rest = [q[prefix - 1]] if prefix else [path.stem]
        entries.append(_entry("/".join(rest), path, path.parent, from_stem))
    return entries


def find_submissions(paths):
    """Every notebook under ``paths`` (folders or files) as an :class:`Entry`; ValueError on an ambiguous name."""
    entries, files = [], []
    for given in map(Path, paths):
        if given.is_dir():
            entries += notebooks_in(given)
        elif given.exists() or given.is_symlink():
            files.append(given)
        else:
            raise FileNotFoundError(f"no such file or folder: {given}")
    entries += _explicit(files) if files else []
    seen = {}
    for e in entries:
        first = seen.setdefault(e.student, e)
        if first.origin != e.origin:
            raise ValueError(f"two different students would both be named {e.student!r}: {first.path} and {e.path}; "
                             "grade them in separate runs or give their parent folder")
        if first is not e and os.path.realpath(first.path) == os.path.realpath(e.path):
            raise ValueError(f"{e.path} is given twice")
    return sorted(entries, key=lambda e: (e.student, str(e.path)))


def resolve_students(entries, defined):
    """``{student: (graded Entry, [(other Entry, status, reason)])}``.

    ``defined(path)`` is how many of the chapter's exercise functions that notebook defines.
    """
    by_student = {}
    for e in entries:
        by_student.setdefault(e.student, []).append(e)
    chosen = {}
    for student, group in by_student.items():
        others, latest = [], {}
        for e in group:  # within a chain of resubmissions, the highest number counts
            key = (str(e.path.parent), e.base)
            if key not in latest or e.version > latest[key].version:
                latest[key] = e
        for e in group:
            winner = latest[(str(e.path.parent), e.base)]
            if winner is not e:
                others.append((e, "superseded", f"resubmitted as {winner.path.name}"))
        candidates = list(latest.values())
        if len(candidates) > 1:  # reading a notebook only when there is a choice to make
            candidates.sort(key=lambda e: (-defined(e.path), str(e.path)))
        best = candidates[0]
        for e in candidates[1:]:
            n, m = defined(e.path), defined(best.path)
            others.append((e, "skipped", f"defines {n} of the exercise functions; {best.path.name} defines {m} and is graded"
                           if n < m else f"{best.path.name}, which defines as many exercise functions, is graded (first by name)"))
        chosen[student] = (best, others)
    return chosen


def file_names(students):
    """``{student: file name}``: Unicode kept, path separators replaced, unique even on a case-insensitive disk.

    >>> names = file_names(["ada b", "ada_b", "José", "sub/ada", "sub_ada"])
    >>> names["ada b"], names["José"], len(set(n.casefold() for n in names.values()))
    ('ada b', 'José', 5)
    """
    def clean(s):
        s = "".join("_" if c in '/\\:*?"<>|' or unicodedata.category(c).startswith("C") else c for c in s)
        s = s.strip(" .") or "student"
        return s if len(s.encode()) <= 120 else s.encode()[:120].decode(errors="ignore")

    base = {s: clean(s) for s in students}
    counts = {}
    for name in base.values():
        counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
    return {s: name if counts[name.casefold()] == 1 and name == s.strip()
            else f"{name}-{hashlib.sha256(s.encode()).hexdigest()[:8]}" for s, name in base.items()}
