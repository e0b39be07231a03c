"""Every command in README.md stays true: each `snakemake` line of its shell blocks dry-runs in a
fresh copy of the workflow (`--dry-run` appended), each `make` line runs as `make -n`, each
`reludeath` command runs for real (`claims` against the suite's tiny run) and prints the shape
the README shows, and each Python block runs against the tiny run."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from workflow_helpers import ROOT, make_project

# One worker builds the module's fresh copy (pytest-xdist: one xdist_group).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("readme")]

README = (ROOT / "README.md").read_text()
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
BLOCKS = [(kind, body) for kind, body in BLOCK.findall(README)]
RELUDEATH = [sys.executable, "-m", "reludeath.cli"]


def _shell_commands() -> list[str]:
    """The commands of the README's bash blocks, comments dropped, `a && b` split. The block
    "Deploy with snakedeploy" runs in a deployed directory: tests/workflow/test_deploy.py runs
    it there."""
    out = []
    for kind, body in BLOCKS:
        if kind != "bash" or "snakedeploy deploy-workflow" in body:
            continue
        for line in body.splitlines():
            line = line.split("  #")[0].split(" # ")[0].strip()
            if line and not line.startswith("#"):
                out += [part.strip() for part in line.split("&&")]
    return out


SHELL = _shell_commands()
SNAKEMAKE_LINES = [c for c in SHELL if shlex.split(c)[0].endswith("snakemake")]
MAKE_LINES = [c for c in SHELL if shlex.split(c)[0] == "make"]


def test_the_readme_opens_with_the_two_commands():
    kind, body = BLOCKS[0]
    assert kind == "bash" and README.index(body) < README.index("\n## ")
    assert [line.split("#")[0].strip() for line in body.strip().splitlines()] == [
        "make run",
        "make test",
    ]


def test_every_shell_line_is_a_command_this_test_runs():
    assert set(SHELL) == set(SNAKEMAKE_LINES) | set(MAKE_LINES), SHELL
    assert len(SNAKEMAKE_LINES) >= 5


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory) -> Path:
    """A fresh copy of the workflow with the default configuration, as a user clones it."""
    directory = make_project(tmp_path_factory.mktemp("readme"))
    for name in ("Makefile", "pyproject.toml", "README.md", "src", "docs"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, directory / name)
    return directory


def _dry_run(directory: Path, command: str) -> subprocess.CompletedProcess:
    """A README `snakemake` line, run in `directory` with `--dry-run` appended; it must pass."""
    argv = shlex.split(command)
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", *argv[1:], "--dry-run"],
        cwd=directory,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.mark.parametrize("command", SNAKEMAKE_LINES)
def test_each_snakemake_line_of_the_readme_dry_runs(fresh_copy, command):
    argv = shlex.split(command)
    result = _dry_run(fresh_copy, command)
    if "--unlock" not in argv:
        total = re.search(r"^total\s+(\d+)$", result.stdout, re.MULTILINE)
        assert total and int(total.group(1)) > 50, result.stdout[-2000:]


def test_the_readme_example_that_adds_a_width_plans_it(fresh_copy):
    command = next(c for c in SNAKEMAKE_LINES if "widths=" in c and "networks=2048" in c)
    result = _dry_run(fresh_copy, command)
    shards = re.search(r"^simulate_shard\s+(\d+)$", result.stdout, re.MULTILINE)
    # 5 schemes x 16 widths x 2 replicates of 1024 networks
    assert shards and int(shards.group(1)) == 5 * 16 * 2, result.stdout[-2000:]


@pytest.mark.parametrize("command", MAKE_LINES)
def test_each_make_line_of_the_readme_plans(fresh_copy, command):
    argv = shlex.split(command)
    result = subprocess.run(
        ["make", "-n", *argv[1:]], cwd=fresh_copy, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "snakemake" in result.stdout or "pytest" in result.stdout, result.stdout


def _console_sessions() -> list[tuple[list[str], list[str]]]:
    """(argv, the output lines the README shows) of each `$ reludeath ...` line."""
    out = []
    for kind, body in BLOCKS:
        if kind != "console":
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                command = line[2:].split("  #")[0].strip()
                out.append((shlex.split(command), []))
            elif out:
                out[-1][1].append(line)
    return out


CONSOLE = _console_sessions()
# What each subcommand prints when the README shows no output: the first words of its lines.
SHAPES = {
    "bounds": [r"n = \d+, k = \d+", r"l  = ", r"u  = ", r"u0 = "],
    "estimate": [r"\w+, n = \d+, k = \d+: \d+ networks", r"P\(alive\)\s+= ", r"P\(collapsed\)"],
    "claims": [r"\d+ claims: \d+ holds"],
}


def test_the_readme_shows_every_subcommand():
    assert {argv[1] for argv, _ in CONSOLE} == {"width", "bounds", "estimate", "claims"}
    assert all(argv[0] == "reludeath" for argv, _ in CONSOLE)


@pytest.mark.parametrize(("argv", "shown"), CONSOLE, ids=[" ".join(a) for a, _ in CONSOLE])
def test_each_reludeath_command_of_the_readme_runs_and_prints_what_it_shows(
    tiny_run, tmp_path, argv, shown
):
    # `width` as before any run (an empty directory); `claims` on the suite's tiny run
    cwd = tiny_run if argv[1] == "claims" else tmp_path
    result = subprocess.run([*RELUDEATH, *argv[1:]], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    printed = (result.stderr + result.stdout).splitlines()
    for line in shown:
        if "..." in line:  # a JSON object shown in part: the keys and values it shows
            value = json.loads(result.stdout)
            for key, item in re.findall(r'"(\w+)": ([^,{}]+)', line):
                assert json.dumps(value[key]) == item.strip(), (key, value[key])
        else:
            assert line in printed, (line, printed)
    if not shown:
        lines = result.stdout.splitlines()
        for pattern, line in zip(SHAPES[argv[1]], lines, strict=False):
            assert re.match(pattern, line), (pattern, line)
        assert len(lines) >= len(SHAPES[argv[1]])


PYTHON_BLOCKS = [body for kind, body in BLOCKS if kind == "python"]


@pytest.mark.parametrize(
    "code", PYTHON_BLOCKS, ids=[f"block{i}" for i in range(len(PYTHON_BLOCKS))]
)
def test_each_python_block_of_the_readme_runs_on_a_finished_run(tiny_run, code):
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tiny_run, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
