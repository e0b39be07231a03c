# Configuration: validation, and the one place where config turns into file lists.
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

from reludeath.config import ConfigError, derived_keys, typed_leaves
from reludeath.grid.figures import FIGURES as GRID_FIGURE_RECORDS, TABLES as GRID_TABLES
from reludeath.plan import (
    PATH_SCHEME,
    SHARD_BENCHMARK,
    SHARD_FILE,
    SHARD_LOG,
    replicates,
)
from reludeath.report_layout import report_entry
from reludeath.sampling.normals import DRAWS as SAMPLER
from reludeath.simulate import SHARD_FORMAT
from reludeath.workflow_plan import REPORT_LAYOUT, checked_config, plan_workflow

min_version("9.0")


# The workflow's own files are found from this file (workflow.source_path), never from the
# working directory or workflow.basedir: used as a module, basedir is the consumer's.
SCHEMA_FILE = workflow.source_path("../schemas/config.schema.yaml")


def read_config():
    """The config with every default filled in, and the keys whose defaults were derived; any
    problem stops the run before a job starts (reludeath.workflow_plan.checked_config).

    Used as a module, `config` is what the consumer passed (`config: config`, or a
    sub-mapping such as `config["reludeath"]`): it is checked and completed the same way.
    """
    for key in workflow.config_settings.config:  # --config key=value, read as YAML
        if key in config:
            config[key] = typed_leaves(config[key])
    schema = yaml.safe_load(Path(SCHEMA_FILE).read_text())
    try:
        return checked_config(config, schema), derived_keys(config)
    except ConfigError as error:
        raise WorkflowError(f"{error}\nSee config/README.md for every key.") from None


_checked, DERIVED_KEYS = read_config()
config.update(_checked)
# Everything the configuration makes the workflow do (reludeath.workflow_plan).
PLAN = plan_workflow(config)
SCHEME_CONFIG = (
    PLAN.schemes
)  # {name: (options, label)}; shards under results/shards/{label}/
SCHEMES = list(SCHEME_CONFIG)
SCHEME_LABELS = PLAN.labels
SCHEME_TRAITS = PLAN.traits  # {name: {"has_bias", "sign_symmetric"}}
WIDTHS = PLAN.widths
PATH = config["path"]
FIGURES_CONFIG = config["figures"]
REPLICATES = PLAN.replicates
# The files of the families beyond the main grid that the default target needs, the claims
# tables collected into results/claims.parquet (the grid's first) and the Markdown sections
# appended to results/summary.md, in this order; claim ids a family judges in place of the
# grid. All decided by the plan, whatever order the rule files are included in.
FAMILY_TARGETS = PLAN.family_targets
CLAIM_TABLES = PLAN.claim_tables
SUMMARY_SECTIONS = PLAN.summary_sections
GRID_OMITTED_CLAIMS = PLAN.grid_omitted_claims


def shard_files():
    """Every shard the configuration needs."""
    return PLAN.shard_files


def iid_shard_files():
    """The iid shards: every width the grid or the path experiment simulates."""
    return PLAN.iid_shard_files


def shard_scheme(wildcards):
    """(scheme name, options) of the shard directory label {label}."""
    for name, (options, label) in SCHEME_CONFIG.items():
        if label == wildcards.label:
            return name, options
    if wildcards.label == PATH_SCHEME:  # the path experiment's shards, not in `schemes`
        return PATH_SCHEME, {}
    raise WorkflowError(f"no configured scheme has the label {wildcards.label!r}")


def shard_networks(wildcards):
    """(first network, networks) of replicate `rep`: the last shard may be smaller."""
    return replicates(config["networks"], config["shard_networks"])[int(wildcards.rep)]


def figure_files():
    """The main grid's figures: those whose schemes are configured."""
    return PLAN.figure_files("results/figures", GRID_FIGURES)


GRID_FIGURES = {name: GRID_FIGURE_RECORDS[name] for name in PLAN.grid_figures}


def reported(path, name, extension=None):
    """`path` flagged for the report, placed (category, subcategory, labels, caption) as
    reludeath.workflow_plan.REPORT_LAYOUT says for `name` (the families' figure records); a
    name it lacks stops the parse.
    Called from the files in workflow/rules/, so captions are ../report/<caption>."""
    try:
        entry = report_entry(REPORT_LAYOUT, name, extension)
    except KeyError as error:
        raise WorkflowError(error.args[0]) from None
    return report(
        path,
        caption=f"../report/{entry.caption}",
        category=entry.category,
        subcategory=entry.subcategory,
        labels=entry.labels,
    )


def reported_figure(directory, name, ext):
    """A figure file {directory}/{name}.{ext} for the report; a 'format' label only when
    figures are written in several formats."""
    several = len(FIGURES_CONFIG["formats"]) > 1
    return reported(f"{directory}/{name}.{ext}", name, ext if several else None)
