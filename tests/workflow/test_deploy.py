"""The workflow deployed the standard Snakemake way (README, "Deploy with snakedeploy"): the
package version it checks while parsing, and `snakemake --lint` clean but for the software
stack, which is pip, not conda (docs/deploy.md)."""

from __future__ import annotations

import re

import pytest
from workflow_helpers import ROOT, TINY, make_project, snakemake

import reludeath

pytestmark = pytest.mark.slow


def test_a_different_installed_version_stops_the_run(tmp_path):
    """The workflow's pyproject.toml declares a version other than the installed one: the
    run stops while parsing, before the rule files (the config's misspelt key is not reached)
    and any job, with one message naming both and the fix."""
    directory = make_project(tmp_path, dict(TINY, data_pionts=32))
    pyproject = directory / "pyproject.toml"
    text, count = re.subn(r'(?m)^version = ".*"$', 'version = "0.0.1"', pyproject.read_text())
    assert count == 1
    pyproject.write_text(text)
    result = snakemake(directory, check=False)
    assert result.returncode != 0
    message = (
        "This workflow needs the reludeath package at version 0.0.1 (its pyproject.toml), but "
        f"version {reludeath.__version__} is installed. Install the workflow's version: "
        f'pip install "{directory}"'
    )
    output = result.stdout + result.stderr
    assert message in output
    assert "data_pionts" not in output and not (directory / "results").exists()


def test_the_checkout_s_version_is_the_installed_one():
    assert f'version = "{reludeath.__version__}"' in (ROOT / "pyproject.toml").read_text()


# Snakemake's lint for a rule with neither `conda:` nor `container:`. The workflow has neither
# on purpose: its software is the pip-installed package (docs/deploy.md).
SOFTWARE_LINT = "Specify a conda environment or container for each rule."


def test_snakemake_lint_finds_nothing_but_the_software_stack(tmp_path):
    directory = make_project(tmp_path)
    result = snakemake(directory, "--lint", check=False)
    output = result.stdout + result.stderr
    rules = snakemake(directory, "--list-rules").stdout.split()
    linted = re.findall(r"^Lints for rule (\w+) ", output, re.M)
    lints = re.findall(r"^    \* (.*):$", output, re.M)
    assert "Lints for snakefile" not in output, output
    assert set(lints) == {SOFTWARE_LINT} and len(lints) == len(linted), output
    assert sorted(linted) == sorted(rule for rule in rules if rule != "all")
