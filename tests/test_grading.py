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
from coursepkg.exercises import Case, Exercise, all_exercises, compare
from coursepkg.grading import (GradeOptions, GradeRecord, find_submissions, grade_batch, grade_gradescope,
                              load_private_checks)
from coursepkg.grading import protocol
from coursepkg.grading.child import Shell
from coursepkg.grading.report import gradebook_columns
from coursepkg.grading.submission import (SubmissionError, defined_functions, forbidden_names, integrity_flags,
                                          python_source, read_code_cells)
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


def test_answer_files_are_capped_by_their_declared_sizes_and_must_be_regular_files(tmp_path):
    import io
    import zipfile

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (2**31,)})
    with zipfile.ZipFile(tmp_path / "bomb.npz", "w", zipfile.ZIP_DEFLATED) as z:  # 16 GiB declared, a few bytes stored
        z.writestr("__tree__.npy", header.getvalue())
    assert (tmp_path / "bomb.npz").stat().st_size < 1000
    with pytest.raises(ValueError, match=r"declares arrays of \d+\+ bytes \(limit 64000000\)"):
        protocol.load(tmp_path / "bomb.npz", 64_000_000)
    protocol.save(tmp_path / "a.npz", [np.arange(3.0)])
    (tmp_path / "link.npz").symlink_to(tmp_path / "a.npz")
    os.mkfifo(tmp_path / "fifo.npz")
    with pytest.raises(ValueError, match="unreadable"):
        protocol.load(tmp_path / "link.npz")
    with pytest.raises(ValueError, match="not a regular file"):
        protocol.load(tmp_path / "fifo.npz")
    with pytest.raises(ValueError, match="larger than 10 bytes"):
        protocol.load(tmp_path / "a.npz", 10)


def test_answers_are_encoded_as_the_self_check_compares_them(tmp_path):
    import collections
    import fractions

    import torch

    point = collections.namedtuple("Point", "x y")
    protocol.save(tmp_path / "t.npz", [point(1, 2.5), fractions.Fraction(1, 4), np.array([1, 2], dtype=object),
                                       torch.tensor([[1.0, 2.0]]), torch.ones(1, requires_grad=True)])
    back = protocol.load(tmp_path / "t.npz")
    assert back[0] == (1, 2.5) and type(back[0]) is tuple and back[1] == 0.25
    np.testing.assert_array_equal(back[2], [1.0, 2.0])
    np.testing.assert_array_equal(back[3], [[1.0, 2.0]])
    assert repr(back[4]) == "<object of type Tensor (RuntimeError)>"  # compare cannot read it either
    with pytest.raises(RuntimeError, match="requires grad"):
        compare(np.ones(1), torch.ones(1, requires_grad=True))


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


def test_magics_go_through_ipythons_transformer_and_cell_magics_run_their_body():
    assert python_source("%matplotlib inline\nif True:\n    !ls\nx = (1\n!= 2)") == (
        "get_ipython().run_line_magic('matplotlib', 'inline')\nif True:\n    get_ipython().system('ls')\nx = (1\n!= 2)\n")
    cells = [(0, python_source("%%time\ndef count_parameters(s):\n    return 1")), (1, python_source("%%bash\nrm -rf /"))]
    assert "count_parameters" in defined_functions(cells)
    namespace = {}
    for _, source in cells:
        exec(source, {**namespace, "get_ipython": lambda: Shell(namespace)})  # noqa: S102
    assert namespace["count_parameters"]([]) == 1 and set(namespace) - {"__builtins__"} == {"count_parameters"}


