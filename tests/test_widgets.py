"""The book's explorers, driven in a real kernel: every control move puts a new image in the Output.

A small notebook builds all seven explorers and moves every control, one move per cell, and
nbclient executes it as the book's build does. After each cell nbclient has put the Output's
messages into the widget state and synced them back to the kernel, so the next cell reads the
image the move produced. Timings are taken in the kernel, around the assignment to the control
(the redraw and the PNG rendering run inside it).
"""
import json
import os

import numpy as np
import pytest

from coursepkg.bootstrap import bootstrap_indices
from coursepkg.widgets import KnnVotes, coverage_view, gradient_norms_explorer, weights_explorer
from coursepkg.widgets.coverage import BANDS, COVERAGE_TABLE, TABLE_B, TABLE_N, bands, coverage_table

MOVE_BUDGET_S = 1.0

SETUP = """
import hashlib, json, time
import numpy as np
from coursepkg.datasets import make_mixture, make_poll
from coursepkg.datasets import curve_data
from coursepkg import widgets as W

X_poll, y_poll = make_poll()
X_tr, y_tr = make_mixture(200, rng=0)
X_te, y_te = make_mixture(2000, rng=1)
X_c, y_c = curve_data()
explorers = {
    "01_perceptron": W.perceptron_explorer(X_poll, y_poll),
    "02_autodiff": W.gradient_norms_explorer(),
    "03_multiclass_linear": W.weights_explorer(),
    "04_knn_bayes": W.knn_explorer(X_tr, y_tr, X_te, y_te),
    "05_kernel_ridge": W.kernel_ridge_explorer(X_c, y_c),
    "06_coverage": W.coverage_explorer(),
    "07_momentum_adaptive": W.momentum_explorer(),
}
log = []


def image_of(name):
    pngs = [o["data"]["image/png"] for o in explorers[name].output.outputs
            if o.get("output_type") == "display_data" and "image/png" in o.get("data", {})]
    return hashlib.sha1(pngs[-1].encode()).hexdigest() if len(pngs) == 1 else f"{len(pngs)} images"


def record(name, control, value, seconds):
    log.append({"explorer": name, "control": control, "value": value, "seconds": seconds})


pending = None
"""

MOVE = """
if pending:
    pending["image"] = image_of(pending["explorer"])
t0 = time.perf_counter()
explorers[{name!r}].controls[{control!r}].value = {value!r}
log.append({{"explorer": {name!r}, "control": {control!r}, "seconds": time.perf_counter() - t0}})
pending = log[-1]
"""

REPORT = """
pending["image"] = image_of(pending["explorer"])
initial = {name: image_of(name) for name in explorers}
print(json.dumps({"log": log, "outputs": {n: e.output.model_id for n, e in explorers.items()}}))
"""

MOVES = {
    "01_perceptron": [("w1", -1.0), ("w2", 0.5), ("b", 0.3)],
    "02_autodiff": [("depth", 12), ("activation", "relu"), ("depth", 20)],
    "03_multiclass_linear": [("w1_1", 0.5), ("w3_2", -0.5), ("x1", -1.0), ("x2", 0.5)],
    "04_knn_bayes": [("k", 1), ("k", 45), ("metric", "mahalanobis"), ("k", 99), ("metric", "manhattan")],
    "05_kernel_ridge": [("log_sigma", -2.0), ("log_lam", -5.0), ("log_sigma", 0.5)],
    "06_coverage": [("n", 160), ("B", 400), ("n", 10), ("B", 10)],
    "07_momentum_adaptive": [("lr", 0.1), ("momentum", 0.9), ("momentum", 0.0)],
}


def _notebook():
    import nbformat

    cells = [nbformat.v4.new_code_cell(SETUP)]
    cells += [nbformat.v4.new_code_cell(MOVE.format(name=name, control=control, value=value))
              for name, moves in MOVES.items() for control, value in moves]
    cells.append(nbformat.v4.new_code_cell(REPORT))
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture(scope="module")
def driven():
    """The executed notebook: (report printed by the kernel, saved widget state)."""
    from nbclient import NotebookClient

    nb = _notebook()
    NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=True).execute()
    if os.environ.get("COURSEPKG_KEEP_NOTEBOOK"):
        import nbformat

        nbformat.write(nb, os.environ["COURSEPKG_KEEP_NOTEBOOK"])  # to look at what the kernel did
    report = json.loads(nb.cells[-1].outputs[0]["text"])
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return report, state


def test_every_move_draws_a_new_image_in_the_explorer_s_output(driven):
    report, _ = driven
    log = report["log"]
    assert len(log) == sum(len(m) for m in MOVES.values())
    for name in MOVES:
        images = [entry["image"] for entry in log if entry["explorer"] == name]
        assert all(len(h) == 40 for h in images), (name, images)  # exactly one PNG after each move
        assert len(set(images)) == len(images), f"{name}: a move left the image unchanged"


def test_the_saved_widget_state_holds_an_image_for_every_explorer(driven):
    """What the static book shows: the Output model of each explorer, saved with a PNG in it."""
    report, state = driven
    for name, model_id in report["outputs"].items():
        outputs = state[model_id]["state"]["outputs"]
        assert [o["output_type"] for o in outputs] == ["display_data"], name
        assert outputs[0]["data"]["image/png"], name


