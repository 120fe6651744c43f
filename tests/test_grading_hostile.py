"""The grader against a hostile corpus built from the real chapter 1 notebooks, and the round trip.

Every hostile submission is graded in ONE batch (3 jobs, under bubblewrap, in a fresh process that
conftest.py starts in the background when collection ends), next to honest
solutions, so the test also shows that the batch completes, that nothing is written outside
``--out`` and that no submission reaches the grader, another submission or a later one. Each
case states the exact score and the reason it must get. Expected values come from the solution
and student notebooks themselves (full marks / "not implemented") and, for answers of unusual
types, from the in-notebook self-check (``run_checks``), not from the grader.
"""
import csv
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from coursepkg.exercises import all_exercises, get_exercise, run_checks
from coursepkg.grading import GradeOptions, GradeRecord

pytestmark = [pytest.mark.ch1, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "01_perceptrons.ipynb"
STUDENT = ROOT / "exercises" / "01_perceptrons.ipynb"
OPTIONS = GradeOptions(timeout=4.0, memory_mb=1536, call_timeout=1.0, wall_timeout=90.0)  # CPU seconds; the wall ceiling only stops sleepers
IDS = [e.id for e in all_exercises().values() if e.chapter == 1]  # issue 23: 1.1-1.4, 1.5, 1.6, 1.8
N = float(sum(get_exercise(i).points for i in IDS))  # full marks
BOMBED = ["1.1", "1.2", "1.3", "1.4"]  # the exercises whose answers BOMB and TYPES replace
SECRET = "grader-secret-7f3a"  # in the grader's environment during the batch: no child may see it


def _cell_index(nb, name):
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.startswith(f"def {name}("))


