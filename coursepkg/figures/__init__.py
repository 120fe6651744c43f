"""The registry of lecture figures: one pure function per figure, registered by name.

A figure function takes no required argument, builds and returns its own Figure with
:func:`coursepkg.style.new_figure`, and reads no global state; style, format and output folder are
chosen by :func:`build`. Chapter modules ``chNN.py`` in this package register their figures on
import; :func:`load_all` imports them all.

>>> spec = get("activation_gallery")
>>> spec.chapter
1
"""
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .._chapters import chapter_modules
from .._validation import check_positive_int
from ..style import STYLES, style_context

__all__ = [
    'FigureSpec', 'register', 'load_all', 'get', 'select', 'render', 'save', 'build', 'write_figures',
    'FORMATS',
]

FORMATS = ("svg", "pdf", "png")

# File metadata that would otherwise change between builds (dates) is dropped.
_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure: its name, chapter, one-line caption and the function that draws it."""

    name: str
    chapter: int
    caption: str
    func: Callable

    @property
    def command(self):
        """The shell command that regenerates this figure for slides."""
        return f"coursepkg figures build --name {self.name} --out figures-out"


_REGISTRY = {}


def register(name, chapter, caption):
    """Decorator: add a figure function to the registry under ``name``."""

    def decorate(func):
        if name in _REGISTRY and _REGISTRY[name].func.__qualname__ != func.__qualname__:
            raise ValueError(f"figure name {name!r} is already registered by {_REGISTRY[name].func.__module__}")
        _REGISTRY[name] = FigureSpec(name, int(chapter), caption, func)
        return func

    return decorate


def load_all():
    """Import every chapter module of this package; returns the registry (name -> FigureSpec)."""
    chapter_modules(__path__, __name__)
    return _REGISTRY


def get(name):
    """The FigureSpec registered as ``name``."""
    registry = load_all()
    if name not in registry:
        raise ValueError(f"no figure named {name!r}; `coursepkg figures list` shows the {len(registry)} there are")
    return registry[name]


def select(chapter=None, pattern=None):
    """Registered figures, sorted by chapter then name, filtered by chapter and a name glob."""
    specs = sorted(load_all().values(), key=lambda s: (s.chapter, s.name))
    if chapter is not None:
        specs = [s for s in specs if s.chapter == int(chapter)]
    if pattern:
        specs = [s for s in specs if fnmatch.fnmatchcase(s.name, pattern)]
    return specs


def render(name, style="book", **kwargs):
    """Draw figure ``name`` in ``style`` and return the Figure (what the book's pages call)."""
    spec = get(name)
    with style_context(style):
        return spec.func(**kwargs)


def save(fig, path, style="book", dpi=None, transparent=False):
    """Write ``fig`` to ``path`` (format from the suffix) with reproducible metadata."""
    path = Path(path)
    fmt = path.suffix.lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}; got {fmt!r} from {path.name}")
    with style_context(style):  # savefig.* and svg.hashsalt are read at save time
        fig.savefig(path, format=fmt, dpi=dpi, metadata=_METADATA[fmt], transparent=transparent)
    return path


def _write_one(name, out, formats, style, dpi, transparent):
    """Draw figure ``name`` once and save it in every format; the paths written.

    PNG is saved first: a vector save lays the figure out again and can move a text by a pixel, so
    a PNG saved after it would differ from the gallery's (which saves PNG only).
    """
    fig = render(name, style=style)
    order = sorted(formats, key=lambda fmt: fmt != "png")
    paths = {fmt: save(fig, Path(out) / f"{name}.{fmt}", style=style, dpi=dpi, transparent=transparent)
             for fmt in order}
    return [paths[fmt] for fmt in formats]


def build(out, chapter=None, pattern=None, formats=FORMATS, style="slides", dpi=None, transparent=False,
          progress=False, jobs=1):
    """Write the selected figures to ``out``/<name>.<fmt>; returns the list of paths written.

    The same inputs give byte-identical files: seeds are fixed inside the figure functions,
    dates are dropped and the SVG id salt is fixed. With ``jobs`` > 1 the figures are spread
    over that many worker processes (fresh interpreters); the files are the same bytes.
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {sorted(STYLES)}; got {style!r}")
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be a non-empty subset of {FORMATS}; got {list(formats)}")
    names = [spec.name for spec in select(chapter, pattern)]
    if not names:
        raise ValueError(f"no figure matches chapter={chapter!r}, name={pattern!r}")
    return write_figures(names, out, formats, style, dpi, transparent, progress, jobs)


def write_figures(names, out, formats=FORMATS, style="slides", dpi=None, transparent=False, progress=False,
                  jobs=1):
    """Write the figures called ``names`` to ``out``/<name>.<fmt> (what :func:`build` does once it
    has selected them); ``jobs`` > 1 spreads them over worker processes. The paths, in order."""
    jobs = check_positive_int(jobs, "jobs")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    args = (out, tuple(formats), style, dpi, transparent)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(names), desc="figures", unit="fig")
    if jobs == 1 or len(names) == 1:
        results = []
        for name in names:
            results.append(_write_one(name, *args))
            if bar is not None:
                bar.update()
    else:
        results = _build_in_workers(names, args, min(jobs, len(names)), bar)
    if bar is not None:
        bar.close()
    return [path for paths in results for path in paths]


def _build_in_workers(names, args, jobs, bar):
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(_write_one, name, *args): name for name in names}
        for future in as_completed(futures):
            future.result()  # a worker's error is raised here, at once
            if bar is not None:
                bar.update()
        return [future.result() for future in futures]  # in the order of ``names``
