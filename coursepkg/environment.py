"""`coursepkg check-env`: which versions are installed, and whether the book was tested with them.

Colab and students' machines drift from the versions the book was built with; this is the
first thing to run when a chapter misbehaves.
"""
import platform
from importlib import metadata

from packaging.version import InvalidVersion, Version

__all__ = ["TESTED", "MINIMUM", "environment_report", "format_report"]

# The versions requirements.txt pins (the book is built and CI runs with them); a test keeps
# this table equal to requirements.txt. A version in the same major.minor series counts as tested.
TESTED = {
    "numpy": "2.4.6",
    "scipy": "1.17.1",
    "matplotlib": "3.11.2",
    "scikit-learn": "1.9.1",
    "torch": "2.13.0",
    "ipywidgets": "8.1.9",
    "tqdm": "4.70.1",
    "nbformat": "5.11.1",
    "nbclient": "0.11.0",
}
# pyproject.toml's lower bounds: below them, something in the course will break.
MINIMUM = {
    "numpy": "1.24", "scipy": "1.10", "matplotlib": "3.7", "scikit-learn": "1.3", "torch": "2.2", "ipywidgets": "8.0",
    "tqdm": "4.60", "nbformat": "5.7", "nbclient": "0.7",
}
TESTED_PYTHON = ("3.11",)


def _series(version):
    return Version(version).release[:2]


def environment_report():
    """Rows (package, installed version or None, tested version, status).

    status is "ok" (same major.minor as tested), "untested" (newer or older than tested but not
    below the minimum), "too old" (below the minimum: upgrade) or "missing".
    """
    rows = []
    py = platform.python_version()
    rows.append(("python", py, ", ".join(TESTED_PYTHON), "ok" if ".".join(py.split(".")[:2]) in TESTED_PYTHON else "untested"))
    for name, tested in TESTED.items():
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            rows.append((name, None, tested, "missing"))
            continue
        try:
            version = Version(found)
        except InvalidVersion:
            rows.append((name, found, tested, "untested"))
            continue
        if version < Version(MINIMUM[name]):
            status = "too old"
        elif version.release[:2] == _series(tested):
            status = "ok"
        else:
            status = "untested"
        rows.append((name, found, tested, status))
    return rows


def describe_accelerator():
    try:
        import torch  # only to report the device; slow to import, so not at module level
    except ImportError:
        return "torch not installed"
    if torch.cuda.is_available():
        return f"CUDA GPU ({torch.cuda.get_device_name(0)})"
    return "CPU only (GPU cells run at a reduced size)"


def format_report(rows, accelerator=None):
    """The table `coursepkg check-env` prints, with a warning line per problem."""
    lines = [f"{'package':<14}{'installed':<16}{'tested with':<16}status"]
    for name, found, tested, status in rows:
        lines.append(f"{name:<14}{found or '-':<16}{tested:<16}{status}")
    if accelerator:
        lines.append(f"accelerator: {accelerator}")
    for name, found, tested, status in rows:
        if status == "missing":
            lines.append(f"ERROR: {name} is not installed; run: pip install coursepkg (or pip install -r requirements.txt)")
        elif status == "too old":
            lines.append(f"ERROR: {name} {found} is older than the minimum {MINIMUM[name]}; run: pip install -U {name}")
        elif status == "untested" and name == "python":
            lines.append(f"WARNING: Python {found} differs from the tested {tested}; the course should work, "
                         f"but only {tested} is checked by CI")
        elif status == "untested":
            lines.append(f"WARNING: {name} {found} differs from the tested {tested}; if a cell fails, "
                         f"try: pip install '{name}=={tested}'")
    return "\n".join(lines)