def _append(base, *sources):
    nb = nbformat.read(base, as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


NOT_IMPLEMENTED = {i: "not implemented" for i in IDS}
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
PATCH_GRADER = """
import coursepkg.exercises as ex, coursepkg.exercises.spec as spec
import coursepkg.grading.grader as g, coursepkg.grading.protocol as p, coursepkg.grading.report as r
spec.compare = ex.compare = g.compare = lambda *a, **k: None
g._grade_exercise = lambda ref, *a: {"id": ref.exercise.id, "score": 1.0, "status": "passed"}
p.load = lambda *a, **k: {"status": "called", "cases": []}
r.gradescope_results = lambda record: {"score": 4.0, "tests": []}
"""
# Reach the grader: kill every process it can see (the grader, the other student's child), read
# environments, the checks, the output folder and other submissions, write into them.
REACH = """
import glob, os, signal, socket
for pid in [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]:
    try:
        os.kill(int(pid), signal.SIGKILL)
    except OSError:
        pass
environ = b""
for path in glob.glob("/proc/*/environ"):
    try:
        environ += open(path, "rb").read()
    except OSError:
        pass
print("SECRET SEEN" if {secret!r}.encode() in environ else "NO SECRET")
print("SEEN", [p for p in {paths!r} if os.path.exists(p)])
hits = []
for root in {paths!r}:
    for p in glob.glob(root + "/**", recursive=True):
        try:
            open(p, "a").write("tampered")
            hits.append(p)
        except OSError:
            pass
print("TAMPERED", hits)
print("UID", os.getuid(), "IFACES", [name for _, name in socket.if_nameindex()])
shown = b""
for path in glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/environ"):
    try:
        shown += open(path, "rb").read()
    except OSError:
        pass
print("PATHS SHOWN", [p for p in {paths!r} if p.encode() in shown])
"""
# A double-forked process in its own session with an empty environment keeps trying to write outside.
ESCAPE = """
import os, sys
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        loop = "import sys, time\\nfor _ in range(150):\\n    time.sleep(0.1)\\n    for p in sys.argv[1:3]:\\n        try:\\n            open(p, 'w').write('escaped')\\n        except OSError:\\n            pass"
        os.execve(sys.executable, [sys.executable, "-c", loop, {marker!r}, {gradebook!r}, "ESCAPE-TOKEN-{token}"], {{}})
    os._exit(0)
"""
TMP_WRITER = """
for path in ("/tmp/leak.py", os.path.expanduser("~/leak.py")):
    open(path, "w").write("def count_parameters(s):\\n    return sum((a + 1) * b for a, b in zip(s, s[1:]))\\n")
"""
TMP_READER = """
import os
for path in ("/tmp/leak.py", os.path.expanduser("~/leak.py")):
    if os.path.exists(path):
        print("LEAK FOUND", path)
        exec(open(path).read())
"""
# An answer bomb: tiny files that declare 16 GiB arrays, written where the child's answers go.
BOMB = """
import io, os, zipfile
import numpy as np
header = io.BytesIO()
np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (2**31,)})
for name in ["cells", "0", "1", "2", "3", "done"]:
    with zipfile.ZipFile(f"answers/{name}.npz", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("__tree__.npy", header.getvalue() + bytes(1000))
        z.writestr("a0.npy", header.getvalue())
os._exit(0)
"""
# Honest answers of the types the self-check accepts: namedtuple, Fraction, object array, torch tensor.
TYPES = """
import collections, fractions
import numpy as np
import torch
Update = collections.namedtuple("Update", "w b changed")
def perceptron_update(w, b, x, y, lr=1.0, _f=perceptron_update):
    return Update(*_f(w, b, x, y, lr))
def count_parameters(layer_sizes, _f=count_parameters):
    return fractions.Fraction(_f(layer_sizes))
def xor_predict(X, _f=xor_predict):
    return np.asarray(_f(X)).astype(object)
def sigmoid_network_output(Thetas, X, _f=sigmoid_network_output):
    return torch.from_numpy(np.asarray(_f(Thetas, X)))
"""
SLEEPY = """
import time
def xor_predict(X, _f=xor_predict):
    time.sleep(1.5)  # wall-clock time: the 1 s budget is CPU time, so a loaded machine changes nothing
    return _f(X)
"""
ALWAYS_EQUAL = """
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


def _corpus(base, out):
    """Write the hostile corpus into base/"in"; return {name: (expected score, {exercise id: reason prefix}, status)}."""
    folder = base / "in"
    folder.mkdir()
    exp = {}

    def put(name, nb, score, reasons, status="graded"):
        if isinstance(nb, (bytes, str)):
            (folder / f"{name}.ipynb").write_bytes(nb if isinstance(nb, bytes) else nb.encode())
        elif nb is not None:
            nbformat.write(nb, folder / f"{name}.ipynb")
        exp[name] = (score, reasons, status)

    put("honest", nbformat.read(SOLUTION, as_version=4), N, {})
    put("infinite_loop", _append(SOLUTION, "while True:\n    pass"), 0.0,
        {i: "timed out: used more than its 4 s of CPU time" for i in IDS}, "timeout")
    put("loop_in_function", _append(SOLUTION, "def xor_predict(X):\n    while True:\n        pass"), N - 1,
        {"1.3": "0/3 cases passed; first failure: used more than 1 s of CPU time"})
    put("sleeps_in_function", _append(SOLUTION, SLEEPY), N, {})
    put("os_exit", _append(SOLUTION, "import os\nos._exit(0)"), 0.0,
        {i: "the notebook's process exited with code 0 before all answers were written" for i in IDS}, "crashed")
    put("sys_exit", _append(SOLUTION, "import sys\nsys.exit(0)", "def perceptron_update(w, b, x, y, lr=1.0):\n    sys.exit(3)"),
        N - 4, {"1.1": "0/6 cases passed; first failure: raised SystemExit: 3",
                "1.8": "0/4 cases passed; first failure: raised SystemExit: 3"})  # 1.8 calls perceptron_update
    put("patched_grader", _append(STUDENT, GARBAGE, PATCH_GRADER), 0.0, GARBAGE_REASONS)
    paths = [str(out), str(out / ".work"), str(folder), str(ROOT / "solutions"), str(base / "marker")]
    put("reach_grader", _append(SOLUTION, REACH.format(secret=SECRET, paths=paths)), N, {})
    put("escapes", _append(SOLUTION, ESCAPE.format(marker=str(base / "marker"), gradebook=str(out / "gradebook.csv"),
                                                   token=base.name)), N, {})
    put("aa_tmp_writer", _append(SOLUTION, TMP_WRITER), N, {})
    put("zz_tmp_reader", _append(STUDENT, TMP_READER), 0.0, NOT_IMPLEMENTED)
    put("answer_bomb", _append(STUDENT, BOMB), 0.0, {i: "the answer file could not be read" if i in BOMBED else "no answer came back"
                                                      for i in IDS})
    put("output_50mb", _append(SOLUTION, "print('x' * 50_000_000)"), N, {})
    alloc = "def xor_predict(X, _f=xor_predict):\n    big = np.ones(2**29)  # 4 GiB\n    return _f(X)"
    put("alloc_4gb", _append(SOLUTION, alloc), N - 1, {"1.3": "0/3 cases passed; first failure: raised MemoryError"})
    unreadable = {i: "not gradable" for i in IDS}
    put("malformed_json", SOLUTION.read_text()[:5000], 0.0, {i: "not a notebook: invalid JSON" for i in IDS}, "unreadable")
    put("nested_json", "[" * 200_000 + "]" * 200_000, 0.0, {i: "not a notebook: JSON nested too deeply" for i in IDS},
        "unreadable")
    put("not_a_notebook", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), 0.0,
        {i: "not a notebook: the file is not UTF-8 text" for i in IDS}, "unreadable")
    with open(folder / "sparse_4gb.ipynb", "wb") as f:
        f.truncate(4 * 2**30)
    put("sparse_4gb", None, 0.0, {i: "not gradable: file is 4294967296 bytes" for i in IDS}, "unreadable")
    (folder / "dev_zero.ipynb").symlink_to("/dev/zero")
    put("dev_zero", None, 0.0, {i: "not gradable: not a regular file (a device)" for i in IDS}, "unreadable")
    os.mkfifo(folder / "fifo.ipynb")
    put("fifo", None, 0.0, {i: "not gradable: not a regular file (a FIFO)" for i in IDS}, "unreadable")
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
    put("object_not_data", _append(STUDENT, ALWAYS_EQUAL), 0.0,
        {**NOT_IMPLEMENTED, "1.2": "0/6 cases passed; first failure: returned object of type Weird, not numbers or arrays"})
    put("calls_package_answer", _append(SOLUTION, CHEAT), N, {})
    # honest work the self-check accepts must get full marks
    put("honest_types", _append(SOLUTION, TYPES), N, {})
    nb = nbformat.read(SOLUTION, as_version=4)
    k = _cell_index(nb, "count_parameters")
    nb.cells[k].source = "%%time\n" + nb.cells[k].source
    put("cell_magic", nb, N, {})
    put("magic_lookalikes", _append(SOLUTION, "ok = (1\n!= 2)\nrest = (7\n% 3)\n%matplotlib inline\n!echo hi"), N, {})
    nb = nbformat.read(SOLUTION, as_version=4)
    nbformat.write(nbformat.convert(nb, 3), folder / "nbformat3.ipynb")
    put("nbformat3", None, N, {})
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells[_cell_index(nb, "count_parameters")].outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * 50_000_000)]
    put("stored_output_50mb", nb, N, {})
    return exp


def _processes_with(needle):
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


# The batch runs in a fresh process, as an instructor's would, with the secret in its environment.
_BATCH = """
import json, sys
from coursepkg.grading import GradeOptions, grade_batch
records = grade_batch([sys.argv[1]], sys.argv[2], chapter=1, options=GradeOptions(**json.loads(sys.argv[3])), jobs=3,
                      progress=False)
print(json.dumps([r.to_dict() for r in records]))
"""


def _prepare(base):
    """Write the corpus and an earlier gradebook; (expected, (sizes, digests) of the inputs before grading)."""
    out = base / "out"
    expected = _corpus(base, out)
    before = {p.name: p.lstat().st_size for p in (base / "in").iterdir()}
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (base / "in").iterdir() if p.is_file()
               and p.stat().st_size < 2**30}
    out.mkdir()
    (out / "gradebook.csv").write_text("earlier gradebook\n")
    return expected, (before, digests)


def _grade(base, expected, inputs, env):
    """Grade the corpus in ONE batch (3 jobs, in a fresh process); what the tests of this module share."""
    options = json.dumps(dataclasses.asdict(OPTIONS))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _BATCH, str(base / "in"), str(base / "out"), options],
                          capture_output=True, text=True, timeout=900, env={**env, "COURSEPKG_TEST_SECRET": SECRET})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"the hostile batch failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    records = [GradeRecord.from_dict(r) for r in json.loads(done.stdout)]
    time.sleep(1.0)  # an escaped process would write its marker within 0.1 s
    table = [f"{r.student:<22} {r.score:g}/{r.max_score:g} {r.status:<10} "
             + "; ".join(f"{row.id}: {row.reason}" for row in r.exercises if row.status != "passed")[:300]
             + " " + "; ".join(r.flags) for r in records]
    return base, expected, {r.student: r for r in records}, inputs, table + [f"batch of {len(records)} in {seconds:.1f} s"]


def background_job(config, items):
    """Called by conftest.py when collection ends: corpus written and graded in the background meanwhile."""
    if not any("hostile" in item.fixturenames for item in items):
        return None
    base = Path(tempfile.mkdtemp(prefix="coursepkg-hostile-"))
    config.add_cleanup(lambda: shutil.rmtree(base, ignore_errors=True))
    env = dict(os.environ)

    def job():
        expected, inputs = _prepare(base)
        return _grade(base, expected, inputs, env)

    return job


@pytest.fixture(scope="module")
def hostile(request, tmp_path_factory):
    """(folder, expected, records by student, inputs before grading): from the background job, or graded here."""
    from conftest import background_result

    graded = background_result(request.config, "tests/test_grading_hostile.py")
    if graded is None:
        base = tmp_path_factory.mktemp("hostile")
        expected, inputs = _prepare(base)
        graded = _grade(base, expected, inputs, dict(os.environ))
    print("\n".join(graded[4]))  # the table for the closing note: pytest -s shows it
    return graded[:4]


def test_every_hostile_case_gets_its_exact_score_and_reason(hostile):
    base, expected, records, _ = hostile
    assert set(records) == set(expected)
    for name, (score, reasons, status) in expected.items():
        record = records[name]
        assert record.status == status, (name, record.status, record.reason)
        assert record.score == pytest.approx(score), (name, [(r.id, r.reason) for r in record.exercises])
        assert record.max_score == N and record.sandbox == "bubblewrap"
        rows = {row.id: row for row in record.exercises}
        assert sorted(rows) == IDS
        for i in IDS:
            if i in reasons:
                assert rows[i].score == 0.0 and rows[i].reason.startswith(reasons[i]), (name, i, rows[i].reason)
            else:
                assert rows[i].score == get_exercise(i).points and rows[i].status == "passed", (name, i, rows[i].reason)


def test_batch_output_is_complete_and_nothing_is_written_outside_out(hostile):
    base, expected, records, (before, digests) = hostile
    assert {p.name: p.lstat().st_size for p in (base / "in").iterdir()} == before
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (base / "in").iterdir() if p.name in digests} == digests
    assert sorted(p.name for p in base.iterdir()) == ["in", "out"]  # no marker of an escaped process
    assert sorted(p.name for p in (base / "out").iterdir()) == ["feedback", "gradebook.csv", "records", "results"]
    with open(base / "out" / "gradebook.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert set(rows) == set(expected)
    for name, (score, _, status) in expected.items():
        assert float(rows[name]["total"]) == pytest.approx(score) and rows[name]["status"] == status
        assert rows[name]["max_total"] == f"{N:g}" and rows[name]["sandbox"] == "bubblewrap"
        results = json.loads((base / "out" / "results" / name / "results.json").read_text())
        assert results["score"] == pytest.approx(score)
        assert (base / "out" / "feedback" / f"{name}.md").read_text().count("### ") == len(IDS)
    assert not [p for p in (base / "out").rglob(".*")]  # no temporary files or work folders left


def test_no_submission_reaches_the_grader_or_another_submission(hostile):
    base, _, records, _ = hostile
    out = records["reach_grader"].output
    assert "NO SECRET" in out and "SEEN []" in out and "TAMPERED []" in out and "PATHS SHOWN []" in out
    assert "UID 65534 IFACES ['lo']" in out  # its own user and network namespaces
    assert "LEAK FOUND" not in records["zz_tmp_reader"].output  # /tmp and HOME are per submission
    assert not _processes_with(f"ESCAPE-TOKEN-{base.name}")  # the double-forked process died with its sandbox


def test_output_flood_is_capped_and_the_child_saw_no_expected_values(hostile):
    _, _, records, _ = hostile
    flood = records["output_50mb"]
    assert flood.output_bytes > 50_000_000 and len(flood.output) < 70_000


def test_integrity_flags_name_the_package_functions(hostile):
    _, _, records, _ = hostile
    assert records["calls_package_answer"].flags == [
        "uses coursepkg.perceptron.perceptron_update (exercise 1.1)",
        "uses coursepkg.mlp.count_parameters (exercise 1.2)"]
    assert all(not r.flags for name, r in records.items() if name != "calls_package_answer")


def test_the_self_check_accepts_the_unusual_answer_types_the_grader_gave_full_marks():
    namespace = {ex.name: ex.reference for ex in map(get_exercise, IDS)}
    exec(TYPES, namespace)  # noqa: S102 - our own test code
    for i in BOMBED:
        exercise = get_exercise(i)
        assert run_checks(exercise, namespace[exercise.name]).status == "passed", i


def test_nan_reason_uses_the_reference_value():
    expected = get_exercise("1.4").expected(get_exercise("1.4").cases[0])
    assert f"{expected[0, 0]:.6g}" == "9.35762e-14" and np.isfinite(expected).all()
