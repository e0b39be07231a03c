"""Parsing the workflow imports neither numba nor llvmlite: every `snakemake` launch (each
dry run, each cluster job) parses it, and the sampler and the kernel compile nothing then."""

from __future__ import annotations

import os
import subprocess

import pytest
from workflow_helpers import SNAKEMAKE, TINY, make_project

pytestmark = pytest.mark.slow

# Written at the parse's exit by a sitecustomize on PYTHONPATH: the top-level packages loaded.
RECORDER = """
import atexit, os, sys

def _record():
    with open(os.environ["RELUDEATH_MODULES_OUT"], "w") as out:
        out.write("\\n".join(sorted({name.split(".")[0] for name in sys.modules})))

atexit.register(_record)
"""


@pytest.mark.parametrize("config", [None, TINY], ids=["default", "tiny"])
def test_parsing_imports_neither_numba_nor_llvmlite(tmp_path, config):
    project = make_project(tmp_path / "project", config)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(RECORDER)
    record = tmp_path / "modules.txt"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")])),
        "RELUDEATH_MODULES_OUT": str(record),
    }
    result = subprocess.run(
        [*SNAKEMAKE, "--dry-run", "--cores", "1"],
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = set(record.read_text().split())
    assert "reludeath" in loaded and "snakemake" in loaded  # the hook saw the parse
    assert not loaded & {"numba", "llvmlite"}, sorted(loaded & {"numba", "llvmlite"})
