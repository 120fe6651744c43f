"""Round trip under the sandbox: every chapter's solution gets full marks, every student notebook 0."""
from pathlib import Path

import pytest

from coursepkg.grading import GradeOptions, grade_batch

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_round_trip_every_solution_full_marks_every_student_notebook_zero(tmp_path):
    solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in solutions:
        (inputs / f"sol_{path.stem}.ipynb").write_bytes(path.read_bytes())
        (inputs / f"stu_{path.stem}.ipynb").write_bytes((ROOT / "exercises" / path.name).read_bytes())
    options = GradeOptions(timeout=60.0, memory_mb=4096, call_timeout=20.0)
    records = {r.student: r for r in grade_batch([inputs], tmp_path / "out", options=options, jobs=2, progress=False)}
    for path in solutions:
        chapter = int(path.name[:2])
        sol, stu = records[f"sol_{path.stem}"], records[f"stu_{path.stem}"]
        assert sol.chapter == chapter and stu.chapter == chapter
        assert sol.status == "graded" and sol.max_score > 0 and sol.score == sol.max_score, sol.exercises
        assert stu.status == "graded" and stu.score == 0.0
        assert all(row.status == "not implemented" for row in stu.exercises), stu.exercises
        assert not sol.flags and not stu.flags
