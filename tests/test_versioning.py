"""The workflow's package version (reludeath.versioning): read from pyproject.toml, compared
with the installed package's, and the pip command that installs the workflow's own."""

from pathlib import Path

import pytest

import reludeath
from reludeath.versioning import declared_version, install_command, version_problem

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _pyproject(tmp_path: Path, version: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(f'[project]\nname = "reludeath"\nversion = "{version}"\n')
    return path


def test_the_installed_package_is_the_checkout_s_version():
    assert declared_version(PYPROJECT) == reludeath.__version__
    assert version_problem(PYPROJECT) == ""


def test_a_different_version_is_one_message_naming_both_and_the_fix(tmp_path):
    pyproject = _pyproject(tmp_path, "9.8.7")
    message = version_problem(pyproject, installed="0.3.1")
    assert message == (
        "This workflow needs the reludeath package at version 9.8.7 (its pyproject.toml), but "
        f'version 0.3.1 is installed. Install the workflow\'s version: pip install "{tmp_path}"'
    )
    assert version_problem(pyproject, installed="9.8.7") == ""


GITLAB = "https://gitlab.com/api/v4/projects/x%2Freludeath/repository/files/pyproject.toml/raw"


@pytest.mark.parametrize(
    "version, source, command",
    [
        (
            "0.3.1",
            "https://raw.githubusercontent.com/someone/reludeath/v0.3.1/pyproject.toml",
            'pip install "reludeath @ git+https://github.com/someone/reludeath@v0.3.1"',
        ),
        (
            "1.0",
            "https://git.example.org/team/reludeath/raw/v1.0/pyproject.toml",
            'pip install "reludeath @ git+https://git.example.org/team/reludeath@v1.0"',
        ),
        ("1.0", f"{GITLAB}?ref=v1.0", 'pip install "reludeath==1.0"'),
    ],
)
def test_the_command_installs_from_where_the_workflow_came(version, source, command):
    """A github() tree at its tag, one on another host; a URL naming no repository: the
    release of that version."""
    assert install_command(version, source) == command


def test_a_local_tree_is_installed_from_its_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clone").mkdir()
    assert install_command("0.3.1", "clone/pyproject.toml") == (
        f'pip install "{tmp_path / "clone"}"'
    )
