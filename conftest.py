"""Project-wide pytest setup.

- Headless matplotlib; GPU tests skip without CUDA.
- **Chapter marks, set here for every test** (``pytest -m ch3`` selects all of chapter 3):
  notebooks by their folder (``book/03_*``, ``solutions/03_*``, ``exercises/03_*``), doctests by
  their module, tests by the parameter they run on (a chapter's notebook, figure or exercise) or
  else by the ``coursepkg`` modules their file imports (table ``MODULE_CHAPTERS``), on top of a
  file's own ``pytestmark``; a chapter mark on a test function is kept as the only one. A new test
  file is marked without being edited; ``pytest --collect-only --chapters`` lists the marks.
- **A second floating-point configuration for every child process** (nbval's kernels, figure
  worker processes, notebooks run by tests): OpenBLAS forced to another CPU kernel on one thread,
  MKL to its AVX2 code path. The stored notebook outputs and gallery images
  were made under the default configuration, so a comparison that depends on last-bit rounding
  fails here as it would on a reader's machine. ``--float-config=default`` turns it off.
"""
import contextlib
import os
import re
from pathlib import Path

import matplotlib
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent
ALL = frozenset(range(1, 8))

# coursepkg module (or package) -> the chapters it serves. Modules not listed (style, plotting,
# datasets, validation, the CLI) are shared infrastructure and give no chapter of their own.
MODULE_CHAPTERS = {
    "activations": {1}, "perceptron": {1}, "universal": {1}, "mlp": {1, 2}, "losses": {1, 3},
    "autodiff": {2}, "backprop": {2}, "gradcheck": {2}, "matrix_calculus": {2}, "mlp_estimators": {2},
    "softmax": {3}, "multiclass": {3}, "torch_softmax": {3},
    "neighbors": {4}, "torch_neighbors": {4}, "_smoothing": {4},
    "kernels": {5}, "feature_maps": {5}, "kernel_svm": {5}, "torch_kernels": {5},
    "bootstrap": {6}, "torch_bootstrap": {6},
    "descent": {7}, "optim": {7}, "schedules": {7}, "regularization": {7}, "torch_utils": {7},
    # Whole-course machinery: a test of it covers every chapter unless a parameter narrows it.
    "figures": ALL, "exercises": ALL, "grading": ALL, "bench": ALL, "colab": ALL, "environment": ALL,
}
# Tests of the book itself (build, pages, Colab links, notation) and of the suite cover every chapter.
FILE_CHAPTERS = {"test_architecture.py": ALL, "test_book.py": ALL, "test_colab_env.py": ALL, "test_notation.py": ALL, "test_suite.py": ALL}
_CHAPTER_DIR = re.compile(r"(?:^|[/\\])0([1-7])_")  # book/03_softmax, solutions/03_softmax.ipynb
_CHAPTER_NAME = re.compile(r"(?:^|[^a-z0-9])ch0?([1-7])(?![0-9])")  # figures/ch03.py, test_figures_ch02.py
_CHAPTER_RANGE = re.compile(r"(?:^|[^a-z0-9])ch0?([1-7])_0?([1-7])(?![0-9])")  # test_mutants_ch1_4.py: 1 to 4
_EXERCISE_ID = re.compile(r"([1-7])\.\d+[a-z]?")  # exercise "2.8" is chapter 2's


def _chapters_in_name(name):
    """Chapters a file name names: 'test_book_ch01_ch06_ch07' -> {1, 6, 7}, 'x_ch1_4' -> {1, 2, 3, 4}."""
    found = {int(m.group(1)) for m in _CHAPTER_NAME.finditer(name)}
    for m in _CHAPTER_RANGE.finditer(name):
        found |= set(range(int(m.group(1)), int(m.group(2)) + 1))
    return found

# Stored notebook outputs known to print last-bit rounding (they differ between machines). Each is
# an expected failure until its notebook prints what the reader should learn (a bound, meaningful
# digits); then delete its line here. Not strict: on some machine the digits happen to agree.
KNOWN_MACHINE_DEPENDENT = {}
ITEMS_KEY = pytest.StashKey[list]()

# The second configuration. OpenBLAS (numpy's and scipy's copies) on another CPU kernel and one
# thread changes the last bits of products and solves; MKL's AVX2 path those of torch's products
# (tests/test_suite.py checks that the kernels really round differently); one OpenMP thread sums
# torch's parallel reductions in another order than the default's two. One thread is also what the
# suite wants: the second core runs the background jobs (below), and OpenMP threads that find their
# core busy spin while waiting for each other (two threads made the torch-heavy tests 1.5-2x slower).
SECOND_FLOAT_CONFIG = {"OPENBLAS_CORETYPE": "Sandybridge", "OPENBLAS_NUM_THREADS": "1", "MKL_CBWR": "AVX2",
                       "OMP_NUM_THREADS": "1"}
