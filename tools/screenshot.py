#!/usr/bin/env python3
"""Screenshot a built HTML page with headless Chromium, with the network cut off.

Usage::

    python tools/screenshot.py _build/html/book/intro.html intro.png
    python tools/screenshot.py PAGE.html OUT.png --width 1200 --height 1600 --wait-ms 10000

Every host name resolves to nothing (``--host-resolver-rules``), so the PNG shows what a reader
without internet sees: math typeset by the vendored MathJax, or raw ``\\( ... \\)`` if the page
still depends on a CDN. Needs Chromium (Debian: ``apt-get install -y --no-install-recommends
chromium``); the executable is taken from ``--chromium``, ``$CHROMIUM`` or the PATH.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


def find_chromium(explicit: str | None) -> str:
    for name in [explicit, os.environ.get("CHROMIUM"), "/usr/bin/chromium", *CANDIDATES]:
        if name and (Path(name).is_file() or shutil.which(name)):
            return shutil.which(name) or name
    sys.exit(
        "error: Chromium not found. Install it (Debian/Ubuntu: "
        "apt-get update && apt-get install -y --no-install-recommends chromium) "
        "or pass --chromium PATH."
    )


def screenshot(page: Path, out: Path, *, width: int = 1200, height: int = 1600,
               wait_ms: int = 10000, chromium: str | None = None, timeout: float = 120) -> Path:
    """Render ``page`` offline and write a PNG to ``out``; return ``out``."""
    page = page.resolve()
    if not page.is_file():
        raise FileNotFoundError(f"no such HTML file: {page}")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    exe = find_chromium(chromium)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--virtual-time-budget={wait_ms}",
            f"--window-size={width},{height}",
            f"--user-data-dir={profile}",
            f"--screenshot={out}",
            page.as_uri(),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(
            f"Chromium failed (exit {result.returncode}):\n{result.stderr.strip()[-2000:]}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path, help="built HTML file")
    parser.add_argument("out", type=Path, help="PNG to write")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("--wait-ms", type=int, default=10000,
                        help="virtual time for scripts (MathJax) to finish")
    parser.add_argument("--chromium", help="Chromium executable")
    args = parser.parse_args(argv)
    try:
        out = screenshot(args.page, args.out, width=args.width, height=args.height,
                         wait_ms=args.wait_ms, chromium=args.chromium)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
