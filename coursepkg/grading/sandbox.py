"""Run one submission's code in a child process under bubblewrap, with limits; read back its answers as data.

The child (:mod:`coursepkg.grading.child`) runs as ``python -I`` inside a bubblewrap sandbox:
new user (uid 65534), PID, network, IPC and UTS namespaces; the system, the Python installation
and the ``coursepkg`` package mounted read-only; a private writable work folder (``/grading``,
holding only the job) and a private ``/tmp``. The output folder, the private checks, the
solutions and the other submissions are not mounted at all. ``--die-with-parent`` and a new
session mean that nothing the child starts outlives its grading, even if the grader is killed.

Limits: the child caps its own CPU time (``RLIMIT_CPU``: grades do not depend on how loaded the
machine is), address space, file sizes; a generous wall-clock ceiling only stops a child that
sleeps. stdout and stderr share one pipe, drained by a thread, kept up to ``output_cap`` bytes.
"""
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import protocol

__all__ = [
    'ChildResult', 'SandboxUnavailable', 'INSTALL_HINT', 'check_sandbox', 'run_child', 'kill_all_children',
    'allow_children', 'kill_leftovers', 'work_marker',
]

_CHILD = Path(__file__).with_name("child.py")
_PACKAGE = Path(__file__).resolve().parents[1]  # coursepkg/
# The interpreter by a path that exists inside the sandbox, which binds resolved folders only: the
# folder resolved (a venv reached through a symlinked folder), the file kept (a venv's python is a
# link to the system one, and Python finds the venv from the path it was started by).
_PYTHON = str(Path(sys.executable).parent.resolve() / Path(sys.executable).name)
TOKEN_VAR = "COURSEPKG_GRADING_RUN"
INSIDE = "/grading"  # the work folder as the child sees it
INSTALL_HINT = ("coursepkg grade runs every submission under bubblewrap (bwrap), which is missing or cannot create "
                "namespaces here. Install it (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install "
                "bubblewrap) and allow user namespaces (sysctl kernel.unprivileged_userns_clone=1, or run the "
                "container with --privileged / a seccomp profile that permits them); or pass --no-sandbox to grade "
                "without isolation (only for notebooks you trust; it is recorded in every output).")
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "passwd", "group", "hosts",
        "fonts", "alternatives", "matplotlibrc", "mime.types")
_ACTIVE, _ACTIVE_LOCK, _STOPPING = set(), threading.Lock(), threading.Event()


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or unusable; the message says how to install it."""


@dataclass
class ChildResult:
    """What came back from one child run."""

    status: str  # "finished", "timeout", "exited" (ended before writing all answers), "stopped" (batch interrupted)
    returncode: int
    seconds: float
    output: str
    output_bytes: int
    cell_errors: list = field(default_factory=list)
    answers: list = field(default_factory=list)  # one entry per exercise, None where none came back
    problem: str = ""  # why answers are missing, if they are


@functools.cache
def _child_sys_path():
    """The ``sys.path`` the child will have (``python -I``: no current folder, no PYTHONPATH), asked once."""
    done = subprocess.run([_PYTHON, "-I", "-c", "import json, sys; print(json.dumps(sys.path))"],
                          capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    try:
        return tuple(p for p in json.loads(done.stdout) if isinstance(p, str))
    except ValueError:
        return tuple(sys.path)


def _python_mounts():
    """Read-only binds for the Python installation and coursepkg, never a folder above the package.

    Only what the child's own ``sys.path`` needs: not the grader's current folder (``python -m``)
    or test folders, which could be the instructor's home.
    """
    roots = {Path(p).resolve() for p in (sys.base_prefix, sys.prefix, sys.base_exec_prefix, sys.exec_prefix)}
    for entry in _child_sys_path():
        if entry and Path(entry).is_dir():
            entry = Path(entry).resolve()
            if not any(entry == r or r in entry.parents for r in roots) and not (entry / "coursepkg").is_dir():
                roots.add(entry)
    roots.add(_PACKAGE)
    system = (Path("/usr"), Path("/bin"), Path("/lib"), Path("/lib64"), Path("/sbin"))
    kept = sorted(r for r in roots if not any(r == s or s in r.parents for s in system))
    kept = [r for r in kept if not any(o != r and o in r.parents for o in kept)]
    args = []
    for r in kept:
        args += ["--ro-bind", str(r), str(r)]
    return args, kept


def _mask_args(kept, hidden):
    """Cover every hidden path that lies inside a bound folder with an empty tmpfs (folders) or /dev/null (files)."""
    args = []
    for path in hidden:
        try:
            path = Path(path).resolve()
        except OSError:
            continue
        if any(path == r or r in path.parents for r in kept) and path.exists():
            args += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
    return args


def bwrap_command(workdir, env, hidden=()):
    """The bubblewrap command line that runs the child with ``workdir`` as its only writable folder."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(INSTALL_HINT)
    args = [bwrap, "--unshare-user", "--uid", "65534", "--gid", "65534", "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grading",
            "--die-with-parent", "--new-session", "--clearenv",
            # the private /tmp first: Python, the venv or the course may live under /tmp on the host,
            # and the read-only binds below must land on top of it, not be hidden by it
            "--size", str(256 * 2**20), "--tmpfs", "/tmp"]
    for top in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in _ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    python, kept = _python_mounts()
    args += python + _mask_args(kept, hidden)
    work = ["--bind", str(workdir), INSIDE] if workdir is not None else ["--tmpfs", INSIDE]  # None: the probe
    args += ["--proc", "/proc", "--dev", "/dev", *work, "--chdir", INSIDE]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args + ["--"]


