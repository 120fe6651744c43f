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
from ..style import STYLES, style_context

__all__ = ["FigureSpec", "register", "load_all", "get", "select", "render", "save", "build", "FORMATS"]

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


def build(out, chapter=None, pattern=None, formats=FORMATS, style="slides", dpi=None, transparent=False,
          progress=False):
    """Write the selected figures to ``out``/<name>.<fmt>; returns the list of paths written.

    The same inputs give byte-identical files: seeds are fixed inside the figure functions,
    dates are dropped and the SVG id salt is fixed.
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {sorted(STYLES)}; got {style!r}")
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be a non-empty subset of {FORMATS}; got {list(formats)}")
    specs = select(chapter, pattern)
    if not specs:
        raise ValueError(f"no figure matches chapter={chapter!r}, name={pattern!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if progress:
        from tqdm.auto import tqdm

        specs = tqdm(specs, desc="figures", unit="fig")
    written = []
    for spec in specs:
        fig = render(spec.name, style=style)
        for fmt in formats:
            written.append(save(fig, out / f"{spec.name}.{fmt}", style=style, dpi=dpi, transparent=transparent))
    return written
