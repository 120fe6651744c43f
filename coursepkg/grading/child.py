"""The child process that runs one submission: ``python -I child.py WORKDIR MEMORY_MB CPU_S CALL_S``.

The grader starts it inside the sandbox (:mod:`.sandbox`), in a throwaway working directory
holding only ``job.npz`` (the notebook's code cells, already turned into Python by IPython's own
input transformer, and for each exercise the function name and the inputs; never an expected
value). The child

1. caps its own address space, CPU time (``CPU_S`` seconds of its own CPU, so the grade does not
   depend on how loaded the machine is), file sizes and core dumps (the student's code cannot
   raise hard limits again);
2. reads the job into memory and deletes the file;
3. runs the code cells in one namespace, in order, like a kernel would: ``get_ipython()`` is a
   small stand-in whose cell magics ``%%time``, ``%%timeit`` and ``%%capture`` run their body
   once, and whose shell escapes and other magics do nothing; an exception in a cell
   (``SystemExit`` included) is recorded and the next cell runs;
4. calls each student function (those of private checks last) on each case with a per-call budget of ``CALL_S`` CPU seconds
   (``ITIMER_PROF``; a wall-clock alarm ten times as long stops a call that sleeps; once a call
   runs out, the function's remaining cases are not run), and writes ``answers/<k>.npz`` (data
   only) after each exercise, then ``done.npz``, then leaves with ``os._exit`` so that no
   ``atexit`` hook of the student runs afterwards. The inputs of private checks are not in the
   job: after the public answers, the child writes ``public_done.npz`` and reads them from stdin,
   which the grader writes only once it holds the public answers, so no answer shown to the
   student can carry a hidden input (found, say, in a frame higher up the stack).

Why exec in this process rather than a Jupyter kernel: no kernel to start (about 1 s saved per
submission), the limits apply directly to the process that runs the code, and the answers never
travel through a channel the student's code shares (cell outputs). Nothing here is trusted: the
grader compares the answers with references it computes itself.
"""
import os
import sys

__all__ = ["Shell"]

_RUN_BODY = {"time", "timeit", "capture", "prun"}


class Shell:
    """The ``get_ipython()`` that transformed cells call: cell magics that time or capture run their body once.

    Examples
    --------
    >>> ns = {}
    >>> Shell(ns).run_cell_magic("time", "", "x = 2 * 3")
    >>> ns["x"], Shell(ns).system("ls"), Shell(ns).run_line_magic("matplotlib", "inline")
    (6, None, None)
    """

    def __init__(self, namespace):
        self.namespace = namespace
        self.user_ns = namespace

    def run_cell_magic(self, name, line, body):
        if name in _RUN_BODY:
            exec(compile(body, f"<%%{name}>", "exec"), self.namespace)  # noqa: S102

    def run_line_magic(self, name, line, *args, **kwargs):
        if name in ("time", "timeit") and line.strip():
            exec(compile(line, f"<%{name}>", "exec"), self.namespace)  # noqa: S102

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class _CallTimeout(BaseException):
    """Raised by the alarm; a BaseException so that a student's ``except Exception`` does not swallow it."""


def _describe_exception(exc):
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        text = "?"
    text = " ".join(text.split())
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


def _set_limits(memory_mb, cpu_s):
    import math
    import resource

    def cap(kind, value, hard=None):
        try:
            resource.setrlimit(kind, (value, value if hard is None else hard))
        except (ValueError, OSError):
            pass

    cap(resource.RLIMIT_AS, int(memory_mb) * 2**20)
    # SIGXCPU at the budget (the grader reports a timeout); SIGKILL 2 s later if the student ignores it
    cap(resource.RLIMIT_CPU, max(1, math.ceil(cpu_s)), max(1, math.ceil(cpu_s)) + 2)
    cap(resource.RLIMIT_FSIZE, 256 * 2**20)
    cap(resource.RLIMIT_CORE, 0)


def _run_cells(cells, namespace, stdout):
    errors = []
    for index, source in cells:
        try:
            code = compile(source, f"<cell {index}>", "exec")
            exec(code, namespace)  # noqa: S102 - this process exists to run the submission
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: a kernel would go on
            errors.append({"cell": index, "error": _describe_exception(exc)})
        finally:
            sys.stdout, sys.stderr = stdout, stdout
    return errors


