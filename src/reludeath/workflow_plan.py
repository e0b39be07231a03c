"""The whole workflow's plan from a configuration, in one importable function.

`checked_config` is the one config checker: the schema, the fixed and derived defaults, and
every rule that spans keys or sections (reludeath.config.RULES, the schemes and plug-ins, the
variants' grids). `plan_workflow` turns a checked configuration into everything the rule files
decide while parsing: scheme labels and traits, widths, the shard jobs, the deep family's jobs,
which families run, and the files of the default target, the claims tables and the summary's
sections. The rule files read the plan; the tests check the same function, not a copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reludeath.config import Problem, Rule, check_config, problems_from
from reludeath.deep.plan import CLAIM_IDS as DEEP_CLAIM_IDS
from reludeath.deep.plan import REPORT as DEEP_REPORT
from reludeath.deep.plan import Run, bundles, deep_runs
from reludeath.dynamics.registry import DIRECTORY as DYNAMICS_DIRECTORY
from reludeath.dynamics.registry import FIGURES as DYNAMICS_FIGURES
from reludeath.dynamics.registry import running, table_paths
from reludeath.grid.figures import FIGURES as GRID_FIGURES
from reludeath.grid.figures import enabled_figures
from reludeath.grid.scale import CONTROL, CONTROL_WIDTHS, MOMENTS
from reludeath.plan import PATH_SCHEME, PlannedShard, planned_shards, replicates
from reludeath.practice.compare import REPORT as PRACTICE_REPORT
from reludeath.practice.compare import practice_schemes
from reludeath.report_layout import ANSWERS, ReportEntry
from reludeath.schemes import configured_schemes, scheme_traits
from reludeath.variants.grid import REPORT as VARIANTS_REPORT
from reludeath.variants.grid import check_grids, enabled_variants

__all__ = ["CONFIG_RULES", "REPORT_LAYOUT", "WorkflowPlan", "checked_config", "plan_workflow"]

# Where every reported file sits in the report: the answers, then each family's figures, as
# their records declare (reludeath.report_layout).
REPORT_LAYOUT: dict[str, ReportEntry] = {
    **ANSWERS,
    **{name: figure.report for name, figure in GRID_FIGURES.items()},
    **DEEP_REPORT,
    **VARIANTS_REPORT,
    **{name: figure.report for name, figure in DYNAMICS_FIGURES.items()},
    **PRACTICE_REPORT,
}
# The errata's per-neuron tables (reludeath.errata), one file each under results/errata/.
ERRATA_TABLES = ("lemma_5_7", "signflip_marginals", "conditional_variance")
GRID_CLAIMS = "results/claims/grid.parquet"
# RAI's scale control (reludeath.grid.scale): its tables and its claim, when rai and iid_bias run.
SCALE_OUTPUTS = {
    "control": CONTROL,
    "moments": MOMENTS,
    "claims": "results/claims/rai_scale.parquet",
}


def scheme_rule(config: dict) -> list[Problem]:
    """The schemes list: each name once, every option and plug-in valid (its file imports and
    its draw returns what the kernel takes)."""
    try:
        configured_schemes(config["schemes"])
    except ValueError as error:
        return problems_from(error, "schemes", config)
    return []


def variant_rule(config: dict) -> list[Problem]:
    """Every enabled variant's grid expands (values that span keys of its section)."""
    try:
        check_grids(config["variants"])
    except ValueError as error:
        return problems_from(error, "variants", config)
    return []


# Every rule that spans keys, the configuration's own and the families'.
CONFIG_RULES: tuple[Rule, ...] = (scheme_rule, variant_rule)


def checked_config(config: Any, schema: dict) -> dict:
    """`config` checked against `schema` and every cross-key rule, with every default filled in
    (reludeath.config.check_config); ConfigError lists every problem."""
    return check_config(config, schema, CONFIG_RULES)


def _figures(directory: str, names, formats) -> list[str]:
    return [f"{directory}/{name}.{ext}" for name in names for ext in formats]


