"""Execute notebooks in place and store their outputs, without volatile metadata.

    python tools/execute_notebooks.py book/01_perceptrons/*.ipynb solutions/01_perceptrons.ipynb

Each notebook runs in a fresh kernel from its own folder (as nbval and the book do); the
per-cell execution timestamps that nbclient records are dropped, so re-running a notebook whose
outputs did not change leaves the file unchanged.
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
