#!/usr/bin/env python3
"""Vendor the browser assets the book needs offline into ``book/_vendor/``.

By default a Sphinx/Jupyter Book page loads MathJax, RequireJS and the
ipywidgets HTML manager from CDNs, so without a network the math shows as raw
``\\( ... \\)`` and saved widgets do not appear. This script fetches pinned
copies from the npm registry (``npm pack``, no ``node_modules``), and copies
only the files the pages load (about 6 MB) into ``book/_vendor/``, which
``_config.yml`` serves through ``html_extra_path`` (so the build output holds
``mathjax/`` and ``widgets/`` at its root).

Usage::

    python tools/vendor_assets.py           # vendor if missing or incomplete
    python tools/vendor_assets.py --force   # fetch again even if complete
    python tools/vendor_assets.py --check   # exit 1 if incomplete, fetch nothing

The script is idempotent: a complete ``book/_vendor/`` (every expected file
present and the recorded versions equal to the pins below) is left alone.
It needs only the standard library and ``npm`` on the PATH.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "book" / "_vendor"
MANIFEST = VENDOR / "VERSIONS.json"

# Pinned versions. mathjax 3.2.2 is the last MathJax 3 release; the html
# manager 1.x pairs with ipywidgets 8 (widget state of @jupyter-widgets/controls 2).
PACKAGES = {
    "mathjax": "3.2.2",
    "@jupyter-widgets/html-manager": "1.0.15",
    "requirejs": "2.3.8",
}

# (package, glob inside the package tarball, destination folder inside VENDOR,
#  keep the path relative to this base inside the package, or None to flatten)
COPIES = [
    ("mathjax", "es5/tex-chtml.js", "mathjax", "es5"),
    ("mathjax", "es5/output/chtml/fonts/woff-v2/*.woff", "mathjax", "es5"),
    ("mathjax", "es5/input/tex/extensions/**/*.js", "mathjax", "es5"),
    ("mathjax", "LICENSE", "mathjax", ""),
    ("@jupyter-widgets/html-manager", "dist/embed-amd.js", "widgets", None),
    # Font Awesome files the widget CSS references next to the script.
    ("@jupyter-widgets/html-manager", "dist/*.woff2", "widgets", None),
    ("@jupyter-widgets/html-manager", "dist/*.woff", "widgets", None),
    ("requirejs", "require.js", "widgets", None),
]

# Files whose absence means the folder is incomplete (what the pages load).
REQUIRED = [
    "mathjax/tex-chtml.js",
    "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
    "mathjax/input/tex/extensions/ams.js",
    "widgets/embed-amd.js",
    "widgets/require.js",
]


def is_complete() -> bool:
    """True if every required file exists and the recorded pins match."""
    if not all((VENDOR / rel).is_file() for rel in REQUIRED):
        return False
    try:
        recorded = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return False
    return recorded == PACKAGES


def npm_pack(spec: str, dest: Path) -> Path:
    """Download one package tarball with ``npm pack`` and unpack it."""
    result = subprocess.run(
        ["npm", "pack", spec, "--silent"],
        cwd=dest,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"`npm pack {spec}` failed:\n{result.stderr.strip()}")
    tarball = dest / result.stdout.strip().splitlines()[-1]
    unpack = dest / (tarball.name + ".d")
    with tarfile.open(tarball) as tar:
        tar.extractall(unpack, filter="data")
    return unpack / "package"


def copy_files(pkg_root: Path, pattern: str, dest: Path, base: str | None) -> int:
    matches = [p for p in pkg_root.glob(pattern) if p.is_file()]
    if not matches:
        raise RuntimeError(f"{pattern!r} matched nothing in {pkg_root}")
    for src in matches:
        rel = src.relative_to(pkg_root / base) if base is not None else Path(src.name)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    return len(matches)


def vendor() -> None:
    if shutil.which("npm") is None:
        sys.exit(
            "error: npm is not on the PATH. Install Node.js/npm, or build without "
            "vendored assets (MathJax from its CDN): python tools/build_book.py --cdn"
        )
    staging = VENDOR.with_name("_vendor.partial")
    shutil.rmtree(staging, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="vendor-npm-") as tmp:
        tmp_path = Path(tmp)
        roots = {}
        for name, version in PACKAGES.items():
            print(f"npm pack {name}@{version}")
            roots[name] = npm_pack(f"{name}@{version}", tmp_path)
        for name, pattern, folder, base in COPIES:
            n = copy_files(roots[name], pattern, staging / folder, base)
            print(f"  {name}: {pattern} -> book/_vendor/{folder}/ ({n} files)")
        for name, folder in [("@jupyter-widgets/html-manager", "widgets"), ("requirejs", "widgets")]:
            lic = next(roots[name].glob("LICEN[CS]E*"), None)
            if lic is not None:
                short = name.rsplit("/", 1)[-1]
                shutil.copy2(lic, staging / folder / f"LICENSE.{short}")
    (staging / "VERSIONS.json").write_text(json.dumps(PACKAGES, indent=2) + "\n")
    # Swap in the complete folder only at the end, so an interrupted run never
    # leaves a half-filled book/_vendor/ that looks complete.
    shutil.rmtree(VENDOR, ignore_errors=True)
    staging.rename(VENDOR)
    size = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    print(f"vendored into {VENDOR.relative_to(ROOT)}/ ({size / 1e6:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--force", action="store_true", help="fetch again even if complete")
    group.add_argument("--check", action="store_true", help="only report; exit 1 if incomplete")
    args = parser.parse_args(argv)

    if args.check:
        ok = is_complete()
        print(f"book/_vendor/ is {'complete' if ok else 'missing or incomplete'}")
        return 0 if ok else 1
    if is_complete() and not args.force:
        print("book/_vendor/ is complete (" + ", ".join(f"{k}@{v}" for k, v in PACKAGES.items()) + "); nothing to do")
        return 0
    try:
        vendor()
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
