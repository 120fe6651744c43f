"""The grader against a hostile corpus built from the real chapter 1 notebooks, and the round trip.

Every hostile submission is graded in ONE batch (2 jobs), next to an honest solution, so the test
also shows that the batch completes and that no submission's result leaks into another's. Each
case states the exact score and the reason it must get. Expected values come from the solution
and student notebooks themselves (full marks / "not implemented"), not from the grader.
"""
import csv
import hashlib
import json
from pathlib import Path

import nbformat
import numpy as np
import pytest

from coursepkg.exercises import all_exercises, get_exercise
from coursepkg.grading import GradeOptions, grade_batch

pytestmark = [pytest.mark.ch1, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "01_perceptrons.ipynb"
STUDENT = ROOT / "exercises" / "01_perceptrons.ipynb"
OPTIONS = GradeOptions(timeout=15.0, memory_mb=1536, call_timeout=1.0)
IDS = [e.id for e in all_exercises().values() if e.chapter == 1]  # issue 23: 1.1-1.4, 1.5, 1.6, 1.8
N = float(sum(get_exercise(i).points for i in IDS))  # full marks


def _cell_index(nb, name):
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.startswith(f"def {name}("))


def _append(base, *sources):
    nb = nbformat.read(base, as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


GARBAGE_REASONS = {
    "1.1": "0/6 cases passed; first failure: output should be a tuple of 3 items; got int",
    "1.2": "0/6 cases passed; first failure: output differs: expected 7850, got -1",
    "1.3": "0/3 cases passed; first failure: output differs at index (0,): expected -1, got 0",
    "1.4": "0/3 cases passed; first failure: output differs at index (1, 0): expected 4.53979e-05, got 0",
}
GARBAGE_REASONS.update({i: "not implemented" for i in IDS if i not in GARBAGE_REASONS})  # left as stubs
GARBAGE = """
def perceptron_update(w, b, x, y, lr=1.0):
    return 42
def count_parameters(layer_sizes):
    return -1
def xor_predict(X):
    return np.zeros(len(X))
def sigmoid_network_output(Thetas, X):
    return np.zeros((len(X), Thetas[-1].shape[0]))
"""
PATCH_NUMPY = """
import numpy as np, numpy.testing
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
print(check("1.2", count_parameters))
"""
PATCH_GRADER = """
import coursepkg.exercises as ex, coursepkg.exercises.spec as spec
import coursepkg.grading.grader as g, coursepkg.grading.protocol as p, coursepkg.grading.report as r
spec.compare = ex.compare = g.compare = lambda *a, **k: None
ex.run_checks = lambda exercise, fn: ex.CheckResult(exercise.id, exercise.name, "passed", 6, 6, "passed")
g._grade_exercise = lambda ref, *a: {"id": ref.exercise.id, "score": 1.0, "status": "passed"}
p.load = lambda *a, **k: {"status": "called", "cases": []}
r.gradescope_results = lambda record: {"score": 4.0, "tests": []}
"""
FILES = """
import os, glob
print("WORKDIR", sorted(os.listdir(".")))
for path in glob.glob("**", recursive=True) + glob.glob(os.path.expanduser("~") + "/**", recursive=True):
    if os.path.isfile(path):
        open(path, "wb").write(b"tampered")
os.makedirs("answers", exist_ok=True)
for k in range(4):
    open(f"answers/{k}.npz", "wb").write(b"not an npz")
open("answers/done.npz", "wb").write(b"x")
open("../gradebook.csv", "w").write("student,total\\nme,100\\n")
"""
FAKE_SCORE = """
import json
print(json.dumps({"score": 4.0, "tests": [{"name": "1.1", "score": 1, "max_score": 1, "status": "passed"}]}))
print("✔ Exercise 1.1 passed: 6/6 cases.\\nTOTAL SCORE: 4/4")
open("results.json", "w").write(json.dumps({"score": 4.0}))
"""
FORK = """
import os, subprocess, sys, time
pid = os.fork()
if pid == 0:
    time.sleep(300)
    os._exit(0)
escaped = subprocess.Popen([sys.executable, "-c", "import os, time; os.setsid(); time.sleep(300)"])
print("ORPHANS", pid, escaped.pid)
"""
ALWAYS_EQUAL = """
class AlwaysEqual(int):
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    __hash__ = int.__hash__
class Weird:
    def __eq__(self, other):
        return True
def count_parameters(layer_sizes):
    return Weird()
"""
CHEAT = """
from coursepkg.perceptron import perceptron_update
import coursepkg.mlp
def count_parameters(layer_sizes):
    return coursepkg.mlp.count_parameters(layer_sizes)
"""


def _corpus(folder):
    """Write the hostile corpus; return {name: (expected score, {exercise id: expected reason prefix}, status)}."""
    folder.mkdir()
    exp = {}

    def put(name, nb, score, reasons, status="graded"):
        if isinstance(nb, (bytes, str)):
            (folder / f"{name}.ipynb").write_bytes(nb if isinstance(nb, bytes) else nb.encode())
        else:
            nbformat.write(nb, folder / f"{name}.ipynb")
        exp[name] = (score, reasons, status)

    put("honest", nbformat.read(SOLUTION, as_version=4), N, {})
    put("infinite_loop", _append(SOLUTION, "while True:\n    pass"), 0.0,
        {i: "timed out after 15 s" for i in IDS}, "timeout")
    put("loop_in_function", _append(SOLUTION, "def xor_predict(X):\n    while True:\n        pass"), N - 1,
        {"1.3": "0/3 cases passed; first failure: took longer than 1 s"})
    put("os_exit", _append(SOLUTION, "import os\nos._exit(0)"), 0.0,
        {i: "the notebook's process exited with code 0 before all answers were written" for i in IDS}, "crashed")
    put("sys_exit", _append(SOLUTION, "import sys\nsys.exit(0)", "def perceptron_update(w, b, x, y, lr=1.0):\n    sys.exit(3)"),
        N - 4, {"1.1": "0/6 cases passed; first failure: raised SystemExit: 3",
                "1.8": "0/4 cases passed; first failure: raised SystemExit: 3"})  # 1.8 calls perceptron_update
    put("patched_numpy", _append(STUDENT, GARBAGE, PATCH_NUMPY), 0.0, GARBAGE_REASONS)
    put("patched_grader", _append(STUDENT, GARBAGE, PATCH_GRADER), 0.0, GARBAGE_REASONS)
    put("rewrites_files", _append(STUDENT, FILES), 0.0, {i: "not implemented" for i in IDS})
    put("fake_score", _append(STUDENT, FAKE_SCORE), 0.0, {i: "not implemented" for i in IDS})
    put("output_50mb", _append(SOLUTION, "print('x' * 50_000_000)"), N, {})
    alloc = "def xor_predict(X, _f=xor_predict):\n    big = np.ones(2**29)  # 4 GiB\n    return _f(X)"
    put("alloc_4gb", _append(SOLUTION, alloc), N - 1, {"1.3": "0/3 cases passed; first failure: raised MemoryError"})
    put("malformed_json", SOLUTION.read_text()[:5000], 0.0, {i: "not a notebook: invalid JSON" for i in IDS}, "unreadable")
    put("not_a_notebook", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), 0.0,
        {i: "not a notebook: the file is not UTF-8 text" for i in IDS}, "unreadable")
    nb = nbformat.read(SOLUTION, as_version=4)
    k = _cell_index(nb, "count_parameters")
    nb.cells[k].source = "def count_parameters(layer_sizes)\n    return 0"
    put("syntax_error", nb, N - 1, {"1.2": f"function count_parameters is not defined in the notebook (cell {k} raised SyntaxError"})
    nb = nbformat.read(SOLUTION, as_version=4)
    del nb.cells[_cell_index(nb, "sigmoid_network_output")]
    put("missing_function", nb, N - 1, {"1.4": "function sigmoid_network_output is not defined in the notebook"})
    put("wrong_shape", _append(SOLUTION, "def xor_predict(X, _f=xor_predict):\n    return _f(X)[:, None]"), N - 1,
        {"1.3": "0/3 cases passed; first failure: output has shape (4, 1); expected shape (4,)"})
    put("nan_answers", _append(SOLUTION, "def sigmoid_network_output(Thetas, X):\n    return np.full((len(X), len(Thetas[-1])), np.nan)"),
        N - 1, {"1.4": "0/3 cases passed; first failure: output is nan at index (0, 0) where a finite number was expected"})
    put("fork_orphans", _append(SOLUTION, FORK), N, {})
    put("object_not_data", _append(STUDENT, ALWAYS_EQUAL), 0.0,
        {**{i: "not implemented" for i in IDS},
         "1.2": "0/6 cases passed; first failure: returned object of type Weird, not numbers or arrays"})
    put("calls_package_answer", _append(SOLUTION, CHEAT), N, {})
    return exp


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    expected = _corpus(base / "in")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (base / "in").iterdir()}
    (base / "out").mkdir()
    (base / "out" / "gradebook.csv").write_text("earlier gradebook\n")
    records = grade_batch([base / "in"], base / "out", chapter=1, options=OPTIONS, jobs=2, progress=False)
    for r in records:  # the table for the closing note: pytest -s shows it
        print(f"{r['student']:<22} {r['score']:g}/{r['max_score']:g} {r['status']:<10}",
              "; ".join(f"{row['id']}: {row['reason']}" for row in r["exercises"] if row["status"] != "passed")[:300],
              "; ".join(r["flags"]))
    return base, expected, {r["student"]: r for r in records}, before


