"""The figure registry: every lecture figure is registered, builds, rebuilds byte for byte, and
matches its stored gallery image under a second floating-point configuration.

One build of every figure is shared by the module: book style, every format, PNGs at the gallery's
resolution, in a fresh process over two fresh workers under the second configuration (see the root
conftest.py, which starts it in the background when collection ends). Its PNGs are the image regression against book/gallery/, whose images were made
under the default configuration, so a figure that moves with last-bit rounding fails there; a
second build of a sample (one figure per chapter, every format) must give the same bytes.
"""
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib as mpl
import pytest

from coursepkg.cli import main
from coursepkg.figures import FORMATS, build, get, render, select, write_figures
from coursepkg.figures.gallery import GALLERY_DPI
from coursepkg.style import STYLES, new_figure, style_context

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_1 = {"perceptron_poll", "activation_gallery", "xor_three_perceptrons", "universal_approximation",
             "linear_vs_two_layer", "learned_features"}


# PNG first: each figure is drawn once and saved in these formats in turn, and an earlier save
# can shift what a later one draws (saving SVG and PDF first changed the PNGs of four figures,
# three with a fixed aspect ratio, beyond the gallery's tolerance). So the PNG is saved first,
# as the gallery saves it.
FORMATS_PNG_FIRST = ("png", *(f for f in FORMATS if f != "png"))


