"""Example plug-in schemes shipped with the package, so that a deployed workflow finds them by
module name wherever it runs (docs/plugins.md): ``{plugin: {module:
reludeath.examples.truncated_normal, function: draw}}``."""
