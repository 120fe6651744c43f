"""The book builds strictly, serves its math offline, and links each chapter to Colab.

One strict build (``-W --keep-going``, stored outputs, nothing executed) per test session,
written under pytest's temporary folder so the repository's ``_build/`` is left alone. Headless
Chromium (network cut) then opens every page: math typeset, images decoded, no console error or
failed load, saved widgets drawn, nothing wider than the text column at phone (420 px) and desktop
(1280 px) width; the first screen of every page at both widths goes to ``_build/screenshots/``. Run alone with ``pytest -m book tests/test_book.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
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


def background_job(config, items):
    """Called by conftest.py when collection ends: the strict build (stored outputs, this machine's
    default float configuration), then the browser visits, run in the background meanwhile."""
    jupyter_book = _load_tool("build_book").find_jupyter_book()
    if not (ROOT / "book" / "_vendor").is_dir() or jupyter_book is None:
        return None  # the fixtures build here, with CDN assets if the vendored ones are missing
    from conftest import default_env

    out = Path(tempfile.mkdtemp(prefix="coursepkg-book-"))
    config.add_cleanup(lambda: shutil.rmtree(out, ignore_errors=True))
    cmd = [jupyter_book, "build", str(ROOT), "--path-output", str(out), "-W", "--keep-going"]
    env = default_env()
    # One browser, started here in the main thread (its Popen runs code between fork and exec,
    # which is unsafe from a thread); one is enough beside the one core the suite keeps busy.
    wants_visits = _chromium() is not None and any("visits" in item.fixturenames for item in items)
    browser = _load_tool("screenshot").Browser() if wants_visits else None
    if browser is not None:
        config.add_cleanup(browser.close)  # if the session ends before the job does

    def job():
        try:
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800, env=env)
            html = out / "_build" / "html"
            seen = None
            if browser is not None and proc.returncode == 0:
                try:
                    seen = _visit_book([browser], html)
                except Exception as exc:  # noqa: BLE001 - raised by the browser tests only, not by every book test
                    seen = exc
            return (proc, html), seen
        finally:
            if browser is not None:
                browser.close()

    return job


@pytest.fixture(scope="module")
def early(request):
    """The background job's ((completed build, html folder), visits, or what the visits raised, or None),
    or None if none ran."""
    from conftest import background_result

    return background_result(request.config, "tests/test_book.py")


@pytest.fixture(scope="module")
def build(tmp_path_factory, vendored, config, early):
    """Build the whole book once; return (completed process, html folder).

    The suite starts this build in the background when collection ends (conftest.py); the
    fixture then only waits for it. Without vendored assets it builds here, with CDN assets.
    """
    if early is not None and vendored:
        return early[0]
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


def _pages(html):
    # _static/ holds theme templates, not pages.
    return sorted(p for p in html.rglob("*.html") if p.relative_to(html).parts[0] != "_static")


@pytest.fixture(scope="module")
def pages(build):
    return _pages(build[1])


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
# THEBE_JS_URL (thebe is unused); pydata-sphinx-theme reports the empty theme mode of a fresh
# browser profile before it falls back to "auto".
_ALLOWED_CONSOLE = ("Identifier 'THEBE_JS_URL' has already been declared",
                    "Got invalid theme mode: . Resetting to auto.")
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Content wider than the text column. Nothing may stick out of the column or be cut at its edge,
# nor may the page scroll sideways; code and outputs may scroll inside their own box. At desktop
# width (>= 1000 px) tables and display math must also fit without scrolling.
_LAYOUT = Path(__file__).with_name("book_layout.js").read_text(encoding="utf-8")

# Runs after a loaded page was narrowed: two frames for the new layout, then the column check.
_LAYOUT_PROBE = """(async () => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
%s
  return {overflow: overflowing()};
})()""" % _LAYOUT

# Runs in each page once it has loaded: waits for saved widgets to be drawn, MathJax (its start-up
# typesetting and any widget labels queued after it), fonts and images, then reports.
# (A %-format template: "%s" is the widget view type; __LAYOUT__ becomes the column check.)
_PROBE = (Path(__file__).with_name("book_probe.js").read_text(encoding="utf-8")
          .replace("__LAYOUT__", _LAYOUT) % _WIDGET_VIEW)


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _first_pages(html):
    """The intro, the gallery and the first page of every chapter."""
    chapters = sorted(p for p in (html / "book").glob("[0-9][0-9]_*") if p.is_dir())
    firsts = [sorted(c.glob("0*.html"))[0] for c in chapters if list(c.glob("0*.html"))]
    return [html / "book" / "intro.html", html / "book" / "gallery.html", *firsts]


# Window sizes every page is opened at: a desktop and a phone held upright.
WINDOWS = {1280: 1600, 420: 900}
DESKTOP, PHONE = 1280, 420


def _visit_all(browsers, pages, html, shots):
    """Visit ``pages`` at every size in WINDOWS (loaded once, then narrowed), split over ``browsers``.

    Returns {width: {relative name: result}}; the first screen of each page at each width is
    kept as ``shots``/<width>px/<page>.png.
    """
    for width in WINDOWS:
        (shots / f"{width}px").mkdir(parents=True, exist_ok=True)

    shot = lambda page, width: shots / f"{width}px" / _shot_name(page, html)  # noqa: E731

    def one(browser, page):
        # The full probe at desktop width; then the same page narrowed to a phone's width.
        narrower = [(w, WINDOWS[w], _LAYOUT_PROBE, shot(page, w)) for w in WINDOWS if w != DESKTOP]
        result = browser.visit(page, _PROBE, width=DESKTOP, height=WINDOWS[DESKTOP],
                               screenshot=shot(page, DESKTOP), resized=narrower)
        name = page.relative_to(html).as_posix()
        narrowed = [(w, name, {"probe": value, "errors": []}) for w, value in result["resized"].items()]
        return [(DESKTOP, name, result), *narrowed]

    def run(browser, share):
        return [row for page in share for row in one(browser, page)]

    with ThreadPoolExecutor(len(browsers)) as pool:
        shares = [pages[i::len(browsers)] for i in range(len(browsers))]
        results = {width: {} for width in WINDOWS}
        for part in pool.map(run, browsers, shares):
            for width, name, result in part:
                results[width][name] = result
    return results


def _redirect(page):
    """The target of a page that is only a meta refresh (the root index.html), else None."""
    found = re.fullmatch(r'\s*<meta http-equiv="Refresh" content="0; url=([^"]+)" />\s*',
                         page.read_text(encoding="utf-8"), flags=re.I)
    return (page.parent / found.group(1)).resolve() if found else None


def _shot_name(page, html):
    return page.relative_to(html).as_posix().replace("/", "__").replace(".html", ".png")


def _need_browser(vendored):
    if _chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    if not vendored:
        pytest.skip("book/_vendor/ could not be filled (npm missing): offline math cannot render")


def _errors(result):
    return [e for e in result["errors"] if not any(a in e for a in _ALLOWED_CONSOLE)]


def _visit_book(browsers, html):
    """Every page of the build at ``html`` opened in ``browsers`` (headless Chromium, network cut).

    Returns (results by width, screenshot folder).
    """
    shots = ROOT / "_build" / "screenshots"
    shutil.rmtree(shots, ignore_errors=True)  # only this run's pages
    # A redirect stub would be left mid-probe; its target is visited in its own right.
    return _visit_all(browsers, [p for p in _pages(html) if not _redirect(p)], html, shots), shots


@pytest.fixture(scope="module")
def visits(build, vendored, early):
    """Every page opened in headless Chromium (network cut): in the background job, else here, two browsers at a time."""
    _need_browser(vendored)
    if early is not None and isinstance(early[1], Exception):
        raise early[1]
    if early is not None and early[1] is not None:
        return early[1]
    browser_cls = _load_tool("screenshot").Browser
    browsers = [browser_cls(), browser_cls()]  # started here: Popen is not forked from threads
    try:
        return _visit_book(browsers, build[1])
    finally:
        for browser in browsers:
            browser.close()


@pytest.mark.slow
def test_every_page_renders_in_a_real_browser(build, pages, visits):
    """Math typeset, no raw TeX, every image decoded, no console error or failed load."""
    _, html = build
    results, shots = visits[0][DESKTOP], visits[1]
    redirects = {p: _redirect(p) for p in pages if _redirect(p)}
    assert len(results) == len(pages) - len(redirects) > 30
    for page, target in redirects.items():
        assert target.relative_to(html.resolve()).as_posix() in results, f"{page.name} -> {target}"
    for name, result in results.items():
        assert _errors(result) == [], f"{name}: console errors or failed loads {_errors(result)}"
        found = result["probe"]
        assert found["untypeset"] == [], f"{name}: math left untypeset {found['untypeset']}"
        if 'class="math' in (html / name).read_text(encoding="utf-8"):
            assert found["mathElements"] > 0, f"{name}: the page's math is missing in the browser"
        body = re.sub(r"<(script|style|pre|code)\b.*?</\1>", "", found["html"], flags=re.S)
        assert "$$" not in body and "\\[" not in body, f"{name}: raw TeX left on the page"
        broken = found["brokenImages"]
        assert broken == [], f"{name}: images that did not load {broken}"
    assert sum(r["probe"]["images"] for r in results.values()) > 50
    for width in WINDOWS:
        for page in filter(Path.exists, _first_pages(html)):
            shot = shots / f"{width}px" / _shot_name(page, html)
            assert shot.exists() and shot.stat().st_size > 10_000, f"{page.name}: no screenshot at {width} px"


# Display equations in chapter notebooks known to be wider than the desktop column (they scroll
# inside their box): two or three formulas on one line. Each is allowed until its notebook splits
# it over lines (an aligned environment); then delete its line here. (page, start of its text)
KNOWN_WIDE_MATH = set()


def _known_wide(name, problem):
    return "needs sideways scrolling" in problem and any(
        name == page and f'"{start}' in problem for page, start in KNOWN_WIDE_MATH)


@pytest.mark.slow
@pytest.mark.parametrize("width", sorted(WINDOWS))
def test_no_page_is_wider_than_its_column(visits, width):
    """Math, tables, code and outputs stay inside the text column, at phone and desktop width
    (screenshots of every page in _build/screenshots/<width>px/)."""
    results = visits[0][width]
    problems = [f"{name}: {problem}" for name, result in sorted(results.items())
                for problem in result["probe"]["overflow"] if not _known_wide(name, problem)]
    assert problems == [], f"{len(problems)} overflows at {width} px:\n" + "\n".join(problems)


def _notebook_pages():
    """Sources under book/ that are notebooks, as paths without suffix relative to ROOT."""
    found = (p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in found)


def test_colab_button_on_every_notebook_page(build, config):
    _, html = build
    owner_name = urlsplit(config["repository"]["url"].rstrip("/")).path.strip("/")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    built = [p for p in _notebook_pages() if (html / p).with_suffix(".html").is_file()]
    assert NOTEBOOK_PAGE in built and len(built) >= 20
    for page in built:
        expected = f"{colab}/github/{owner_name}/blob/{config['repository']['branch']}/{page}.ipynb"
        text = (html / page).with_suffix(".html").read_text(encoding="utf-8")
        links = re.findall(r'href="([^"]*colab[^"]*)"', text)
        assert links == [expected], f"{page}: Colab links {links}, expected {expected}"


def _widget_pages():
    """Notebook pages with a widget among their stored outputs."""
    found = []
    for page in _notebook_pages():
        nb = json.loads((ROOT / page).with_suffix(".ipynb").read_text(encoding="utf-8"))
        outputs = (o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))
        if any(_WIDGET_VIEW in o.get("data", {}) for o in outputs):
            found.append(page)
    return found


@pytest.mark.slow
def test_every_widget_has_a_static_rendering(build, visits):
    """A reader without a kernel sees each saved widget drawn, or at least a figure beside it."""
    _, html = build
    results = visits[0][DESKTOP]
    widget_pages = [p for p in _widget_pages() if f"{p}.html" in results]  # built ones
    chapters = {p.name for p in (ROOT / "book").glob("[0-9][0-9]_*") if p.is_dir()}
    assert {p.split("/")[1] for p in widget_pages} == chapters, f"one widget per chapter: {widget_pages}"
    for page in widget_pages:
        found = results[f"{page}.html"]["probe"]
        text = (html / page).with_suffix(".html").read_text(encoding="utf-8")
        has_state = "application/vnd.jupyter.widget-state+json" in text
        drawn = has_state and found["widgetViews"] > 0 and found["widgetsDrawn"]
        assert drawn or found["figures"] > 0, f"{page}: widget neither drawn nor beside a figure"


@pytest.mark.slow
def test_widget_labels_are_typeset_by_mathjax_3(build, vendored):
    """The html manager asks MathJax 2's Hub.Queue for its labels; widgets-offline.js serves it."""
    _need_browser(vendored)
    _, html = build
    page = (html / _widget_pages()[0]).with_suffix(".html")
    text = page.read_text(encoding="utf-8")
    labelled = re.sub(r'("description": ")[^"]*"', r'\1\\\\(\\\\lambda_1\\\\)"', text, count=1)
    assert labelled != text
    copy = page.with_name("zz_label_math.html")  # beside the original: same relative paths
    copy.write_text(labelled, encoding="utf-8")
    try:
        with _load_tool("screenshot").Browser() as browser:
            result = browser.visit(copy, _PROBE)
    finally:
        copy.unlink()
    assert _errors(result) == [], _errors(result)
    assert result["probe"]["widgetsDrawn"] and result["probe"]["widgetLabelMath"] == 1
