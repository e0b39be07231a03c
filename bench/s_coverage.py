"""Coverage of the S(n) intervals (reludeath.deep.estimate) by simulation: how often the 95%
interval of S over T networks contains the S of the population it was drawn from.

Populations: per-network split histories, either the grid's iid shards of a finished run
(--results, widths --grid-widths, K = the shards' depth) or fresh networks simulated here
(--widths, --population networks each, K = 24 n, seed --seed: not the run's networks). Each of
R replicates draws T networks per width with replacement from each population (iid from its
empirical law, heavy tail included), computes every method's interval, and counts whether it
contains the population's S (the same ratio estimator on all of it). Methods: the percentile
bootstrap over networks (B replicates; the old split.parquet), the width's own delta-method
variance (Wald and score), and the relative variance pooled over widths n - w..n + w of the
replicate (score; Wald for w = 2). Prints the coverage per (method, T, width) with its binomial
standard error, and the CPU model (bench/machine.py).

    .venv/bin/python bench/s_coverage.py --results results --widths 18 19 20 21 22
"""

from __future__ import annotations

import argparse
import glob
import math
import time

import numpy as np
from machine import say

from reludeath.deep.estimate import Influence, pooled_relative_variance, score_interval
from reludeath.deep.networks import simulate_splits
from reludeath.grid.split import network_split_arrays
from reludeath.io import read_shard
from reludeath.stats import Z95


def grid_population(results: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    parts = []
    for path in sorted(glob.glob(f"{results}/shards/iid/n{n}/k*/rep*.parquet")):
        table, meta = read_shard(path, columns=["alive_points", "split"])
        s = meta["spec"]
        parts.append(network_split_arrays(table, s["networks"], s["depth"], s["data_points"]))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def fresh_population(n: int, networks: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    record = simulate_splits(n, 1024, 24 * n, networks, seed, checks="late")
    return record.at_risk, record.split


def intervals(pops, idx, n_boot, rng):
    """{method: {n: (low, high)}} for one replicate; idx[n] the drawn networks."""
    inf = {n: Influence(pops[n][0][idx[n]], pops[n][1][idx[n]], n) for n in pops}
    T = {n: i.networks for n, i in inf.items()}
    out = {"bootstrap": {}, "wald_own": {}, "score_own": {}}
    for n, i in inf.items():
        r, c = pops[n][0][idx[n]].astype(float), pops[n][1][idx[n]].astype(float)
        w = rng.multinomial(T[n], np.full(T[n], 1 / T[n]), size=n_boot).astype(float)
        R, C = w @ r, w @ c
        boot = np.where(R > 0, C / np.maximum(R, 1), 0).sum(axis=1)
        out["bootstrap"][n] = tuple(np.quantile(boot, [0.025, 0.975]))
        out["wald_own"][n] = (i.S - Z95 * i.se, i.S + Z95 * i.se)
        out["score_own"][n] = score_interval(i.S, i.v, T[n])
    for w in (1, 2, 4, 8):
        v = pooled_relative_variance({n: i.v for n, i in inf.items()}, T, w)
        out[f"score_pool{w}"] = {n: score_interval(inf[n].S, v[n], T[n]) for n in inf}
        if w == 2:
            out["wald_pool2"] = {
                n: (inf[n].S * (1 - Z95 * math.sqrt(v[n] / T[n])),
                    inf[n].S * (1 + Z95 * math.sqrt(v[n] / T[n])))
                for n in inf
            }  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default=None)
    ap.add_argument("--grid-widths", type=int, nargs="*", default=list(range(8, 16)))
    ap.add_argument("--widths", type=int, nargs="*", default=[])
    ap.add_argument("--population", type=int, default=256)
    ap.add_argument("--networks", type=int, nargs="+", default=[32, 48])
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--boot", type=int, default=200)
    ap.add_argument("--seed", type=int, default=777)
    args = ap.parse_args()
    families = []
    if args.results:
        grid = {n: grid_population(args.results, n) for n in args.grid_widths}
        families.append(("grid", grid))
    if args.widths:
        start = time.process_time()
        fresh = {n: fresh_population(n, args.population, args.seed) for n in args.widths}
        say(f"fresh populations: {args.population} networks at n = {args.widths}, "
            f"{time.process_time() - start:.1f} CPU-s")  # fmt: skip
        families.append(("fresh", fresh))
    rng = np.random.default_rng(args.seed)
    for name, pops in families:
        truth = {n: Influence(*pops[n], n).S for n in pops}
        cv2 = {n: round(Influence(*pops[n], n).v, 3) for n in pops}
        say(f"{name}: population S { ({n: round(s, 2) for n, s in truth.items()}) }, v {cv2}")
        for T in args.networks:
            hits, widths = {}, {}
            for _ in range(args.replicates):
                idx = {n: rng.integers(0, len(pops[n][0]), size=T) for n in pops}
                for method, by_n in intervals(pops, idx, args.boot, rng).items():
                    for n, (low, high) in by_n.items():
                        hits.setdefault(method, {}).setdefault(n, 0)
                        hits[method][n] += int(low <= truth[n] <= high)
                        widths.setdefault(method, []).append((high - low) / truth[n])
            R = args.replicates
            for method, by_n in hits.items():
                cover = np.array([by_n[n] / R for n in sorted(by_n)])
                shown = " ".join(f"{n}:{100 * by_n[n] / R:.1f}" for n in sorted(by_n))
                say(
                    f"{name} T={T} R={R} {method:12s} mean {100 * cover.mean():.1f}% "
                    f"(se {100 * math.sqrt(0.95 * 0.05 / (R * len(cover))):.1f}) "
                    f"median rel. width {np.median(widths[method]):.3f} | {shown}"
                )


if __name__ == "__main__":
    main()
