"""The setup cell at the top of every chapter notebook: installs coursepkg in Colab, nothing elsewhere.

The repository URL lives in ``_config.yml`` alone; ``coursepkg notebooks sync-setup`` writes the
cell into every notebook from it, and the test suite fails if a notebook's cell is out of date.
"""
import re
from pathlib import Path

import nbformat

__all__ = ["SETUP_TAG", "read_repository", "setup_cell_source", "sync_setup_cells"]

SETUP_TAG = "colab-setup"


def read_repository(config="_config.yml"):
    """(url, branch) of the ``repository`` section of the book's ``_config.yml``."""
    import yaml  # comes with jupyter-book; only the book's tooling needs it

    data = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
    repo = data.get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch", "main")
    if not url or not re.match(r"^https://", str(url)):
        raise ValueError(f"{config} must set repository.url to an https:// URL; got {url!r}")
    return str(url).rstrip("/"), str(branch)


def setup_cell_source(url, branch="main"):
    """Source of the setup cell for the repository at ``url`` (``branch``).

    Examples
    --------
    >>> print(setup_cell_source("https://github.com/org/course", "main").splitlines()[-1].strip())
    importlib.invalidate_caches()
    """
    requirement = f"coursepkg @ git+{url}@{branch}"
    return (
        "# Setup: in Google Colab, install the course package; anywhere else this cell does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import importlib\n"
        "    import subprocess\n"
        "\n"
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "{requirement}"], check=True)\n'
        "    importlib.invalidate_caches()"
    )


def _setup_cell(source):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [SETUP_TAG, "hide-input"]
    return cell


def sync_setup_cells(paths, config="_config.yml", check=False):
    """Make the first code cell of each notebook the setup cell for the configured repository.

    An existing cell tagged ``colab-setup`` is rewritten in place (keeping its id); otherwise one
    is inserted before the first code cell. Returns the notebooks that changed (with ``check``:
    that would change; nothing is written).
    """
    source = setup_cell_source(*read_repository(config))
    changed = []
    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if SETUP_TAG in c.get("metadata", {}).get("tags", [])]
        if tagged and tagged[0].source == source:
            continue
        changed.append(path)
        if check:
            continue
        if tagged:
            tagged[0].source = source
        else:
            first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
            nb.cells.insert(first_code, _setup_cell(source))
        nbformat.write(nb, path)
    return changed
