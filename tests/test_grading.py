"""The grader's parts: data-only protocol, integrity flags, private checks, policies, output formats."""
import csv
import json
import os
import time
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from coursepkg.cli import main
from coursepkg.exercises import Case, Exercise, all_exercises
from coursepkg.grading import GradeOptions, find_submissions, grade_batch, grade_gradescope, load_private_checks
from coursepkg.grading import protocol
from coursepkg.grading.child import clean_source
from coursepkg.grading.report import gradebook_columns
from coursepkg.grading.submission import SubmissionError, forbidden_names, integrity_flags, read_code_cells
from coursepkg.mlp import count_parameters

pytestmark = pytest.mark.ch1
ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "01_perceptrons.ipynb"
FAST = GradeOptions(timeout=20.0, memory_mb=2048, call_timeout=5.0)

# Gradescope's documented autograder output format (the fields we write).
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "output", "status"],
            "properties": {"name": {"type": "string"}, "score": {"type": "number"}, "max_score": {"type": "number"},
                           "output": {"type": "string"}, "status": {"enum": ["passed", "failed"]},
                           "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]}}}},
    },
}


def test_protocol_round_trip_is_data_only(tmp_path):
    value = {"w": np.arange(3.0), "t": (1, 2.5, True, None, "s", [np.eye(2, dtype=np.float32)]), "nan": float("nan"),
             "np": np.int64(7)}
    protocol.save(tmp_path / "a.npz", value)
    back = protocol.load(tmp_path / "a.npz")
    np.testing.assert_array_equal(back["w"], value["w"])
    assert back["t"][:5] == (1, 2.5, True, None, "s") and back["t"][5][0].dtype == np.float32
    assert np.isnan(back["nan"]) and back["np"] == 7 and type(back["np"]) is int
    protocol.save(tmp_path / "b.npz", [object(), np.array([object()]), {1: 2}])
    assert [repr(x) for x in protocol.load(tmp_path / "b.npz")] == [
        "<object of type object>", "<array of dtype object>", "<dict with non-string keys>"]


def test_protocol_refuses_pickles_and_garbage(tmp_path):
    np.savez(tmp_path / "p.npz", __tree__=np.array('{"array": 0}'), a0=np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="unreadable"):
        protocol.load(tmp_path / "p.npz")
    (tmp_path / "g.npz").write_bytes(b"not an npz")
    with pytest.raises(ValueError, match="unreadable"):
        protocol.load(tmp_path / "g.npz")
    np.savez(tmp_path / "t.npz", __tree__=np.array('{"exec": "import os"}'))
    with pytest.raises(ValueError, match="unexpected node"):
        protocol.load(tmp_path / "t.npz")


def test_clean_source_skips_magics_and_keeps_indentation():
    assert clean_source("%matplotlib inline\nif True:\n    !ls\nx = 1") == "pass\nif True:\n    pass\nx = 1"
    assert clean_source("%%bash\nrm -rf /") == ""


def test_unreadable_notebooks_raise_submission_error(tmp_path):
    (tmp_path / "a.ipynb").write_text('{"cells": 3}')
    with pytest.raises(SubmissionError, match="no list of cells"):
        read_code_cells(tmp_path / "a.ipynb")
    with pytest.raises(SubmissionError, match="unreadable"):
        read_code_cells(tmp_path / "missing.ipynb")


@pytest.mark.parametrize("code, expected", [
    ("from coursepkg.perceptron import perceptron_update as pu", ["uses coursepkg.perceptron.perceptron_update (exercise 1.1)"]),
    ("import coursepkg.mlp as m\nf = m.count_parameters", ["uses coursepkg.mlp.count_parameters (exercise 1.2)"]),
    ("from coursepkg import perceptron\nperceptron.two_layer_perceptron(X, [], None)",
     ["uses coursepkg.perceptron.two_layer_perceptron (exercise 1.3)"]),
    ("from coursepkg import mlp\ngetattr(mlp, 'predict_output')", ["uses mlp.predict_output via getattr (exercise 1.4)"]),
    ("import importlib\nm = importlib.import_module('coursepkg.' + 'mlp')",
     ["imports a module named at run time dynamically (importlib.import_module)"]),
    ("from coursepkg.exercises import check\nimport numpy as np\ndef count_parameters(s):\n    return np.sum(s)", []),
])
def test_integrity_flags(code, expected):
    exercises = [e for e in all_exercises().values() if e.chapter == 1]
    assert integrity_flags([(0, code)], exercises) == expected


def test_forbidden_names_come_from_the_reference_code():
    ex = all_exercises()
    assert {"xor_predict", "two_layer_perceptron", "XOR_PERCEPTRONS"} <= forbidden_names(ex["1.3"])
    assert {"sigmoid_network_output", "predict_output"} <= forbidden_names(ex["1.4"])
    assert "np" not in forbidden_names(ex["1.3"])


def _private_checks(folder, exercise_id="1.2h"):
    folder.mkdir()
    (folder / "extra.py").write_text(
        "from coursepkg.exercises import Case, Exercise\nfrom coursepkg.mlp import count_parameters\n"
        f"EXERCISES = [Exercise(id={exercise_id!r}, name='count_parameters', title='Hidden sizes', "
        "reference=count_parameters, cases=(Case(([7, 1, 3],)), Case(([10, 20, 30, 40],))), hint='h', points=2.0)]\n")
    return folder