def test_unreadable_notebooks_raise_submission_error(tmp_path):
    (tmp_path / "a.ipynb").write_text('{"cells": 3}')
    with pytest.raises(SubmissionError, match="no list of cells"):
        read_code_cells(tmp_path / "a.ipynb")
    (tmp_path / "v3.ipynb").write_text(json.dumps({"nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["x = 1\n", "%time y = 2"]}, {"cell_type": "markdown", "source": "m"}]}]}))
    assert read_code_cells(tmp_path / "v3.ipynb") == [(0, "x = 1\nget_ipython().run_line_magic('time', 'y = 2')\n")]
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


LEAKY = """
def count_parameters(layer_sizes, _f=count_parameters):
    if layer_sizes == [7, 1, 3]:  # a hidden input: its exception text must not reach the student
        raise ValueError(f"the input was {layer_sizes}")
    return 0 if layer_sizes == [10, 20, 30, 40] else _f(layer_sizes)
"""

FRAMES = """
import sys
def count_parameters(layer_sizes, _f=count_parameters):  # looks for hidden inputs up the stack
    frame, text = sys._getframe(), ""
    while frame is not None:
        text += repr(frame.f_locals)
        frame = frame.f_back
    return "LEAKED" if "7, 1, 3" in text or "10, 20, 30, 40" in text else "CLEAN"
"""
THIEF = """
import sys, threading
stolen = []
threading.Thread(target=lambda: stolen.append(sys.stdin.buffer.read()), daemon=True).start()
def count_parameters(layer_sizes, _f=count_parameters):  # hopes the hidden inputs come through stdin first
    return repr(stolen)
"""


def _with_cell(source, target):
    import nbformat

    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, target)


def test_batch_policies_private_checks_resume_and_formats(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / "01_perceptrons.ipynb").write_bytes((ROOT / "exercises" / SOLUTION.name).read_bytes())
    (subs / "alice" / "Untitled.ipynb").write_text('{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}')
    (subs / "bob").mkdir()
    (subs / "bob" / "01_perceptrons.ipynb").write_text("{}")
    (subs / "bob" / "01_perceptrons-1.ipynb").write_bytes(SOLUTION.read_bytes())  # the resubmission counts
    (subs / "carol").mkdir()
    _with_cell(LEAKY, subs / "carol" / "01_perceptrons.ipynb")
    (subs / "dave").mkdir()
    _with_cell(FRAMES, subs / "dave" / "01_perceptrons.ipynb")
    (subs / "erin").mkdir()
    _with_cell(THIEF, subs / "erin" / "01_perceptrons.ipynb")
    future = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() + 3600))
    checks = _private_checks(tmp_path / "checks")
    out = tmp_path / "out"
    old_umask = os.umask(0o027)
    try:
        records = grade_batch([subs], out, options=FAST, jobs=2, checks=checks, deadline=future, progress=False)
    finally:
        os.umask(old_umask)
    by = {(r.student, Path(r.submission).name): r for r in records}
    assert by[("alice", "Untitled.ipynb")].status == "skipped"
    assert by[("bob", "01_perceptrons.ipynb")].status == "superseded"
    assert by[("bob", "01_perceptrons.ipynb")].reason == "resubmitted as 01_perceptrons-1.ipynb"
    alice, bob, carol = (by[(s, n)] for s, n in [("alice", "01_perceptrons.ipynb"), ("bob", "01_perceptrons-1.ipynb"),
                                                 ("carol", "01_perceptrons.ipynb")])
    assert (alice.score, alice.max_score, alice.late) == (0.0, 11.0, False)
    assert (bob.score, bob.max_score) == (11.0, 11.0)  # 6 items x 1 point, 1.8 x 3 + the private check's 2
    assert carol.score == 9.0 and {r.id: r.n_passed for r in carol.exercises}["1.2h"] == 0
    assert (out / "gradebook.csv").stat().st_mode & 0o777 == 0o640  # the umask, as for any file the user writes

    with open(out / "gradebook.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == gradebook_columns(["1.1", "1.2", "1.2h", "1.3", "1.4", "1.5", "1.6", "1.8"])
    table = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [(r["student"], r["status"], r["total"]) for r in table] == [
        ("alice", "graded", "0"), ("alice", "skipped", ""), ("bob", "graded", "11"), ("bob", "superseded", ""),
        ("carol", "graded", "9"), ("dave", "graded", "8"), ("erin", "graded", "8")]
    for r in table:
        if r["status"] == "graded":
            assert float(r["total"]) == sum(float(r[i]) for i in ["1.1", "1.2", "1.2h", "1.3", "1.4", "1.5", "1.6", "1.8"])
    for student in ("alice", "bob", "carol", "dave", "erin"):
        results = json.loads((out / "results" / student / "results.json").read_text())
        jsonschema.validate(results, RESULTS_SCHEMA)
        assert results["score"] == sum(t["score"] for t in results["tests"])
    hidden = next(t for t in json.loads((out / "results" / "bob" / "results.json").read_text())["tests"] if t["number"] == "1.2h")
    assert hidden["visibility"] == "after_published"
    feedback = (out / "feedback" / "alice.md").read_text()
    assert "Not implemented" in feedback and "[7, 1, 3]" not in feedback and "Hint:" in feedback
    # private checks stay private: no hidden input (even through the student's exception), no expected value
    carol_results = (out / "results" / "carol" / "results.json").read_text()
    for text in (carol_results, (out / "feedback" / "carol.md").read_text()):
        assert "0/2 hidden cases passed; hidden case 1 failed" in text
        assert "7, 1, 3" not in text and str(count_parameters([10, 20, 30, 40])) not in text and "the input was" not in text
    # nor through a public answer: the child gets the hidden inputs only after the public answers are kept
    dave = (out / "feedback" / "dave.md").read_text() + (out / "results" / "dave" / "results.json").read_text()
    assert "got:      'CLEAN'" in dave and "LEAKED" not in dave
    assert "LEAKED" in (out / "records" / "dave.json").read_text()  # the detector works: the hidden call saw its inputs
    erin = (out / "feedback" / "erin.md").read_text() + (out / "results" / "erin" / "results.json").read_text()
    # a thread blocked on stdin races the child for the hidden inputs: either side may win the pipe's data,
    # and both outcomes are safe (the public answer was kept before anything was sent, and a hidden answer is
    # only ever reported as passed or failed)
    assert "got:      '[]'" in erin and "7, 1, 3" not in erin and "10, 20, 30, 40" not in erin
    assert ("hidden inputs never arrived (the notebook read or closed stdin)" in erin
            or "0/2 hidden cases passed; hidden case 1 failed" in erin)

    # resume: unchanged notebooks reuse their records, with the current deadline; outputs are rewritten from them
    record_file = out / "records" / "bob.json"
    saved = json.loads(record_file.read_text())
    saved["reason"] = "kept from the first run"
    record_file.write_text(json.dumps(saved))
    (out / "feedback" / "bob.md").write_text("stale feedback of a run killed after the record")
    (out / "results" / "bob" / "results.json").unlink()
    _with_cell("", subs / "alice" / "01_perceptrons.ipynb")  # alice fixed her notebook: graded again
    past = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 3600))
    again = {r.student: r for r in grade_batch([subs], out, options=FAST, checks=checks, resume=True, deadline=past,
                                                  progress=False) if r.status == "graded"}
    assert again["bob"].reason == "kept from the first run" and again["bob"].late is True
    assert again["alice"].score == 11.0
    feedback = (out / "feedback" / "bob.md").read_text()
    assert "kept from the first run" in feedback and "Submitted after the deadline." in feedback
    assert json.loads((out / "results" / "bob" / "results.json").read_text())["score"] == 11.0


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
    assert grade_gradescope(root).reason == "no .ipynb file in the submission"
    assert json.loads((root / "results" / "results.json").read_text())["score"] == 0
    assert main(["grade", "--out", str(tmp_path / "o")]) == 2
    assert "give SUBMISSIONS" in capsys.readouterr().err
    # deeply nested JSON and an unreadable upload still give a results.json
    (root / "submission" / "nested.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    assert main(["grade", "--gradescope", "--autograder-root", str(root)]) == 0
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "JSON nested too deeply" in results["output"]


def test_gradescope_mode_writes_nothing_outside_gradescope(tmp_path, capsys):
    assert main(["grade", "--gradescope", "--autograder-root", str(tmp_path / "nowhere")]) == 2
    assert "not a Gradescope autograder" in capsys.readouterr().err and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("argv, message", [
    (["--chapter", "9"], "--chapter must be one of 1, 2, 3, 4, 5, 6, 7 (the chapters with exercises); got 9"),
    (["--timeout", "-1"], "--timeout must be a positive number; got -1"),
    (["--call-timeout", "nan"], "--call-timeout must be a positive number; got nan"),
    (["--jobs", "0"], "--jobs must be at least 1; got 0"),
    (["--deadline", "tomorrow"], "--deadline must be an ISO date-time such as 2026-03-01T23:59"),
])
def test_bad_arguments_are_refused_with_a_clear_message(tmp_path, capsys, argv, message):
    assert main(["grade", str(SOLUTION), "--out", str(tmp_path / "o"), "--quiet", *argv]) == 2
    assert message in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_a_bubblewrap_that_cannot_create_namespaces_is_refused_with_the_install_hint(tmp_path, monkeypatch):
    import coursepkg.grading.sandbox as sandbox

    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: str(fake))
    sandbox.check_sandbox.cache_clear()
    try:
        with pytest.raises(sandbox.SandboxUnavailable, match=r"(?s)apt-get install bubblewrap.*--no-sandbox.*"
                                                             r"\(bwrap failed: bwrap: No permissions to create new namespace\)"):
            grade_batch([SOLUTION], tmp_path / "o", progress=False)
    finally:
        sandbox.check_sandbox.cache_clear()
    assert not (tmp_path / "o").exists()


