#!/usr/bin/env python3
"""Build the book: vendor the offline assets, then run ``jupyter-book build``.

Usage::

    python tools/build_book.py              # stored outputs (fast; what CI builds)
    python tools/build_book.py --execute    # re-run every notebook, then build
    python tools/build_book.py --cdn        # no npm: MathJax and widget JS from CDNs
    python tools/build_book.py --out DIR    # HTML in DIR/_build/html instead of ./_build/html

The build is always strict (``-W --keep-going``): a warning, a broken reference or a failing
cell fails it. The HTML lands in ``_build/html/`` (open ``_build/html/index.html``).

Why a script: Jupyter Book 1 has no command-line switch for configuration values, and
``--config`` replaces ``_config.yml`` rather than merging with it. For ``--execute`` (and for
the CDN fallback) this script writes a temporary copy of ``_config.yml`` with the few values
changed and passes it with ``--config``; paths in it still resolve against the repository root,
and ``_config.yml`` stays the single source of every other setting. Without ``--execute`` and
with the assets vendored, it builds from ``_config.yml`` itself, exactly as
``jupyter-book build . -W --keep-going`` would.

The log keeps what matters: lines known to be harmless noise (each executing kernel's
"Kernel is running over TCP without encryption" warning, which concerns a kernel listening on
localhost for the build's duration, and setuptools' banners) are dropped; everything else,
warnings and errors included, is printed as it comes.

If ``book/_vendor/`` cannot be filled (no npm, no registry), the script says so and builds with
MathJax and the widget scripts from their CDNs instead: the pages then need internet for math.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import vendor_assets  # noqa: E402  (sibling script)

# Keys of sphinx.config in _config.yml that point at book/_vendor/.
VENDORED_KEYS = ("html_extra_path", "mathjax_path", "nb_ipywidgets_js")


# Harmless lines dropped from the build log (see the module docstring).
NOISE = re.compile(r"Kernel is running over TCP without encryption|^\s*(\*{8,}|!!)\s*$"
                   r"|SetuptoolsDeprecationWarning|setuptools.*(deprecat|banner)|^\s*warnings\.warn\(")


def quiet_lines(lines):
    """The lines of a build log worth reading: ``lines`` without the known harmless noise.

    >>> list(quiet_lines(["[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All ...",
    ...                   "reading sources... [ 50%] book/intro", "build succeeded."]))
    ['reading sources... [ 50%] book/intro', 'build succeeded.']
    """
    return (line for line in lines if not NOISE.search(line))


def run_quietly(cmd: list[str]) -> int:
    """Run ``cmd`` from the repository root, printing its output without the noise; its exit code."""
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          bufsize=1) as proc:
        for line in quiet_lines(proc.stdout):
            print(line, end="", flush=True)
    return proc.returncode


def derived_config(base: dict, *, execute: bool, cdn: bool) -> dict:
    """Return a copy of the parsed ``_config.yml`` adapted for this build."""
    cfg = yaml.safe_load(yaml.safe_dump(base))  # deep copy
    if execute:
        cfg.setdefault("execute", {})["execute_notebooks"] = "force"
    if cdn:
        sphinx_cfg = cfg.get("sphinx", {}).get("config", {}) or {}
        for key in VENDORED_KEYS:
            sphinx_cfg.pop(key, None)
    return cfg


def find_jupyter_book() -> str | None:
    """The jupyter-book next to this Python (a venv), else the one on the PATH, else None."""
    local = Path(sys.executable).with_name("jupyter-book")
    return str(local) if local.is_file() else shutil.which("jupyter-book")


def jupyter_book_exe() -> str:
    found = find_jupyter_book()
    if found is None:
        sys.exit("error: jupyter-book not found; install requirements.txt first")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execute", action="store_true",
                        help="re-execute every notebook (execute_notebooks: force, --all)")
    parser.add_argument("--cdn", action="store_true",
                        help="do not vendor; load MathJax and widget JS from CDNs")
    parser.add_argument("--out", type=Path, help="output folder (passed as --path-output)")
    args = parser.parse_args(argv)

    cdn = args.cdn
    if not cdn:
        if shutil.which("npm") is None and not vendor_assets.is_complete():
            print("warning: npm not found and book/_vendor/ is incomplete; "
                  "building with MathJax from its CDN (pages need internet for math)")
            cdn = True
        elif vendor_assets.main([]) != 0:
            print("warning: vendoring failed; building with MathJax from its CDN")
            cdn = True

    cmd = [jupyter_book_exe(), "build", str(ROOT), "-W", "--keep-going"]
    if args.execute:
        cmd.append("--all")
    if args.out is not None:
        cmd += ["--path-output", str(args.out.resolve())]

    with tempfile.TemporaryDirectory(prefix="book-config-") as tmp:
        if args.execute or cdn:
            base = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
            cfg_path = Path(tmp) / "_config.yml"
            cfg_path.write_text(yaml.safe_dump(derived_config(base, execute=args.execute, cdn=cdn),
                                               sort_keys=False), encoding="utf-8")
            cmd += ["--config", str(cfg_path)]
        print("+ " + " ".join(cmd), flush=True)
        return run_quietly(cmd)


if __name__ == "__main__":
    sys.exit(main())
