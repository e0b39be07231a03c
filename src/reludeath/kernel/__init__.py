"""The fast kernel: forward passes of many small ReLU networks, per-layer statistics.

``run_networks(x, weights, biases, settings, outputs, *, threads=None)`` is the public call;
``KernelSettings`` (made by ``Scheme.kernel_settings()``) says how to run, ``allocate_outputs``
makes the output arrays. Modules, each importing only those before it:

- ``contract``: modes and their plans, the settings, the outputs, the C and pass signatures and
  the shifted sums' slots, declared once (imports nothing of the package);
- ``passes``: the per-width layer passes as text IR;
- ``layerloop``: the layer loop ``run_network`` as llvmlite IR, one emitter per stage;
- ``build``: linking, compiling for the CPU, the on-disk cache, ctypes prototypes;
- ``run``: the Python entry points, the outputs object and the work buffers' layout.
"""

from reludeath.kernel.contract import OUTPUT_NAMES, OUTPUTS, PLANS, KernelSettings, Mode, Plan
from reludeath.kernel.run import (
    Outputs,
    allocate_outputs,
    default_threads,
    layout,
    run_network,
    run_networks,
)

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
