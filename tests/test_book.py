"""The book builds strictly, serves its math offline, and links each chapter to Colab.

One strict build (``-W --keep-going``, stored outputs, nothing executed) per test session,
written under pytest's temporary folder so the repository's ``_build/`` is left alone.
Run alone with ``pytest -m book tests/test_book.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

yaml = pytest.importorskip("yaml")

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_PAGE = "book/01_perceptrons/01_perceptron"


def _load_tool(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jupyter_book():
    found = _load_tool("build_book").find_jupyter_book()
    if found is None:
        pytest.skip("jupyter-book is not installed")
    return found


class _Scripts(HTMLParser):
    """Collect the ``src`` of every <script> in a page."""

    def __init__(self):
        super().__init__()
        self.srcs = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            src = dict(attrs).get("src")
            if src:
                self.srcs.append(src)


def _script_srcs(page: Path) -> list[str]:
    parser = _Scripts()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.srcs


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vendored():
    """Vendor MathJax and the widget scripts; False if that is impossible (no npm)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "vendor_assets.py")],
        capture_output=True, text=True, timeout=600,
    )
    return result.returncode == 0


@pytest.fixture(scope="module")
def build(tmp_path_factory, vendored, config):
    """Build the whole book once; return (completed process, html folder)."""
    out = tmp_path_factory.mktemp("book")
    cmd = [_jupyter_book(), "build", str(ROOT), "--path-output", str(out), "-W", "--keep-going"]
    if not vendored:
        # The fallback tools/build_book.py uses without npm: CDN assets.
        derived = _load_tool("build_book").derived_config(config, execute=False, cdn=True)
        cfg = out / "_config_cdn.yml"
        cfg.write_text(yaml.safe_dump(derived), encoding="utf-8")
        cmd += ["--config", str(cfg)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    return proc, out / "_build" / "html"


@pytest.fixture(scope="module")
def pages(build):
    _, html = build
    # _static/ holds theme templates, not pages.
    return sorted(p for p in html.rglob("*.html") if p.relative_to(html).parts[0] != "_static")


def test_build_is_clean(build):
    proc, html = build
    assert proc.returncode == 0, (
        f"jupyter-book build -W failed (exit {proc.returncode}):\n"
        + proc.stdout[-6000:] + proc.stderr[-4000:]
    )
    assert (html / NOTEBOOK_PAGE).with_suffix(".html").is_file()
    assert (html / "book" / "intro.html").is_file()


def test_mathjax_and_local_scripts_resolve_offline(build, pages, vendored):
    if not vendored:
        pytest.skip("book/_vendor/ could not be filled (npm missing): math comes from a CDN")
    _, html = build
    root = html.resolve()
    math_pages = 0
    for page in pages:
        srcs = _script_srcs(page)
        for src in srcs:
            if "://" in src or src.startswith("//"):
                continue
            target = (page.parent / unquote(urlsplit(src).path)).resolve()
            assert target.is_relative_to(root), f"{page.relative_to(html)}: {src} leaves the build"
            assert target.is_file(), f"{page.relative_to(html)}: {src} does not exist"
        mathjax = [s for s in srcs if "mathjax" in s.lower()]
        if 'class="math' in page.read_text(encoding="utf-8"):
            assert mathjax, f"{page.relative_to(html)} has math but loads no MathJax"
        math_pages += bool(mathjax)
    assert math_pages >= 2, "expected MathJax on the intro and the chapter pages"


def test_no_page_loads_mathjax_from_a_cdn(build, pages, vendored):
    if not vendored:
        pytest.skip("book/_vendor/ could not be filled (npm missing): math comes from a CDN")
    _, html = build
    for page in pages:
        remote = [s for s in _script_srcs(page) if "mathjax" in s.lower() and "//" in s]
        assert not remote, f"{page.relative_to(html)} loads MathJax from {remote}"
        assert "cdn.jsdelivr.net/npm/mathjax" not in page.read_text(encoding="utf-8")


def test_colab_button_points_at_the_repository(build, config):
    _, html = build
    repo = config["repository"]["url"].rstrip("/")
    owner_name = urlsplit(repo).path.strip("/")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    expected = (
        f"{colab}/github/{owner_name}/blob/{config['repository']['branch']}/"
        f"{NOTEBOOK_PAGE}.ipynb"
    )
    text = (html / NOTEBOOK_PAGE).with_suffix(".html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*colab[^"]*)"', text)
    assert expected in links, f"Colab links found: {links}"


