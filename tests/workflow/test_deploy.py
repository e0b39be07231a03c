"""The workflow deployed the standard Snakemake way (README, "Deploy with snakedeploy"): the
README's commands on a local clone tagged for the purpose, the package version the workflow
checks while parsing, and `snakemake --lint` clean but for the software stack, which is pip,
not conda (docs/deploy.md)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from workflow_helpers import ROOT, SNAKEMAKE, TINY, make_project, snakemake

import reludeath

pytestmark = pytest.mark.slow

TAG = f"v{reludeath.__version__}"
REPOSITORY = "https://github.com/<owner>/reludeath"
# The deployed run: TINY with one scheme and fewer networks (TINY has deep off, variants off).
CONFIG = {**TINY, "schemes": ["iid"], "networks": 200, "shard_networks": 200}


def readme_commands() -> list[str]:
    """The shell lines of the README's "Deploy with snakedeploy" block."""
    section = (ROOT / "README.md").read_text().split("## Deploy with snakedeploy", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def git(directory: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args]
    return subprocess.run(command, cwd=directory, check=True, capture_output=True, text=True).stdout


def tagged_clone(directory: Path) -> Path:
    """A repository holding this working tree's files (tracked and new, not ignored),
    committed, tagged TAG, and checked out at the tag: snakedeploy's local provider copies
    the clone's working tree whatever --tag says."""
    files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, files.split("\0")):
        if (ROOT / name).is_file():
            (directory / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, directory / name)
    git(directory, "init", "-q")
    git(directory, "add", "-A")
    git(directory, "commit", "-q", "-m", "the working tree")
    git(directory, "tag", TAG)
    git(directory, "checkout", "-q", TAG)
    return directory


def job_count(output: str) -> int:
    return int(re.search(r"^total\s+(\d+)$", output, re.M).group(1))


def test_readme_deploys_plans_and_runs(tmp_path):
    commands = readme_commands()
    assert commands[0].startswith("pip install ") and f"@{TAG}" in commands[0]
    clone = tagged_clone(tmp_path / "reludeath")
    before = git(clone, "status", "--porcelain", "--ignored")
    cwd, planned, seconds = tmp_path, [], None
    for line in commands[1:]:
        words = shlex.split(line.replace(REPOSITORY, str(clone)))
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        if words[0] == "snakedeploy":
            assert words[words.index("--tag") + 1] == TAG
            command = [str(Path(sys.executable).parent / "snakedeploy"), *words[1:]]
        else:
            assert words[0] == "snakemake"
            command = [*SNAKEMAKE, *words[1:]]
            if "--dry-run" not in words and seconds is None:  # the run: a tiny config
                (cwd / "config" / "config.yaml").write_text(yaml.safe_dump(CONFIG))
                seconds = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        if words[0] == "snakedeploy":
            # The local provider names the module's Snakefile relative to the clone; make it
            # absolute, as github() would name it.
            snakefile = cwd / words[3] / "workflow" / "Snakefile"  # deploy-workflow REPO DEST
            text = snakefile.read_text()
            assert '"workflow/Snakefile"' in text
            snakefile.write_text(
                text.replace('"workflow/Snakefile"', f'"{clone}/workflow/Snakefile"')
            )
        elif "--dry-run" in words:
            planned.append(job_count(result.stdout))
        elif "--report" not in words:
            seconds = time.perf_counter() - seconds
    deployed = tmp_path / "my-study"
    print(f"deployed dry runs: {planned} jobs; tiny deployed run: {seconds:.1f} s")
    # The default config and the practice config plan the whole study, the practice one more.
    assert planned[0] > 100 and planned[1] > planned[0]
    results = deployed / "results"
    for name in ("claims.md", "claims.html", "summary.md", "summary.html", "report.html"):
        assert (results / name).is_file(), name
    assert "rr.bounds_hold" in (results / "claims.html").read_text()
    # Nothing written into the clone: no results, no .snakemake, no file changed.
    assert git(clone, "status", "--porcelain", "--ignored") == before == ""
    assert not (clone / "results").exists() and not (clone / ".snakemake").exists()


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
