"""Feedback that teaches: tolerances stated, float32 accepted, summaries, tiered and situational hints,
questions that never reveal their answer, and the item counts per chapter."""
import re

import numpy as np
import pytest

import coursepkg.exercises as ex
from coursepkg.exercises import Choice, Numeric, all_derivations, all_exercises, check, get_exercise, run_checks
from coursepkg.exercises.spec import describe

pytestmark = pytest.mark.ch5


def _rbf(X, Y, sigma, dtype=np.float64):
    X, Y = X.astype(dtype), Y.astype(dtype)
    sq = (X**2).sum(axis=1)[:, None] + (Y**2).sum(axis=1)[None, :] - 2 * X @ Y.T
    return np.exp(-np.maximum(sq, 0) / (2 * dtype(sigma) ** 2))


def test_every_chapter_has_six_items_of_three_kinds():
    exercises, derivations = all_exercises().values(), all_derivations().values()
    for chapter in range(1, 8):
        code = [e for e in exercises if e.chapter == chapter and e.kind == "code"]
        questions = [e for e in exercises if e.chapter == chapter and e.kind == "question"]
        manual = [d for d in derivations if d.chapter == chapter]
        assert len(code) >= 3 and len(questions) >= 2 and len(manual) >= 1, chapter
        assert len(code) + len(questions) + len(manual) >= 6, chapter


def test_float32_answers_pass_where_float64_is_not_asked():
    def float32_kernel_only(X_train, y_train, X_test, sigma, lam):  # the case of issue 23
        K = _rbf(X_train, X_train, sigma, np.float32)
        alpha = np.linalg.solve(K + lam * np.eye(len(K)), y_train)
        return _rbf(X_test, X_train, sigma, np.float32) @ alpha

    assert run_checks(get_exercise("5.2"), float32_kernel_only).passed

    def kernel_ridge_fit_predict(X_train, y_train, X_test, sigma, lam):  # all in float32
        K = _rbf(X_train, X_train, sigma, np.float32)
        alpha = np.linalg.solve(K + np.float32(lam) * np.eye(len(K), dtype=np.float32), y_train.astype(np.float32))
        return _rbf(X_test, X_train, sigma, np.float32) @ alpha

    assert run_checks(get_exercise("5.2"), kernel_ridge_fit_predict).passed
    assert run_checks(get_exercise("5.1"), lambda X, Y, s: _rbf(X, Y, s, np.float32)).passed


def test_failures_state_the_tolerance_and_summarise_long_inputs():
    def kernel_svm_step(alpha, b, K, y, lam, lr):  # `<=` for `<`
        a = y * (y * (b + K @ alpha) <= 1)
        return alpha - lr * (-(K @ a) / len(y) + 2 * lam * K @ alpha), b + lr * a.sum() / len(y)

    text = repr(run_checks(get_exercise("5.3"), kernel_svm_step))
    assert "tolerance |got - expected| <= 1e-08 + 1e-06 * |expected|" in text
    call = next(line for line in text.splitlines() if "First failing case" in line)
    assert call.count("(") == call.count(")") and call.count("[") == call.count("]")  # never cut mid-array
    big = describe(np.arange(400.0).reshape(20, 20))
    assert big == "array(shape=(20, 20), dtype=float64, first entries [0, 1, 2, 3, ...])"


def test_check_accepts_the_id_as_a_number_or_says_what_it_expects():
    def stable_softmax(Z):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    assert check(3.1, stable_softmax).passed
    with pytest.raises(ValueError, match=r'as a string such as "3.1"; got 3 \(int\)'):
        check(3, stable_softmax)


def test_hints_are_tiered_and_chosen_by_what_went_wrong(monkeypatch):
    monkeypatch.setattr(ex, "_FAILURES", {})

    def naive(Z):
        E = np.exp(Z)
        return E / E.sum(axis=1, keepdims=True)

    with np.errstate(all="ignore"):
        first, second = repr(check("3.1", naive)), repr(check("3.1", naive))
    assert "Hint:" in first and "Hint 2:" not in first
    assert "Hint:" in second
    wrong = lambda Z: np.ones_like(Z) / Z.shape[1]  # noqa: E731 - uniform: the values are wrong, nothing else
    monkeypatch.setattr(ex, "_FAILURES", {})
    tier1, tier2 = repr(check("3.1", wrong)), repr(check("3.1", wrong))
    assert "stronger hint" in tier1 and "Hint 2:" not in tier1 and "Hint 2:" in tier2
    assert "numerical stability" in first and "stay finite" in first  # the NaN chose the hint
    wrong_axis = repr(check("3.1", lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(axis=1)))
    assert "axis" in wrong_axis
    transposed = repr(run_checks(get_exercise("4.1"), lambda A, B: np.sqrt(((B[:, None] - A[None]) ** 2).sum(-1))))
    assert "transposed" in transposed

    def mutates(w, b, x, y, lr=1.0):
        w += lr * y * x
        return w, b + lr * y, True

    in_place = repr(check("1.1", mutates))
    assert "work on a copy" in in_place and "copy of the input" in in_place.split("Hint:")[1]
    assert exercise_hint_absent(in_place, "1.1")
    in_place_softmax = repr(check("3.1", lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True)) / np.exp(
        Z.__isub__(Z.max(axis=1, keepdims=True))).sum(axis=1, keepdims=True)))
    assert "copy of the input" in in_place_softmax and "exp overflows" not in in_place_softmax  # issue 23's 3.1 case
    assert "opposite sign" in repr(run_checks(get_exercise("3.2"), lambda z, y: -_ce(z, y)))
    assert "times 6" in repr(run_checks(get_exercise("3.2"), lambda z, y: _ce(z, y) * len(y)))


def exercise_hint_absent(text, exercise_id):
    return get_exercise(exercise_id).hint not in text


def _ce(z, y):
    P = np.exp(z - z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return P / len(y)


@pytest.mark.parametrize("exercise_id", sorted(all_exercises()))
def test_hints_never_give_the_code_or_a_package_call(exercise_id):
    exercise = get_exercise(exercise_id)
    for hint in (exercise.hint, exercise.hint2):
        assert hint and not re.search(r"\bnp\.|numpy|sklearn|coursepkg|torch|\w+\.\w+\(|linalg|axis=|keepdims=", hint), hint


@pytest.mark.parametrize("exercise_id", [k for k, e in all_exercises().items() if e.kind == "question"])
def test_questions_never_reveal_their_answer(exercise_id):
    exercise = get_exercise(exercise_id)
    judge = exercise.expected(exercise.cases[0])
    assert isinstance(judge, (Choice, Numeric))
    wrong = "a" if isinstance(judge, Choice) and judge.judge("a") else 12345.0
    text = repr(run_checks(exercise, lambda: wrong))
    if isinstance(judge, Choice):
        right = next(o for o in judge.options if judge.judge(o) is None)
        assert f"'{right}'" not in text.split("Expected:")[1].split("\n")[0].replace(", ".join(
            repr(o) for o in judge.options), "")
    else:
        shown = re.sub(r"tolerance [^)\n]*", "", text.split("Expected:")[1].split("Hint:")[0])  # hints quote the data
        assert not re.search(rf"(?<![\d.]){re.escape(f'{judge._value:.4g}')}(?![\d])", shown), shown


def test_choice_and_numeric_explain_the_expected_form():
    assert "one of the letters" in Choice("b", "abcd").judge(2)
    assert "single number" in Numeric(3).judge("3")
    assert "whole number" in Numeric(3, integer=True).judge(2.5)
    with pytest.raises(ValueError, match="answer must be one of"):
        Choice("e", "abcd")
