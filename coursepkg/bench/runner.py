"""Run the benchmarks, print the table, store and load the results as JSON.

``run_all`` runs the CPU benchmarks (and, with ``gpu=True``, the GPU rows) in this process and
returns a results dict: ``{"schema": 1, "machine": {...}, "settings": {...}, "rows": [...]}``.
"""
import dataclasses
import importlib
import json
import sys
import time
from pathlib import Path

from .core import Row
from .machine import machine_info
from .table import format_table

__all__ = ["CPU_BENCHMARKS", "GPU_BENCHMARKS", "run_all", "save_json", "load_json"]

# --only name -> module of coursepkg.bench with run(quick, repeat)
CPU_BENCHMARKS = {"knn": "knn", "kernel_ridge": "kernels", "mlp": "mlp", "autodiff": "autodiff",
                  "softmax": "softmax", "bootstrap": "bootstrap", "newton": "optim"}
GPU_BENCHMARKS = ("gpu_knn", "gpu_kernel_ridge", "gpu_bootstrap", "gpu_train")
SCHEMA = 1


def _select(only, gpu):
    """(cpu names, gpu names) to run; ``only`` is None or a list of names."""
    if only is None:
        return list(CPU_BENCHMARKS), list(GPU_BENCHMARKS) if gpu else []
    known = list(CPU_BENCHMARKS) + list(GPU_BENCHMARKS)
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ValueError(f"unknown benchmark {', '.join(map(repr, unknown))}; choose from {', '.join(known)}")
    gpu_names = [name for name in GPU_BENCHMARKS if name in only]
    if gpu_names and not gpu:
        raise ValueError(f"{', '.join(gpu_names)}: GPU rows need --gpu")
    return [name for name in CPU_BENCHMARKS if name in only], gpu_names


def _check_device(gpu_device):
    import torch

    if torch.device(gpu_device).type == "cuda" and not torch.cuda.is_available():
        raise ValueError("--gpu needs a CUDA GPU, and torch.cuda.is_available() is False on this machine; "
                         "run `coursepkg bench` without --gpu for the CPU rows, or run it on a CUDA machine")


def run_all(only=None, quick=False, gpu=False, gpu_device="cuda", repeat=None, log=None):
    """Run the benchmarks in this process.

    Parameters
    ----------
    only : list of str or None
        Benchmark names (keys of ``CPU_BENCHMARKS`` and ``GPU_BENCHMARKS``); None runs all CPU ones
        (and all GPU ones with ``gpu``).
    quick : bool
        Small sizes (seconds in all), and one timed repeat unless ``repeat`` is given.
    gpu : bool
        Add the GPU rows; ``gpu_device`` other than CUDA (``"cpu"``) runs their code path without a GPU.
    repeat : int or None
        Timed repeats per side (default 3, or 1 with ``quick``).
    log : callable or None
        Called with one line of progress per benchmark (e.g. ``print``).

    Returns
    -------
    dict with ``schema``, ``machine`` (see :func:`coursepkg.bench.machine.machine_info`), ``settings``
    and ``rows`` (a list of :class:`coursepkg.bench.core.Row` as dicts).
    """
    cpu_names, gpu_names = _select(only, gpu)
    if gpu:
        _check_device(gpu_device)
    repeat = (1 if quick else 3) if repeat is None else int(repeat)
    log = log or (lambda line: None)
    rows = []
    for name in cpu_names:
        start = time.perf_counter()
        module = importlib.import_module(f".{CPU_BENCHMARKS[name]}", __package__)
        rows += module.run(quick=quick, repeat=repeat)
        log(f"{name}: done in {time.perf_counter() - start:.1f} s")
    if gpu_names:
        from . import gpu as gpu_module

        start = time.perf_counter()
        rows += gpu_module.run(quick=quick, repeat=repeat, device=gpu_device, names=gpu_names)
        log(f"{', '.join(gpu_names)}: done in {time.perf_counter() - start:.1f} s")
    settings = {"quick": bool(quick), "repeat": repeat, "gpu": bool(gpu), "gpu_device": gpu_device if gpu else None}
    return {"schema": SCHEMA, "machine": machine_info(), "settings": settings,
            "rows": [dataclasses.asdict(row) for row in rows]}


def save_json(results, path):
    """Write ``results`` to ``path`` (indented, keys in order); returns the Path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1) + "\n")
    return path


def load_json(path):
    """Read results written by :func:`save_json`, checking their shape; rows come back as dicts."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no benchmark results at {path}; write them with `coursepkg bench --json {path}`")
    try:
        results = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(results, dict) or results.get("schema") != SCHEMA or "rows" not in results or "machine" not in results:
        raise ValueError(f"{path} is not a coursepkg bench results file (schema {SCHEMA} with machine and rows)")
    fields = {f.name for f in dataclasses.fields(Row)}
    for row in results["rows"]:
        missing = fields - set(row)
        if missing:
            raise ValueError(f"{path}: a row lacks {', '.join(sorted(missing))}")
    return results


def main_run(args):
    """The ``coursepkg bench`` command: run, print the table, optionally write JSON; 1 if a row disagrees."""
    only = None if args.only is None else [name.strip() for name in args.only.split(",") if name.strip()]
    results = run_all(only=only, quick=args.quick, gpu=args.gpu, gpu_device=args.gpu_device, repeat=args.repeat,
                      log=lambda line: print(line, file=sys.stderr))
    print(format_table(results))
    if args.json:
        print(f"wrote {save_json(results, args.json)}")
    bad = [r["key"] for r in results["rows"] if not r["agree"]]
    if bad:
        print(f"ours and the reference disagree on: {', '.join(bad)}", file=sys.stderr)
    return 1 if bad else 0
