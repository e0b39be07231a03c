"""reludeath.api and the `reludeath` command: the width question, the bounds, a quick
simulation and the ledger; bad input is one line and a non-zero exit."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pytest

from reludeath import bounds_at, estimate, read_claims, width_for
from reludeath.api import InputError
from reludeath.bounds import lower_bound, upper_bound, upper_bound_zero_bias
from reludeath.cli import main

JSON_KEYS = {
    "depth",
    "p",
    "width_bound",
    "width_measured",
    "p_at_width_bound",
    "p_at_width_measured",
    "c",
}


@pytest.mark.parametrize("depth", [1, 7, 256, 10**6, 10**12])
@pytest.mark.parametrize("p", [1e-9, 0.1, 0.5, 0.9, 0.999999])
def test_width_bound_is_the_smallest_width_whose_lower_bound_reaches_p(depth, p):
    answer = width_for(depth, p, results=None)
    n = answer.width_bound
    assert lower_bound(n, depth) >= p
    assert n == 1 or lower_bound(n - 1, depth) < p
    assert answer.width_measured is None and answer.c is None and answer.notes == []
    assert math.isfinite(answer.lower_at_width_bound)


def fake_run(directory, p_alive, c=None, depth=5):
    """A results directory with an iid grid (P(n, k) = p_alive[n] ** (k / depth)) and
    optionally a split table {n: c}."""
    rows = []
    for n, p in p_alive.items():
        for k in range(1, depth + 1):
            value = p ** (k / depth)
            rows.append(("iid", n, k, value, value - 0.01, min(1.0, value + 0.01)))
            rows.append(("rai", n, k, 1.0, 0.99, 1.0))  # another scheme: never read
    grid = pd.DataFrame(
        rows, columns=["scheme", "n", "k", "p_alive", "p_alive_low", "p_alive_high"]
    )
    (directory / "aggregate").mkdir(parents=True)
    grid.to_parquet(directory / "aggregate" / "grid.parquet")
    if c is not None:
        (directory / "fit").mkdir()
        split = pd.DataFrame(
            {
                "n": list(c),
                "c": list(c.values()),
                "c_low": [v * 0.99 for v in c.values()],
                "c_high": [v * 1.01 for v in c.values()],
                "depth": depth,
            }
        )
        split.to_parquet(directory / "fit" / "split_bootstrap.parquet")
    return directory


def test_width_measured_from_the_grid_up_to_the_runs_depth(tmp_path):
    run = fake_run(tmp_path, {2: 0.3, 3: 0.6, 4: 0.8, 5: 0.9})
    answer = width_for(5, 0.75, run)
    assert answer.source == "grid"
    assert answer.width_measured == 4
    assert answer.p_at_width_measured.estimate == pytest.approx(0.8)
    assert answer.p_at_width_measured.low == pytest.approx(0.79)
    assert answer.c is None
    bound = answer.width_bound  # l(n, 5) >= 0.75 needs n = 5
    assert bound == 5 and answer.p_at_width_bound.estimate == pytest.approx(0.9)
    # at depth 3 the grid's P(4, 3) = 0.8 ** 0.6
    assert width_for(3, 0.85, run).p_at_width_measured.estimate == pytest.approx(0.8**0.6)


def test_width_measured_beyond_the_run_uses_the_split_identity(tmp_path):
    c = {2: 1.5, 6: 1.2, 9: 1.05, 12: 1.01}
    run = fake_run(tmp_path, {2: 0.3}, c=c)
    depth, p = 1000, 0.5
    answer = width_for(depth, p, run)
    assert answer.source == "identity"
    expected = min(n for n in c if c[n] * lower_bound(n, depth) >= p)
    assert answer.width_measured == expected
    assert answer.c == c[expected]
    measured = answer.p_at_width_measured
    assert measured.estimate == pytest.approx(c[expected] * lower_bound(expected, depth))
    assert measured.low < measured.estimate < measured.high
    # K = 1e12 and p near 1: logs throughout, no overflow, no measured width reaches p
    far = width_for(10**12, 0.999, run)
    assert far.width_measured is None and far.c is None
    assert any(f"n = {far.width_bound} suffices" in note for note in far.notes)


def test_width_without_a_finished_run_notes_it(tmp_path):
    answer = width_for(10, 0.5, tmp_path)
    assert answer.width_measured is None
    assert answer.notes == [
        f"no finished run in {tmp_path} (no aggregate/grid.parquet): width_measured is null"
    ]


@pytest.mark.parametrize(
    ("depth", "p", "word"),
    [(0, 0.5, "depth"), (2.5, 0.5, "depth"), (True, 0.5, "depth"), (-3, 0.5, "depth")]
    + [(5, p, "p") for p in (0, 1, -0.1, 1.5, math.nan, "x")],
)
def test_width_refuses_bad_input_naming_it(depth, p, word):
    with pytest.raises(InputError, match=rf"^{word} must"):
        width_for(depth, p, results=None)


def test_bounds_at_matches_the_closed_forms():
    values = bounds_at(5, 300)
    assert values["lower"] == pytest.approx(float(lower_bound(5, 300)))
    assert values["upper"] == pytest.approx(float(upper_bound(5, 300)))
    assert values["upper_zero_bias"] == pytest.approx(float(upper_bound_zero_bias(5, 300)))
    assert bounds_at(1, 1)["lower"] == 0.5
    with pytest.raises(InputError, match=r"^n must"):
        bounds_at(0, 3)


def test_estimate_width_one_matches_the_exact_probability():
    # n = 1, zero bias: P(1, k) = (1 - 2^(1-M)) 2^-(k-1) exactly (docs/science.md).
    T, M, k = 2000, 8, 3
    result = estimate(1, k, networks=T, data_points=M, seed=11)
    exact = (1 - 2.0 ** (1 - M)) * 2.0 ** -(k - 1)
    se = math.sqrt(exact * (1 - exact) / T)
    assert abs(result.p_alive.estimate - exact) < 5 * se
    assert result.p_alive.low <= result.p_alive.estimate <= result.p_alive.high
    assert result.p_constant.estimate == pytest.approx(1 - result.p_alive.estimate, abs=1e-15)
    assert 0 <= result.living_fraction.low <= result.living_fraction.high <= 1
    assert result.bounds == bounds_at(1, k)


def test_estimate_depends_on_the_networks_not_on_threads_or_progress():
    calls = []
    one = estimate(3, 6, networks=90, data_points=16, seed=5)
    two = estimate(
        3, 6, networks=90, data_points=16, seed=5, threads=2, progress=lambda d, t: calls.append(d)
    )
    assert one == two
    assert calls[-1] == 90 and calls == sorted(calls)


def test_estimate_refuses_an_unknown_scheme():
    with pytest.raises(InputError, match=r"^scheme must be one of .*iid"):
        estimate(2, 2, scheme="glorot")


def ledger(directory):
    table = pd.DataFrame(
        {
            "claim_id": ["rr.a", "rr.b", "lu.c"],
            "source": ["long §5", "short eq 9", "Lu 2020"],
            "claim": ["claim a", "claim b", "claim c"],
            "measured": ["0 of 10 cells", "z = 1.2", "P = 0.4 [0.3, 0.5]"],
            "verdict": ["holds", "fails", "undecided"],
            "evidence": ["grid", "grid", "grid"],
        }
    )
    table.to_parquet(directory / "claims.parquet")
    return table


def test_read_claims(tmp_path):
    table = ledger(tmp_path)
    pd.testing.assert_frame_equal(read_claims(tmp_path), table)
    with pytest.raises(FileNotFoundError, match="no claims ledger"):
        read_claims(tmp_path / "none")


def test_cli_width_json_has_exactly_the_documented_keys(tmp_path, capsys):
    run = fake_run(tmp_path, {2: 0.3, 3: 0.6, 4: 0.8, 5: 0.9})
    assert main(["width", "--depth", "5", "--p", "0.75", "--results", str(run), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == JSON_KEYS
    assert out["width_measured"] == 4 and out["c"] is None
    assert set(out["p_at_width_measured"]) == {"estimate", "low", "high"}
    assert main(["width", "--depth", "1e12", "--p", "0.5", "--json", "--results", "none"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["depth"] == 10**12 and out["width_bound"] == 41
    assert out["width_measured"] is None and out["p_at_width_measured"] is None
    assert captured.err.count("\n") == 1 and "no finished run" in captured.err


def test_cli_text_commands(tmp_path, capsys):
    ledger(tmp_path)
    assert main(["claims", "--results", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "3 claims: 1 holds, 1 fails, 0 partly, 1 undecided" in out
    assert all(name in out for name in ("rr.a", "rr.b", "lu.c", "Rister & Rubin", "Lu et al."))
    assert main(["bounds", "--n", "4", "--k", "10", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == bounds_at(4, 10)
    assert main(["estimate", "--n", "2", "--k", "3", "--networks", "20", "--data-points", "4"]) == 0
    out = capsys.readouterr().out
    assert "P(alive)" in out and "P(collapsed)" in out and "living fraction" in out
    assert "P(constant)" in out


# Every value-taking option of every subcommand, given a bad value: (argv, option, bad value).
BAD_OPTIONS = [
    (["width", "--depth", "0", "--p", "0.5"], "--depth", "0"),
    (["width", "--depth", "3.5", "--p", "0.5"], "--depth", "3.5"),
    (["width", "--depth", "3", "--p", "1"], "--p", "1"),
    (["width", "--depth", "3", "--p", "nan"], "--p", "nan"),
    (["bounds", "--n", "-1", "--k", "3"], "--n", "-1"),
    (["bounds", "--n", "2", "--k", "two"], "--k", "two"),
    (["estimate", "--n", "65", "--k", "3"], "--n", "65"),
    (["estimate", "--n", "2", "--k", "0"], "--k", "0"),
    (["estimate", "--n", "4", "--k", "8", "--scheme", "xavierish"], "--scheme", "xavierish"),
    (["estimate", "--n", "2", "--k", "3", "--networks", "x"], "--networks", "x"),
    (["estimate", "--n", "2", "--k", "3", "--data-points", "1.5"], "--data-points", "1.5"),
    (["estimate", "--n", "2", "--k", "3", "--seed", "-1"], "--seed", "-1"),
    (["estimate", "--n", "2", "--k", "3", "--threads", "0"], "--threads", "0"),
    (["claims", "--results", "/nonexistent/run"], "claims ledger", "/nonexistent/run"),
    (["frobnicate"], "command", "frobnicate"),
]


@pytest.mark.parametrize(("argv", "option", "value"), BAD_OPTIONS)
def test_cli_bad_input_is_one_line_naming_the_option_and_the_value(argv, option, value, capsys):
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "Traceback" not in err and "usage:" not in err, err
    assert option in err and (repr(value) in err or f"{value}/" in err), err


def test_an_unknown_scheme_names_the_allowed_ones(capsys):
    assert main(["estimate", "--n", "4", "--k", "8", "--scheme", "xavierish"]) == 2
    err = capsys.readouterr().err
    assert "'xavierish'" in err and all(name in err for name in ("iid", "batchnorm", "rai")), err


def test_the_console_module_runs_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "reludeath.cli", "width", "--depth", "10", "--p", "2"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("reludeath width: error: argument --p") and not result.stdout


def test_the_documented_examples():
    import doctest

    import reludeath.api

    assert doctest.testmod(reludeath.api).failed == 0
