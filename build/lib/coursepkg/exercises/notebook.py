"""Build student notebooks from solution notebooks.

In a solution notebook (``solutions/NN_chapter.ipynb``) the answer to an exercise sits between
two marker lines in a code cell::

    def count_parameters(layer_sizes):
        # BEGIN SOLUTION
        return sum(...)
        # END SOLUTION

The student notebook gets, at the indentation of the BEGIN marker::

        raise NotImplementedError("Exercise: write your solution here")

Markdown cells tagged ``solution`` become "*Write your answer here.*"; cells tagged
``solution-only`` are dropped; every output and execution count is cleared.
"""
import copy
import re
from pathlib import Path

import nbformat

__all__ = ["BEGIN", "END", "STUB", "strip_solutions", "student_notebook", "build_exercises"]

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
STUB = 'raise NotImplementedError("Exercise: write your solution here")'
ANSWER_PLACEHOLDER = "*Write your answer here.*"
_MARKER = re.compile(r"^(\s*)# (BEGIN|END) SOLUTION\s*$")


def strip_solutions(source, where="cell"):
    """Replace every BEGIN/END SOLUTION block of ``source`` by a NotImplementedError stub.

    Examples
    --------
    >>> print(strip_solutions("def f(x):\\n    # BEGIN SOLUTION\\n    return 2 * x\\n    # END SOLUTION"))
    def f(x):
        raise NotImplementedError("Exercise: write your solution here")
    """
    out, inside = [], None
    for number, line in enumerate(source.splitlines(), 1):
        match = _MARKER.match(line)
        if match and match.group(2) == "BEGIN":
            if inside is not None:
                raise ValueError(f"{where}, line {number}: BEGIN SOLUTION inside another solution block")
            inside = match.group(1)
            out.append(inside + STUB)
        elif match:
            if inside is None:
                raise ValueError(f"{where}, line {number}: END SOLUTION without a BEGIN SOLUTION")
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise ValueError(f"{where}: BEGIN SOLUTION without an END SOLUTION")
    return "\n".join(out)


def student_notebook(nb, name="notebook"):
    """A student copy of solution notebook ``nb`` (an ``nbformat`` node); ``nb`` is left unchanged."""
    nb = copy.deepcopy(nb)
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution-only" in tags:
            continue
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, where=f"{name}, cell {index}")
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)  # timestamps of the instructor's run
        elif cell.cell_type == "markdown" and "solution" in tags:
            cell.source = ANSWER_PLACEHOLDER
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)  # saved widget state belongs to executed solutions
    return nb


def build_exercises(solutions_dir="solutions", exercises_dir="exercises", check=False):
    """Write ``exercises_dir/X.ipynb`` for every ``solutions_dir/X.ipynb``.

    Parameters
    ----------
    check : bool
        Write nothing; return the paths that are missing or differ from what would be written.

    Returns
    -------
    list of Path
        The files written (or, with ``check``, the stale ones).
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    sources = sorted(solutions_dir.glob("*.ipynb"))
    if not sources:
        raise ValueError(f"no solution notebooks (*.ipynb) in {solutions_dir}")
    touched = []
    for src in sources:
        nb = nbformat.read(src, as_version=4)
        text = nbformat.writes(student_notebook(nb, name=src.name)) + "\n"
        dst = exercises_dir / src.name
        if dst.exists() and dst.read_text(encoding="utf-8") == text:
            continue
        touched.append(dst)
        if not check:
            exercises_dir.mkdir(parents=True, exist_ok=True)
            dst.write_text(text, encoding="utf-8")
    return touched
