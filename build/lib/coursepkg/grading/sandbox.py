"""Run one submission's code in a child process, with limits, and read back its answers as data.

The child (:mod:`coursepkg.grading.child`) starts as ``python -I`` (no user site, no ``PYTHON*``
variables) in its own session, with a minimal environment and a throwaway working directory, and
has a wall-clock timeout. Its stdout and stderr share one pipe, drained by a thread so that a
flooding child never blocks, and kept up to ``output_cap`` bytes. When it ends, for whatever
reason, its whole process group is killed, and so is every process still carrying this run's
token in its environment (a grandchild that called ``setsid`` to leave the group).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import protocol

__all__ = ["ChildResult", "run_child"]

_CHILD = Path(__file__).with_name("child.py")
TOKEN_VAR = "COURSEPKG_GRADING_RUN"


@dataclass
class ChildResult:
    """What came back from one child run."""

    status: str  # "finished", "timeout", "exited" (ended before writing all answers)
    returncode: int
    seconds: float
    output: str
    output_bytes: int
    cell_errors: list = field(default_factory=list)
    answers: list = field(default_factory=list)  # one entry per exercise, None where none came back
    problem: str = ""  # why answers are missing, if they are


def _drain(stream, cap, sink):
    kept, total = bytearray(), 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        total += len(chunk)
        if len(kept) < cap:
            kept += chunk[: cap - len(kept)]
    sink.append((bytes(kept), total))


def _kill_token_holders(token):
    """Kill processes whose environment carries ``token`` (Linux /proc; elsewhere a no-op)."""
    needle = f"{TOKEN_VAR}={token}".encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_child(cells, exercises, timeout=60.0, memory_mb=2048, call_timeout=10.0, output_cap=65536):
    """Run ``cells`` (list of (index, source)) and call each exercise's function on its inputs.

    ``exercises`` is a list of ``{"name": str, "cases": [{"args": tuple, "kwargs": dict}]}``.
    Returns a :class:`ChildResult` whose ``answers[k]`` is the decoded answer for exercise k.
    """
    workdir = Path(tempfile.mkdtemp(prefix="coursepkg-grade-"))
    token = uuid.uuid4().hex
    try:
        protocol.save(workdir / "job.npz", {"cells": [list(c) for c in cells], "exercises": exercises})
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "TMPDIR": str(workdir),
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(workdir),
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            TOKEN_VAR: token,
        }
        cpu_s = max(1, int(timeout) + 1)
        command = [sys.executable, "-I", "-B", str(_CHILD), str(workdir), str(int(memory_mb)), str(cpu_s), str(call_timeout)]
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        sink = []
        reader = threading.Thread(target=_drain, args=(proc.stdout, output_cap, sink), daemon=True)
        reader.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        _kill_group(proc.pid)
        _kill_token_holders(token)
        proc.wait()
        seconds = time.perf_counter() - start
        reader.join(timeout=5)
        kept, total = sink[0] if sink else (b"", 0)
        output = kept.decode("utf-8", errors="replace")
        if total > len(kept):
            output += f"\n[... output truncated: {total} bytes in all, first {len(kept)} kept]"
        result = ChildResult("finished", proc.returncode, seconds, output, total, answers=[None] * len(exercises))
        answers = workdir / "answers"
        done = (answers / "done.npz").is_file()
        try:
            result.cell_errors = list(protocol.load(answers / "cells.npz")["cell_errors"])
        except (OSError, ValueError, TypeError, KeyError):
            pass
        for k in range(len(exercises)):
            try:
                result.answers[k] = protocol.load(answers / f"{k}.npz")
            except (OSError, ValueError):
                result.answers[k] = None
        if timed_out:
            result.status, result.problem = "timeout", f"timed out after {timeout:g} s"
        elif not done:
            result.status = "exited"
            code = proc.returncode
            if code is not None and code < 0:
                how = f"was killed by signal {signal.Signals(-code).name}" if -code in signal.Signals._value2member_map_ else f"was killed by signal {-code}"
                if -code == signal.SIGXCPU:
                    how += " (CPU time limit)"
            else:
                how = f"exited with code {code}"
            result.problem = f"the notebook's process {how} before all answers were written"
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
