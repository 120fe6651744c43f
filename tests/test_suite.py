"""The test suite's own machinery (root conftest.py): chapter marks and the second floating-point
configuration really do what they promise."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

# Printed by a kernel: its OpenBLAS kernel and the bits of a product and a solve.
_PROBE = """
import hashlib, numpy as np
from threadpoolctl import threadpool_info
rng = np.random.default_rng(0)
A, B = rng.standard_normal((300, 257)), rng.standard_normal((257, 211))
S = rng.standard_normal((200, 200)); S = S @ S.T + np.eye(200)
bits = (A @ B).tobytes() + np.linalg.solve(S, rng.standard_normal(200)).tobytes()
print(sorted({i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"}))
print(hashlib.sha1(bits).hexdigest())
"""


def _probe_here():
    namespace = {}
    out = []
    namespace["print"] = lambda *a: out.append(" ".join(map(str, a)))
    exec(_PROBE, namespace)
    return out


def test_notebook_kernels_run_under_a_floating_point_configuration_that_changes_the_last_bits(
        pytestconfig, float_config):
    """What nbval's kernels see: OpenBLAS on another CPU kernel, and products that differ in
    their last bits from this process's (the default configuration the stored outputs had)."""
    if pytestconfig.getoption("--float-config") != "second":
        pytest.skip("--float-config=default: child processes run the default configuration")
    from conftest import second_float_config

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(_PROBE)])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()  # as nbval starts its kernels
    kernel = nb.cells[0].outputs[0]["text"].split("\n")
    here = _probe_here()
    assert kernel[0] == str([second_float_config()["OPENBLAS_CORETYPE"]]) != here[0]
    assert len(kernel[1]) == len(here[1]) == 40  # both printed a SHA-1
    assert kernel[1] != here[1], "the second configuration rounds exactly as the default: it tests nothing"


def _collected_chapters(config):
    """{node id: set of chN marks} for every test of the suite."""
    items = config.stash.get(_ITEMS_KEY, None) if _ITEMS_KEY else None
    if items and any(i.nodeid.startswith("book/") for i in items):  # this session collected everything
        return {i.nodeid: {m.name for m in i.iter_markers() if re.fullmatch(r"ch[1-7]", m.name)} for i in items}
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "--chapters", "-p", "no:randomly"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = (line.split("\t") for line in proc.stdout.splitlines() if "\t" in line)
    return {nodeid: set(filter(None, marks.split(","))) for nodeid, marks in lines}


try:
    from conftest import ITEMS_KEY as _ITEMS_KEY
except ImportError:  # run without the root conftest
    _ITEMS_KEY = None


@pytest.mark.slow
def test_every_test_carries_its_chapter_marks(pytestconfig):
    from coursepkg.figures import load_all

    marks = _collected_chapters(pytestconfig)
    figures = {name: spec.chapter for name, spec in load_all().items()}
    assert len(marks) > 500
    for nodeid, found in marks.items():
        path = nodeid.split("::")[0]
        folder = re.match(r"(book|solutions|exercises)/0([1-7])_", path)
        if folder:  # every notebook cell of chapter N, and only N
            assert found == {f"ch{folder.group(2)}"}, (nodeid, found)
        elif path.startswith("coursepkg/figures/ch") or path.startswith("coursepkg/exercises/ch"):
            assert found == {f"ch{int(Path(path).stem[2:])}"}, (nodeid, found)
        elif path.startswith("tests/"):
            assert found, f"{nodeid} has no chapter mark: add its module to MODULE_CHAPTERS in conftest.py"
        exercise = re.search(r"\[([1-7])\.\d+[a-z]?\]$", nodeid)
        if exercise and "exercise" in nodeid.split("[")[0]:  # a test of one exercise: its chapter
            assert f"ch{exercise.group(1)}" in found, (nodeid, found)
        figure = re.search(r"\[([a-z0-9_]+)\]$", nodeid)
        if figure and figure.group(1) in figures:  # a figure test runs under its figure's chapter
            assert f"ch{figures[figure.group(1)]}" in found, (nodeid, found)
    assert {"ch1", "ch3"} <= marks["tests/test_losses_softmax.py::test_large_logits_are_stable"]
    assert marks["tests/test_figures.py::test_every_chapter_1_figure_of_the_syllabus_is_registered"] == {"ch1"}
    for book_wide in ("tests/test_bench.py::test_quick_run_agrees_with_every_reference",
                      "tests/test_colab_env.py::test_every_notebook_has_the_current_setup_cell_first"):
        assert marks[book_wide] == {f"ch{n}" for n in range(1, 8)}, book_wide


def test_no_tracked_file_is_ignored():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    proc = subprocess.run(["git", "ls-files", "--cached", "--ignored", "--exclude-standard"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "", f".gitignore matches tracked files:\n{proc.stdout}"
