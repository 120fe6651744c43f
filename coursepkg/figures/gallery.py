"""The book's figure gallery, which doubles as the image-regression baseline.

``coursepkg figures gallery`` renders every registered figure in the book style into
``book/gallery/<name>.png`` and writes ``book/gallery.md`` listing them by chapter, each with
its caption, a link to its chapter and the command that regenerates it for slides. With
``check=True`` nothing is written: the page must match and every freshly rendered PNG must match
its stored image within a tolerance (RMS over pixels, via ``matplotlib.testing.compare``), so a
figure that changes by accident fails the tests, and one that changes on purpose is refreshed by
running the command again.
"""
import os
import tempfile
from pathlib import Path

from . import select, write_figures

__all__ = ["GALLERY_DPI", "gallery_markdown", "write_gallery"]

GALLERY_DPI = 100
TOLERANCE = 2.0  # RMS difference in 0-255 grey levels: antialiasing noise passes, a moved line fails


def _chapter_pages(book):
    """chapter number -> docname of its landing page, e.g. 1 -> '01_perceptrons/index'."""
    pages = {}
    for index in sorted(Path(book).glob("[0-9][0-9]_*/index.md")):
        pages[int(index.parent.name[:2])] = f"{index.parent.name}/index"
    return pages


def gallery_markdown(specs, chapters):
    """The text of book/gallery.md for the given figure specs."""
    lines = [
        "# Figure gallery",
        "",
        "Every figure of the lectures, drawn by `coursepkg`. The book's pages call the same functions,",
        "so a slide and the book never disagree. To regenerate one for slides (16:9, large type,",
        "SVG, PDF and PNG), run the command under it; `coursepkg figures build --out DIR` writes them",
        "all, and `coursepkg figures list` names them.",
        "",
    ]
    chapter = None
    for spec in specs:
        if spec.chapter != chapter:
            chapter = spec.chapter
            lines += [f"## Chapter {chapter}", ""]
            if chapter in chapters:
                lines += [f"From {{doc}}`{chapters[chapter]}`.", ""]
        lines += [
            f"### `{spec.name}`",
            "",
            f"```{{figure}} gallery/{spec.name}.png",
            f":name: gallery-{spec.name.replace('_', '-')}",
            f":alt: {spec.caption}",
            "",
            spec.caption,
            "```",
            "",
            "```bash",
            spec.command,
            "```",
            "",
        ]
    return "\n".join(lines)


def _render_all(specs, out, jobs):
    """The figures as out/<name>.png in the book style, over ``jobs`` processes."""
    return write_figures([s.name for s in specs], out, formats=("png",), style="book", dpi=GALLERY_DPI, jobs=jobs)


def write_gallery(book="book", check=False, tolerance=TOLERANCE, jobs=None, rendered=None):
    """Write (or, with ``check``, verify) the gallery page and its images.

    ``jobs`` worker processes render the figures (default: the number of CPUs). With ``check``,
    ``rendered`` may name a folder where every figure is already rendered as the gallery renders
    it (book style, ``GALLERY_DPI``, PNG): those are compared instead of rendering again.

    Returns
    -------
    list of str
        With ``check``: one line per problem (stale page, missing, extra or changed image).
        Otherwise: the paths written.
    """
    from matplotlib.testing.compare import compare_images

    book = Path(book)
    images = book / "gallery"
    specs = select()
    text = gallery_markdown(specs, _chapter_pages(book))
    page = book / "gallery.md"
    jobs = jobs or os.cpu_count() or 1
    if not check:
        images.mkdir(parents=True, exist_ok=True)
        written = [str(path) for path in _render_all(specs, images, jobs)]
        for extra in set(images.glob("*.png")) - {images / f"{s.name}.png" for s in specs}:
            extra.unlink()
        page.write_text(text, encoding="utf-8")
        return written + [str(page)]
    problems = []
    if not page.exists() or page.read_text(encoding="utf-8") != text:
        problems.append(f"{page} is stale")
    extra = {p.stem for p in images.glob("*.png")} - {s.name for s in specs}
    problems += [f"{images / name}.png belongs to no registered figure" for name in sorted(extra)]
    with tempfile.TemporaryDirectory() as tmp:
        if rendered is None:
            _render_all(specs, tmp, jobs)
        for spec in specs:
            stored = images / f"{spec.name}.png"
            if not stored.exists():
                problems.append(f"{stored} is missing")
                continue
            fresh = Path(rendered or tmp) / stored.name
            try:
                result = compare_images(str(stored), str(fresh), tol=tolerance)
            except Exception as exc:  # noqa: BLE001 - a size change is a difference too
                result = str(exc)
            if result is not None:
                problems.append(f"{spec.name}: differs from {stored} ({str(result).splitlines()[0][:120]})")
    return problems
