"""Write the book's performance appendix (``book/performance.md``) from stored benchmark JSON.

``coursepkg bench report book/_data/bench_cpu.json [book/_data/bench_gpu.json] --out book/performance.md``
renders one table per results file (one machine each), with the device named. Numbers are rounded as
in the terminal table: times to 3 significant digits (whole seconds from 100 s), ratios to 2
decimals, speed-ups to 1 decimal, peak memory to 0.1 MiB.
"""
from pathlib import Path

from .runner import GPU_BENCHMARKS, load_json
from .table import fmt_flag, fmt_goal, fmt_peak, fmt_ratio, fmt_seconds

__all__ = ["render_page", "write_page"]

GPU_COMMAND = "coursepkg bench --gpu --json book/_data/bench_gpu.json"
REPORT_COMMAND = "coursepkg bench report book/_data/bench_cpu.json book/_data/bench_gpu.json --out book/performance.md"

EXPLAIN = {
    "knn": "k-NN predict (Chapter 4), 2,000 queries against 20,000 points in 64-D, k = 5, against "
           "scikit-learn's brute force. Our predict computes distances in chunks of 64 MiB, so its peak "
           "memory stays far below the 305 MiB of the full distance matrix. Same labels required.",
    "kernel_ridge": "RBF kernel ridge fit + predict (Chapter 5), n = 4,000, against scikit-learn's "
                    "`KernelRidge`. Predictions must be allclose.",
    "mlp_float64": "One epoch of the numpy MLP of Chapters 1-2 (784-256-10, ReLU, softmax, batch 128, "
                   "SGD) on 60,000 examples, against the same model and updates in torch on the CPU in "
                   "float64. Both start from the same weights and must end with the same weights.",
    "mlp_float32": "The same epoch against torch in float32, torch's default (half the memory traffic); "
                   "weights must agree to 1e-4.",
    "autodiff": "Building and back-propagating a scalar 8-16-16-1 ReLU network over a batch of 32 "
                "(Chapter 2's `Value`) against micrograd, each run including freeing its graph (ours is freed "
                "by reference counting as the run ends; micrograd's closures make reference cycles, freed "
                "by a collection of the youngest generation, timed). Built and differentiated only, with "
                "the garbage left for later, micrograd is about 10% faster. Same loss and gradients "
                "required.",
    "softmax_epoch": "One epoch of `SoftmaxRegression` (Chapter 3; batch 128 in the estimator's shuffled "
                     "order, 60,000 x 784) against the same steps in torch float64 on the CPU. Same weights "
                     "required.",
    "softmax_fit": "Fitting softmax regression on the digits to convergence by gradient descent with "
                   "momentum, against scikit-learn's L-BFGS `LogisticRegression` with the same penalty. "
                   "Same training-set labels required; a first-order method is expected to be slower.",
    "bootstrap": "1,000 bootstrap fits of kernel ridge (Chapter 6), n = 500, predicted on 200 points: our "
                 "batched fits (one kernel matrix, stacked solves) against a loop of scikit-learn fits.",
    "newton": "Logistic regression by Newton's method (Chapter 7), n = 20,000, d = 20, against "
              "scikit-learn's L-BFGS. Same coefficients required.",
    "gpu_knn": "Torch k-NN at MNIST size (10,000 x 60,000 x 784, float64) on the GPU against the same "
               "code on the CPU. Same neighbour distances required; indices may swap only where two "
               "neighbours tie to rounding.",
    "gpu_kernel_ridge": "Torch kernel ridge, n = 20,000 (float64), GPU against CPU.",
    "gpu_bootstrap": "The batched torch bootstrap, 1,000 kernel ridge fits with n = 500, GPU against CPU.",
    "gpu_train": "The Chapter 7 training run (the small CNN on the digits, 30 epochs of Adam), GPU against "
                 "CPU; the two test accuracies must be within 0.02.",
}