def test_without_bubblewrap_grading_refuses_unless_no_sandbox_which_every_output_records(tmp_path, monkeypatch, capsys):
    import coursepkg.grading.sandbox as sandbox

    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    sandbox.check_sandbox.cache_clear()
    try:
        assert main(["grade", str(SOLUTION), "--out", str(tmp_path / "o"), "--quiet"]) == 2
        assert "apt-get install bubblewrap" in capsys.readouterr().err and not (tmp_path / "o").exists()
        assert main(["grade", str(SOLUTION), "--out", str(tmp_path / "o"), "--quiet", "--no-sandbox"]) == 0
    finally:
        sandbox.check_sandbox.cache_clear()
    with open(tmp_path / "o" / "gradebook.csv", newline="") as f:
        (row,) = csv.DictReader(f)
    assert (row["student"], row["total"], row["sandbox"]) == ("solutions", "9", "none (--no-sandbox)")
    assert "Graded without the sandbox (none (--no-sandbox))" in (tmp_path / "o" / "feedback" / "solutions.md").read_text()
    assert "Sandbox: none (--no-sandbox)" in json.loads((tmp_path / "o" / "results" / "solutions" / "results.json").read_text())["output"]


def test_a_grader_failure_on_one_notebook_does_not_stop_the_batch(tmp_path, monkeypatch):
    import coursepkg.grading.batch as batch

    for name in ("a", "b"):
        (tmp_path / f"{name}.ipynb").write_text("{}")

    def fake(path, refs, chapter=None, options=None, workdir=None, hidden=(), group=""):
        if Path(path).stem == "a":
            raise RuntimeError("boom")
        return GradeRecord(submission=str(path), status="graded", score=1.0, max_score=1.0, sha256="x")

    monkeypatch.setattr(batch, "grade_notebook", fake)
    records = {r.student: r for r in grade_batch([tmp_path], tmp_path / "out", progress=False)}
    assert records["a"].status == "error" and records["a"].reason == "grader error: RuntimeError: boom"
    assert records["b"].score == 1.0