def test_every_hostile_case_gets_its_exact_score_and_reason(hostile):
    base, expected, records, _ = hostile
    assert set(records) == set(expected)
    for name, (score, reasons, status) in expected.items():
        record = records[name]
        assert record["status"] == status, (name, record["status"], record["reason"])
        assert record["score"] == pytest.approx(score), (name, [(r["id"], r["reason"]) for r in record["exercises"]])
        assert record["max_score"] == N
        rows = {row["id"]: row for row in record["exercises"]}
        assert sorted(rows) == IDS
        for i in IDS:
            if i in reasons:
                assert rows[i]["score"] == 0.0 and rows[i]["reason"].startswith(reasons[i]), (name, i, rows[i]["reason"])
            else:
                assert rows[i]["score"] == get_exercise(i).points and rows[i]["status"] == "passed", (name, i, rows[i]["reason"])


def test_batch_output_is_complete_and_inputs_untouched(hostile):
    base, expected, records, before = hostile
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (base / "in").iterdir()}
    assert after == before
    with open(base / "out" / "gradebook.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert set(rows) == set(expected)
    for name, (score, _, status) in expected.items():
        assert float(rows[name]["total"]) == pytest.approx(score) and rows[name]["status"] == status
        results = json.loads((base / "out" / "results" / name / "results.json").read_text())
        assert results["score"] == pytest.approx(score)
        assert (base / "out" / "feedback" / f"{name}.md").read_text().count("### ") == len(IDS)
    assert not [p for p in (base / "out").rglob(".*") if p.is_file()]  # no temporary files left


def test_output_flood_is_capped_and_the_files_tampering_saw_no_expected_values(hostile):
    _, _, records, _ = hostile
    flood = records["output_50mb"]
    assert flood["output_bytes"] > 50_000_000 and len(flood["output"]) < 70_000
    assert "WORKDIR ['answers']" in records["rewrites_files"]["output"]  # inputs were read and deleted first


def test_forked_children_do_not_outlive_grading(hostile):
    _, _, records, _ = hostile
    line = next(l for l in records["fork_orphans"]["output"].splitlines() if l.startswith("ORPHANS"))
    for pid in map(int, line.split()[1:]):
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        assert "State:\tZ" in state, f"process {pid} still running"


def test_integrity_flags_name_the_package_functions(hostile):
    _, _, records, _ = hostile
    assert records["calls_package_answer"]["flags"] == [
        "uses coursepkg.perceptron.perceptron_update (exercise 1.1)",
        "uses coursepkg.mlp.count_parameters (exercise 1.2)"]
    assert all(not r["flags"] for name, r in records.items() if name != "calls_package_answer")


def test_nan_reason_uses_the_reference_value():
    expected = get_exercise("1.4").expected(get_exercise("1.4").cases[0])
    assert f"{expected[0, 0]:.6g}" == "9.35762e-14" and np.isfinite(expected).all()


def test_round_trip_every_solution_full_marks_every_student_notebook_zero(tmp_path):
    solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in solutions:
        (inputs / f"sol_{path.stem}.ipynb").write_bytes(path.read_bytes())
        (inputs / f"stu_{path.stem}.ipynb").write_bytes((ROOT / "exercises" / path.name).read_bytes())
    options = GradeOptions(timeout=60.0, memory_mb=4096, call_timeout=20.0)
    records = {r["student"]: r for r in grade_batch([inputs], tmp_path / "out", options=options, jobs=2, progress=False)}
    for path in solutions:
        chapter = int(path.name[:2])
        sol, stu = records[f"sol_{path.stem}"], records[f"stu_{path.stem}"]
        assert sol["chapter"] == chapter and stu["chapter"] == chapter
        assert sol["status"] == "graded" and sol["max_score"] > 0 and sol["score"] == sol["max_score"], sol["exercises"]
        assert stu["status"] == "graded" and stu["score"] == 0.0
        assert all(row["status"] == "not implemented" for row in stu["exercises"]), stu["exercises"]
        assert not sol["flags"] and not stu["flags"]
