"""`coursepkg bench`: every benchmark agrees with its reference, the JSON round-trips, the book page
shows every number, and bad input fails clearly.

The quick run is the oracle test: each row's ``agree`` compares our answer with scikit-learn's,
torch's or micrograd's on the same data (same labels, allclose predictions, same weights).
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from coursepkg.bench import GPU_BENCHMARKS, Row, load_json, render_page, run_all, save_json, write_page
from coursepkg.bench.core import best_times, goal_met
from coursepkg.bench.report import GPU_COMMAND
from coursepkg.cli import main

ROOT = Path(__file__).resolve().parents[1]
CPU_KEYS = {"knn", "kernel_ridge", "mlp_float64", "mlp_float32", "autodiff", "softmax_epoch", "softmax_fit",
            "bootstrap", "newton"}


_QUICK = ("import sys\nfrom coursepkg.bench import run_all, save_json\n"
          "save_json(run_all(quick=True, gpu=True, gpu_device='cpu'), sys.argv[1])")


def _quick_run(path):
    """One quick run of every CPU benchmark and of the GPU rows with the device forced to the CPU,
    in a fresh process (its JSON read back with :func:`load_json`, as a user's would be).

    About 14 CPU-seconds (the CNN of gpu_train is the largest part, 5 s).
    """
    done = subprocess.run([sys.executable, "-c", _QUICK, str(path)], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"the quick bench failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return load_json(path)


def background_job(config, items):
    """Called by conftest.py when collection ends: the quick run happens in the background meanwhile."""
    if not any("quick" in item.fixturenames for item in items):
        return None
    folder = Path(tempfile.mkdtemp(prefix="coursepkg-bench-"))
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    return lambda: _quick_run(folder / "quick.json")


@pytest.fixture(scope="module")
def quick(request, tmp_path_factory):
    """The quick run of :func:`_quick_run`: from the background job, or run here."""
    from conftest import background_result

    early = background_result(request.config, "tests/test_bench.py")
    return early if early is not None else _quick_run(tmp_path_factory.mktemp("bench") / "quick.json")


@pytest.mark.slow  # shares one quick run of every benchmark (about 14 CPU-seconds)
def test_quick_run_agrees_with_every_reference(quick):
    rows = {r["key"]: r for r in quick["rows"]}
    assert set(rows) == CPU_KEYS | set(GPU_BENCHMARKS)
    disagree = [key for key, r in rows.items() if r["agree"] is not True]
    assert disagree == [], f"ours and the reference differ on {disagree}"


@pytest.mark.slow  # shares one quick run of every benchmark (about 14 CPU-seconds)
def test_ratio_and_goal_follow_from_the_times(quick):
    for r in quick["rows"]:
        assert r["ours"] > 0 and r["ref"] > 0
        assert r["ratio"] == r["ours"] / r["ref"]
        if r["goal"] is None:
            assert r["met"] is None
        elif r["goal"].startswith("<="):
            assert r["met"] == (r["ratio"] <= float(r["goal"][3:]))
        else:
            assert r["met"] == (r["ref"] / r["ours"] >= float(r["goal"][3:]))


@pytest.mark.slow  # shares one quick run of every benchmark (about 14 CPU-seconds)
def test_forced_cpu_gpu_rows_run_the_torch_code_on_both_sides(quick):
    gpu_rows = [r for r in quick["rows"] if r["key"].startswith("gpu_")]
    assert [r["key"] for r in gpu_rows] == list(GPU_BENCHMARKS)
    assert all(r["device"] == "cpu" and r["peak_mb"] is None for r in gpu_rows)
    train = next(r for r in gpu_rows if r["key"] == "gpu_train")
    accuracies = train["check"].removeprefix("test accuracy ").split(" vs ")
    assert accuracies[0] == accuracies[1]  # same device, same seed: the same run
    assert quick["settings"] == {"quick": True, "repeat": 1, "gpu": True, "gpu_device": "cpu"}


@pytest.mark.slow  # shares one quick run of every benchmark (about 14 CPU-seconds)
def test_numpy_rows_report_peak_memory(quick):
    rows = {r["key"]: r for r in quick["rows"]}
    # the quick k-NN training set alone is 2,000 x 64 float64 = 1 MiB; a chunk of distances is traced too
    assert 0 < rows["knn"]["peak_mb"] < 64
    assert all(rows[key]["peak_mb"] > 0 for key in CPU_KEYS)


@pytest.mark.slow  # shares one quick run of every benchmark (about 14 CPU-seconds)
def test_json_round_trip(quick, tmp_path):
    path = save_json(quick, tmp_path / "sub" / "bench.json")
    back = load_json(path)
    assert back == quick
    rows = [Row(**row) for row in back["rows"]]
    assert [r.ratio for r in rows] == [r["ratio"] for r in quick["rows"]]
    machine = back["machine"]
    assert machine["cores"] >= 1 and machine["cpu"] and machine["gpu"] is None
    assert machine["torch"] and machine["numpy"] and machine["sklearn"] and machine["date"].endswith("UTC")


def fixture_results(gpu=None):
    """A hand-written results file: numbers chosen so that their rounding is visible."""
    machine = {"cpu": "Test CPU 9000", "cores": 4, "torch_threads": 4, "gpu": gpu, "platform": "Linux-test",
               "python": "3.11.7", "numpy": "2.0.0", "scipy": "1.14.0", "sklearn": "1.5.0", "torch": "2.3.0",
               "date": "2026-01-02 03:04 UTC"}
    rows = [dict(key="knn", name="k-NN predict, 2,000 x 20,000 x 64, k = 5", ours=0.012345, reference="scikit-learn brute",
                 ref=0.0098765, ratio=0.012345 / 0.0098765, goal="<= 1.2", met=False, agree=True, peak_mb=12.345,
                 device="cpu", check="identical labels"),
            dict(key="softmax_fit", name="softmax regression fit", ours=123.456, reference="scikit-learn lbfgs",
                 ref=2.5, ratio=123.456 / 2.5, goal=None, met=None, agree=False, peak_mb=None, device="cpu",
                 check="identical training-set labels")]
    if gpu:
        rows.append(dict(key="gpu_knn", name="torch k-NN, 10,000 x 60,000 x 784, k = 5", ours=0.5, reference="the same torch code on the CPU",
                         ref=20.0, ratio=0.025, goal=">= 30", met=True, agree=True, peak_mb=1536.04, device="cuda",
                         check="identical neighbour indices"))
    return {"schema": 1, "machine": machine, "settings": {"quick": False, "repeat": 3, "gpu": bool(gpu), "gpu_device": None},
            "rows": rows}


def test_report_renders_every_row_rounded(tmp_path):
    cpu, gpu = tmp_path / "cpu.json", tmp_path / "gpu.json"
    cpu.write_text(json.dumps(fixture_results()))
    gpu.write_text(json.dumps(fixture_results(gpu="NVIDIA Test GPU")))
    page = write_page([cpu, gpu], tmp_path / "perf.md").read_text()
    assert "## Test CPU 9000, 4 cores, no GPU" in page and "## Test CPU 9000, 4 cores, GPU NVIDIA Test GPU" in page
    expected_rows = [
        "| `knn` | 0.0123 | scikit-learn brute | 0.00988 | 1.25 | <= 1.2 | NO | yes | 12.3 |",
        "| `softmax_fit` | 123 | scikit-learn lbfgs | 2.5 | 49.38 | - | - | NO | - |",
        "| `gpu_knn` (cuda) | 0.5 | the same torch code on the CPU | 20 | 0.03 (40.0x faster) | >= 30x | yes | yes | 1536.0 |",
    ]
    for line in expected_rows:
        assert line in page.splitlines()
    assert page.count("| `knn` |") == 2  # one table per machine
    assert "- `gpu_knn` (torch k-NN, 10,000 x 60,000 x 784, k = 5): Torch k-NN" in page
    assert "No GPU results" not in page
    assert "Measured 2026-01-02 03:04 UTC" in page and "torch 2.3.0" in page


def test_report_without_gpu_results_says_how_to_get_them():
    page = render_page([(fixture_results(), "cpu.json")])
    assert "No GPU results are stored yet" in page
    assert GPU_COMMAND in page and "--gpu" in GPU_COMMAND


def test_stored_page_is_generated_from_stored_json():
    stored = [ROOT / "book" / "_data" / name for name in ("bench_cpu.json", "bench_gpu.json")]
    sources = [(load_json(path), path.relative_to(ROOT).as_posix()) for path in stored if path.is_file()]
    assert (ROOT / "book" / "performance.md").read_text() == render_page(sources), \
        "book/performance.md is stale: run `coursepkg bench report book/_data/bench_cpu.json --out book/performance.md`"


def test_cli_quick_only_writes_json(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["bench", "--quick", "--only", "newton", "--json", str(out)]) == 0
    rows = load_json(out)["rows"]
    assert [r["key"] for r in rows] == ["newton"] and rows[0]["agree"]
    assert "newton" in capsys.readouterr().out
    page = tmp_path / "p.md"
    assert main(["bench", "report", str(out), "--out", str(page)]) == 0
    assert "| `newton` |" in page.read_text()


@pytest.mark.parametrize("argv, message", [
    (["bench", "--only", "knn,nope"], "unknown benchmark 'nope'"),
    (["bench", "--only", "gpu_knn"], "gpu_knn: GPU rows need --gpu"),
    (["bench", "report", "missing.json"], "no benchmark results at missing.json"),
])
def test_bad_input_fails_clearly(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_gpu_without_cuda_fails_clearly(capsys):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert main(["bench", "--gpu", "--only", "newton"]) == 2
    assert "--gpu needs a CUDA GPU" in capsys.readouterr().err


def test_malformed_results_are_rejected(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_json(bad)
    bad.write_text(json.dumps({"rows": []}))
    with pytest.raises(ValueError, match="not a coursepkg bench results file"):
        load_json(bad)
    results = fixture_results()
    del results["rows"][0]["agree"]
    bad.write_text(json.dumps(results))
    with pytest.raises(ValueError, match="lacks agree"):
        load_json(bad)


def test_goal_and_timer_validation():
    assert goal_met("<= 1.2", 1.2, 1.0) is True and goal_met(">= 30", 1.0, 29.0) is False
    with pytest.raises(ValueError, match="goal must look like"):
        goal_met("< 2", 1.0, 1.0)
    with pytest.raises(ValueError, match="repeat must be a positive integer"):
        best_times([lambda: 1], 0)
    calls = []
    times, outputs = best_times([lambda: calls.append("a") or 1, lambda: calls.append("b") or 2], 2)
    assert outputs == [1, 2] and calls == ["a", "b", "a", "b", "a", "b"]  # warm-up, then interleaved
    assert len(times) == 2 and all(t >= 0 for t in times)
