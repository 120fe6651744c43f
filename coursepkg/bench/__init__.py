"""`coursepkg bench`: the course's algorithms side by side with the references a reader would pick.

One small module per benchmark (``knn``, ``kernels``, ``mlp``, ``autodiff``, ``softmax``,
``bootstrap``, ``optim``, and ``gpu`` for the CUDA rows), each with ``run(quick, repeat)`` returning
:class:`Row` objects (``core``: the row, the timer, the memory probe); ``runner`` runs them and
handles JSON, ``machine`` describes the machine, ``table`` formats numbers, ``report`` writes
``book/performance.md``.
Nothing here is imported by ``import coursepkg``.
"""
from .core import Row
from .report import render_page, write_page
from .runner import CPU_BENCHMARKS, GPU_BENCHMARKS, load_json, run_all, save_json
from .table import format_table

__all__ = ["Row", "run_all", "format_table", "save_json", "load_json", "render_page", "write_page",
           "CPU_BENCHMARKS", "GPU_BENCHMARKS"]
