"""Check the book's pages against the notation table of the introduction.

Usage: ``python tools/notation_lint.py [PAGE ...]`` (default: every page of the book). Prints one
line per finding (page, rule, the math it was found in) and exits 1 if there is any.

The rules look at the math of the markdown (``$...$``, ``$$...$$`` and ``{math}`` blocks, with
``\\text{...}`` removed) and fail on the symbols the notation table retired for a concept. A
finding that is a legitimate use (a slide quoted in its own symbols, the ELU's parameter) is
listed in ``ALLOW`` below with its reason, keyed by page, rule and a piece of the math.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

_NOT_NAME = r"(?<![\\A-Za-z{_^])"  # not part of a longer name and not inside \mathbf{...}
# a symbol that is not bold: not in \mathbf{..}/\boldsymbol{..} (braced or not), not an index
_BARE = r"(?<![\\A-Za-z{_}])(?<!\\mathbf )(?<!\\boldsymbol )(?<!\\boldsymbol)(?<!\\bm )"

# rule -> (what the table says instead, pattern, chapters the rule applies to or None for all)
RULES: dict[str, tuple[str, re.Pattern, set | None]] = {
    "ln": ("write \\log (natural logarithm)", re.compile(r"\\ln\b"), None),
    "objective-J": ("the objective is \\mathcal{L}", re.compile(
        _NOT_NAME + r"J\s*(\(|\\left\(|\\!\()|\\(nabla|partial)\s*J(?![A-Za-z_])"), None),
    "objective-F": ("the objective is \\mathcal{L}", re.compile(
        _NOT_NAME + r"F\s*\(\s*(W|\\mathbf\{W\}|\\omega|\\boldsymbol|\\theta)"), None),
    "objective-L": ("L counts layers; the objective is \\mathcal{L}, a per-example loss \\ell", re.compile(
        _NOT_NAME + r"L\s*(\(|\\left\()|\\(nabla|partial)\s*L(?![A-Za-z])"), None),
    "classes-C": ("the number of classes is K", re.compile(
        r"\[C\]|\\dots,\s*C\s*\\\}|_\{[a-z]\s*=\s*1\}\^\{?C\b|\\times\s*C\b|\bC\s*\\times|\\mathbb\{R\}\^\{?C\b"), None),
    "alpha-step": ("the step size is \\eta and the L2 weight \\lambda", re.compile(
        r"\\alpha\s*(\\[,;!]\s*)?(\\nabla|\\frac\s*\{\s*\\partial|\\partial|\\mathbf\{g\}|g_)|\\frac\{\\alpha\}\{2\}"), None),
    "alpha-outside-kernels": ("\\alpha is reserved for dual coefficients (Chapters 5 and 6)", re.compile(
        r"\\alpha(?![A-Za-z])"), {"01", "02", "03", "04", "07"}),
    "momentum-symbol": ("the momentum coefficient is \\beta", re.compile(r"\\(mu|gamma|rho)\s*(\\mathbf\{v\}|v)_"), None),
    "lambda-chord": ("the convexity weight is t", re.compile(r"\(\s*1\s*-\s*\\lambda\s*\)"), None),
    "kernel-K-function": ("the kernel function is k(x, x'); \\kappa is the smoothing kernel", re.compile(
        _NOT_NAME + r"K\s*(\(|\\left\()\s*(\\mathbf|\\boldsymbol|x|\\frac|u)|" + _NOT_NAME + r"K_h\b"), None),
    "layer-subscript": ("layers are superscripts in parentheses: W^{(l)}, a^{(l)}", re.compile(
        _NOT_NAME + r"(W|\\Theta)_\{?(\d|l|\\ell)\}?(?![\w{])|(a|o)_\\ell|\^\{\[l\]\}"), None),
    "vector-not-bold": ("vectors are bold: \\mathbf{x}, \\boldsymbol{\\theta}", re.compile(
        _BARE + r"[a-z]\^\{?\\top|" + _BARE + r"\\(theta|phi|beta|delta|alpha)\^\{?\\top"
        r"|" + _BARE + r"\\theta_\{?(t|k)\b|" + _BARE + r"(g|v|m|x)_\{?t\b"
        r"|\\nabla_\{?\\theta|\\nabla\s*(\\mathcal\{L\}|[fLJ])\s*\(\s*(x|\\theta)\b"), None),
}

# (page relative to the repository, rule, a piece of the math) -> why it is legitimate
ALLOW: dict[tuple[str, str, str], str] = {
    ("book/intro.md", "*", "*"): "the notation table names the retired symbols and the slides' symbols",
    ("book/01_perceptrons/02_neurons_activations.ipynb", "alpha-outside-kernels", "\\alpha"):
        "the leaky-ReLU and ELU slope parameter, named alpha as in torch",
    ("book/01_perceptrons/04_universal_approximation.ipynb", "alpha-outside-kernels", "\\boldsymbol{\\alpha}"):
        "the output weights of a one-hidden-layer network, a linear combination like the dual coefficients",
    ("book/07_optimization/01_descent.ipynb", "vector-not-bold", "\\theta_{k+1} = \\theta_k - \\eta_k"):
        "deck 002's SGD rule quoted in the slide's own symbols, then mapped",
    ("book/07_optimization/01_descent.ipynb", "vector-not-bold", "=\\theta_k"): "the slide's symbol, named to map it",
    ("book/07_optimization/01_descent.ipynb", "vector-not-bold", "e_t"): "one-dimensional Newton example: scalars",
    ("book/07_optimization/01_descent.ipynb", "vector-not-bold", "e_{t+1}"): "one-dimensional Newton example: scalars",
    ("book/07_optimization/01_descent.ipynb", "vector-not-bold", "=\\theta_t"): "one-dimensional Newton example: scalars",
    ("book/07_optimization/01_descent.ipynb", "vector-not-bold", "\\mathcal{L}''(\\theta_t)"):
        "one-dimensional Newton example: scalars",
    ("book/07_optimization/01_descent.ipynb", "vector-not-bold", "\\theta_{t+1} = \\theta_t -"):
        "one-dimensional Newton examples: scalars",
    ("book/07_optimization/02_momentum_adaptive.ipynb", "vector-not-bold", "m_t"):
        "Adam's bias correction for one coordinate with a constant gradient: scalars",
    ("book/07_optimization/02_momentum_adaptive.ipynb", "vector-not-bold", "\\hat v_t"):
        "Adam's bias correction for one coordinate: scalars",
    ("book/07_optimization/02_momentum_adaptive.ipynb", "vector-not-bold", "g_t = "):
        "Adam's bias correction for one coordinate: a scalar gradient",
    ("book/07_optimization/02_momentum_adaptive.ipynb", "alpha-outside-kernels", "=\\alpha"):
        "torch's name for RMSProp's decay, quoted to map it to the book's symbol",
    ("book/07_optimization/03_pytorch.ipynb", "alpha-outside-kernels", "\\alpha_"):
        "the exponents of Kaplan et al.'s scaling laws, in their notation",
}


@dataclass(frozen=True)
class Finding:
    page: str
    rule: str
    math: str

    def __str__(self):
        return f"{self.page}: [{self.rule}] {RULES[self.rule][0]}: ${self.math}$"


_FENCED_MATH = re.compile(r"(`{3,}|~{3,})\{math\}[^\n]*\n(.*?)\n\1", re.S)
_FENCED_CODE = re.compile(r"(`{3,}|~{3,})(?!\{)[^\n]*\n.*?\n\1", re.S)
_DISPLAY = re.compile(r"\$\$(.*?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$([^$\n]+?)\$")
_CODE_SPAN = re.compile(r"`[^`\n]*`")


def _strip_text(math: str) -> str:
    """Remove \\text{...} (and \\mathrm, \\operatorname arguments), whose words are not symbols."""
    return re.sub(r"\\(text|textrm|mathrm|operatorname)\s*\{[^{}]*\}", " ", math)


def math_of(markdown: str) -> list[str]:
    """Every math segment of a markdown text: display blocks, {math} blocks, inline math."""
    segments = [m.group(2) for m in _FENCED_MATH.finditer(markdown)]
    text = _FENCED_MATH.sub(" ", markdown)
    text = _FENCED_CODE.sub(" ", text)
    text = _CODE_SPAN.sub(" ", text)
    segments += [m.group(1) for m in _DISPLAY.finditer(text)]
    text = _DISPLAY.sub(" ", text)
    segments += [m.group(1) for m in _INLINE.finditer(text)]
    return [" ".join(s.split()) for s in segments]


def markdown_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def _allowed(page: str, rule: str, math: str) -> bool:
    def matches(piece):  # "*" anything, "=x" exactly x, else a piece of the math
        return piece == "*" or (math == piece[1:] if piece.startswith("=") else piece in math)

    return any(p == page and r in ("*", rule) and matches(piece) for p, r, piece in ALLOW)


def lint_text(page: str, markdown: str) -> list[Finding]:
    """Findings of every rule in one page's markdown (``page`` is its path from the repository root)."""
    chapter = page.split("/")[1][:2] if page.count("/") >= 2 else ""
    found = []
    for math in math_of(markdown):
        bare = _strip_text(math)
        for rule, (_, pattern, chapters) in RULES.items():
            if chapters is not None and chapter not in chapters:
                continue
            if pattern.search(bare) and not _allowed(page, rule, math):
                found.append(Finding(page, rule, math))
    return found


def pages() -> list[Path]:
    return sorted(p for p in BOOK.rglob("*") if p.suffix in {".md", ".ipynb"}
                  and "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts and "_vendor" not in p.parts)


def lint(paths=None) -> list[Finding]:
    found = []
    for path in paths or pages():
        path = Path(path).resolve()
        found += lint_text(str(path.relative_to(ROOT)), markdown_of(path))
    return found


def main(argv=None) -> int:
    findings = lint(argv if argv else None)
    for f in findings:
        print(f)
    print(f"{len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
