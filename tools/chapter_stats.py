"""Measure the book's pages: prose words, display equations, figures and end-of-page exercises.

Usage: ``python tools/chapter_stats.py [--markdown] [PAGE_OR_CHAPTER_DIR ...]`` (default: every
chapter folder under ``book/``). Prose words exclude code cells, code blocks, math (inline and
display), MyST directive options and role targets, HTML tags and URLs. A display equation is a
``$$ ... $$`` block or a ``{math}`` directive; a figure is an image in a cell output or a
``{figure}``/``![...]`` reference in the text; an exercise is a ``{exercise}`` directive.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_FENCE = re.compile(r"(^|\n)(`{3,}|~{3,})\{?([\w:-]*)\}?([^\n]*)\n(.*?)\n\2[ \t]*(?=\n|$)", re.S)
_DISPLAY = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE = re.compile(r"\$[^$\n]+\$")
_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
_CODE = re.compile(r"`[^`\n]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_HTML = re.compile(r"<[^>]+>")
_URL = re.compile(r"https?://\S+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_PROSE_DIRECTIVES = {"exercise", "solution", "note", "tip", "warning", "important", "admonition", "prf:theorem",
                     "prf:proof", "prf:lemma", "prf:definition", "prf:example", "prf:remark", "prf:corollary",
                     "prf:algorithm", "dropdown", "hint", "caution", "seealso", "figure", "margin", "epigraph"}


def _cells(path: Path):
    """(kind, source, outputs) for each cell of a notebook, or one markdown cell for a .md page."""
    if path.suffix == ".md":
        return [("markdown", path.read_text(encoding="utf-8"), [])]
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"]), c.get("outputs", [])) for c in nb["cells"]]


def _strip_options(body: str) -> str:
    return "\n".join(line for line in body.split("\n") if not re.match(r"\s*:[\w-]+:", line))


def _prose_and_counts(text: str) -> tuple[str, int, int, int]:
    """Return (prose, display equations, figure references, exercises) of one markdown text."""
    displays = figures = exercises = 0
    kept = []

    def fence(m):
        nonlocal displays, figures, exercises
        name, body = m.group(3), m.group(5)
        if name == "math":
            displays += 1
            return "\n"
        if name == "figure":
            figures += 1
        if name == "exercise":
            exercises += 1
        if name in _PROSE_DIRECTIVES:
            kept.append(m.group(4))  # a directive's title is prose
            inner, d, f, e = _prose_and_counts(_strip_options(body))
            displays, figures, exercises = displays + d, figures + f, exercises + e
            return "\n" + m.group(4) + "\n" + inner + "\n"
        return "\n"

    text = _FENCE.sub(fence, text)
    displays += len(_DISPLAY.findall(text))
    figures += len(re.findall(r"!\[[^\]]*\]\(", text))
    for pattern in (_DISPLAY, _INLINE, _ROLE, _CODE, _LINK_TARGET, _HTML, _URL):
        text = pattern.sub(" ", text)
    return text, displays, figures, exercises


def page_stats(path: Path) -> dict:
    """Prose words, display equations, figures and exercises of one page."""
    words = displays = figures = exercises = 0
    for kind, source, outputs in _cells(path):
        if kind == "markdown":
            prose, d, f, e = _prose_and_counts(source)
            words += len(_WORD.findall(prose))
            displays, figures, exercises = displays + d, figures + f, exercises + e
        elif kind == "code":
            figures += sum("image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {})
                           for o in outputs)
    return {"page": str(path.relative_to(ROOT)), "words": words, "displays": displays,
            "figures": figures, "exercises": exercises}


def chapter_pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in {".ipynb", ".md"})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    targets = args.paths or sorted(p for p in (ROOT / "book").iterdir() if p.is_dir() and p.name[:2].isdigit())
    rows = []
    for target in targets:
        target = target.resolve()
        pages = chapter_pages(target) if target.is_dir() else [target]
        chapter_rows = [page_stats(p) for p in pages]
        rows += chapter_rows
        if target.is_dir():
            total = {k: sum(r[k] for r in chapter_rows) for k in ("words", "displays", "figures", "exercises")}
            rows.append({"page": f"{target.name} (total)", **total})
    header = ("page", "words", "displays", "figures", "exercises")
    if args.markdown:
        print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
        for r in rows:
            print("| " + " | ".join(str(r[h]) for h in header) + " |")
    else:
        for r in rows:
            print(f"{r['page']:<55} {r['words']:>6} {r['displays']:>4} {r['figures']:>4} {r['exercises']:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