def test_private_checks_load_and_refuse_clashing_ids(tmp_path):
    (found,) = load_private_checks(_private_checks(tmp_path / "c"))
    assert isinstance(found, Exercise) and found.expected(found.cases[1]) == count_parameters([10, 20, 30, 40]) == 20 * 11 + 30 * 21 + 40 * 31
    with pytest.raises(ValueError, match="already a built-in exercise"):
        grade_batch([SOLUTION], tmp_path / "o", checks=_private_checks(tmp_path / "d", "1.2"), progress=False)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_private_checks(tmp_path / "nope")


def test_submission_discovery_students_and_duplicates(tmp_path):
    (tmp_path / "alice").mkdir()
    for name in ("alice/v1.ipynb", "alice/v2.ipynb", "bob.ipynb"):
        (tmp_path / name).write_text("{}")
    assert find_submissions([tmp_path]) == [("alice", tmp_path / "alice/v1.ipynb"), ("alice", tmp_path / "alice/v2.ipynb"),
                                            ("bob", tmp_path / "bob.ipynb")]
    with pytest.raises(FileNotFoundError, match="no such file"):
        find_submissions([tmp_path / "nope"])


def test_batch_policies_private_checks_resume_and_formats(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    old, new = subs / "alice" / "first.ipynb", subs / "alice" / "second.ipynb"
    old.write_bytes(SOLUTION.read_bytes())
    new.write_bytes((ROOT / "exercises" / SOLUTION.name).read_bytes())
    os.utime(old, (time.time() - 7200, time.time() - 7200))  # second.ipynb is newer: it counts
    (subs / "bob.ipynb").write_bytes(SOLUTION.read_bytes())
    deadline = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 3600))
    checks = _private_checks(tmp_path / "checks")
    out = tmp_path / "out"
    records = grade_batch([subs], out, options=FAST, jobs=2, checks=checks, deadline=deadline, progress=False)
    by = {(r["student"], Path(r["submission"]).name): r for r in records}
    assert by[("alice", "first.ipynb")]["status"] == "superseded"
    alice, bob = by[("alice", "second.ipynb")], by[("bob", "bob.ipynb")]
    assert (alice["score"], alice["max_score"], alice["late"]) == (0.0, 11.0, True)
    assert (bob["score"], bob["max_score"]) == (11.0, 11.0)  # 6 items x 1 point, 1.8 x 3 + the private check's 2

    with open(out / "gradebook.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == gradebook_columns(["1.1", "1.2", "1.2h", "1.3", "1.4", "1.5", "1.6", "1.8"])
    table = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [(r["student"], r["status"], r["total"]) for r in table] == [
        ("alice", "graded", "0"), ("alice", "superseded", ""), ("bob", "graded", "11")]
    for r in table:
        if r["status"] == "graded":
            assert float(r["total"]) == sum(float(r[i]) for i in ["1.1", "1.2", "1.2h", "1.3", "1.4", "1.5", "1.6", "1.8"])
    for student in ("alice", "bob"):
        results = json.loads((out / "results" / student / "results.json").read_text())
        jsonschema.validate(results, RESULTS_SCHEMA)
        assert results["score"] == sum(t["score"] for t in results["tests"])
    hidden = next(t for t in json.loads((out / "results" / "bob" / "results.json").read_text())["tests"] if t["number"] == "1.2h")
    assert hidden["visibility"] == "after_published"
    feedback = (out / "feedback" / "alice.md").read_text()
    assert "Not implemented" in feedback and "[7, 1, 3]" not in feedback and "Hint:" in feedback

    # resume: unchanged notebooks reuse their records; a changed one is graded again
    record_file = out / "records" / "bob.json"
    saved = json.loads(record_file.read_text())
    saved["reason"] = "kept from the first run"
    record_file.write_text(json.dumps(saved))
    new.write_bytes(SOLUTION.read_bytes())
    again = {r["student"]: r for r in grade_batch([subs], out, options=FAST, checks=checks, resume=True, progress=False)
             if r["status"] != "superseded"}
    assert again["bob"]["reason"] == "kept from the first run" and again["alice"]["score"] == 11.0


def test_gradescope_entry_point_and_cli(tmp_path, capsys):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "mine.ipynb").write_bytes(SOLUTION.read_bytes())
    assert main(["grade", "--gradescope", "--autograder-root", str(root), "--timeout", "20"]) == 0
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == 9.0 and [t["status"] for t in results["tests"]] == ["passed"] * 7
    assert "graded: 9/9" in capsys.readouterr().out
    (root / "submission" / "mine.ipynb").unlink()
    assert grade_gradescope(root)["reason"] == "no .ipynb file in the submission"
    assert json.loads((root / "results" / "results.json").read_text())["score"] == 0
    assert main(["grade", "--out", str(tmp_path / "o")]) == 2
    assert "give SUBMISSIONS" in capsys.readouterr().err


def test_a_grader_failure_on_one_notebook_does_not_stop_the_batch(tmp_path, monkeypatch):
    import coursepkg.grading.batch as batch

    for name in ("a", "b"):
        (tmp_path / f"{name}.ipynb").write_text("{}")

    def fake(path, refs, chapter=None, options=None):
        if Path(path).stem == "a":
            raise RuntimeError("boom")
        return {"submission": str(path), "status": "graded", "reason": "", "score": 1.0, "max_score": 1.0,
                "exercises": [], "flags": [], "sha256": "x"}

    monkeypatch.setattr(batch, "grade_notebook", fake)
    records = {r["student"]: r for r in grade_batch([tmp_path], tmp_path / "out", progress=False)}
    assert records["a"]["status"] == "error" and records["a"]["reason"] == "grader error: RuntimeError: boom"
    assert records["b"]["score"] == 1.0