_DEFAULT_ENV = {key: os.environ.get(key) for key in SECOND_FLOAT_CONFIG}
_SECOND = {}


def pytest_addoption(parser):
    parser.addoption("--float-config", choices=("second", "default"), default="second",
                     help="floating-point configuration of child processes (kernels, workers): 'second' "
                          "(default: OpenBLAS/MKL forced to other kernels, one thread) or 'default'")
    parser.addoption("--chapters", action="store_true",
                     help="with --collect-only: print each test's id and its chapter marks")


def second_float_config():
    """The environment variables of the second configuration, differing from this machine's default.

    If OpenBLAS already runs its Sandybridge kernel here, Nehalem is forced instead.
    """
    if not _SECOND:
        _SECOND.update(SECOND_FLOAT_CONFIG)
        try:
            from threadpoolctl import threadpool_info

            if any(str(i.get("architecture", "")).lower() == "sandybridge" for i in threadpool_info()):
                _SECOND["OPENBLAS_CORETYPE"] = "Nehalem"
        except ImportError:
            pass
    return dict(_SECOND)


def pytest_configure(config):
    # numpy's and scipy's OpenBLAS are loaded first, so this process keeps the default (only
    # torch, loaded later, reads MKL_CBWR and OMP_NUM_THREADS here too: nothing in-process compares
    # stored outputs); child processes started from now on get the second configuration.
    if config.getoption("--float-config") == "second":
        import scipy.linalg  # noqa: F401

        os.environ.update(second_float_config())


class FloatConfig:
    """Switch the configuration that child processes started meanwhile inherit (fixture ``float_config``)."""

    def __init__(self, active):
        self.active = active  # "second" or "default": what children get outside these blocks

    @contextlib.contextmanager
    def _env(self, values):
        saved = {key: os.environ.get(key) for key in values}
        try:
            for key, value in values.items():
                os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
            yield
        finally:
            for key, value in saved.items():
                os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)

    def default(self):
        """Children started inside get this machine's default configuration (as the stored outputs)."""
        return self._env(_DEFAULT_ENV)

    def second(self):
        """Children started inside get the second configuration (unless ``--float-config=default``)."""
        return self._env(second_float_config() if self.active == "second" else _DEFAULT_ENV)


@pytest.fixture(scope="session")
def float_config(pytestconfig):
    """Context managers ``.default()`` and ``.second()`` for the configuration of child processes."""
    return FloatConfig(pytestconfig.getoption("--float-config"))


def _cuda_available():
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def _chapters_of_module(name):
    """Chapters of a dotted coursepkg module name ('coursepkg.figures.ch03' -> {3})."""
    parts = name.split(".")
    if parts[0] != "coursepkg" or len(parts) < 2:
        return set()
    found = _CHAPTER_NAME.search(parts[-1]) if len(parts) > 2 else None
    return {int(found.group(1))} if found else set(MODULE_CHAPTERS.get(parts[1], ()))


def _chapters_of_imports(module):
    """Chapters of the coursepkg modules (and their functions, classes) a test module imports."""
    found = set()
    for value in vars(module).values():
        name = value.__name__ if type(value).__name__ == "module" else getattr(value, "__module__", None)
        if isinstance(name, str):
            found |= _chapters_of_module(name)
    return found


def _figure_chapters():
    try:
        from coursepkg.figures import load_all
    except ImportError:
        return {}
    return {name: spec.chapter for name, spec in load_all().items()}


def _chapters_of_parameters(item, figures):
    """Chapters named by a parametrised test's arguments: a notebook path, a figure, an exercise."""
    found = set()
    for key, value in getattr(getattr(item, "callspec", None), "params", {}).items():
        if key == "chapter" and isinstance(value, int):
            found.add(value)
        elif "exercise" in key and isinstance(value, str) and _EXERCISE_ID.fullmatch(value):
            found.add(int(value[0]))
        elif isinstance(getattr(value, "chapter", None), int):
            found.add(value.chapter)
        elif isinstance(value, (str, Path)):
            text = str(value)
            if text in figures:
                found.add(figures[text])
            elif m := _CHAPTER_DIR.search(text) or _CHAPTER_NAME.search(Path(text).name):
                found.add(int(m.group(1)))
    return found


