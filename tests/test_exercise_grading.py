"""The grader round trip over every chapter: solutions full marks, untouched notebooks 0, a mutant
caught by the grader as by the self-check, derivations collected and their scores merged back."""
import csv
import json
import shutil
from pathlib import Path

import pytest

from coursepkg.cli import main
from coursepkg.exercises import all_derivations, all_exercises
from coursepkg.grading import GradeOptions, grade_batch
from coursepkg.grading.manual import collect_manual, derivation_answers, merge_manual

pytestmark = [pytest.mark.slow, pytest.mark.ch5]
ROOT = Path(__file__).resolve().parents[1]
OPTIONS = GradeOptions(timeout=60.0, memory_mb=2048, call_timeout=20.0)


def _points(chapter):
    return sum(e.points for e in all_exercises().values() if e.chapter == chapter)


def _manual_points(chapter):
    return sum(d.points for d in all_derivations().values() if d.chapter == chapter)


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("submissions")
    for notebook in sorted((ROOT / "solutions").glob("*.ipynb")):
        for who, folder in (("solved", "solutions"), ("untouched", "exercises")):
            target = root / f"{who}{notebook.name[:2]}" / notebook.name
            target.parent.mkdir()
            shutil.copy(ROOT / folder / notebook.name, target)
    mutant = json.loads((ROOT / "solutions" / "05_kernels.ipynb").read_text())
    for cell in mutant["cells"]:  # the `<=` mistake of issue 23, in the grader's hands
        cell["source"] = [line.replace("< 1.0)", "<= 1.0)") for line in cell["source"]]
    (root / "mutant05").mkdir()
    (root / "mutant05" / "05_kernels.ipynb").write_text(json.dumps(mutant))
    out = tmp_path_factory.mktemp("out")
    records = grade_batch([root], out, options=OPTIONS, jobs=2, progress=False)
    return out, {r.student: r for r in records}


def test_solutions_get_full_marks_and_untouched_notebooks_zero(graded):
    out, records = graded
    for chapter in range(1, 8):
        solved, untouched = records[f"solved{chapter:02d}"], records[f"untouched{chapter:02d}"]
        assert solved.status == "graded" and solved.chapter == chapter, solved.reason
        assert solved.score == solved.max_score == _points(chapter), [
            (row.id, row.reason) for row in solved.exercises if row.status != "passed"]
        assert untouched.score == 0 and untouched.max_score == _points(chapter)
        assert {row.status for row in untouched.exercises} == {"not implemented"}


def test_the_grader_rejects_the_mutant_with_the_same_feedback(graded):
    out, records = graded
    rows = {row.id: row for row in records["mutant05"].exercises}
    assert rows["5.3"].status == "failed" and rows["5.3"].n_passed < rows["5.3"].n_cases
    assert all(row.status == "passed" for key, row in rows.items() if key not in ("5.3", "5.8"))
    feedback = (out / "feedback" / "mutant05.md").read_text()
    assert "tolerance |got - expected|" in feedback and "**Hint:**" in feedback


def test_derivations_are_collected_and_scores_merged_into_gradebook_and_results(graded, tmp_path):
    source, _ = graded
    out = tmp_path / "out"
    shutil.copytree(source, out)
    assert main(["manual", "collect", str(out)]) == 0
    page = (out / "manual" / "solved04.md").read_text()
    assert "Derivation 4.7" in page and "Rubric:" in page and "2\\eta(1 - \\eta)" in page
    assert "(no answer written)" in (out / "manual" / "untouched04.md").read_text()
    scores = list(csv.DictReader(open(out / "manual" / "scores.csv", encoding="utf-8")))
    assert {(r["student"], r["derivation"]) for r in scores} >= {("solved04", "4.7"), ("untouched07", "7.7")}
    assert all(r["score"] == "0" for r in scores if r["student"].startswith("untouched"))
    for r in scores:  # the instructor fills in the answered ones: full marks but one point off on 4.7
        if r["score"] == "":
            r["score"] = str(float(r["max_points"]) - (r["derivation"] == "4.7"))
    with open(out / "manual" / "scores.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(scores[0]))
        writer.writeheader()
        writer.writerows(scores)
    assert main(["manual", "merge", str(out)]) == 0
    merge_manual(out)  # merging again replaces the first merge, it does not add twice
    book = _rows(out / "gradebook.csv")
    solved = book["solved04"]
    assert float(solved["auto"]) == _points(4) and float(solved["manual"]) == _manual_points(4) - 1
    assert float(solved["total"]) == _points(4) + _manual_points(4) - 1
    assert float(solved["max_total"]) == _points(4) + _manual_points(4)
    assert float(book["untouched04"]["total"]) == 0 and float(book["untouched04"]["max_total"]) == _points(4) + _manual_points(4)
    results = json.loads((out / "results" / "solved04" / "results.json").read_text())
    manual_tests = [t for t in results["tests"] if t["name"].startswith("Derivation")]
    assert len(manual_tests) == 1 and manual_tests[0]["score"] == _manual_points(4) - 1
    assert results["score"] == pytest.approx(float(solved["total"]))


def test_bad_manual_scores_are_refused_naming_the_line(graded, tmp_path):
    source, _ = graded
    out = tmp_path / "out"
    shutil.copytree(source, out)
    collect_manual(out)
    scores = out / "manual" / "scores.csv"
    rows = list(csv.DictReader(open(scores, encoding="utf-8")))
    header = ",".join(rows[0])
    for bad, message in (("abc", "must be a number from 0 to"), ("9", "must be between 0 and")):
        line = dict(rows[0], score=bad)
        scores.write_text(header + "\n" + ",".join(f'"{v}"' for v in line.values()) + "\n", encoding="utf-8")
        with pytest.raises(ValueError, match=f"line 2: score for .* {message}"):
            merge_manual(out)
    scores.write_text(header + "\nnobody,1.7,x,2,1,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="student must be one of"):
        merge_manual(out)


def test_derivation_answers_read_the_tagged_cells():
    answers = derivation_answers(ROOT / "solutions" / "06_bootstrap.ipynb")
    assert list(answers) == ["6.7"] and "1 - 1/e" in answers["6.7"]
    assert derivation_answers(ROOT / "exercises" / "06_bootstrap.ipynb") == {"6.7": ""}
