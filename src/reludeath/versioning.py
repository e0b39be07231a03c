"""The package version a workflow needs, and the check that the installed one is it.

The version is declared once, in pyproject.toml's ``project.version``: the installed package
reports it (``reludeath.__version__``, from the package metadata) and the workflow reads it
from the pyproject.toml of its own source tree (a clone, or a ``github()`` module at a tag).
The Snakefile calls `version_problem` while it is parsed, before any rule imports the package,
and stops the run with its message.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from reludeath import __version__

__all__ = ["declared_version", "install_command", "version_problem"]

# A pyproject.toml fetched from a hosting provider, as Snakemake's source cache names it
# (github(): raw.githubusercontent.com/<owner>/<repo>/<ref>/...; a GitHub Enterprise host:
# <host>/<owner>/<repo>/raw/<ref>/...): the repository and the tag or commit.
_RAW = (
    re.compile(
        r"https://(?:[^@/]+@)?raw\.githubusercontent\.com/(?P<repo>[^/]+/[^/]+)/(?P<ref>[^/]+)/"
    ),
    re.compile(r"https://(?:[^@/]+@)?(?P<host>[^/]+)/(?P<repo>[^/]+/[^/]+)/raw/(?P<ref>[^/]+)/"),
)


def declared_version(pyproject: str | Path) -> str:
    """``project.version`` of the pyproject.toml file `pyproject`."""
    return tomllib.loads(Path(pyproject).read_text())["project"]["version"]


def install_command(version: str, source: str) -> str:
    """The pip command that installs the package from the tree whose pyproject.toml is
    `source` (a local path, or the URL a ``github()`` module reads it from); any other URL
    gets the release ``reludeath==<version>``."""
    for pattern in _RAW:
        if match := pattern.match(source):
            host = match.groupdict().get("host") or "github.com"
            return f'pip install "reludeath @ git+https://{host}/{match["repo"]}@{match["ref"]}"'
    if "://" in source:
        return f'pip install "reludeath=={version}"'
    return f'pip install "{Path(source).resolve().parent}"'


def version_problem(pyproject: str | Path, source: str = "", installed: str = "") -> str:
    """'' when the installed package (`installed`, by default ``reludeath.__version__``) is
    the version the workflow's pyproject.toml declares; else one message naming both
    versions and the pip command that installs the workflow's (`source`: where the file was
    read from, by default `pyproject` itself)."""
    needed = declared_version(pyproject)
    installed = installed or __version__
    if installed == needed:
        return ""
    command = install_command(needed, source or str(pyproject))
    return (
        f"This workflow needs the reludeath package at version {needed} (its pyproject.toml), "
        f"but version {installed} is installed. Install the workflow's version: {command}"
    )
