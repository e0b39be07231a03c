"""Cold compile cost of the kernel: CPU seconds to compile every network driver and pass the
default config's schemes and widths need, in a fresh, empty kernel cache (a temporary directory).

Each (scheme, width) runs one tiny shard in this process, timed with process CPU time, so the
figure is what a fresh machine pays once, summed over all jobs that would compile in parallel.
The last line is: compile_cpu_s=X schemes=S widths=W
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time

import numpy as np


def main() -> None:
    cache = tempfile.mkdtemp(prefix="reludeath-bench-cache-")
    os.environ["RELUDEATH_KERNEL_CACHE"] = cache
    import yaml

    from reludeath import ShardSpec, kernel
    from reludeath.simulate import draw_network

    with open(sys.argv[1] if len(sys.argv) > 1 else "config/config.yaml") as f:
        config = yaml.safe_load(f)
    schemes, widths = config["schemes"], config["widths"]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; cache {cache}")
    total = 0.0
    for scheme in schemes:
        spent = 0.0
        for n in widths:
            spec = ShardSpec(scheme, n, 4, 2, 64, seed=0)
            obj = spec.scheme_object
            drawn = [draw_network(spec, obj, t, obj.dtype) for t in range(2)]
            x, weights, biases = (np.stack(parts) for parts in zip(*drawn, strict=True))
            outs = kernel.allocate_outputs(2, 4)
            start = time.process_time()
            kernel.run_networks(x, weights, biases, obj.kernel_settings(), outs)
            spent += time.process_time() - start
        print(f"{scheme}: {spent:.1f} CPU-s", flush=True)
        total += spent
    shutil.rmtree(cache, ignore_errors=True)
    print(f"compile_cpu_s={total:.1f} schemes={len(schemes)} widths={len(widths)}")


if __name__ == "__main__":
    main()