def _build(names, out):
    """``names`` as the gallery draws them, every format, in a fresh process over two fresh workers.

    The children inherit the configuration conftest.py set (the second one, unless
    ``--float-config=default``). Returns the paths written.
    """
    code = ("import sys\nfrom coursepkg.figures import write_figures\nfrom coursepkg.figures.gallery import GALLERY_DPI\n"
            f"write_figures(sys.argv[2:], sys.argv[1], formats={FORMATS_PNG_FIRST!r}, style='book', dpi=GALLERY_DPI, jobs=2)")
    done = subprocess.run([sys.executable, "-c", code, str(out), *names], cwd=ROOT, capture_output=True, text=True,
                          timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"the figure build failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return sorted(Path(out).iterdir())


def _sample():
    """One figure per chapter: the first by name."""
    first = {}
    for spec in select():
        first.setdefault(spec.chapter, spec.name)
    return list(first.values())


def _both_builds(root):
    """Every figure once, and the sample again in other fresh workers: {"all"|"sample": (folder, paths)}."""
    builds = {}
    for key, names in (("all", [s.name for s in select()]), ("sample", _sample())):
        builds[key] = (root / key, _build(names, root / key))
    return builds


def background_job(config, items):
    """Called by conftest.py when collection ends: both builds run in the background meanwhile."""
    if not any("figure_build" in item.fixturenames for item in items):
        return None
    root = Path(tempfile.mkdtemp(prefix="coursepkg-figures-"))
    config.add_cleanup(lambda: shutil.rmtree(root, ignore_errors=True))
    return lambda: _both_builds(root)


@pytest.fixture(scope="module")
def figure_build(request, tmp_path_factory):
    """Every figure built once, and a sample built again: see :func:`_both_builds`."""
    from conftest import background_result

    early = background_result(request.config, "tests/test_figures.py")
    return early if early is not None else _both_builds(tmp_path_factory.mktemp("figures"))


@pytest.mark.ch1
def test_every_chapter_1_figure_of_the_syllabus_is_registered():
    assert {s.name for s in select(chapter=1)} == CHAPTER_1
    assert all(s.caption and s.command.startswith("coursepkg figures build --name") for s in select())


@pytest.mark.slow
def test_every_figure_builds_and_a_rebuilt_sample_is_byte_identical(figure_build):
    # Two builds in different fresh workers: a figure's bytes must not depend on the process it
    # lands in or on the figures drawn before it there.
    _, paths = figure_build["all"]
    assert len(paths) == len(FORMATS) * len(select())
    assert all(path.stat().st_size > 1000 for path in paths)
    sample = _sample()
    assert len(sample) == len({s.chapter for s in select()}) == 7
    _, again = figure_build["sample"]
    first = {path.name: path for path in paths}
    assert len(again) == len(FORMATS) * len(sample)
    for path in again:
        assert filecmp.cmp(path, first[path.name], shallow=False), f"{path.name} differs between two builds"


@pytest.mark.ch1
def test_two_layer_figure_fits_to_a_stationary_point_with_the_right_gradient():
    """linear_vs_two_layer's network: its analytic gradient matches finite differences, and the
    fit ends where that gradient vanishes (so rounding cannot move where it stops)."""
    import numpy as np
    from scipy.optimize import approx_fprime

    from coursepkg.datasets import make_moons
    from coursepkg.figures.ch01 import _TanhNetwork

    X, y = make_moons(n=200, noise=0.2, rng=3)
    net = _TanhNetwork(X, y)
    args = (np.asarray(X, float), np.asarray(y, float), 1e-3)
    theta = np.random.default_rng(5).normal(size=net.theta.shape)
    loss, grad = net._loss_and_gradient(theta, *args)
    numeric = approx_fprime(theta, lambda t: net._loss_and_gradient(t, *args)[0], 1e-7)
    np.testing.assert_allclose(grad, numeric, atol=1e-5)
    assert np.abs(net._loss_and_gradient(net.theta, *args)[1]).max() < 1e-8
    assert net.score(X, y) >= 0.95  # what the figure shows: the network bends around the moons


def test_build_refuses_zero_jobs(tmp_path):
    with pytest.raises(ValueError, match="jobs"):
        build(tmp_path / "x", chapter=1, jobs=0)


def test_slides_are_16_by_9_and_styles_leave_no_global_state():
    before = dict(mpl.rcParams)
    with style_context("slides"):
        width, height = new_figure().get_size_inches()
        assert mpl.rcParams["font.size"] == STYLES["slides"]["font.size"]
    assert abs(width / height - 16 / 9) < 1e-9
    assert dict(mpl.rcParams) == before
    fig = render("activation_gallery", style="slides")
    assert abs(fig.get_figwidth() / fig.get_figheight() - 16 / 9) < 1e-9


def test_bad_requests_are_named():
    with pytest.raises(ValueError, match="no figure named"):
        get("no_such_figure")
    with pytest.raises(ValueError, match="formats"):
        build("unused", formats=("jpg",))
    with pytest.raises(ValueError, match="style"):
        build("unused", style="poster")


def test_cli_lists_and_builds(tmp_path, capsys):
    assert main(["figures", "list", "--chapter", "1"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in CHAPTER_1)
    assert main(["figures", "build", "--name", "activation*", "--format", "png,svg", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["activation_gallery.png", "activation_gallery.svg"]
    assert main(["figures", "build", "--name", "nothing*", "--out", str(tmp_path)]) == 2
    assert "no figure matches" in capsys.readouterr().err


@pytest.mark.slow
def test_gallery_page_and_images_match_the_registry(figure_build):
    """Image regression: every figure, rendered now under the second floating-point configuration,
    matches its stored gallery PNG (made under the default one) within tolerance.

    After changing a figure on purpose, refresh the baselines with `coursepkg figures gallery`.
    """
    from coursepkg.figures.gallery import write_gallery

    problems = write_gallery(ROOT / "book", check=True, rendered=figure_build["all"][0])
    assert problems == [], "\n".join(problems)


def test_gallery_check_catches_a_changed_image(tmp_path, monkeypatch):
    from coursepkg.figures import gallery

    two = select(chapter=1)[:2]
    monkeypatch.setattr(gallery, "select", lambda: two)
    written = gallery.write_gallery(tmp_path, jobs=1)
    assert len(written) == 3 and gallery.write_gallery(tmp_path, check=True, jobs=1) == []
    name = two[0].name
    fig = render(name)
    fig.axes[0].plot([0, 1], [0, 1], color="red", linewidth=4)  # an accidental change
    fig.savefig(tmp_path / "gallery" / f"{name}.png", dpi=gallery.GALLERY_DPI)
    (tmp_path / "gallery" / "stray.png").write_bytes(b"")
    problems = gallery.write_gallery(tmp_path, check=True, jobs=1)
    assert len(problems) == 2, problems
    assert problems[0] == f"{tmp_path / 'gallery' / 'stray'}.png belongs to no registered figure"
    assert problems[1].startswith(f"{name}: differs")
