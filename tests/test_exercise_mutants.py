"""Checks proven by mutants: every exercise's check rejects the typical wrong solutions.

Each mutant is a realistic mistake (sign flip, off-by-one, wrong axis, a missing term or update,
``<`` for ``<=``, a forgotten normalisation, an answer that only fits the shown inputs, an input
changed in place). The right solutions are taken from ``solutions/`` itself, so the test also
proves that the solution notebooks pass. ``pytest tests/test_exercise_mutants.py -s`` prints the
kill-rate table per exercise.
"""
import functools
import json
from pathlib import Path

import numpy as np
import pytest

from coursepkg.exercises import all_exercises, run_checks

import test_exercise_mutants_ch1_4 as ch1_4  # noqa: E402 - tests/ is on sys.path under pytest
import test_exercise_mutants_ch5_7 as ch5_7

ROOT = Path(__file__).resolve().parents[1]


def _solution_namespace():
    namespace = {}
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and not source.startswith("check(") and "google.colab" not in source:
                exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - our own notebooks
    return namespace


S = _solution_namespace()

for _part in (ch1_4, ch5_7):
    _part.S.update(S)
MUTANTS = {**ch1_4.MUTANTS, **ch5_7.MUTANTS}

EXERCISES = all_exercises()


def _label(mutant):
    return mutant.__name__ if mutant.__name__ != "answer" else f"returns {mutant()!r}"


@functools.cache
def _verdict(exercise_id, mutant):
    with np.errstate(all="ignore"):  # the mutants overflow on purpose; the check reports it
        return run_checks(EXERCISES[exercise_id], mutant)


def kill_table():
    """``[(id, name, n_mutants, n_killed)]`` and the failures' messages, for the report."""
    rows, survivors = [], []
    for exercise_id, mutants in sorted(MUTANTS.items(), key=lambda item: [int(p) for p in item[0].split(".")]):
        killed = 0
        for mutant in mutants:
            if _verdict(exercise_id, mutant).passed:
                survivors.append(f"{exercise_id}: {_label(mutant)}")
            else:
                killed += 1
        rows.append((exercise_id, EXERCISES[exercise_id].name, len(mutants), killed))
    return rows, survivors


def test_every_exercise_has_at_least_three_mutants():
    assert set(MUTANTS) == set(EXERCISES)
    assert all(len(m) >= 3 for m in MUTANTS.values())


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_the_solution_notebook_answer_passes(exercise_id):
    result = run_checks(EXERCISES[exercise_id], S[EXERCISES[exercise_id].name])
    assert result.passed, repr(result)


@pytest.mark.parametrize("exercise_id", sorted(MUTANTS))
def test_every_mutant_is_rejected_with_a_useful_message(exercise_id):
    exercise = EXERCISES[exercise_id]
    for mutant in MUTANTS[exercise_id]:
        result = _verdict(exercise_id, mutant)
        text = repr(result)
        assert not result.passed, f"{exercise_id}: mutant {_label(mutant)} passes the check"
        assert result.status in ("failed", "error"), text
        assert "First failing case" in text and "Problem:" in text and "Hint:" in text, text
        assert "Expected:" in text


def test_kill_rate_table(capsys):
    rows, survivors = kill_table()
    with capsys.disabled():
        print("\nexercise  function                    mutants  killed  rate")
        for exercise_id, name, n, killed in rows:
            print(f"{exercise_id:<9} {name:<27} {n:>7} {killed:>7}  {killed / n:.0%}")
        total, killed = sum(r[2] for r in rows), sum(r[3] for r in rows)
        print(f"{'all':<9} {'':<27} {total:>7} {killed:>7}  {killed / total:.0%}")
    assert survivors == []
