"""Benchmark `coursepkg grade`: 30 submissions of chapter 1 graded with 2 jobs (the 2-core CI box).

    python tools/bench_grade.py [--n 30] [--jobs 2]

The batch mixes 10 full solutions, 10 untouched student notebooks and 10 with one wrong answer.
It prints the wall time of the batch, seconds per submission, and, for scale, the time nbclient
takes to execute one solution notebook in a Jupyter kernel (what a kernel-based grader pays per
submission before it has compared anything). Target: the 30 submissions in under 2 minutes.
"""
import argparse
import tempfile
import time
from pathlib import Path

import nbformat

from coursepkg.grading import GradeOptions, grade_batch

ROOT = Path(__file__).resolve().parents[1]


def _corpus(folder, n):
    solution = nbformat.read(ROOT / "solutions" / "01_perceptrons.ipynb", as_version=4)
    student = nbformat.read(ROOT / "exercises" / "01_perceptrons.ipynb", as_version=4)
    wrong = nbformat.read(ROOT / "solutions" / "01_perceptrons.ipynb", as_version=4)
    wrong.cells.append(nbformat.v4.new_code_cell("def count_parameters(layer_sizes):\n    return sum(layer_sizes)"))
    kinds = [solution, student, wrong]
    for k in range(n):
        nbformat.write(kinds[k % 3], folder / f"student{k:03d}.ipynb")


def _nbclient_seconds():
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "solutions" / "01_perceptrons.ipynb", as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "solutions")}}).execute()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        _corpus(tmp / "in", args.n)
        start = time.perf_counter()
        records = grade_batch([tmp / "in"], tmp / "out", chapter=1, options=GradeOptions(timeout=60), jobs=args.jobs,
                              progress=False)
        seconds = time.perf_counter() - start
    scores = sorted({r["score"] for r in records})
    print(f"graded {len(records)} submissions with {args.jobs} jobs in {seconds:.1f} s "
          f"({seconds / len(records):.2f} s per submission wall, {seconds * args.jobs / len(records):.2f} s per submission per job); "
          f"distinct scores: {scores}")
    kernel = _nbclient_seconds()
    print(f"for scale: nbclient executes one solution notebook in a kernel in {kernel:.2f} s; "
          f"grading one submission here costs {seconds * args.jobs / len(records) / kernel:.2f}x that")


if __name__ == "__main__":
    main()
