"""Stopping the grader: Ctrl-C and SIGTERM stop at once with a gradebook; kill -9 leaves nothing running.

The grader runs as the instructor runs it, ``python -m coursepkg grade``, on notebooks that sleep,
so that it is surely in the middle of grading when the signal comes.
"""
import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from coursepkg.grading import GradeOptions, grade_batch
from coursepkg.grading.sandbox import TOKEN_VAR, work_marker

pytestmark = [pytest.mark.ch1, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "01_perceptrons.ipynb"


def _sleepy(folder, names):
    folder.mkdir(parents=True)
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(120)"))
    for name in names:
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _start(inputs, out, *extra):
    command = [sys.executable, "-m", "coursepkg", "grade", str(inputs), "--out", str(out), "--quiet", "--chapter", "1", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)


def _wait_for_child(out, proc, seconds=60):
    """Wait until the notebook's own Python runs in its sandbox.

    Not merely until bubblewrap has started: bwrap arms ``--die-with-parent`` a moment after it
    starts, so a grader killed -9 within that moment leaves a sandbox behind until the next run
    cleans it up (tested below); that window is bubblewrap's, not what these tests are about.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        work = out / ".work"
        if work.is_dir() and any(work.iterdir()) and _running(work, b"child.py", program=b"python"):
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError("the grader started no child")


def _running(work, command=b"", program=b""):
    """Host pids of children of this work folder: their environment holds its marker (bwrap and the
    sandbox's processes); with ``command``, only those whose command line contains it, and with
    ``program``, only those whose executable's name starts with it (bwrap's own command line holds
    the child's command too)."""
    needle = f"{TOKEN_VAR}={work_marker(work)}.".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            argv = (entry / "cmdline").read_bytes()
            if (needle in (entry / "environ").read_bytes() and command in argv
                    and Path(argv.split(b"\0")[0].decode(errors="replace")).name.encode().startswith(program)):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _describe(pids):
    """What is left running, for a failure message: each process's state, parent and command line."""
    lines = []
    for pid in pids:
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:300]
        except OSError:
            continue
        lines.append(f"{pid} {status.get('Name', '').strip()} state={status.get('State', '').strip()} "
                     f"ppid={status.get('PPid', '').strip()} nspid={status.get('NSpid', '').strip()}: {cmdline}")
    return "still running:\n" + "\n".join(lines)


def _gone(work, seconds=10):
    deadline = time.monotonic() + seconds
    while _running(work) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _running(work)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_at_once_kill_the_children_and_write_the_gradebook(tmp_path, signum):
    inputs, out = _sleepy(tmp_path / "in", ["a", "b", "c"]), tmp_path / "out"
    proc = _start(inputs, out, "--jobs", "1", "--timeout", "200")
    _wait_for_child(out, proc)
    start = time.monotonic()
    proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # show where it is stuck: the grade command dumps its threads on SIGUSR1
        proc.send_signal(signal.SIGUSR1)
        time.sleep(2)
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the grader did not stop within 30 s; its threads:\n{err.decode(errors='replace')[-8000:]}")
    assert time.monotonic() - start < 15  # at once, not after the 3 sleeping notebooks
    assert proc.returncode == 128 + signum
    assert f"stopped by {signal.Signals(signum).name}" in err.decode()
    with open(out / "gradebook.csv", newline="") as f:
        rows = [(r["student"], r["status"]) for r in csv.DictReader(f)]
    assert rows == [("a", "not graded"), ("b", "not graded"), ("c", "not graded")]
    assert not (out / "records").exists()  # nothing half-graded is kept for --resume
    assert _gone(out / ".work") and not (out / ".work").exists()


def test_sigusr1_shows_where_every_thread_of_the_grader_is(tmp_path):
    inputs, out = _sleepy(tmp_path / "in", ["a"]), tmp_path / "out"
    proc = _start(inputs, out, "--timeout", "200")
    _wait_for_child(out, proc)
    proc.send_signal(signal.SIGUSR1)
    time.sleep(1.0)
    assert proc.poll() is None  # it keeps grading
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    err = err.decode(errors="replace")
    assert "Current thread" in err and "grade_batch" in err and "run_child" in err  # the main thread and the worker


def test_kill_9_of_the_grader_leaves_nothing_running_and_the_next_run_cleans_up(tmp_path):
    inputs, out = _sleepy(tmp_path / "in", ["a"]), tmp_path / "out"
    proc = _start(inputs, out, "--timeout", "200")
    _wait_for_child(out, proc)
    proc.kill()
    proc.communicate()
    assert _gone(out / ".work"), _describe(_running(out / ".work"))  # --die-with-parent took the sandbox down
    assert any((out / ".work").iterdir())  # the killed run's folder is still there...
    (tmp_path / "in2").mkdir()
    (tmp_path / "in2" / "b.ipynb").write_bytes(SOLUTION.read_bytes())
    records = grade_batch([tmp_path / "in2"], out, chapter=1, options=GradeOptions(timeout=20), progress=False)
    assert [(r.student, r.score) for r in records] == [("b", 9.0)]
    assert not (out / ".work").exists()  # ...and the next run removed it


def test_a_notebook_that_sleeps_is_stopped_by_the_wall_clock_ceiling(tmp_path):
    inputs = _sleepy(tmp_path / "in", ["sleeper"])
    start = time.monotonic()
    (record,) = grade_batch([inputs], tmp_path / "out", chapter=1, progress=False,
                            options=GradeOptions(timeout=3, wall_timeout=4))
    assert time.monotonic() - start < 60
    assert (record.status, record.score) == ("timeout", 0.0)
    assert record.reason == "timed out: still running after 4 s of wall-clock time (sleeping?)"
