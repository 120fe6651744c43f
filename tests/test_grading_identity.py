"""Every student graded under their own name, in the three layouts instructors use, and never merged.

The discovery tests need no grading (empty files); one end-to-end run grades a shell glob with
the command line, as an instructor types it.
"""
import csv
import os
import time
from pathlib import Path

import pytest

from coursepkg.cli import main
from coursepkg.exercises import all_exercises
from coursepkg.grading.batch import _defined_counter
from coursepkg.grading.identity import file_names, find_submissions, resolve_students

pytestmark = pytest.mark.ch1
ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "01_perceptrons.ipynb"
STUDENT = ROOT / "exercises" / "01_perceptrons.ipynb"
SCRATCH = '{"cells": [{"cell_type": "code", "source": "1 + 1", "metadata": {}, "outputs": []}], "metadata": {}, "nbformat": 4}'


def _touch(root, *names):
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}")
    return root


def _names(paths):
    return [(e.student, e.path.name) for e in find_submissions(paths)]


def test_folder_per_student_names_the_folder_relative_to_the_given_root(tmp_path):
    subs = _touch(tmp_path / "parent" / "subs", "ada/03_softmax.ipynb", "bob/03_softmax.ipynb", "José/03_softmax.ipynb",
                  "Josè/03_softmax.ipynb", "王小明/03_softmax.ipynb", "ada b/03_softmax.ipynb", "ada_b/03_softmax.ipynb",
                  "ada/.ipynb_checkpoints/03_softmax-checkpoint.ipynb")
    expected = [("Josè", "03_softmax.ipynb"), ("José", "03_softmax.ipynb"), ("ada", "03_softmax.ipynb"),
                ("ada b", "03_softmax.ipynb"), ("ada_b", "03_softmax.ipynb"), ("bob", "03_softmax.ipynb"),
                ("王小明", "03_softmax.ipynb")]
    assert _names([subs]) == expected
    assert _names([tmp_path / "parent"]) == [(f"subs/{s}", n) for s, n in expected]  # the path relative to the root
    assert _names([subs / "ada"]) == [("ada", "03_softmax.ipynb")]  # one student's folder


def test_flat_export_names_the_file_stem_and_resubmissions_are_one_student(tmp_path):
    subs = _touch(tmp_path / "subs", "ada.ipynb", "ada-1.ipynb", "ada-2.ipynb", "bob.ipynb", "Zoë Ng.ipynb")
    assert _names([subs]) == [("Zoë Ng", "Zoë Ng.ipynb"), ("ada", "ada-1.ipynb"), ("ada", "ada-2.ipynb"),
                              ("ada", "ada.ipynb"), ("bob", "bob.ipynb")]
    chosen = resolve_students(find_submissions([subs]), defined=lambda path: 0)
    graded, others = chosen["ada"]
    assert graded.path.name == "ada-2.ipynb"
    assert sorted((e.path.name, status, reason) for e, status, reason in others) == [
        ("ada-1.ipynb", "superseded", "resubmitted as ada-2.ipynb"), ("ada.ipynb", "superseded", "resubmitted as ada-2.ipynb")]


def test_shell_glob_names_the_shortest_distinguishing_path(tmp_path):
    subs = _touch(tmp_path / "subs", *[f"{s}/03_softmax.ipynb" for s in ("ada", "bob", "cy")], "ada/03_softmax-1.ipynb",
                  "g1/ada/03_softmax.ipynb", "g2/ada/03_softmax.ipynb")
    glob = sorted(subs.glob("*/03_softmax.ipynb"))
    assert _names(glob) == [("ada", "03_softmax.ipynb"), ("bob", "03_softmax.ipynb"), ("cy", "03_softmax.ipynb")]
    assert _names(sorted(subs.glob("*/03_softmax*.ipynb")))[:2] == [("ada", "03_softmax-1.ipynb"), ("ada", "03_softmax.ipynb")]
    assert _names(sorted(subs.glob("g*/ada/03_softmax.ipynb"))) == [("g1", "03_softmax.ipynb"), ("g2", "03_softmax.ipynb")]
    assert _names([subs / "ada" / "03_softmax.ipynb"]) == [("ada", "03_softmax.ipynb")]
    _touch(subs, "x/ada.ipynb")
    assert _names([subs / "x" / "ada.ipynb"]) == [("ada", "ada.ipynb")]  # a file named by a student: its stem


