"""What every benchmark shares: the result row, the timer and the memory probe.

Timing rule: each side runs once as a warm-up (its answer is kept for the agreement check), then
``repeat`` more times, alternating ours and the reference so that a change of machine load hits
both; the reported time of each side is its best run. The garbage collector is paused during each
run, as ``timeit`` does.
"""
import dataclasses
import gc
import time
import tracemalloc

__all__ = ["Row", "make_row", "goal_met", "best_times", "peak_memory_mb"]


@dataclasses.dataclass
class Row:
    """One line of the benchmark table.

    Attributes
    ----------
    key : str
        Short benchmark name (what ``--only`` selects), e.g. ``"knn"``.
    name : str
        The workload in words, with its sizes.
    ours : float
        Best time of our code, seconds.
    reference : str
        What we compare with (scikit-learn, torch on the CPU, micrograd, ...).
    ref : float
        Best time of the reference, seconds.
    ratio : float
        ``ours / ref``: below 1 means ours is faster.
    goal : str or None
        ``"<= 1.2"`` bounds the ratio; ``">= 30"`` asks for a speed-up ``ref / ours`` of at least 30
        (the GPU rows); None: measured, no goal.
    met : bool or None
        Whether the goal is met (None without a goal).
    agree : bool
        Whether ours and the reference gave the same answer (see each benchmark's ``check``).
    peak_mb : float or None
        Peak memory of ours in MiB: Python and numpy allocations (tracemalloc) on the CPU, torch's
        peak allocation on a GPU; None where neither measures it (torch on the CPU).
    device : str
        ``"cpu"``, or the torch device of ours for the GPU rows.
    check : str
        How agreement was judged.
    """

    key: str
    name: str
    ours: float
    reference: str
    ref: float
    ratio: float
    goal: object
    met: object
    agree: bool
    peak_mb: object
    device: str = "cpu"
    check: str = ""


def goal_met(goal, ours, ref):
    """Whether ``goal`` (``"<= x"`` on ours/ref, ``">= x"`` on ref/ours, or None) holds."""
    if goal is None:
        return None
    op, _, value = goal.partition(" ")
    if op == "<=":
        return ours / ref <= float(value)
    if op == ">=":
        return ref / ours >= float(value)
    raise ValueError(f"goal must look like '<= 1.2' or '>= 30'; got {goal!r}")


def make_row(key, name, ours, reference, ref, goal, agree, peak_mb=None, device="cpu", check=""):
    """A :class:`Row` with ``ratio`` and ``met`` computed from the times."""
    return Row(key=key, name=name, ours=float(ours), reference=reference, ref=float(ref), ratio=float(ours) / float(ref),
               goal=goal, met=goal_met(goal, ours, ref), agree=bool(agree),
               peak_mb=None if peak_mb is None else float(peak_mb), device=device, check=check)


def best_times(fns, repeat, sync=None, collect=False):
    """Warm up each function once, then best-of-``repeat`` wall time of each, interleaved.

    Parameters
    ----------
    fns : sequence of callables taking no argument
    repeat : int
        Timed runs of each function (at least 1).
    sync : callable or None
        Called after each run before the clock stops (``torch.cuda.synchronize`` for GPU work).
    collect : bool
        Also time freeing what the run left behind: generation 0 is collected before the clock
        starts and again before it stops. Objects freed by reference counting are freed inside
        the run anyway; this charges code whose objects form reference cycles (micrograd's
        closures) for its garbage too, and nothing else, since generation 0 then holds only
        what the run created.

    Returns
    -------
    times : list of float, one best time per function
    outputs : list, the warm-up output of each function
    """
    if int(repeat) < 1:
        raise ValueError(f"repeat must be a positive integer; got {repeat!r}")
    sync = sync or (lambda: None)
    outputs = []
    for fn in fns:
        outputs.append(_no_gc(fn, sync, collect)[1])
    best = [float("inf")] * len(fns)
    for _ in range(int(repeat)):
        for k, fn in enumerate(fns):
            best[k] = min(best[k], _no_gc(fn, sync, collect)[0])
    return best, outputs


def _no_gc(fn, sync, collect=False):
    """(seconds, output) of one call with the garbage collector paused, as ``timeit`` does.

    Garbage left by the call is collected after it, when the collector runs again.

    Otherwise the cost of a collection depends on everything else alive in the process (torch and
    scikit-learn loaded, earlier benchmarks), and it lands on whichever side happens to trigger it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        if collect:
            gc.collect(0)
        start = time.perf_counter()
        out = fn()
        sync()
        if collect:
            gc.collect(0)
        return time.perf_counter() - start, out
    finally:
        if enabled:
            gc.enable()


def peak_memory_mb(fn):
    """Peak traced memory (MiB) of one untimed call of ``fn``: Python objects and numpy arrays."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
