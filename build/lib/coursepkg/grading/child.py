"""The child process that runs one submission: ``python -I child.py WORKDIR MEMORY_MB CPU_S CALL_S``.

The grader starts it in a fresh session, in a throwaway working directory holding only
``job.npz`` (the notebook's code cells, and for each exercise the function name and the inputs;
never an expected value). The child

1. caps its own address space, CPU time, file sizes and core dumps (soft = hard limit, so the
   student's code cannot raise them again);
2. reads the job into memory and deletes the file;
3. runs the code cells in one namespace, in order, like a kernel would: IPython magics and shell
   lines are skipped, an exception in a cell (``SystemExit`` included) is recorded and the next
   cell runs;
4. calls each student function on each case, with a per-call alarm (once a call times out, the
   function's remaining cases are not run), and writes
   ``answers/<k>.npz`` (data only) after each exercise, then ``done.npz``, then leaves with
   ``os._exit`` so that no ``atexit`` hook of the student runs afterwards.

Why exec in this process rather than a Jupyter kernel through nbclient: there is no kernel to
start (about 1 s saved per submission and no ZeroMQ), the limits apply directly to the process
that runs the code, there is one process to kill, and the answers never travel through a channel
the student's code shares (cell outputs). Nothing here is trusted: the grader compares the
answers with references it computes itself.
"""
import os
import sys

__all__ = ["clean_source"]


def clean_source(source):
    """The Python code of a cell: IPython magics and shell escapes become ``pass``; ``%%`` cells are dropped.

    Examples
    --------
    >>> print(clean_source("%matplotlib inline\\nx = 1\\n  !pip install foo"))
    pass
    x = 1
      pass
    >>> clean_source("%%time\\nx = 1")
    ''
    """
    lines = source.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        return ""
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            out.append(line[: len(line) - len(stripped)] + "pass")
        else:
            out.append(line)
    return "\n".join(out)


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
    import resource

    def cap(kind, value):
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass

    cap(resource.RLIMIT_AS, int(memory_mb) * 2**20)
    cap(resource.RLIMIT_CPU, int(cpu_s))
    cap(resource.RLIMIT_FSIZE, 256 * 2**20)
    cap(resource.RLIMIT_CORE, 0)


def _run_cells(cells, namespace, stdout):
    errors = []
    for index, source in cells:
        try:
            code = compile(clean_source(source), f"<cell {index}>", "exec")
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
        raise _CallTimeout()

    for case in exercise["cases"]:
        args, kwargs = copy.deepcopy(case["args"]), copy.deepcopy(case["kwargs"])
        signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, call_s)
        try:
            value = fn(*args, **kwargs)
            signal.setitimer(signal.ITIMER_REAL, 0)
            outcome = {"status": "ok", "value": value, "args": tuple(args), "kwargs": dict(kwargs)}
        except NotImplementedError:
            signal.setitimer(signal.ITIMER_REAL, 0)
            return {"status": "not implemented"}
        except _CallTimeout:  # the remaining cases would likely loop too: they count as failed, unrun
            outcomes.append({"status": "error", "error": f"took longer than {call_s:g} s"})
            break
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt, MemoryError too
            signal.setitimer(signal.ITIMER_REAL, 0)
            outcome = {"status": "error", "error": "raised " + _describe_exception(exc)}
        finally:
            sys.stdout, sys.stderr = stdout, stdout
        outcomes.append(outcome)
    return {"status": "called", "cases": outcomes}


def main(argv):
    workdir, memory_mb, cpu_s, call_s = argv[1], int(argv[2]), int(argv[3]), float(argv[4])
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
    errors = _run_cells(job["cells"], namespace, stdout)
    save(os.path.join(workdir, "answers", "cells.npz"), {"cell_errors": errors})
    for k, exercise in enumerate(job["exercises"]):
        result = _grade_exercise(exercise, namespace, call_s, stdout)
        try:
            save(os.path.join(workdir, "answers", f"{k}.npz"), result)
        except BaseException as exc:  # noqa: BLE001 - e.g. a MemoryError while encoding a huge answer
            save(os.path.join(workdir, "answers", f"{k}.npz"),
                 {"status": "error", "error": "answer could not be written: " + _describe_exception(exc)})
    save(os.path.join(workdir, "answers", "done.npz"), {"done": True})
    try:
        stdout.flush()
    finally:
        os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
