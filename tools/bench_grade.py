"""Benchmark `coursepkg grade`: chapter-1 submissions graded with 2 jobs (the 2-core CI box), with and without the sandbox.

    python tools/bench_grade.py [--n 30] [--jobs 2] [--kernel]

The batch mixes full solutions, untouched student notebooks and solutions with one wrong answer
(a third each). It grades the same batch under bubblewrap and with ``--no-sandbox`` and prints,
for each, the wall time, seconds per submission (goal with the sandbox: at most 0.5 s on 2
cores) and the mean wall time of one child (sandbox start included). ``--kernel`` adds, for
scale, the time nbclient takes to execute one solution in a Jupyter kernel.
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


def _run(folder, out, jobs, sandbox):
    start = time.perf_counter()
    records = grade_batch([folder], out, chapter=1, options=GradeOptions(timeout=60, sandbox=sandbox), jobs=jobs,
                          progress=False)
    return records, time.perf_counter() - start


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
    parser.add_argument("--kernel", action="store_true", help="also time nbclient on one solution, for scale")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        _corpus(tmp / "in", args.n)
        _run(tmp / "in", tmp / "warm", 1, True)  # warm the page cache and the one-off sandbox probe
        for sandbox in (True, False):
            records, seconds = _run(tmp / "in", tmp / f"out{sandbox}", args.jobs, sandbox)
            scores = sorted({round(r.score, 2) for r in records})
            child = sum(r.seconds for r in records) / len(records)
            print(f"{'bubblewrap' if sandbox else 'no sandbox':<11}: graded {len(records)} submissions with {args.jobs} jobs "
                  f"in {seconds:.1f} s = {seconds / len(records):.2f} s per submission "
                  f"(one child: {child:.2f} s wall); distinct scores: {scores}")
    if args.kernel:
        kernel = _nbclient_seconds()
        print(f"for scale: nbclient executes one solution notebook in a kernel in {kernel:.2f} s")


if __name__ == "__main__":
    main()
