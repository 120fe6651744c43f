"""The exercise pipeline: solutions -> student notebooks, self-checks, feedback."""
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from nbclient import NotebookClient

from coursepkg.datasets import make_xor
from coursepkg.exercises import all_exercises, check, compare, get_exercise
from coursepkg.exercises.notebook import STUB, build_exercises, strip_solutions, student_notebook

pytestmark = pytest.mark.ch1
ROOT = Path(__file__).resolve().parents[1]


def _execute(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _check_outputs(nb):
    """(text of each check(...) cell's result, error outputs anywhere)."""
    checks, errors = [], []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            if out.output_type == "error":
                errors.append(f"{out.ename}: {out.evalue}")
            elif cell.source.startswith("check(") and out.output_type == "execute_result":
                checks.append(out.data["text/plain"])
    return checks, errors


def test_exercises_folder_is_up_to_date_with_solutions():
    stale = build_exercises(ROOT / "solutions", ROOT / "exercises", check=True)
    assert stale == [], f"run `coursepkg exercises build`; stale: {stale}"


def test_every_exercise_has_a_solution_and_a_check_cell():
    text = "".join(p.read_text() for p in (ROOT / "solutions").glob("*.ipynb"))
    for exercise in all_exercises().values():
        assert f"def {exercise.name}(" in text
        assert f'check(\\"{exercise.id}\\", {exercise.name})' in text


def test_solution_notebooks_store_a_passing_check_for_every_exercise():
    # The solution notebooks are executed once, by nbval over solutions/ (their stored outputs are
    # compared); the mutant suite runs their code against every check. Here: the stored outputs.
    for solution in sorted((ROOT / "solutions").glob("*.ipynb")):
        checks, errors = _check_outputs(nbformat.read(solution, as_version=4))
        chapter = int(solution.name[:2])
        ids = [e.id for e in all_exercises().values() if e.chapter == chapter]
        assert errors == [] and len(checks) == len(ids) and all(c.startswith("✔") for c in checks), checks + errors


@pytest.mark.slow
def test_student_notebooks_run_and_every_check_says_not_implemented(tmp_path):
    # One kernel runs every chapter's student notebook, one after the other (a kernel start is most
    # of the cost); each notebook's cells are checked on their own.
    students = sorted((ROOT / "exercises").glob("*.ipynb"))
    notebooks = [nbformat.read(p, as_version=4) for p in students]
    combined = nbformat.v4.new_notebook(cells=[cell for nb in notebooks for cell in nb.cells])
    combined.metadata = notebooks[0].metadata
    nbformat.write(combined, tmp_path / "all.ipynb")
    executed = _execute(tmp_path / "all.ipynb").cells
    for path, nb in zip(students, notebooks):
        part, executed = nbformat.v4.new_notebook(cells=executed[:len(nb.cells)]), executed[len(nb.cells):]
        checks, errors = _check_outputs(part)
        assert errors == [], (path.name, errors)  # nothing crashes in the student notebook
        chapter = int(path.name[:2])
        assert len(checks) == sum(e.chapter == chapter for e in all_exercises().values()), path.name
        assert all("not implemented yet" in c for c in checks), checks


def test_strip_solutions_keeps_indentation_and_rejects_unbalanced_markers():
    source = "def f(x):\n    y = 1\n    # BEGIN SOLUTION\n    return x + y\n    # END SOLUTION\n"
    assert strip_solutions(source) == f"def f(x):\n    y = 1\n    {STUB}"
    for broken in ("# BEGIN SOLUTION\nx = 1", "x = 1\n# END SOLUTION", "# BEGIN SOLUTION\n# BEGIN SOLUTION"):
        with pytest.raises(ValueError, match="SOLUTION"):
            strip_solutions(broken)


def test_student_notebook_drops_outputs_and_solution_cells():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("# BEGIN SOLUTION\nanswer = 42\n# END SOLUTION", execution_count=3)
    code.outputs = [nbformat.v4.new_output("stream", text="42")]
    only = nbformat.v4.new_code_cell("secret = 1")
    only.metadata["tags"] = ["solution-only"]
    text = nbformat.v4.new_markdown_cell("The answer is 42.")
    text.metadata["tags"] = ["solution"]
    nb.cells = [code, only, text]
    student = student_notebook(nb)
    assert [c.source for c in student.cells] == [STUB, "*Write your answer here.*"]
    assert student.cells[0].outputs == [] and student.cells[0].execution_count is None
    assert "answer = 42" in nb.cells[0].source  # the solution notebook is untouched


def test_a_wrong_answer_gets_input_expected_got_and_hint():
    def count_parameters(sizes):  # forgets the biases
        return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))

    result = check("1.2", count_parameters)
    assert not result and result.status == "failed" and result.n_passed == 0
    text = repr(result)
    assert "count_parameters(layer_sizes=[784, 10])" in text
    assert "Expected: 7850" in text and "Got:      7840" in text and "Hint:" in text


def test_errors_and_in_place_changes_are_reported_not_raised():
    def crashes(w, b, x, y, lr=1.0):
        raise KeyError("oops")

    def mutates(w, b, x, y, lr=1.0):
        if y * (w @ x + b) <= 0:
            w += lr * y * x
            return w, b + lr * y, True
        return w, b, False

    assert "raised KeyError" in repr(check("1.1", crashes))
    assert "changed one of its input arrays" in repr(check("1.1", mutates))
    assert check("1.1", 3).status == "error"
    with pytest.raises(ValueError, match="must be one of the ids"):
        check("9.9", crashes)


def test_compare_names_the_first_difference():
    assert compare(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12])) is None
    assert "index (1,)" in compare(np.array([1.0, 2.0]), np.array([1.0, 2.1]))
    assert "shape" in compare(np.zeros((2, 2)), np.zeros(4))
    assert "items" in compare((1, 2), (1,))
    assert "should be True" in compare(True, False)
    assert "numeric" in compare(np.zeros(2), "ab")


def test_reference_answers_agree_with_independent_oracles():
    # 1.2 against PyTorch's own parameter count
    for case in get_exercise("1.2").cases:
        sizes = case.args[0]
        layers = [torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
        assert get_exercise("1.2").expected(case) == sum(p.numel() for layer in layers for p in layer.parameters())
    # 1.3 against the labels the XOR generator assigns
    X, y = make_xor(n=300, rng=5)
    np.testing.assert_array_equal(get_exercise("1.3").reference(X), y)
    # 1.4 against a torch network with the same weights
    for case in get_exercise("1.4").cases:
        Thetas, X = case.args
        a = torch.tensor(X)
        for Theta in Thetas:
            T = torch.tensor(Theta)
            a = torch.sigmoid(a @ T[:, 1:].T + T[:, 0])
        np.testing.assert_allclose(get_exercise("1.4").expected(case), a.numpy(), rtol=1e-12)
