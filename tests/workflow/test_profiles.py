"""profiles/slurm covers every rule of the workflow: each rule is local (`localrule: True`),
has runtime, mem_mb and cpus_per_task under the profile's set-resources, or declares runtime,
mem_mb and threads itself; deep_simulate's memory stays a function of its bundle."""

from __future__ import annotations

import json

import pytest
import yaml
from workflow_helpers import ROOT, make_project, snakemake

from reludeath.dynamics.registry import EXPERIMENTS

# One worker parses the workflow for the module (pytest-xdist: one xdist_group).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("profiles")]

PROFILE = yaml.safe_load((ROOT / "profiles" / "slurm" / "config.yaml").read_text())
IN_PROFILE = {"runtime", "mem_mb", "cpus_per_task"}
IN_RULE = {"runtime", "mem_mb"}  # and threads (Snakemake's default is 1)

# A Snakefile that parses the workflow and writes what Snakemake made of each rule: whether
# it is local (declared so, or with nothing to run, as `all`), its declared resources (a
# function shows as "function") and its threads.
PROBE = """\
include: "workflow/Snakefile"


import json


def _plain(value):
    if hasattr(value, "is_evaluable"):  # snakemake.resources.Resource
        return "function" if value.is_evaluable() else value.value
    return "function" if callable(value) else value


with open("rules.json", "w") as out:
    json.dump(
        {
            each.name: {
                "local": each.name in workflow._localrules or each.norun,
                "resources": {
                    name: _plain(value)
                    for name, value in each.resources.items()
                    if not name.startswith("_") and name != "tmpdir"
                },
                "threads": _plain(each.resources["_cores"]),
            }
            for each in workflow.rules
        },
        out,
    )
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> dict[str, dict]:
    """Every rule of the workflow with config/practice.yaml, which switches every family on
    (the grid, the practice schemes and a plug-in, variants, dynamics, the deep family)."""
    directory = make_project(tmp_path_factory.mktemp("profiles"))
    (directory / "probe.smk").write_text(PROBE)
    listed = snakemake(
        directory,
        "--snakefile",
        "probe.smk",
        "--configfile",
        "config/practice.yaml",
        "--list-rules",
    ).stdout.split()
    found = json.loads((directory / "rules.json").read_text())
    assert sorted(found) == sorted(listed)
    return found


def where_resources_come_from(rule: str, info: dict) -> str:
    """'local', 'profile', 'rule', or what is missing."""
    if info["local"]:
        return "local"
    if set(PROFILE["set-resources"].get(rule, {})) >= IN_PROFILE:
        return "profile"
    if set(info["resources"]) >= IN_RULE:
        return "rule"
    return f"missing: {sorted(IN_PROFILE - set(PROFILE['set-resources'].get(rule, {})))}"


def test_every_rule_is_local_or_has_its_resources(rules):
    sources = {rule: where_resources_come_from(rule, info) for rule, info in rules.items()}
    print(json.dumps(sources, indent=1, sort_keys=True))  # the table quoted in docs/cluster.md
    assert {source for rule, source in sources.items() if rule != "all"} <= {
        "local",
        "profile",
        "rule",
    }, sources
    assert sources["all"] == "local"
    assert len(rules) >= 36  # every family is on


def test_the_profile_names_only_rules_that_are_submitted(rules):
    named = set(PROFILE["set-resources"])
    assert named <= set(rules), sorted(named - set(rules))
    assert not {rule for rule in named if rules[rule]["local"]}


def test_the_profile_asks_for_each_rule_s_threads(rules):
    for rule in PROFILE["set-resources"]:
        assert PROFILE["set-resources"][rule]["cpus_per_task"] == rules[rule]["threads"], rule
    assert {name: rules[name]["threads"] for name in EXPERIMENTS} == {
        name: experiment.threads for name, experiment in EXPERIMENTS.items()
    }


def test_deep_simulate_memory_is_a_function_of_its_bundle(rules):
    deep = rules["deep_simulate"]
    assert not deep["local"] and "deep_simulate" not in PROFILE["set-resources"]
    assert deep["resources"]["mem_mb"] == "function"
    assert isinstance(deep["resources"]["runtime"], int) and deep["threads"] == 1
