#!/usr/bin/env python3
"""Screenshot a built HTML page with headless Chromium, with the network cut off.

Usage::

    python tools/screenshot.py _build/html/book/intro.html intro.png
    python tools/screenshot.py PAGE.html OUT.png --width 1200 --height 1600 --wait-ms 10000

Every host name resolves to nothing (``--host-resolver-rules``), so the PNG shows what a reader
without internet sees: math typeset by the vendored MathJax, or raw ``\\( ... \\)`` if the page
still depends on a CDN. Needs Chromium (Debian: ``apt-get install -y --no-install-recommends
chromium``); the executable is taken from ``--chromium``, ``$CHROMIUM`` or the PATH.

:class:`Browser` drives one headless Chromium over the DevTools protocol on a pipe (standard
library only) for tests that visit many pages: it reports console errors, failed loads (broken
images included) and what a probe script finds in the live page.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

# Headless, no first-run or background traffic, and every host name resolving to nothing.
OFFLINE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


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
            *OFFLINE_FLAGS,
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


class Browser:
    """One offline headless Chromium, driven over the DevTools protocol on a pipe.

    Parameters
    ----------
    chromium : str, optional
        Executable; default as :func:`find_chromium`.
    timeout : float
        Seconds any single protocol call may take.

    Notes
    -----
    Chromium reads commands on file descriptor 3 and answers on 4 (``--remote-debugging-pipe``),
    one JSON object per message, each ended by a NUL byte. Use as a context manager.
    """

    def __init__(self, chromium: str | None = None, timeout: float = 60):
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        child_in, self._out = os.pipe()
        self._in, child_out = os.pipe()
        # Out of the way of 3 and 4, which the child must receive exactly.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (child_in, child_out)]
        for fd in (child_in, child_out):
            os.close(fd)

        def _wire():  # runs in the child between fork and exec
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        cmd = [find_chromium(chromium), *OFFLINE_FLAGS, "--remote-debugging-pipe",
               f"--user-data-dir={self._profile.name}", "about:blank"]
        self._proc = subprocess.Popen(cmd, preexec_fn=_wire, close_fds=False,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in high:
            os.close(fd)
        self._buffer, self._events, self._id, self._closed = b"", [], 0, False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Stop Chromium and remove its profile (once: a second call does nothing)."""
        if self._closed:
            return
        self._closed = True
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium exited (status {self._proc.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float | None = None) -> dict:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            answer = self._read(deadline)
            if answer.get("id") != self._id:
                self._events.append(answer)
            elif "error" in answer:
                raise RuntimeError(f"{method}: {answer['error'].get('message')}")
            else:
                return answer.get("result", {})

    def _wait_event(self, method: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        seen = lambda m: m.get("method") == method and m.get("sessionId") == session  # noqa: E731
        while not any(map(seen, self._events)):
            self._events.append(self._read(deadline))

    def _problems(self, session: str) -> list[str]:
        """Console errors, uncaught exceptions and failed loads logged by one page."""
        found = []
        for event in (e for e in self._events if e.get("sessionId") == session):
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(details.get("exception", {}).get("description") or details["text"])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                args = (a.get("value", a.get("description", "")) for a in params["args"])
                found.append(" ".join(map(str, args)))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                found.append(f"{entry['text']} {entry.get('url', '')}".strip())
        return found

    def _resize(self, width: int, height: int, session: str) -> None:
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                  "deviceScaleFactor": 1, "mobile": False}, session)

    def _evaluate(self, probe: str, screenshot: Path | None, session: str):
        """The value of ``probe`` in the page (a promise awaited); then the screenshot, if any."""
        value = self.call("Runtime.evaluate", {"expression": probe, "awaitPromise": True,
                          "returnByValue": True}, session)
        if "exceptionDetails" in value:
            raise RuntimeError(f"probe failed: {value['exceptionDetails'].get('text')}")
        if screenshot is not None:
            png = self.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
            Path(screenshot).write_bytes(base64.b64decode(png))
        return value["result"].get("value")

    def visit(self, page: Path, probe: str, *, width: int = 1200, height: int = 1600,
              screenshot: Path | None = None, resized: tuple = ()) -> dict:
        """Load ``page``, evaluate the JavaScript expression ``probe`` (a promise is awaited).

        ``resized`` lists ``(width, height, probe, screenshot)``: afterwards the same loaded page
        is resized to each size in turn (no reload: cheaper than a second visit) and that probe
        evaluated, and its first screen written to that screenshot if not None.

        Returns
        -------
        dict
            ``probe``: the expression's value (JSON); ``errors``: console errors, uncaught
            exceptions and failed loads, as text; ``resized``: {width: value of its probe}. With
            ``screenshot``, the first ``width`` x ``height`` screen is written there as PNG.
        """
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        session = attached["sessionId"]
        try:
            for domain in ("Page", "Runtime", "Log"):
                self.call(f"{domain}.enable", session=session)
            self._resize(width, height, session)
            self.call("Page.navigate", {"url": Path(page).resolve().as_uri()}, session)
            self._wait_event("Page.loadEventFired", session)
            value = self._evaluate(probe, screenshot, session)
            also = {}
            for size in resized:
                self._resize(size[0], size[1], session)
                also[size[0]] = self._evaluate(size[2], size[3], session)
            return {"probe": value, "errors": self._problems(session), "resized": also}
        finally:
            self._events = [e for e in self._events if e.get("sessionId") not in (session, None)]
            self.call("Target.closeTarget", {"targetId": target})


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
