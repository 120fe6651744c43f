"""The Colab setup cell, check-env, and installing the package from a git URL."""
import re
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from coursepkg import environment
from coursepkg.cli import main
from coursepkg.colab import read_repository, setup_cell_source, sync_setup_cells

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*/*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))


def _run_cell(source, monkeypatch, in_colab):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: calls.append((cmd, check)))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "setup-cell", "exec"), {})
    return calls


def test_setup_cell_installs_from_the_configured_repository_in_colab(monkeypatch):
    url, branch = read_repository(ROOT / "_config.yml")
    calls = _run_cell(setup_cell_source(url, branch), monkeypatch, in_colab=True)
    assert len(calls) == 1
    cmd, check = calls[0]
    assert cmd[:5] == [sys.executable, "-m", "pip", "install", "--quiet"] and check is True
    requirement = Requirement(cmd[5])
    assert requirement.name == "coursepkg" and requirement.url == f"git+{url}@{branch}"


def test_setup_cell_does_nothing_outside_colab(monkeypatch):
    assert _run_cell(setup_cell_source("https://example.org/r", "main"), monkeypatch, in_colab=False) == []


def test_every_notebook_has_the_current_setup_cell_first():
    assert NOTEBOOKS
    assert sync_setup_cells(NOTEBOOKS, config=ROOT / "_config.yml", check=True) == []
    import nbformat

    for path in NOTEBOOKS:
        first_code = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert "colab-setup" in first_code.metadata.get("tags", []), path


def test_sync_rewrites_a_stale_cell(tmp_path):
    import nbformat

    config = tmp_path / "_config.yml"
    config.write_text("repository:\n  url: https://example.org/new-home\n  branch: dev\n")
    nb_path = tmp_path / "nb.ipynb"
    shutil.copy(NOTEBOOKS[0], nb_path)
    assert sync_setup_cells([nb_path], config=config) == [nb_path]
    cells = [c for c in nbformat.read(nb_path, as_version=4).cells if "colab-setup" in c.metadata.get("tags", [])]
    assert len(cells) == 1 and "git+https://example.org/new-home@dev" in cells[0].source
    config.write_text("repository:\n  url: not-a-url\n")
    with pytest.raises(ValueError, match="https://"):
        read_repository(config)


def test_tested_versions_match_requirements_and_minimums_match_pyproject():
    pins = dict(re.findall(r"^([A-Za-z0-9_-]+)==([^\s#]+)", (ROOT / "requirements.txt").read_text(), re.M))
    for name, version in environment.TESTED.items():
        assert pins[name] == version, name
    pyproject = (ROOT / "pyproject.toml").read_text()
    for name, minimum in environment.MINIMUM.items():
        assert f'"{name}>={minimum}"' in pyproject, name
    # Every dependency of the package that requirements.txt pins is reported by check-env.
    dependencies = set(re.findall(r'^\s*"([A-Za-z0-9_-]+)>=', pyproject, re.M)) - {"packaging"}
    assert dependencies <= set(environment.TESTED) and set(environment.TESTED) <= set(pins)


def test_check_env_flags_drift(monkeypatch, capsys):
    fake = {"numpy": "1.20.0", "torch": "2.6.0"}
    real = environment.metadata.version

    def version(name):
        if name == "tqdm":
            raise environment.metadata.PackageNotFoundError(name)
        return fake.get(name) or real(name)

    monkeypatch.setattr(environment.metadata, "version", version)
    status = {row[0]: row[3] for row in environment.environment_report()}
    assert status["numpy"] == "too old" and status["torch"] == "untested" and status["tqdm"] == "missing"
    assert status["matplotlib"] == "ok"
    assert main(["check-env"]) == 1
    out = capsys.readouterr().out
    assert "ERROR: numpy 1.20.0 is older than the minimum 1.24" in out
    assert "WARNING: torch 2.6.0 differs from the tested 2.13.0" in out
    assert "ERROR: tqdm is not installed" in out


@pytest.mark.slow
def test_package_installs_from_a_git_url(tmp_path):
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout")
    url = f"coursepkg @ git+file://{ROOT}"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), url], check=True, capture_output=True)
    wheel = next(tmp_path.glob("coursepkg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "coursepkg/figures/ch01.py" in names and "coursepkg/exercises/ch01.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "coursepkg = coursepkg.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