@functools.cache
def check_sandbox():
    """Raise SandboxUnavailable (with the install hint) unless bubblewrap can run the child's Python here."""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable(INSTALL_HINT)
    try:  # writes nothing on the host: the probe's work folder is a tmpfs
        command = bwrap_command(None, {"PATH": "/usr/bin:/bin"}) + [
            _PYTHON, "-I", "-c", "import numpy, os; assert os.getuid() == 65534 and os.listdir('/grading') == []"]
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"{INSTALL_HINT}\n(bwrap failed: {exc})") from None
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise SandboxUnavailable(f"{INSTALL_HINT}\n(bwrap failed: {detail[0]})")
    return True


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


def _kill_matching(needle):
    """SIGKILL every process whose environment or command line holds ``needle`` (Linux /proc; elsewhere a no-op)."""
    for entry in Path("/proc").glob("[0-9]*"):
        if entry.name == str(os.getpid()):
            continue
        for name in ("environ", "cmdline"):
            try:
                if needle in (entry / name).read_bytes():
                    os.kill(int(entry.name), signal.SIGKILL)
                    break
            except (OSError, ValueError):
                continue


def work_marker(work_root):
    """The token prefix of every child whose work folder lies in ``work_root`` (a hash: no path in any environment)."""
    import hashlib

    return hashlib.sha256(str(Path(work_root).resolve()).encode()).hexdigest()[:16]


def kill_leftovers(work_root):
    """Kill what a killed earlier run left running in ``work_root`` (bwrap's --die-with-parent already should)."""
    _kill_matching(f"{TOKEN_VAR}={work_marker(work_root)}.".encode())


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all_children():
    """Kill every child running now, and any started from now on (Ctrl-C, SIGTERM); they come back "stopped".

    :func:`allow_children` lifts the stop (each batch calls it when it starts).
    """
    with _ACTIVE_LOCK:
        _STOPPING.set()
        active = list(_ACTIVE)
    for proc, token in active:
        proc.stopped = True
        _kill_group(proc.pid)
        _kill_matching(f"{TOKEN_VAR}={token}".encode())


def allow_children():
    """Let children run again after :func:`kill_all_children`."""
    _STOPPING.clear()


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _problem(proc, code, sandboxed, cpu_s):
    if sandboxed and code is not None and code > 128:  # bwrap reports a child killed by signal s as 128 + s
        code = -(code - 128)
    if code is not None and code < 0:
        if -code == signal.SIGXCPU:
            return "timeout", f"timed out: used more than its {cpu_s:g} s of CPU time"
        return "exited", f"the notebook's process was killed by {_signal_name(-code)} before all answers were written"
    return "exited", f"the notebook's process exited with code {code} before all answers were written"


def _read_answers(workdir, ks, result, max_bytes, cells=True):
    answers = workdir / "answers"
    if not os.path.isdir(answers) or os.path.islink(answers):  # the student may have replaced it with a link
        return False
    try:
        if cells:
            result.cell_errors = list(protocol.load(answers / "cells.npz", max_bytes)["cell_errors"])
    except (OSError, ValueError, TypeError, KeyError):
        pass
    for k in ks:
        if not protocol.is_regular(answers / f"{k}.npz"):
            continue  # never written: the child stopped before this exercise
        try:
            result.answers[k] = protocol.load(answers / f"{k}.npz", max_bytes)
        except (OSError, ValueError) as exc:
            result.answers[k] = {"status": "error", "error": f"the answer file could not be read: {exc}"}
    return protocol.is_regular(answers / "done.npz")


def _send(stream, data):
    try:
        stream.write(data)
        stream.close()
    except (OSError, ValueError):  # the child died or closed its stdin
        pass


def _wait_public(proc, workdir, public, result, payload, wall, answer_bytes):
    """Wait for the public answers; keep them; only then send the private cases (see :mod:`.child`)."""
    start = time.monotonic()
    while proc.poll() is None and time.monotonic() - start < wall:
        if protocol.is_regular(workdir / "answers" / "public_done.npz"):
            _read_answers(workdir, public, result, answer_bytes)
            threading.Thread(target=_send, args=(proc.stdin, payload), daemon=True).start()
            return True
        time.sleep(0.02)
    return False