def test_without_chapter_the_file_name_gives_it_when_the_code_cannot(tmp_path):
    """An unreadable notebook named as the course names them still gets its chapter's exercises, each at 0
    with the reason; a notebook that defines none of them is graded on its name's chapter (every function
    "not defined"); a name without a chapter leaves it unreadable, as before."""
    ids = sorted(e.id for e in all_exercises().values() if e.chapter == 1)
    points = sum(e.points for e in all_exercises().values() if e.chapter == 1)
    for student in ("alice", "bob", "carol"):
        (tmp_path / "in" / student).mkdir(parents=True)
    (tmp_path / "in" / "alice" / "01_perceptrons-1.ipynb").write_text("{")
    (tmp_path / "in" / "bob" / "03_softmax.ipynb").write_bytes(_empty_notebook())
    (tmp_path / "in" / "carol" / "notes.ipynb").write_text("{")
    records = {Path(r.submission).name: r for r in grade_batch([tmp_path / "in"], tmp_path / "out", options=FAST,
                                                               progress=False)}
    bad = records["01_perceptrons-1.ipynb"]
    assert (bad.status, bad.chapter, bad.max_score, bad.score) == ("unreadable", 1, points, 0.0)
    assert [row.id for row in bad.exercises] == ids and all("invalid JSON" in row.reason for row in bad.exercises)
    empty = records["03_softmax.ipynb"]
    assert (empty.status, empty.chapter, empty.score) == ("graded", 3, 0.0) and empty.max_score > 0
    assert all(row.reason.startswith(f"function {row.name} is not defined") for row in empty.exercises)
    notes = records["notes.ipynb"]
    assert (notes.status, notes.chapter, notes.max_score, notes.exercises) == ("unreadable", None, 0.0, [])


def _empty_notebook():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    return nbformat.writes(nb).encode()