def _grade_exercise(exercise, namespace, call_s, stdout):
    import copy
    import signal

    name = exercise["name"]
    fn = namespace.get(name)
    if fn is None:
        return {"status": "missing"}
    if not callable(fn):
        return {"status": "not callable", "type": type(fn).__name__}
    outcomes = []

    def alarm(signum, frame):
        raise _CallTimeout(signum)

    def stop_timers():
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)

    for case in exercise["cases"]:
        args, kwargs = copy.deepcopy(case["args"]), copy.deepcopy(case["kwargs"])
        signal.signal(signal.SIGPROF, alarm)
        signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_PROF, call_s)  # CPU time of this process: independent of the load
        signal.setitimer(signal.ITIMER_REAL, 10 * call_s + 10)  # only against sleeping
        try:
            value = fn(*args, **kwargs)
            stop_timers()
            outcome = {"status": "ok", "value": value, "args": tuple(args), "kwargs": dict(kwargs)}
        except NotImplementedError:
            stop_timers()
            return {"status": "not implemented"}
        except _CallTimeout as exc:  # the remaining cases would likely loop too: they count as failed, unrun
            stop_timers()
            slept = exc.args and exc.args[0] == signal.SIGALRM
            outcomes.append({"status": "error", "error": f"still running after {10 * call_s + 10:g} s of wall-clock time"
                             if slept else f"used more than {call_s:g} s of CPU time"})
            break
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt, MemoryError too
            stop_timers()
            outcome = {"status": "error", "error": "raised " + _describe_exception(exc)}
        finally:
            sys.stdout, sys.stderr = stdout, stdout
        outcomes.append(outcome)
    return {"status": "called", "cases": outcomes}


def main(argv):
    workdir, memory_mb, cpu_s, call_s = argv[1], int(argv[2]), float(argv[3]), float(argv[4])
    _set_limits(memory_mb, cpu_s)
    import importlib.util

    spec = importlib.util.spec_from_file_location("_grading_protocol", os.path.join(os.path.dirname(__file__), "protocol.py"))
    protocol = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(protocol)
    save = protocol.save  # keep our own reference: the student may replace module attributes

    os.chdir(workdir)
    job = protocol.load("job.npz")
    os.remove("job.npz")
    os.mkdir("answers")
    stdout = sys.stdout
    namespace = {"__name__": "__main__", "__builtins__": __builtins__, "display": print}
    shell = Shell(namespace)
    namespace["get_ipython"] = lambda: shell
    stdin = os.fdopen(os.dup(0), "rb")  # private cases come through here, after the public answers
    exercises = job["exercises"]
    errors = _run_cells(job["cells"], namespace, stdout)
    del job
    save(os.path.join(workdir, "answers", "cells.npz"), {"cell_errors": errors})

    def run(k):
        result = _grade_exercise(exercises[k], namespace, call_s, stdout)
        try:
            save(os.path.join(workdir, "answers", f"{k}.npz"), result)
        except BaseException as exc:  # noqa: BLE001 - e.g. a MemoryError while encoding a huge answer
            save(os.path.join(workdir, "answers", f"{k}.npz"),
                 {"status": "error", "error": "answer could not be written: " + _describe_exception(exc)})

    private = [k for k, exercise in enumerate(exercises) if exercise.get("private")]
    for k in range(len(exercises)):
        if k not in private:
            run(k)
    if private:
        save(os.path.join(workdir, "answers", "public_done.npz"), {"done": True})
        try:
            cases = protocol.loads(stdin.read())
        except BaseException:  # noqa: BLE001 - the student's code took or closed our stdin
            cases = {}
        for k in private:
            if not isinstance(cases, dict) or str(k) not in cases:
                save(os.path.join(workdir, "answers", f"{k}.npz"),
                     {"status": "error", "error": "the hidden inputs never arrived (the notebook read or closed stdin)"})
                continue
            exercises[k]["cases"] = cases[str(k)]
            run(k)
    save(os.path.join(workdir, "answers", "done.npz"), {"done": True})
    try:
        stdout.flush()
    finally:
        os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