INTRO = """\
# Performance

The course's code is written to be read, but it is also meant to be used: each algorithm is
measured against what a reader would otherwise reach for. `coursepkg bench` runs every benchmark
side by side in one process and prints the table below; `--json FILE` stores it, and this page is
generated from the stored files by `coursepkg bench report` (do not edit it by hand).

How to read the tables:

- **ours/ref** is our time divided by the reference's: below 1 we are faster, 1.20 means we take
  20% longer. The GPU rows compare the same torch code on the GPU (ours) and on the CPU
  (reference), and also give the speed-up, reference / ours.
- **goal** bounds the ratio (`<= 1.2`) or, with an `x`, the GPU speed-up (`>= 30x`); rows
  without a goal are reported for scale. The workload of each row is described below the tables.
- **agree** says whether ours and the reference gave the same answer (same labels, allclose
  predictions or weights, as described below): the benchmark is also a correctness check, and the
  command fails when a row disagrees.
- **peak MiB** is the peak memory of ours: Python and numpy allocations traced by `tracemalloc`
  on the CPU, torch's peak allocation on a GPU; "-" where neither applies (torch on the CPU).
- Times are the best of 3 runs after a warm-up, ours and the reference alternating, in seconds
  (3 significant digits), with Python's garbage collector paused during each run as `timeit`
  does (otherwise its cost depends on whatever else the process holds); the `autodiff` row also
  times freeing each side's graph (see below). The CPU side of a GPU row is timed once.
"""


def _table(results):
    lines = ["| benchmark | ours (s) | reference | ref (s) | ours/ref | goal | met | agree | peak MiB |",
             "|---|---:|---|---:|---:|---|:-:|:-:|---:|"]
    for r in results["rows"]:
        name = f"`{r['key']}`" + (f" ({r['device']})" if r["device"] != "cpu" else "")
        lines.append(f"| {name} | {fmt_seconds(r['ours'])} | {r['reference']} | {fmt_seconds(r['ref'])} | "
                     f"{fmt_ratio(r)} | {fmt_goal(r['goal'])} | {fmt_flag(r['met'])} | {fmt_flag(r['agree'])} | {fmt_peak(r['peak_mb'])} |")
    return "\n".join(lines)


def _machine_section(results, source):
    m, s = results["machine"], results["settings"]
    device = f"GPU {m['gpu']}" if m.get("gpu") else "no GPU"
    quick = " (quick sizes)" if s.get("quick") else ""
    return (f"## {m['cpu']}, {m['cores']} cores, {device}\n\n"
            f"Measured {m['date']}{quick}; torch {m['torch']} ({m['torch_threads']} CPU threads), numpy "
            f"{m['numpy']}, scipy {m['scipy']}, scikit-learn {m['sklearn']}, Python {m['python']}, "
            f"{m['platform']}. Source: `{source}`.\n\n" + _table(results) + "\n")


def _has_gpu_rows(all_results):
    return any(r["device"] != "cpu" for results in all_results for r in results["rows"])


def render_page(sources):
    """The Markdown page for a list of (results dict, source name) pairs, one section per machine."""
    if not sources:
        raise ValueError("give at least one results JSON file")
    parts = [INTRO]
    for results, source in sources:
        parts.append(_machine_section(results, source))
    if not _has_gpu_rows([results for results, _ in sources]):
        parts.append("## GPU\n\nNo GPU results are stored yet: the tables above were measured on machines "
                     "without a CUDA GPU. On a machine with one, run\n\n"
                     f"```bash\n{GPU_COMMAND}\n{REPORT_COMMAND}\n```\n\n"
                     "to measure the GPU rows (and the CPU rows of that machine) and add them to this page. "
                     "The GPU rows are:\n\n" + "\n".join(f"- `{key}`: {EXPLAIN[key]}" for key in GPU_BENCHMARKS) + "\n")
    names = {}  # key -> workload with its sizes, from the first file that has it
    for results, _ in sources:
        for r in results["rows"]:
            names.setdefault(r["key"], r["name"])
    parts.append("## The benchmarks\n\n" + "\n".join(f"- `{key}` ({name}): {EXPLAIN.get(key, '')}".rstrip(": ")
                                                       for key, name in names.items()) + "\n")
    return "\n".join(parts)


def write_page(paths, out):
    """Render the page from the JSON files ``paths`` and write it to ``out``; returns the Path."""
    sources = [(load_json(path), Path(path).as_posix()) for path in paths]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_page(sources))
    return out


def main_report(args):
    """The ``coursepkg bench report`` command."""
    print(f"wrote {write_page(args.results, args.out)}")
    return 0