def chapters_of(item, figures):
    """The chapters a collected test belongs to (a set of 1..7, maybe empty)."""
    path = Path(str(item.path)).resolve()
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    top = rel.split("/")[0]
    if top in ("book", "solutions", "exercises"):
        found = _CHAPTER_DIR.search(rel)
        return {int(found.group(1))} if found else set()
    if top == "coursepkg":  # a doctest
        return _chapters_of_module(".".join(Path(rel).with_suffix("").parts).removesuffix(".__init__"))
    from_params = _chapters_of_parameters(item, figures)
    if from_params:
        return from_params
    named = _chapters_in_name(path.stem)
    if named:
        return named
    module = getattr(item, "module", None)
    return set(FILE_CHAPTERS.get(path.name, ())) | (_chapters_of_imports(module) if module else set())


@pytest.hookimpl(tryfirst=True)  # before -m deselects by mark
def pytest_collection_modifyitems(config, items):
    figures = _figure_chapters()
    for item in items:
        if any(re.fullmatch(r"ch[1-7]", m.name) for m in item.own_markers):
            continue  # a chapter mark on the test function itself is the author's word
        for chapter in sorted(chapters_of(item, figures)):
            item.add_marker(getattr(pytest.mark, f"ch{chapter}"))
        if item.nodeid in KNOWN_MACHINE_DEPENDENT:
            item.add_marker(pytest.mark.xfail(reason=KNOWN_MACHINE_DEPENDENT[item.nodeid], strict=False))
    # The modules with background work run last, in the order their jobs finish (see below).
    late = {path: rank for rank, path in enumerate(BACKGROUND_MODULES, start=1)}
    items.sort(key=lambda item: late.get(item.nodeid.split("::")[0], 0))  # stable: the rest keep their order
    config.stash[ITEMS_KEY] = list(items)  # every collected test, before -m or -k deselect any
    if config.getoption("--chapters"):
        for item in items:
            marks = sorted({m.name for m in item.iter_markers() if re.fullmatch(r"ch[1-7]", m.name)})
            print(f"{item.nodeid}\t{','.join(marks)}")
    if any("gpu" in item.keywords for item in items) and not _cuda_available():
        skip = pytest.mark.skip(reason="needs a CUDA GPU")
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(skip)


# --- Background work, started as soon as collection ends ------------------------------------------
# The suite keeps one core busy (a test, or the notebook kernel it waits for); the second would
# idle. So the self-contained heavy work of five test modules runs there, one job after another,
# each in fresh processes: the quick bench (tests/test_bench.py), the hostile grading corpus
# (tests/test_grading_hostile.py), the figure builds (tests/test_figures.py), the layout of every
# figure (tests/test_figure_layout.py), the strict book build and its browser visits (tests/test_book.py).
# Those modules run last (see pytest_collection_modifyitems) and find their results ready. A module
# opts in with ``background_job(config, items) -> callable or None``, called here in the main thread
# with its selected tests; its fixtures call :func:`background_result`, and without a result (the
# module not selected, or nothing to run in the background) compute as before.
BACKGROUND_KEY = pytest.StashKey[dict]()
BACKGROUND_MODULES = (
    "tests/test_bench.py", "tests/test_grading_hostile.py", "tests/test_figures.py", "tests/test_figure_layout.py",
    "tests/test_book.py")


def default_env():
    """``os.environ`` with this machine's default floating-point configuration (as the stored outputs had)."""
    env = dict(os.environ)
    for key, value in _DEFAULT_ENV.items():
        env.pop(key, None) if value is None else env.__setitem__(key, value)
    return env


def pytest_collection_finish(session):
    config = session.config
    if config.option.collectonly:
        return
    import threading

    selected = {}
    for item in session.items:
        path = item.nodeid.split("::")[0]
        if path in BACKGROUND_MODULES and getattr(item, "module", None) is not None:
            selected.setdefault(path, []).append(item)
    jobs = {}
    for path in BACKGROUND_MODULES:
        items = selected.get(path)
        start = getattr(items[0].module, "background_job", None) if items else None
        job = start(config, items) if start else None
        if job is not None:
            jobs[path] = job
    if not jobs:
        return
    results = {path: {"done": threading.Event()} for path in jobs}

    def run():
        for path, job in jobs.items():
            try:
                results[path]["value"] = job()
            except BaseException as exc:  # noqa: BLE001 - raised again in the test that asks for it
                results[path]["error"] = exc
            finally:
                results[path]["done"].set()

    threading.Thread(target=run, name="background-jobs", daemon=True).start()
    config.stash[BACKGROUND_KEY] = results


def background_result(config, path):
    """What the background job of test module ``path`` returned (waiting for it), or None if it has none.

    An exception the job raised is raised here, in the test that needs the result.
    """
    results = config.stash.get(BACKGROUND_KEY, {})
    if path not in results:
        return None
    results[path]["done"].wait()
    if "error" in results[path]:
        raise results[path]["error"]
    return results[path]["value"]