@dataclass(frozen=True)
class WorkflowPlan:
    """What a checked configuration makes the workflow do."""

    config: dict
    schemes: dict[str, tuple[dict, str]]  # {name: (options, label)}
    traits: dict[str, dict]  # {name: {"has_bias", "sign_symmetric"}}
    widths: list[int]
    replicates: int
    shards: list[PlannedShard]
    grid_figures: list[str]
    variants: list[str]
    practice: bool
    deep: bool
    deep_wide: list[Run]
    deep_sweep: list[Run]
    deep_bundles: dict[str, tuple[Run, ...]]
    dynamics: list[str]
    dynamics_figures: list[str]
    family_targets: list[str] = field(default_factory=list)
    claim_tables: list[str] = field(default_factory=list)
    summary_sections: list[str] = field(default_factory=list)
    grid_omitted_claims: list[str] = field(default_factory=list)

    @property
    def identity_schemes(self) -> list[str]:
        """The configured schemes that obey the split identity (sign-symmetric rows, zero or
        symmetric biases: their traits), plug-ins that declare it included."""
        return [name for name, trait in self.traits.items() if trait["sign_symmetric"]]

    @property
    def scale_control(self) -> bool:
        """RAI's scale control runs when rai and iid_bias are both configured."""
        return {"rai", "iid_bias"} <= set(self.schemes)

    @property
    def control_widths(self) -> list[int]:
        """The control's widths: CONTROL_WIDTHS among the grid's (else its first two >= 2)."""
        return (
            [n for n in CONTROL_WIDTHS if n in self.widths]
            or [n for n in self.widths if n >= 2][:2]
            or self.widths[:1]
        )

    @property
    def labels(self) -> dict[str, str]:
        """{scheme name: its shard directory label}."""
        return {name: label for name, (_, label) in self.schemes.items()}

    @property
    def shard_files(self) -> list[str]:
        """Every shard the configuration needs."""
        return [s.file for s in self.shards]

    def shard_files_of(self, names) -> list[str]:
        """The shards of the configured schemes `names` at the grid's widths (an iid shard may
        run deeper, for the path: readers keep its first config["depth"] layers)."""
        labels = {self.labels[name] for name in names if name in self.labels}
        return [s.file for s in self.shards if s.label in labels and s.width in self.widths]

    @property
    def iid_shard_files(self) -> list[str]:
        """The iid shards: every width the grid or the path experiment simulates."""
        return [s.file for s in self.shards if s.label == PATH_SCHEME]

    def figure_files(self, directory: str, names) -> list[str]:
        """{directory}/{name}.{ext} for every configured figure format."""
        return _figures(directory, names, self.config["figures"]["formats"])


def plan_workflow(config: dict) -> WorkflowPlan:
    """The plan of a configuration checked by `checked_config` (defaults filled in)."""
    schemes = configured_schemes(config["schemes"])
    names = list(schemes)
    formats = config["figures"]["formats"]
    deep_on = bool(config["deep"]["enabled"])
    wide, sweep = deep_runs(config["deep"], config["data_points"]) if deep_on else ([], [])
    variants = enabled_variants(config)
    practice = "iid" in names and bool(practice_schemes(names))
    dynamics = running(config)
    dynamics_figures = [
        name for name, figure in DYNAMICS_FIGURES.items() if figure.experiment in dynamics
    ]
    plan = WorkflowPlan(
        config=config,
        schemes=schemes,
        traits={name: scheme_traits(name, options) for name, (options, _) in schemes.items()},
        widths=sorted(config["widths"]),
        replicates=len(replicates(config["networks"], config["shard_networks"])),
        shards=planned_shards(config),
        grid_figures=list(enabled_figures(names)),
        variants=variants,
        practice=practice,
        deep=deep_on,
        deep_wide=wide,
        deep_sweep=sweep,
        deep_bundles=bundles(wide, sweep) if deep_on else {},
        dynamics=dynamics,
        dynamics_figures=dynamics_figures,
    )
    targets, claims, sections = plan.family_targets, plan.claim_tables, plan.summary_sections
    claims.append(GRID_CLAIMS)  # the main grid's claims first
    if plan.scale_control:
        targets += [SCALE_OUTPUTS["control"], SCALE_OUTPUTS["moments"]]
        claims.append(SCALE_OUTPUTS["claims"])
    if variants:
        targets += [f"results/variants/{variant}.parquet" for variant in variants]
        targets += _figures("results/figures", [f"variants_{v}" for v in variants], formats)
        targets += ["results/variants/claims.parquet", "results/variants/summary.md"]
        claims.append("results/variants/claims.parquet")
        sections.append("results/variants/summary.md")
    if practice:
        targets += _figures("results/figures", ["practice"], formats)
        targets += ["results/practice/claims.parquet", "results/practice/summary.md"]
        claims.append("results/practice/claims.parquet")
        sections.append("results/practice/summary.md")
    # the papers' errata: always judged, on a few networks of their own
    targets += [f"results/errata/{name}.parquet" for name in ERRATA_TABLES]
    claims.append("results/errata/claims.parquet")
    if deep_on:
        targets += [
            f"results/deep/{table}.parquet"
            for table in ("split", "path", "data_points", "networks", "population", "s_infinity")
        ]
        targets.append("results/deep/s_law.json")
        targets += _figures("results/figures", ["deep_path", "deep_split"], formats)
        claims.append("results/deep/claims.parquet")
        sections.append("results/deep/summary.md")
        plan.grid_omitted_claims.extend(DEEP_CLAIM_IDS)
    targets += list(table_paths(dynamics).values())
    targets += _figures(f"{DYNAMICS_DIRECTORY}/figures", dynamics_figures, formats)
    if dynamics:
        targets += ["results/dynamics/claims.parquet", "results/dynamics/summary.md"]
        claims.append("results/dynamics/claims.parquet")
        sections.append("results/dynamics/summary.md")
    return plan
