"""What the deep family's one-ray check costs: CPU-seconds per network of a deep run
(reludeath.deep.networks.simulate_splits: drawing, kernel, float64 one-ray pass) with the
pass on every network (checks="all", before) and on the late networks only ("late"), at
K = 24 n, M = 1024, on the default seed's networks. Prints the ratio and the CPU model.

    .venv/bin/python bench/deep_checks.py --widths 16 25 34 --networks 8
"""

from __future__ import annotations

import argparse
import time

from machine import say, sgemm_gmacs

from reludeath.deep.networks import late_mask, simulate_splits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", type=int, nargs="+", default=[16, 25, 34])
    ap.add_argument("--networks", type=int, default=8)
    ap.add_argument("--seed", type=int, default=20190813)
    args = ap.parse_args()
    simulate_splits(4, 64, 8, 2, args.seed)  # compile the kernel first
    say(f"sgemm_gmacs={sgemm_gmacs():.1f}")
    for n in args.widths:
        cpu = {}
        for checks in ("all", "late"):
            start = time.process_time()
            record = simulate_splits(n, 1024, 24 * n, args.networks, args.seed, checks=checks)
            cpu[checks] = (time.process_time() - start) / args.networks
        late = int(late_mask(record.split).sum())
        say(
            f"n = {n}: {cpu['all']:.3f} CPU-s per network with every network checked, "
            f"{cpu['late']:.3f} with the {late} late of {args.networks} only: "
            f"ratio {cpu['all'] / cpu['late']:.2f}"
        )


if __name__ == "__main__":
    main()