def _start(bwrap, child, workdir, env):
    """Start the child, under ``bwrap`` (its argv, ending with ``--``) if given.

    bubblewrap reads its options from a pipe (``--args FD``), so the host paths they name (the
    work folder, masked folders) do not show in a command line the sandbox could read.
    """
    pass_fds, read_end = (), None
    if bwrap:
        read_end, write_end = os.pipe()
        data = b"".join(a.encode() + b"\0" for a in bwrap[1:-1])
        threading.Thread(target=_send, args=(os.fdopen(write_end, "wb"), data), daemon=True).start()
        child, pass_fds = [bwrap[0], "--args", str(read_end), "--", *child], (read_end,)
    try:
        return subprocess.Popen(child, cwd=workdir, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True, pass_fds=pass_fds)
    finally:
        if read_end is not None:
            os.close(read_end)


def run_child(cells, exercises, workdir, timeout=60.0, memory_mb=2048, call_timeout=10.0, output_cap=65536,
              wall_timeout=None, sandbox=True, hidden=(), answer_bytes=64_000_000, group=""):
    """Run ``cells`` (list of (index, source)) and call each exercise's function on its inputs.

    ``exercises`` is a list of ``{"name": str, "cases": [{"args": tuple, "kwargs": dict}]}``;
    ``workdir`` a fresh empty folder (removed afterwards); ``timeout`` and ``call_timeout`` are
    CPU seconds, ``wall_timeout`` the ceiling against sleeping (default ``max(60, 3 * timeout)``);
    ``hidden`` paths are masked if they lie inside a folder the sandbox mounts; ``group`` (a
    :func:`work_marker`) lets :func:`kill_leftovers` find the child after a crash of the grader.
    Returns a :class:`ChildResult` whose ``answers[k]`` is the decoded answer for exercise k.
    """
    workdir = Path(workdir)
    workdir.mkdir(mode=0o700, parents=True)
    token = f"{group}.{uuid.uuid4().hex}"
    wall = float(wall_timeout) if wall_timeout else max(60.0, 3.0 * timeout)
    private = [k for k, e in enumerate(exercises) if e.get("private")]
    public = [k for k in range(len(exercises)) if k not in private]
    try:
        job = [dict(e, cases=None) if k in private else e for k, e in enumerate(exercises)]
        protocol.save(workdir / "job.npz", {"cells": [list(c) for c in cells], "exercises": job})
        payload = protocol.dumps({str(k): exercises[k]["cases"] for k in private}) if private else b""
        inside = INSIDE if sandbox else str(workdir)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": inside, "TMPDIR": "/tmp" if sandbox else inside,
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": inside,
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", TOKEN_VAR: token}
        child = [_PYTHON, "-I", "-B", str(_CHILD), inside, str(int(memory_mb)), repr(float(timeout)),
                 repr(float(call_timeout))]
        start = time.perf_counter()
        proc = _start(bwrap_command(workdir, env, hidden) if sandbox else None, child, workdir, env)
        with _ACTIVE_LOCK:
            _ACTIVE.add((proc, token))
            proc.stopped = _STOPPING.is_set()  # a stop that came while this child was starting
        if proc.stopped:
            _kill_group(proc.pid)
        sink = []
        reader = threading.Thread(target=_drain, args=(proc.stdout, output_cap, sink), daemon=True)
        reader.start()
        result = ChildResult("finished", 0, 0.0, "", 0, answers=[None] * len(exercises))
        kept_public = False
        if private:
            kept_public = _wait_public(proc, workdir, public, result, payload, wall, answer_bytes)
        else:
            proc.stdin.close()
        timed_out = False
        try:
            proc.wait(timeout=max(0.0, wall - (time.perf_counter() - start)))
        except subprocess.TimeoutExpired:
            timed_out = True
        _kill_group(proc.pid)
        _kill_matching(f"{TOKEN_VAR}={token}".encode())
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # never seen; but a grader must not hang on one child
            proc.kill()
            proc.wait()
        with _ACTIVE_LOCK:
            _ACTIVE.discard((proc, token))
        seconds = time.perf_counter() - start
        reader.join(timeout=5)
        kept, total = sink[0] if sink else (b"", 0)
        output = kept.decode("utf-8", errors="replace")
        if total > len(kept):
            output += f"\n[... output truncated: {total} bytes in all, first {len(kept)} kept]"
        result.returncode, result.seconds, result.output, result.output_bytes = proc.returncode, seconds, output, total
        done = _read_answers(workdir, private if kept_public else range(len(exercises)), result, answer_bytes,
                             cells=not kept_public)
        if proc.stopped:
            result.status, result.problem = "stopped", "the batch was stopped before this notebook finished"
        elif timed_out:
            result.status, result.problem = "timeout", f"timed out: still running after {wall:g} s of wall-clock time (sleeping?)"
        elif not done:
            result.status, result.problem = _problem(proc, proc.returncode, sandbox, timeout)
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
