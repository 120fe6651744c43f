"""Execute notebooks in place and store their outputs, without volatile metadata.

    python tools/execute_notebooks.py book/01_perceptrons/*.ipynb solutions/01_perceptrons.ipynb

Each notebook runs in a fresh kernel from its own folder (as nbval and the book do); the
per-cell execution timestamps that nbclient records are dropped, so re-running a notebook whose
outputs did not change leaves the file unchanged.

The tests compare these outputs with a run under another floating-point configuration (see
conftest.py), so a cell must print what does not depend on the machine's rounding: a bound such
as ``< 1e-12`` or a few meaningful digits, never a value at machine epsilon. Check a notebook
the way the suite will: ``.venv/bin/pytest --nbval NOTEBOOK.ipynb``.
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def main(paths):
    if not paths:
        sys.exit(__doc__)
    for path in paths:
        print(f"executing {path}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
