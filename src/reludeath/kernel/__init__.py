"""The fast kernel: forward passes of many small ReLU networks, per-layer statistics.

``run_networks(x, weights, biases, settings, outputs, *, threads=None)`` is the public call;
``KernelSettings`` (made by ``Scheme.kernel_settings()``) says how to run, ``allocate_outputs``
makes the output arrays. Modules, each importing only those before it:

- ``contract``: modes and their plans, the settings, the outputs, the C and pass signatures and
  the shifted sums' slots, declared once (imports nothing of the package);
- ``passes``: the per-width layer passes as text IR;
- ``layerloop``: the layer loop ``run_network`` as llvmlite IR, one emitter per stage;
- ``build``: the width's module linked and compiled (by ``reludeath.compiler``), its prototypes;
- ``run``: the Python entry points, the outputs object and the work buffers' layout.

``run``'s names are imported on first use (PEP 562): the schemes read ``contract`` (modes,
settings) while a workflow is planned, and that must not import llvmlite.
"""

from reludeath.kernel.contract import OUTPUT_NAMES, OUTPUTS, PLANS, KernelSettings, Mode, Plan

_FROM_RUN = (
    "Outputs",
    "allocate_outputs",
    "default_threads",
    "layout",
    "run_network",
    "run_networks",
)


def __getattr__(name: str) -> object:
    if name in _FROM_RUN:
        from reludeath.kernel import run

        return getattr(run, name)
    raise AttributeError(f"module 'reludeath.kernel' has no attribute {name!r}")


__all__ = [
    "OUTPUTS",
    "OUTPUT_NAMES",
    "PLANS",
    "KernelSettings",
    "Mode",
    "Outputs",
    "Plan",
    "allocate_outputs",
    "default_threads",
    "layout",
    "run_network",
    "run_networks",
]
