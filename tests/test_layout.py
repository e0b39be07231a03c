"""The layout's contracts: name lists live in Python registries that the rules read, the
workflow scripts import what exists, the package never imports Snakemake, and every
registered figure has its place in the report (import cycles: test_import_graph.py)."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from reludeath.dynamics import registry as dynamics_registry
from reludeath.grid import figures as grid_figures
from reludeath.variants.grid import VARIANTS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "reludeath"
WORKFLOW = ROOT / "workflow"
RULE_FILES = sorted([WORKFLOW / "Snakefile", *(WORKFLOW / "rules").glob("*.smk")])
SCRIPTS = sorted((ROOT / "workflow" / "scripts").glob("*.py"))

# Each registry's names: a rule file that spells two of them out repeats the list.
REGISTRIES = {
    "reludeath.variants.grid.VARIANTS": set(VARIANTS),
    "reludeath.grid.figures.FIGURES": set(grid_figures.FIGURES),
    "reludeath.grid.figures.TABLES": set(grid_figures.TABLES),
    "reludeath.dynamics.registry.EXPERIMENTS": set(dynamics_registry.EXPERIMENTS),
    "reludeath.dynamics.registry.FIGURES": set(dynamics_registry.FIGURES),
    "dynamics tables": {t for e in dynamics_registry.EXPERIMENTS.values() for t in e.tables},
}
_LITERAL = re.compile(r"""(?<![\w{])(["'])([^"'\n{}]*)\1""")


def _spelled_names(text: str) -> set[str]:
    """Every string literal of `text` and every alternative of a literal 'a|b|c' regex."""
    names = set()
    for match in _LITERAL.finditer(text):
        literal = match.group(2)
        names.add(literal)
        names.update(part for part in literal.split("|") if "|" in literal)
    return names


def test_spelled_names_finds_literals_and_regex_alternatives():
    text = 'variant="conv|residual|skip|leaky",\nx = f"results/{name}.png"  # "grid"'
    assert {"conv", "residual", "skip", "leaky", "grid"} <= _spelled_names(text)
    assert not {"results/{name}.png", "name"} & _spelled_names(text)


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=lambda p: p.name)
def test_rule_files_do_not_repeat_a_registry(rule_file):
    spelled = _spelled_names(rule_file.read_text())
    for registry, names in REGISTRIES.items():
        repeated = sorted(spelled & names)
        assert len(repeated) < 2, (
            f"{rule_file.name} spells out {repeated} from {registry}: read the registry instead"
        )


def _reludeath_imports(text: str) -> list[tuple[str, list[str]]]:
    """(module, names) of every `from reludeath... import ...` / `import reludeath...`."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reludeath"):
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("reludeath")]
    return found


def _rule_file_imports(text: str) -> list[tuple[str, list[str]]]:
    """The same for a rule file (Snakemake syntax: only its import statements are parsed)."""
    statements = re.findall(
        r"^(from reludeath[\w.]* import (?:\([^)]*\)|.*)|import reludeath[\w.]*)$", text, re.M
    )
    return _reludeath_imports("\n".join(statements))


def _check_imports(where: str, imports: list[tuple[str, list[str]]]) -> None:
    for module_name, names in imports:
        module = importlib.import_module(module_name)  # ModuleNotFoundError names it
        for name in names:
            assert hasattr(module, name) or importlib.util.find_spec(f"{module_name}.{name}"), (
                f"{where} imports {name} from {module_name}, which has no such name"
            )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_workflow_scripts_import_what_exists(script):
    imports = _reludeath_imports(script.read_text())
    assert imports, f"{script.name} imports nothing of the package"
    _check_imports(script.name, imports)


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=lambda p: p.name)
def test_rule_files_import_what_exists(rule_file):
    _check_imports(rule_file.name, _rule_file_imports(rule_file.read_text()))


def _modules() -> dict[str, Path]:
    """{dotted module name: file} of every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def test_package_never_imports_snakemake():
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            assert "snakemake" not in roots, f"{name} imports snakemake (line {node.lineno})"


def test_grid_figures_match_their_functions_and_captions():
    from reludeath.grid import plots

    for name, figure in grid_figures.FIGURES.items():
        function = figure.draw_function()
        assert function.__module__ == plots.__name__, name
        params = list(inspect.signature(function).parameters.values())
        assert len(params) >= len(figure.tables), name
        required = [p for p in params if p.default is inspect.Parameter.empty]
        assert len(required) == len(figure.tables), f"{name} takes {required}"
        assert (ROOT / f"workflow/report/{name}.rst").exists(), name


def test_dynamics_registry_matches_its_functions_and_captions():
    from reludeath.dynamics import experiments, plots

    for name, experiment in dynamics_registry.EXPERIMENTS.items():
        params = list(inspect.signature(getattr(experiments, experiment.function)).parameters)
        assert len(params) == 2 and params[1] == "seed", f"{name} takes {params}"
        assert experiment.section in ("dy", "ar"), name
    for name, figure in dynamics_registry.FIGURES.items():
        assert figure.experiment in dynamics_registry.EXPERIMENTS, name
        assert set(figure.tables) <= set(dynamics_registry.EXPERIMENTS[figure.experiment].tables)
        params = inspect.signature(getattr(plots, figure.function)).parameters
        keywords = {keyword for keyword, _, _ in figure.options}
        assert keywords <= set(params), name
        required = [
            p
            for p in params.values()
            if p.default is inspect.Parameter.empty and p.name not in keywords
        ]
        assert len(required) == len(figure.tables), name
        assert (ROOT / f"workflow/report/dynamics/{name}.rst").exists(), name


def test_every_variant_has_its_functions_and_caption():
    from reludeath.variants import grid, plots, tables

    for variant in VARIANTS:  # each declared once, in grid.TITLES, its functions by name
        assert callable(getattr(grid, f"{variant}_settings")), variant
        assert callable(getattr(tables, f"{variant}_grid")), variant
        assert callable(getattr(plots, f"{variant}_figure")), variant
        assert (ROOT / f"workflow/report/variants_{variant}.rst").exists(), variant


def test_report_layout_places_every_registered_figure():
    """Every figure a registry can produce has its place in the report (else the parse fails)."""
    from reludeath.workflow_plan import REPORT_LAYOUT as LAYOUT

    names = [*grid_figures.FIGURES, *dynamics_registry.FIGURES]
    names += [f"variants_{variant}" for variant in VARIANTS]
    missing = [name for name in names if name not in LAYOUT]
    assert not missing, f"figures without a report layout entry: {missing}"