def test_two_different_students_never_merge(tmp_path):
    _touch(tmp_path, "2023/ada/03_softmax.ipynb", "2024/ada/03_softmax.ipynb", "flat/ada.ipynb", "flat/ada/03_softmax.ipynb")
    with pytest.raises(ValueError, match="two different students would both be named 'ada': .*2023/ada/03_softmax.ipynb "
                                         "and .*2024/ada/03_softmax.ipynb"):
        find_submissions([tmp_path / "2023", tmp_path / "2024"])
    with pytest.raises(ValueError, match="named 'ada': .*flat/ada/03_softmax.ipynb and .*flat/ada.ipynb"):
        find_submissions([tmp_path / "flat"])
    names = file_names(["ada b", "ada_b", "José", "Josè", "sub/ada", "sub_ada", "ADA", "ada"])
    assert len({n.casefold() for n in names.values()}) == 8 and names["José"] == "José"


def test_the_notebook_defining_the_exercise_functions_is_graded_not_the_newest(tmp_path):
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "01_perceptrons.ipynb").write_bytes(SOLUTION.read_bytes())
    (tmp_path / "ada" / "Untitled.ipynb").write_text(SCRATCH)
    later = time.time() + 60
    os.utime(tmp_path / "ada" / "Untitled.ipynb", (later, later))
    exercises = list(all_exercises().values())
    graded, others = resolve_students(find_submissions([tmp_path]), _defined_counter(exercises, None))["ada"]
    assert graded.path.name == "01_perceptrons.ipynb"
    assert [(e.path.name, status, reason) for e, status, reason in others] == [
        ("Untitled.ipynb", "skipped", "defines 0 of the exercise functions; 01_perceptrons.ipynb defines 7 and is graded")]


def test_shell_glob_end_to_end_grades_every_student_under_their_name(tmp_path, capsys):
    subs = tmp_path / "subs"
    for student, source in (("ada", SOLUTION), ("bob", STUDENT), ("José", SOLUTION)):
        (subs / student).mkdir(parents=True)
        (subs / student / "01_perceptrons.ipynb").write_bytes(source.read_bytes())
    (subs / "José" / "Untitled.ipynb").write_text(SCRATCH)  # newer scratch notebook
    assert main(["grade", *map(str, sorted(subs.glob("*/*.ipynb"))), "--out", str(tmp_path / "g"), "--jobs", "2",
                 "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "graded 3 submission(s) (0 not gradable in full)" in printed and "skipped: José:" in printed
    with open(tmp_path / "g" / "gradebook.csv", newline="") as f:
        rows = [(r["student"], Path(r["submission"]).name, r["status"], r["total"]) for r in csv.DictReader(f)]
    assert rows == [("José", "01_perceptrons.ipynb", "graded", "9"), ("José", "Untitled.ipynb", "skipped", ""),
                    ("ada", "01_perceptrons.ipynb", "graded", "9"), ("bob", "01_perceptrons.ipynb", "graded", "0")]
    assert sorted(p.name for p in (tmp_path / "g" / "feedback").iterdir()) == ["José.md", "ada.md", "bob.md"]


def test_relative_paths_as_an_instructor_types_them(tmp_path, monkeypatch):
    """`coursepkg grade submissions/ --out grades/` from the course folder: the sandbox gets absolute paths."""
    (tmp_path / "submissions" / "ada").mkdir(parents=True)
    (tmp_path / "submissions" / "ada" / "01_perceptrons.ipynb").write_bytes(SOLUTION.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["grade", "submissions/", "--out", "grades/", "--timeout", "30", "--quiet"]) == 0
    with open(tmp_path / "grades" / "gradebook.csv", newline="") as f:
        (row,) = csv.DictReader(f)
    points = sum(e.points for e in all_exercises().values() if e.chapter == 1)
    assert (row["student"], row["status"], float(row["total"])) == ("ada", "graded", points)
