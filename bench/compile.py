"""Cold compile cost of the kernel: CPU seconds to compile every network driver and pass the
config's schemes and widths need, in a fresh, empty kernel cache (a temporary directory).

Usage: python bench/compile.py [CONFIG] [--widths N ...]
(CONFIG defaults to config/config.yaml; --widths replaces the config's widths, e.g. 32 64.)

Each (scheme, width) runs one tiny shard in this process, timed with process CPU time, so the
figure is what a fresh machine pays once, summed over all jobs that would compile in parallel.
Prints the seconds per scheme, then per width (summed over the schemes).
The last line is: compile_cpu_s=X schemes=S widths=W
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from machine import say


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", default="config/config.yaml")
    parser.add_argument("--widths", type=int, nargs="+", help="widths instead of the config's")
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="reludeath-bench-cache-")
    os.environ["RELUDEATH_KERNEL_CACHE"] = cache
    import yaml

    from reludeath import ShardSpec, kernel
    from reludeath.simulate import draw_networks

    with open(args.config) as f:
        config = yaml.safe_load(f)
    schemes, widths = config["schemes"], args.widths or config["widths"]
    say(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; cache {cache}")
    per_width = dict.fromkeys(widths, 0.0)
    for scheme in schemes:
        spent = 0.0
        for n in widths:
            spec = ShardSpec(scheme, n, 4, 2, 64, seed=0)
            obj = spec.scheme_object
            x, weights, biases = draw_networks(spec, obj, np.arange(2), obj.dtype)
            outs = kernel.allocate_outputs(2, 4)
            start = time.process_time()
            kernel.run_networks(x, weights, biases, obj.kernel_settings(), outs)
            took = time.process_time() - start
            spent += took
            per_width[n] += took
        say(f"{scheme}: {spent:.1f} CPU-s", flush=True)
    for n, took in per_width.items():
        say(f"n={n}: {took:.2f} CPU-s ({took / len(schemes):.2f} per scheme)")
    shutil.rmtree(cache, ignore_errors=True)
    total = sum(per_width.values())
    say(f"compile_cpu_s={total:.1f} schemes={len(schemes)} widths={len(widths)}")


if __name__ == "__main__":
    main()
