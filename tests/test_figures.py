"""The figure registry: every lecture figure is registered, builds, rebuilds byte for byte, and
matches its stored gallery image under a second floating-point configuration.

Two builds are shared by the module: every figure as slides in every format (fresh worker
processes, this machine's default configuration), and every figure as the gallery draws it
(worker processes under the second configuration, see the root conftest.py). The first is
compared byte for byte with a second build of a sample (one figure per chapter, every format);
the second is the image regression against the PNGs stored in book/gallery/, which were made
under the default configuration: a figure that moves with last-bit rounding fails there.
"""
import filecmp
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


@pytest.fixture(scope="module")
def slides_build(tmp_path_factory, float_config):
    """Every figure, slide style, every format, over two fresh worker processes (default configuration)."""
    with float_config.default():
        return build(tmp_path_factory.mktemp("slides"), style="slides", jobs=2)


@pytest.fixture(scope="module")
def gallery_rendered(tmp_path_factory, float_config):
    """Every figure as the gallery renders it, over two worker processes under the second configuration."""
    out = tmp_path_factory.mktemp("gallery")
    with float_config.second():
        write_figures([s.name for s in select()], out, formats=("png",), style="book", dpi=GALLERY_DPI, jobs=2)
    return out


def _sample():
    """One figure per chapter: the first by name."""
    first = {}
    for spec in select():
        first.setdefault(spec.chapter, spec.name)
    return list(first.values())


@pytest.mark.ch1
def test_every_chapter_1_figure_of_the_syllabus_is_registered():
    assert {s.name for s in select(chapter=1)} == CHAPTER_1
    assert all(s.caption and s.command.startswith("coursepkg figures build --name") for s in select())


@pytest.mark.slow
def test_every_figure_builds_and_a_rebuilt_sample_is_byte_identical(slides_build, tmp_path):
    # The first build ran in fresh worker processes, the sample runs here, serially: a figure that
    # depends on the process it lands in (cached state, worker order) differs between the two.
    assert len(slides_build) == len(FORMATS) * len(select())
    assert all(path.stat().st_size > 1000 for path in slides_build)
    sample = _sample()
    assert len(sample) == len({s.chapter for s in select()}) == 7
    again = write_figures(sample, tmp_path, style="slides", jobs=1)
    first = {path.name: path for path in slides_build}
    assert len(again) == len(FORMATS) * len(sample)
    for path in again:
        assert filecmp.cmp(path, first[path.name], shallow=False), f"{path.name} differs between two builds"


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
def test_gallery_page_and_images_match_the_registry(gallery_rendered):
    """Image regression: every figure, rendered now under the second floating-point configuration,
    matches its stored gallery PNG (made under the default one) within tolerance.

    After changing a figure on purpose, refresh the baselines with `coursepkg figures gallery`.
    """
    from coursepkg.figures.gallery import write_gallery

    problems = write_gallery(ROOT / "book", check=True, rendered=gallery_rendered)
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
