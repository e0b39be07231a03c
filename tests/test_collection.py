"""Test modules import shared helpers by unique names, never from `conftest`: tests/ and
tests/workflow/ each have a conftest.py, so `conftest` means whichever pytest loaded last."""

import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_test_module_imports_from_conftest():
    offenders = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if re.search(r"^\s*(from conftest import|import conftest)\b", path.read_text(), re.M)
    ]
    assert offenders == []


def test_unit_and_workflow_tests_collect_together():
    pair = ["tests/test_deep.py", "tests/workflow/test_module.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *pair, "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(name in result.stdout for name in pair), result.stdout
