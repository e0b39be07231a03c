"""What the deep family simulates, from the config: one run per (n, M), checked before any job.

A run is T iid networks of width n over M points for K = max(4, depth_per_width * n) layers.
The family's widths (deep.widths, checked and derived with the config: reludeath.config) are
run at the grid's data_points; the grid's own widths
come from its iid shards; the M sweep runs its widths at every M of deep.m_sweep.
"""

from __future__ import annotations

from dataclasses import dataclass

from reludeath.report_layout import PAPERS, ReportEntry, entry

__all__ = ["CLAIM_IDS", "REPORT", "Run", "bundles", "deep_runs"]

# The claims the deep family judges (reludeath.deep.claims); when it runs, the grid does not.
CLAIM_IDS = ("rr.p_to_l", "lu.deep_born_dead", "rr.p_to_l_population")

# The family's figures and their places in the report (captions workflow/report/<name>.rst).
REPORT: dict[str, ReportEntry] = {
    name: entry(3, "Path", f"{name}.rst", paper=PAPERS["rr"], figure=figure, scheme="iid")
    for name, figure in (
        ("deep_path", "P / l to k = 10^9"),
        ("deep_split", "S(n) and c(n) to n = 34"),
    )
}


@dataclass(frozen=True)
class Run:
    """One simulation job of the family."""

    n: int
    data_points: int
    depth: int
    networks: int

    @property
    def name(self) -> str:
        return f"n{self.n}_m{self.data_points}_k{self.depth}_t{self.networks}"

    @property
    def cost(self) -> int:
        """Multiply-adds of the kernel: networks * depth * M * n^2."""
        return self.networks * self.depth * self.data_points * self.n**2

    @property
    def memory_mb(self) -> int:
        """A generous bound on the job's memory (MB): 1 GB for the interpreter and libraries,
        every network's float32 weights and data held at once (networks (depth n^2 + n M)),
        counted twice, 64 float64 copies of one network's data for the kernel's work buffers and
        the one-ray check, and 32 bytes per recorded (network, layer)."""
        held = 2 * 4 * self.networks * (self.depth * self.n**2 + self.n * self.data_points)
        work = 64 * 8 * self.n * self.data_points
        records = 32 * self.networks * self.depth
        return 1000 + (held + work + records) // 2**20


def deep_runs(deep: dict, data_points: int) -> tuple[list[Run], list[Run]]:
    """(the widths above the grid's at `data_points`, the M sweep), as runs."""
    per = deep["depth_per_width"]
    wide = [Run(n, data_points, max(4, per * n), deep["networks"]) for n in deep["widths"]]
    sweep = deep["m_sweep"]
    m_runs = [
        Run(n, m, max(4, per * n), sweep["networks"])
        for n in sweep["widths"]
        for m in sweep["data_points"]
    ]
    return wide, m_runs


def bundles(wide: list[Run], sweep: list[Run]) -> dict[str, tuple[Run, ...]]:
    """The runs grouped into jobs, so that per-job start-up (about 1.5 s) is paid less often:
    the deep widths in pairs, smallest with largest (balanced cost), and the M sweep one job per
    width. Each run's numbers depend only on the run, never on its bundle."""
    ordered = sorted(wide, key=lambda r: r.cost)
    out: dict[str, tuple[Run, ...]] = {}
    while ordered:
        pair = (ordered.pop(0), ordered.pop()) if len(ordered) > 1 else (ordered.pop(),)
        out["wide_" + "_".join(r.name for r in pair)] = pair
    for n in sorted({r.n for r in sweep}):
        out[f"sweep_n{n}"] = tuple(r for r in sweep if r.n == n)
    return out