def test_every_move_is_answered_within_a_second(driven):
    """1 s per move on an unloaded 2-core machine; with more runnable processes than cores the
    budget grows in proportion (the slowdown every process sees), and the times are reported."""
    report, _ = driven
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    budget = MOVE_BUDGET_S * max(1.0, load)
    times = {f"{e['explorer']}.{e['control']}={i}": round(e["seconds"], 3) for i, e in enumerate(report["log"])}
    print(f"load per core {load:.2f}, budget {budget:.2f} s, slowest moves:",
          sorted(times.items(), key=lambda kv: -kv[1])[:5])
    slow = {k: v for k, v in times.items() if v > budget}
    assert slow == {}, f"over {budget:.2f} s: {slow}"


def test_knn_votes_match_scikit_learn_for_every_k_and_metric():
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 2)), rng.integers(0, 2, 60)
    Q = rng.normal(size=(200, 2))
    votes = KnnVotes(X, y, Q, k_max=31)
    for metric in ("euclidean", "manhattan", "chebyshev"):
        for k in (1, 2, 7, 31):  # 2: ties in the vote go to the smaller label in both
            expected = KNeighborsClassifier(k, metric=metric, algorithm="brute").fit(X, y).predict(Q)
            np.testing.assert_array_equal(votes.predict(metric, k), expected, err_msg=f"{metric}, k = {k}")
    with pytest.raises(ValueError, match="k must be between 1 and k_max = 31; got 32"):
        votes.predict("euclidean", 32)


def test_the_first_B_of_a_bootstrap_draw_of_400_are_a_draw_of_B():
    """What the coverage table and the band rely on: one draw of B_max serves every B."""
    for B in (10, 100):
        np.testing.assert_array_equal(bootstrap_indices(40, 400, rng=7)[:B], bootstrap_indices(40, B, rng=7))


def test_the_coverage_table_is_what_coverage_table_computes():
    """The stored table against a fresh computation of its two cheapest rows (n = 10, 20)."""
    fresh = coverage_table(ns=TABLE_N[:2])
    np.testing.assert_allclose(np.array(COVERAGE_TABLE[:2]), fresh, atol=1e-4)
    assert np.array(COVERAGE_TABLE).shape == (len(TABLE_N), len(TABLE_B))


def test_the_stored_bands_are_what_bands_computes():
    for n in TABLE_N[:2]:
        _, _, fresh = bands(n)
        for B, (lo, hi) in fresh.items():
            np.testing.assert_allclose(BANDS[n, B], (lo, hi), atol=1e-4, err_msg=f"n = {n}, B = {B}")
    assert set(BANDS) == {(n, B) for n in TABLE_N for B in TABLE_B}


def test_tabulated_coverage_agrees_with_an_independent_coverage_estimate():
    """coursepkg.bootstrap.coverage on fresh experiments (other seeds) agrees within 4 standard errors."""
    from coursepkg.bootstrap import binomial_tolerance, bootstrap_predictions, coverage, percentile_interval
    from coursepkg.bootstrap import bootstrap_smoother as chapter_model
    from coursepkg.datasets import BOOTSTRAP_GRID as GRID
    from coursepkg.datasets import bootstrap_sampler as chapter_sample
    from coursepkg.datasets import bump_function

    n, B = 20, 100
    truth = bump_function(GRID[:, 0])
    cover = coverage(lambda d, r: percentile_interval(bootstrap_predictions(*d, GRID, chapter_model(), B=B, rng=r), 0.9),
                     chapter_sample(n), truth, n_experiments=60, rng=123).mean()
    table = COVERAGE_TABLE[TABLE_N.index(n)][TABLE_B.index(B)]
    assert abs(cover - table) < binomial_tolerance(table, 30) + binomial_tolerance(table, 60)


def test_explorers_refuse_bad_settings():
    with pytest.raises(ValueError, match="activation must be one of"):
        gradient_norms_explorer(activation="softplus")
    with pytest.raises(ValueError, match=r"W must hold three 2-D weight vectors, shape \(3, 2\); got shape \(2, 2\)"):
        weights_explorer(np.eye(2))
    with pytest.raises(ValueError, match=r"\(n, B\) must lie on the tabulated grid"):
        coverage_view(n=30, B=100)


def test_the_explorers_views_pass_the_layout_check():
    """What an explorer shows at its initial values is laid out as cleanly as the book's figures."""
    from coursepkg.datasets import curve_data, make_poll
    from coursepkg.figures.layout import layout_problems
    from coursepkg.multiclass import DECK_004_WEIGHTS
    from coursepkg.style import style_context
    from coursepkg.widgets import (
        coverage_view,
        gradient_norms_view,
        kernel_ridge_view,
        momentum_view,
        perceptron_view,
        weights_view,
    )

    X, y = make_poll()
    Xc, yc = curve_data()
    with style_context("book"):
        figs = {"perceptron": perceptron_view(X, y, 1.0, 1.0, 0.0).figure, "gradient norms": gradient_norms_view(),
                "weights": weights_view(DECK_004_WEIGHTS, (1.0, 1.0)), "kernel ridge": kernel_ridge_view(Xc, yc),
                "coverage": coverage_view(), "momentum": momentum_view()}
        problems = {name: layout_problems(fig, "book") for name, fig in figs.items()}
    assert problems == {name: [] for name in figs}
