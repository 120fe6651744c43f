"""The book keeps the notation table of its introduction (tools/notation_lint.py)."""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("notation_lint", ROOT / "tools" / "notation_lint.py")
lint = importlib.util.module_from_spec(_spec)
sys.modules["notation_lint"] = lint
_spec.loader.exec_module(lint)


def test_every_page_follows_the_notation_table():
    findings = lint.lint()
    assert not findings, "notation table broken:\n" + "\n".join(map(str, findings))


# Each rule: math the book used to print (caught) and the same idea in the table's notation (passes).
PLANTED = {
    "ln": (r"$-\ln p_k$", r"$-\log p_k$"),
    "objective-J": (r"$\partial J/\partial \Theta^{(l)}$", r"$\partial \mathcal{L}/\partial \Theta^{(l)}$"),
    "objective-F": (r"$F(W) = \sum_i \ell_i$", r"$\mathcal{L}(W) = \sum_i \ell_i$"),
    "objective-L": (r"$\frac{\partial L}{\partial \mathbf z^{(l)}}$", r"$\frac{\partial \mathcal{L}}{\partial \mathbf z^{(L)}}$"),
    "classes-C": (r"$k \in \{1, \dots, C\}$", r"$k \in \{1, \dots, K\}$"),
    "alpha-step": (r"$\boldsymbol\theta - \alpha \nabla \mathcal{L}$", r"$\boldsymbol\theta - \eta \nabla \mathcal{L}$"),
    "alpha-outside-kernels": (r"$\frac{\alpha}{2}\lVert W \rVert^2$", r"$\frac{\lambda}{2}\lVert W \rVert^2$"),
    "momentum-symbol": (r"$\mathbf{v}_t = \mu \mathbf{v}_{t-1}$", r"$\mathbf{v}_t = \beta \mathbf{v}_{t-1}$"),
    "lambda-chord": (r"$f(\lambda a + (1-\lambda) b)$", r"$f(t \mathbf{a} + (1 - t) \mathbf{b})$"),
    "kernel-K-function": (r"$K(\mathbf{x}, \mathbf{x}')$", r"$k(\mathbf{x}, \mathbf{x}') = K_{ij}$"),
    "layer-subscript": (r"$\mathbf z = W_1 \mathbf x + \mathbf b_1$", r"$\mathbf z = W^{(1)} \mathbf x + W_{ij}$"),
    "vector-not-bold": (r"$\theta_{t+1} = \theta_t - \eta g_t$",
                        r"$\boldsymbol{\theta}_{t+1} = \boldsymbol\theta_t - \eta \mathbf{g}_t + \mathbf{w}_k^\top \mathbf x$"),
}


@pytest.mark.parametrize("rule", sorted(lint.RULES))
def test_each_rule_catches_its_retired_symbol_and_passes_the_table(rule):
    bad, good = PLANTED[rule]
    page = "book/07_optimization/99_planted.ipynb" if rule != "alpha-outside-kernels" else "book/03_softmax/99.ipynb"
    assert rule in {f.rule for f in lint.lint_text(page, f"Text {bad} text.")}
    assert rule not in {f.rule for f in lint.lint_text(page, f"Text {good} text.\n\n$$\n{good.strip('$')}\n$$")}


def test_a_planted_retired_symbol_in_a_real_page_fails(tmp_path):
    page = ROOT / "book" / "05_kernels" / "01_kernel_trick.ipynb"
    planted = lint.markdown_of(page) + "\n\nThe step is $\\theta \\leftarrow \\theta - \\alpha \\nabla J(\\theta)$."
    rules = {f.rule for f in lint.lint_text("book/05_kernels/01_kernel_trick.ipynb", planted)}
    assert {"alpha-step", "objective-J", "vector-not-bold"} <= rules


def test_math_in_code_and_text_is_not_linted():
    text = "Use `np.log` not `ln`; the $\\text{J}$ label and\n```python\nJ(theta)\n```\n"
    assert lint.lint_text("book/07_optimization/x.ipynb", text) == []


def test_the_intro_links_every_chapter_and_holds_the_table():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    for chapter in sorted(p.name for p in (ROOT / "book").iterdir() if p.is_dir() and p.name[:2].isdigit()):
        assert f"]({chapter}/index.md)" in intro, chapter
    for name in ("`lr`", "`lam`", "`max_iter`", "`random_state`", "`rng`", "`sigma`", "`bandwidth`"):
        assert name in intro, name
