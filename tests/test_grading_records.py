"""Typed grading records: the shape on disk, the round trip, and what a resumed batch refuses to trust."""
import csv
import json
from dataclasses import fields
from pathlib import Path

import jsonschema
import pytest
from test_grading import RESULTS_SCHEMA  # Gradescope's format, as the grading tests check it

from coursepkg.grading import ExerciseResult, GradeOptions, GradeRecord, grade_batch
from coursepkg.grading.records import ROW_STATUSES, CellError, Failure
from coursepkg.grading.report import gradescope_results

pytestmark = pytest.mark.ch1
ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "01_perceptrons.ipynb"
FAST = GradeOptions(timeout=20.0, memory_mb=2048, call_timeout=5.0)
# a wrong answer, some output, a cell that raises
WRONG = "def count_parameters(layer_sizes):\n    return 3\nprint('hello')\n1 / 0\n"


def _notebook(path, extra_cell=None):
    nb = json.loads(SOLUTION.read_text())
    if extra_cell is not None:
        nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                            "source": extra_cell})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A real batch: a solution, a resubmission, one wrong answer with a raising cell, an unreadable file."""
    base = tmp_path_factory.mktemp("records")
    subs = base / "in"
    _notebook(subs / "sol" / "01_perceptrons.ipynb")
    _notebook(subs / "wrong" / "01_perceptrons.ipynb", WRONG)
    (subs / "bad").mkdir()
    (subs / "bad" / "01_perceptrons.ipynb").write_text("{")
    (subs / "re").mkdir()
    (subs / "re" / "01_perceptrons.ipynb").write_text("{}")
    _notebook(subs / "re" / "01_perceptrons-1.ipynb")
    records = grade_batch([subs], base / "out", chapter=1, options=FAST, jobs=2, progress=False)
    return base, {(r.student, r.status): r for r in records}


def test_batch_returns_typed_records_with_the_scores_of_the_notebooks(graded):
    _, records = graded
    assert sorted(records) == [("bad", "unreadable"), ("re", "graded"), ("re", "superseded"), ("sol", "graded"),
                               ("wrong", "graded")]
    assert all(isinstance(r, GradeRecord) and all(isinstance(row, ExerciseResult) for row in r.exercises)
               for r in records.values())
    sol, wrong = records[("sol", "graded")], records[("wrong", "graded")]
    assert (sol.score, sol.max_score, wrong.score) == (9.0, 9.0, 8.0)  # 1.2 (count_parameters) is worth 1 point
    row = {row.id: row for row in wrong.exercises}["1.2"]
    assert (row.status, row.n_passed, row.score) == ("failed", 0, 0.0)
    assert row.failure == Failure(case=0, call="count_parameters(layer_sizes=[784, 10])", expected="7850", got="3",
                                  problem=row.failure.problem) and row.failure.problem.startswith("output differs")
    last = len(json.loads(SOLUTION.read_text())["cells"])  # the appended cell's index in the notebook
    assert wrong.cell_errors == [CellError(cell=last, error="ZeroDivisionError: division by zero")]
    assert "hello" in wrong.output


def test_round_trip_through_json_gives_equal_records(graded):
    _, records = graded
    for record in records.values():
        text = json.dumps(record.to_dict(), allow_nan=False)  # JSON-ready: no dataclass, no NaN, nothing else
        back = GradeRecord.from_dict(json.loads(text))
        assert back == record and back.to_dict() == record.to_dict()
        for row in record.exercises:
            assert ExerciseResult.from_dict(row.to_dict()) == row


def test_record_files_hold_exactly_to_dict_and_results_json_follows_gradescope_schema(graded):
    base, records = graded
    out = base / "out"
    for (student, status), record in records.items():
        keys = list(record.to_dict())
        assert keys == [f.name for f in fields(GradeRecord)]
        assert all(list(row) == [f.name for f in fields(ExerciseResult)] for row in record.to_dict()["exercises"])
        results = gradescope_results(record)
        jsonschema.validate(results, RESULTS_SCHEMA)
        assert results["score"] == record.score and len(results["tests"]) == len(record.exercises)
        if status == "superseded":  # listed in the gradebook only: the student's file is the graded notebook's
            continue
        on_disk = json.loads((out / "records" / f"{student}.json").read_text())
        assert on_disk == record.to_dict()
        assert json.loads((out / "results" / student / "results.json").read_text()) == results


def _damage(path, how):
    d = json.loads(path.read_text())
    d["reason"] = "DAMAGED"  # were the file trusted, this reason would come back
    if how == "truncated":
        path.write_text(json.dumps(d)[:200])
        return
    if how == "not an object":
        d = [d]
    elif how == "score of the wrong type":
        d["score"] = "9"
    elif how == "row without a field":
        del d["exercises"][0]["score"]
    elif how == "unknown status":
        d["status"] = "passed with honours"
    elif how == "foreign key":
        d["grade"] = "A+"
    path.write_text(json.dumps(d))


DAMAGES = ["truncated", "not an object", "score of the wrong type", "row without a field", "unknown status",
           "foreign key"]


def test_a_damaged_record_file_is_regraded_on_resume_and_nothing_else_is_lost(tmp_path):
    subs = tmp_path / "in"
    students = [f"s{k}" for k in range(len(DAMAGES))] + ["kept"]
    for student in students:
        _notebook(subs / student / "01_perceptrons.ipynb")
    out = tmp_path / "out"
    first = {r.student: r for r in grade_batch([subs], out, chapter=1, options=FAST, jobs=2, progress=False)}
    for student, how in zip(students, DAMAGES):
        _damage(out / "records" / f"{student}.json", how)
    kept = json.loads((out / "records" / "kept.json").read_text())
    kept["reason"] = "kept from the first run"  # an intact file: reused as it is
    (out / "records" / "kept.json").write_text(json.dumps(kept))

    again = {r.student: r for r in grade_batch([subs], out, chapter=1, options=FAST, jobs=2, resume=True,
                                               progress=False)}
    assert sorted(again) == sorted(students)
    assert again["kept"].reason == "kept from the first run"
    for student, how in zip(students, DAMAGES):
        record = again[student]
        assert (record.status, record.reason, record.score, record.max_score) == ("graded", "", 9.0, 9.0), how
        assert record.exercises == first[student].exercises, how
        assert GradeRecord.from_dict(json.loads((out / "records" / f"{student}.json").read_text())) == record, how
    with open(out / "gradebook.csv", newline="") as f:
        table = {row["student"]: row for row in csv.DictReader(f)}
    assert {s: (table[s]["status"], table[s]["total"], table[s]["reason"]) for s in students} == {
        **{s: ("graded", "9", "") for s in students[:-1]}, "kept": ("graded", "9", "kept from the first run")}


@pytest.fixture
def listed():
    return GradeRecord.ungraded("ada", "ada/01.ipynb", "skipped", "defines 0 of the exercise functions", "bubblewrap")


ROW = {"id": "1.1", "kind": "function", "name": "f", "title": "t", "points": 1.0, "n_cases": 2, "n_passed": 1,
       "score": 0.5, "private": False, "hint": "h", "failure": {"case": 1, "call": "f(x=1)", "expected": "2",
                                                                 "got": "3", "problem": "output differs"},
       "status": "failed", "reason": "1/2 cases passed"}


@pytest.mark.parametrize("change, message", [
    ({"status": "done"}, "GradeRecord.status must be one of crashed, error, graded, not graded, skipped, "
                         "stopped, superseded, timeout, unreadable; got 'done'"),
    ({"score": None}, "GradeRecord.score must be a number; got NoneType None"),
    ({"late": "no"}, "GradeRecord.late must be true or false; got str 'no'"),
    ({"max_score": True}, "GradeRecord.max_score must be a number; got bool True"),
    ({"chapter": "1"}, "GradeRecord.chapter must be an integer or null; got str '1'"),
    ({"flags": "uses numpy"}, "GradeRecord.flags must be a list; got str 'uses numpy'"),
    ({"flags": [1]}, r"GradeRecord.flags\[0\] must be a string; got int 1"),
    ({"cell_errors": [{"cell": 1}]}, "CellError: missing field 'error'"),
    ({"exercises": [{**ROW, "status": "almost"}]}, "ExerciseResult.status must be one of error, failed, missing, "
                                                    "not graded, not implemented, passed; got 'almost'"),
    ({"exercises": [{**ROW, "n_passed": 1.0}]}, "ExerciseResult.n_passed must be an integer; got float 1.0"),
    ({"exercises": [{**ROW, "failure": {**ROW["failure"], "got": 3}}]},
     "Failure.got must be a string or null; got int 3"),
    ({"exercises": [{**ROW, "hidden": True}]}, "ExerciseResult: unknown field 'hidden'"),
    ({"grade": "A+"}, "GradeRecord: unknown field 'grade'"),
])
def test_from_dict_refuses_a_wrong_field_and_names_it(listed, change, message):
    d = {**listed.to_dict(), **change}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        GradeRecord.from_dict(d)


@pytest.mark.parametrize("name", [f.name for f in fields(GradeRecord)])
def test_from_dict_refuses_a_missing_field(listed, name):
    d = listed.to_dict()
    del d[name]
    with pytest.raises(ValueError, match=f"GradeRecord: missing field '{name}'"):
        GradeRecord.from_dict(d)


def test_from_dict_refuses_what_is_not_an_object_and_the_constructors_check_too(listed):
    with pytest.raises(ValueError, match="a GradeRecord must be a JSON object; got list"):
        GradeRecord.from_dict([listed.to_dict()])
    with pytest.raises(ValueError, match="GradeRecord.status must be one of"):
        GradeRecord.ungraded("ada", "a.ipynb", "lost", "", "bubblewrap")
    row = ExerciseResult.from_dict(ROW)
    assert isinstance(row.failure, Failure) and row.failure.got == "3" and row.status in ROW_STATUSES
    error = GradeRecord.error("ada", Path("a.ipynb"), RuntimeError("x" * 500), "bubblewrap")
    assert (error.status, error.score, error.submission) == ("error", 0.0, "a.ipynb")
    assert error.reason == "grader error: RuntimeError: " + "x" * 300
    assert CellError.from_dict({"cell": 2, "error": "E"}).to_dict() == {"cell": 2, "error": "E"}


def test_a_tampered_answer_file_gives_an_error_row_and_feedback_still_renders():
    from coursepkg.exercises import all_exercises
    from coursepkg.grading.grader import _cell_errors, _grade_exercise, references_for
    from coursepkg.grading.report import feedback_markdown

    ref = references_for([all_exercises()["1.2"]])["1.2"]
    # the child always writes a list of case outcomes; anything else was written by the student's code
    row = _grade_exercise(ref, {"status": "called", "cases": {"0": "ok"}}, "", [])
    assert (row.status, row.reason, row.score, row.failure) == ("error", "the answer file is malformed", 0.0, None)
    assert _grade_exercise(ref, ["called"], "", []).reason == "malformed answer"
    kept = _cell_errors([{"cell": 3, "error": "E"}, {"cell": "3"}, {"cell": True, "error": "E"}, "x",
                         {"cell": 4, "error": "E", "extra": 1}])
    assert kept == [CellError(3, "E")]
    record = GradeRecord(submission="a.ipynb", status="graded", exercises=[row], cell_errors=kept, student="ada")
    text = feedback_markdown(record)
    assert "The answer file is malformed." in text and "- Cell 3 raised `E`" in text