def test_execute_config_only_changes_execution(config):
    """tools/build_book.py --execute derives its config from _config.yml, changing one value."""
    build_book = _load_tool("build_book")
    derived = build_book.derived_config(config, execute=True, cdn=False)
    assert derived["execute"]["execute_notebooks"] == "force"
    assert config["execute"]["execute_notebooks"] == "off"
    derived["execute"]["execute_notebooks"] = "off"
    assert derived == config


class _Refs(HTMLParser):
    """Collect every href and src of a page."""

    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.refs.append((tag, value))


def test_internal_links_and_images_resolve(build, pages):
    _, html = build
    root = html.resolve()
    checked = 0
    for page in pages:
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("#", "//", "mailto:", "data:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(root) and target.exists(), f"{page.relative_to(html)}: <{tag}> {ref} is broken"
            checked += 1
    assert checked > 100


# Known upstream noise, each harmless here: sphinx-book-theme and sphinx-thebe both declare
# THEBE_JS_URL (thebe is unused); @jupyter-widgets/html-manager 1.0 asks MathJax 2's API
# (MathJax.Hub.Queue) to typeset widget labels after drawing the saved widget, and the book loads
# MathJax 3, so only that label typesetting is skipped.
_ALLOWED_CONSOLE = ("Identifier 'THEBE_JS_URL' has already been declared", "(reading 'Queue')")


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _first_pages(html):
    """The intro, the gallery and the first page of every chapter: one browser visit each."""
    chapters = sorted(p for p in (html / "book").glob("[0-9][0-9]_*") if p.is_dir())
    firsts = [sorted(c.glob("0*.html"))[0] for c in chapters if list(c.glob("0*.html"))]
    return [html / "book" / "intro.html", html / "book" / "gallery.html", *firsts]


@pytest.mark.slow
def test_pages_render_in_a_real_browser(build, vendored, tmp_path):
    """Headless Chromium, network off: math typeset, no raw TeX, no console errors; screenshots kept."""
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    if not vendored:
        pytest.skip("book/_vendor/ could not be filled (npm missing): offline math cannot render")
    _, html = build
    shots = ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", '--host-resolver-rules=MAP * ~NOTFOUND',
             "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0"]
    for page in filter(Path.exists, _first_pages(html)):
        name = page.relative_to(html).as_posix()
        profile = tmp_path / f"profile-{page.stem}"
        dom = subprocess.run([browser, *flags, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                             capture_output=True, text=True, timeout=120)
        assert dom.returncode == 0, f"{name}: chromium exited {dom.returncode}"
        errors = [line for line in dom.stderr.splitlines()
                  if ":CONSOLE" in line and ("Uncaught" in line or "Error" in line)
                  and not any(allowed in line for allowed in _ALLOWED_CONSOLE)]
        assert errors == [], f"{name}: console errors {errors}"
        text = dom.stdout
        if 'class="math' in page.read_text(encoding="utf-8"):
            assert "mjx-container" in text, f"{name}: math was not typeset"
        body = re.sub(r"<(script|style|pre|code)\b.*?</\1>", "", text, flags=re.S)
        assert "$$" not in body and "\\[" not in body, f"{name}: raw TeX left on the page"
        shot = shots / (name.replace("/", "__").replace(".html", ".png"))
        subprocess.run([browser, *flags, f"--user-data-dir={profile}", "--window-size=1200,1600",
                        f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
        assert shot.exists() and shot.stat().st_size > 10_000, f"{name}: no screenshot"
