"""The figure registry: every chapter-1 lecture figure is registered, builds, and rebuilds byte for byte."""
import filecmp
from pathlib import Path

import matplotlib as mpl
import pytest

from coursepkg.cli import main
from coursepkg.figures import build, get, render, select
from coursepkg.style import STYLES, new_figure, style_context

CHAPTER_1 = {"perceptron_poll", "activation_gallery", "xor_three_perceptrons", "universal_approximation",
             "linear_vs_two_layer", "learned_features"}


@pytest.mark.ch1
def test_every_chapter_1_figure_of_the_syllabus_is_registered():
    assert {s.name for s in select(chapter=1)} == CHAPTER_1
    assert all(s.caption and s.command.startswith("coursepkg figures build --name") for s in select())


@pytest.mark.slow
def test_two_builds_give_byte_identical_files(tmp_path):
    # Two full builds, each spread over two fresh worker processes (nothing cached in this
    # process can hide a difference, and a figure may land on either worker in either build).
    a = build(tmp_path / "a", style="slides", jobs=2)
    b = build(tmp_path / "b", style="slides", jobs=2)
    assert len(a) == len(b) == 3 * len(select())
    for fa, fb in zip(a, b):
        assert fa.name == fb.name and fa.stat().st_size > 1000
        assert filecmp.cmp(fa, fb, shallow=False), f"{fa.name} differs between two builds"


def test_parallel_build_writes_what_the_serial_build_writes(tmp_path):
    few = "[lx]*"  # learned_features, linear_vs_two_layer, xor_three_perceptrons
    serial = build(tmp_path / "serial", chapter=1, pattern=few, formats=("svg", "png"), style="book")
    parallel = build(tmp_path / "parallel", chapter=1, pattern=few, formats=("svg", "png"), style="book", jobs=2)
    assert len(serial) == 6
    assert [p.name for p in serial] == [p.name for p in parallel]
    assert all(filecmp.cmp(s, p, shallow=False) for s, p in zip(serial, parallel))
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
def test_gallery_page_and_images_match_the_registry():
    """Image regression: every figure, rendered now, matches its stored gallery PNG within tolerance.

    After changing a figure on purpose, refresh the baselines with `coursepkg figures gallery`.
    """
    from coursepkg.figures.gallery import write_gallery

    problems = write_gallery(Path(__file__).resolve().parents[1] / "book", check=True)
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
