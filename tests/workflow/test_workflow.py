"""End to end on a tiny configuration: the numbers, not just the files, are checked
against the oracles of docs/science.md section 7 (5-sigma Wilson intervals). A misspelt key
is refused before any job by tests/workflow/test_reliability.py (its schema case)."""

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_helpers import TINY, make_project, snakemake

from reludeath import lower_bound, path_width
from reludeath.io import read_metadata
from reludeath.stats import wilson_interval

pytestmark = pytest.mark.slow
SIGMAS = 5.0


def test_every_output_exists(tiny_run):
    for name in (
        "results/aggregate/grid.parquet",
        "results/aggregate/path.parquet",
        "results/variance/normalized_variance.parquet",
        "results/variance/assumption.json",
        "results/fit/convergence.json",
        "results/summary.md",
        "results/figures/figure1_top.png",
        "results/figures/rai_vs_iid.png",
        "results/figures/convergence_path.png",
        "results/fit/split_bootstrap.parquet",
        "results/claims.parquet",
        "results/claims.md",
        "results/claims.html",
        "results/summary.html",
    ):
        assert (tiny_run / name).stat().st_size > 0, name


def test_the_report_pages_hold_every_claim(tiny_run):
    claims = pd.read_parquet(tiny_run / "results/claims.parquet")
    page = (tiny_run / "results/claims.html").read_text()
    assert all(f"<code>{claim_id}</code>" in page for claim_id in claims["claim_id"])
    summary = (tiny_run / "results/summary.html").read_text()
    assert "<h1>reludeath: summary</h1>" in summary and "<table>" in summary


def test_grid_matches_oracles(tiny_run):
    grid = pd.read_parquet(tiny_run / "results/aggregate/grid.parquet")
    T, M = TINY["networks"], TINY["data_points"]
    assert len(grid) == len(TINY["schemes"]) * len(TINY["widths"]) * TINY["depth"]
    iid = grid[grid.scheme == "iid"]
    # Oracle 8: no 5-sigma interval excludes l or u0.
    low, high = wilson_interval(iid.alive_networks, iid.networks, z=SIGMAS)
    assert np.all(high >= iid.lower_bound) and np.all(low <= iid.upper_bound)
    # Oracle 2: the unconditional living fraction is l (binomial SE bounds its spread).
    se = np.sqrt(iid.lower_bound * (1 - iid.lower_bound) / T)
    assert np.all(np.abs(iid.living_fraction - iid.lower_bound) <= SIGMAS * se + 1e-12)
    # Oracle 3: width one.
    one = iid[iid.n == 1]
    expected = (1 - 2.0**-M) * 2.0 ** -(one.k - 1)
    low, high = wilson_interval(one.alive_networks, T, z=SIGMAS)
    assert np.all((low <= expected) & (expected <= high))
    # Oracle 6 and 7.
    flip = grid[grid.scheme == "signflip"]
    assert np.all(flip.p_alive == 1.0)
    assert np.all(flip.living_fraction >= np.ceil(M / 2.0**flip.k) / M)
    assert np.all(grid[grid.scheme == "batchnorm"].p_nonzero == 1.0)


def test_path_uses_path_widths(tiny_run):
    path = pd.read_parquet(tiny_run / "results/aggregate/path.parquet")
    assert np.array_equal(path.n, path_width(path.k, path.p))
    assert np.allclose(path.lower_bound, lower_bound(path.n, path.k))
    assert np.allclose(path.ratio, path.p_alive / path.lower_bound)


def test_fits_and_verdict(tiny_run):
    fit = json.loads((tiny_run / "results/fit/convergence.json").read_text())
    assert {"hazard_model", "split", "identity_check", "legacy_model"} <= set(fit)
    assert {"chi2", "dof", "p_value"} <= set(fit["hazard_model"]["goodness_of_fit"])
    assert {"C", "beta", "chi2", "dof", "why_it_fails"} <= set(fit["legacy_model"])
    widths = {str(n) for n in TINY["widths"]}
    assert widths <= set(fit["split"]["S"]) and widths <= set(fit["split"]["c"])
    for scheme in ("iid", "iid_bias"):  # O1: no network dies at a split layer
        assert fit["identity_check"][scheme]["deaths_at_split"] == 0
    assumption = json.loads((tiny_run / "results/variance/assumption.json").read_text())
    assert assumption["structural_bound"]["violations"] == 0
    assert "Sigma(n) = o(2^n)" in assumption["verdict"]["summary"]
    summary = (tiny_run / "results/summary.md").read_text()
    assert "; 0 at 5 sigma" in summary
    assert "S(n) = o(2^n)" in summary and "Legacy model" in summary


def test_split_columns_and_claims(tiny_run):
    grid = pd.read_parquet(tiny_run / "results/aggregate/grid.parquet")
    identity = grid.scheme.isin(["iid", "iid_bias"])
    assert (grid.deaths_at_split[identity] == 0).all()
    at_risk = grid.deaths + grid.alive_networks > 0  # sigma is defined while networks live
    assert grid.ratio_identity[identity & at_risk].notna().all()
    assert grid.ratio_identity[~identity].isna().all()
    claims = pd.read_parquet(tiny_run / "results/claims.parquet")
    assert {"rr.bounds_hold", "rr.proof_step", "lu.rai_less_collapse"} <= set(claims.claim_id)
    assert claims.claim_id.is_unique
    assert "# Claims ledger" in (tiny_run / "results/claims.md").read_text()


def test_scheme_options_label_the_shards(tmp_path):
    directory = make_project(tmp_path, dict(TINY, schemes=["iid", {"iid_bias": {"bias_std": 0.5}}]))
    result = snakemake(directory, "--dry-run")
    assert "results/shards/iid_bias-bias_std0.5/n3/k12/rep0.parquet" in result.stdout


def test_shard_provenance(tiny_run):
    meta = read_metadata(tiny_run / "results/shards/iid/n3/k12/rep1.parquet")
    assert meta["spec"]["seed"] == TINY["seed"]
    assert meta["spec"]["first_network"] == 200 and meta["spec"]["networks"] == 200
    assert "version" in meta


def test_no_shard_simulated_twice(tiny_run):
    shards = sorted((tiny_run / "results/shards").glob("*/n*/k*/rep*.parquet"))
    cells = [(p.parts[-4], p.parts[-3]) for p in shards]
    assert len(cells) == 2 * len(set(cells))  # two replicates each, one depth per (scheme, n)


def test_default_config_dry_runs(tmp_path):
    """The default config plans one shard per scheme, width and replicate, and one per iid
    replicate at each path width the grid lacks."""
    directory = make_project(tmp_path)
    config = yaml.safe_load((directory / "config/config.yaml").read_text())
    replicates = -(-config["networks"] // config["shard_networks"])
    layers = np.arange(1, config["path"].get("depth", config["depth"]) + 1)
    path_widths = {int(n) for p in config["path"]["p"] for n in path_width(layers, p)}
    wanted = replicates * (
        len(config["schemes"]) * len(config["widths"]) + len(path_widths - set(config["widths"]))
    )
    result = snakemake(directory, "--dry-run", "--quiet", "rules")
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.MULTILINE))
    assert int(counts["simulate_shard"]) == wanted, result.stdout
    assert int(counts["total"]) > wanted
