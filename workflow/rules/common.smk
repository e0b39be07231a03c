# Configuration: validation, and the one place where config turns into file lists.
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version

from reludeath.config import ConfigError, check_config, typed_leaves
from reludeath.grid.figures import TABLES as GRID_TABLES, enabled_figures
from reludeath.plan import SHARD_BENCHMARK, SHARD_LOG, replicates
from reludeath.plan import shard_depths as planned_depths
from reludeath.report_layout import report_entry
from reludeath.schemes import configured_schemes, scheme_traits
from reludeath.simulate import SHARD_FORMAT

min_version("9.0")


# The workflow's own files are found from this file (workflow.source_path), never from the
# working directory or workflow.basedir: used as a module, basedir is the consumer's.
SCHEMA_FILE = workflow.source_path("../schemas/config.schema.yaml")


def checked_config():
    """The config with defaults filled in; any problem stops the run before a job starts.

    Used as a module, `config` is what the consumer passed (`config: config`, or a
    sub-mapping such as `config["reludeath"]`): it is checked and completed the same way.
    """
    for key in workflow.config_settings.config:  # --config key=value, read as YAML
        if key in config:
            config[key] = typed_leaves(config[key])
    schema = yaml.safe_load(Path(SCHEMA_FILE).read_text())
    try:
        return check_config(config, schema)
    except ConfigError as error:
        raise WorkflowError(f"{error}\nSee config/README.md for every key.") from None


config.update(checked_config())

try:
    # {name: (options, label)}; shards of a scheme live under results/shards/{label}/.
    SCHEME_CONFIG = configured_schemes(config["schemes"])
except ValueError as error:
    raise WorkflowError(f"'schemes': {error}\nSee config/README.md.") from None
SCHEMES = list(SCHEME_CONFIG)
SCHEME_LABELS = {name: label for name, (_, label) in SCHEME_CONFIG.items()}
# {name: {"has_bias", "sign_symmetric"}}: what the grid table needs of each scheme.
SCHEME_TRAITS = {
    name: scheme_traits(name, options) for name, (options, _) in SCHEME_CONFIG.items()
}
WIDTHS = sorted(config["widths"])
PATH = config["path"]
FIGURES_CONFIG = config["figures"]
REPLICATES = len(replicates(config["networks"], config["shard_networks"]))

# Families of experiments beyond the main grid (variants, dynamics) register here from
# their own .smk files, namely the files the default target needs, their claims tables
# (columns of reludeath.claims.CLAIM_COLUMNS, collected into results/claims.parquet)
# and their Markdown sections, appended to results/summary.md in this order.
FAMILY_TARGETS = []
CLAIM_TABLES = []
SUMMARY_SECTIONS = []
# Claim ids a family judges in place of the main grid (the grid then leaves them out).
GRID_OMITTED_CLAIMS = []


def shard_depths():
    """{(scheme, n): depth}: each (scheme, n) is simulated once, as deep as the grid and
    the path experiment need, so no (scheme, n, k) is ever simulated twice."""
    return planned_depths(SCHEMES, WIDTHS, config["depth"], PATH["p"], PATH["depth"])


def shard_files():
    """Every shard the configuration needs."""
    return [
        f"results/shards/{SCHEME_LABELS.get(scheme, scheme)}/n{n}/k{k}/rep{rep}.parquet"
        for (scheme, n), k in sorted(shard_depths().items())
        for rep in range(REPLICATES)
    ]


def iid_shard_files():
    """The iid shards: every width the grid or the path experiment simulates."""
    return [name for name in shard_files() if name.startswith("results/shards/iid/")]


def shard_scheme(wildcards):
    """(scheme name, options) of the shard directory label {label}."""
    for name, (options, label) in SCHEME_CONFIG.items():
        if label == wildcards.label:
            return name, options
    if wildcards.label == "iid":  # the path experiment's shards, iid not in `schemes`
        return "iid", {}
    raise WorkflowError(f"no configured scheme has the label {wildcards.label!r}")


def shard_networks(wildcards):
    """(first network, networks) of replicate `rep`: the last shard may be smaller."""
    return replicates(config["networks"], config["shard_networks"])[int(wildcards.rep)]


def figure_files():
    return [
        f"results/figures/{name}.{ext}"
        for name in GRID_FIGURES
        for ext in FIGURES_CONFIG["formats"]
    ]


# The main grid's figures (reludeath.grid.figures): those whose schemes are configured.
GRID_FIGURES = enabled_figures(SCHEMES)


def reported(path, name, extension=None):
    """`path` flagged for the report, placed (category, subcategory, labels, caption) as
    reludeath.report_layout.LAYOUT says for `name`; a name it lacks stops the parse.
    Called from the files in workflow/rules/, so captions are ../report/<caption>."""
    try:
        entry = report_entry(name, extension)
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
