"""The figures: each builds from small synthetic frames and saves cleanly, and draws its
table's numbers (each curve found among its axes' lines, each heatmap cell its count);
long_figure2, which reads no table, draws l(n, k) and n(k, p) from their closed forms."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from reludeath import lower_bound, path_width, plotting, upper_bound, upper_bound_zero_bias
from reludeath.grid import plots

SCHEMES = ("iid", "batchnorm", "signflip", "rai", "iid_bias")
WIDTHS = (1, 2, 4, 8)
DEPTHS = (1, 2, 3, 5, 8, 13, 21, 34)
T = 64


def _wilson(x: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    z = 1.96
    p = x / t
    d = 1 + z**2 / t
    c = (p + z**2 / (2 * t)) / d
    h = z * np.sqrt(p * (1 - p) / t + z**2 / (4 * t**2)) / d
    return np.clip(c - h, 0, 1), np.clip(c + h, 0, 1)


@pytest.fixture(scope="module")
def grid() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for scheme in SCHEMES:
        for n in WIDTHS:
            k = np.array(DEPTHS)
            low = lower_bound(n, k)
            biased = scheme in ("rai", "iid_bias")
            up = upper_bound(n, k) if biased else upper_bound_zero_bias(n, k)
            alive = rng.binomial(T, (low + up) / 2)
            collapsed = rng.binomial(T, 1 - low)
            a_lo, a_hi = _wilson(alive, T)
            c_lo, c_hi = _wilson(collapsed, T)
            rows.append(
                pd.DataFrame(
                    {
                        "scheme": scheme,
                        "n": n,
                        "k": k,
                        "networks": T,
                        "alive_networks": alive,
                        "p_alive": alive / T,
                        "p_alive_low": a_lo,
                        "p_alive_high": a_hi,
                        "living_fraction": low,
                        "living_fraction_alive": low / np.maximum(alive / T, 1e-9),
                        "collapsed_networks": collapsed,
                        "p_collapsed": collapsed / T,
                        "p_collapsed_low": c_lo,
                        "p_collapsed_high": c_hi,
                        "constant_networks": collapsed,
                        "p_constant": collapsed / T,
                        "p_constant_low": c_lo,
                        "p_constant_high": c_hi,
                        "lower_bound": low,
                        "upper_bound": up,
                        "violates_lower": a_hi < low,
                        "violates_upper": a_lo > up,
                    }
                )
            )
    out = pd.concat(rows, ignore_index=True)
    out.loc[out.index[:3], "violates_upper"] = True  # some violations to draw
    return out


@pytest.fixture(scope="module")
def path() -> pd.DataFrame:
    rows = []
    for p in (0.25, 0.5, 0.9):
        for k in DEPTHS:
            n = int(path_width(k, p))
            low = float(lower_bound(n, k))
            p_alive = min(1.0, low * 1.05)
            rows.append(
                {
                    "p": p,
                    "k": k,
                    "n": n,
                    "networks": T,
                    "alive_networks": round(p_alive * T),
                    "p_alive": p_alive,
                    "p_alive_low": p_alive * 0.9,
                    "p_alive_high": min(1.0, p_alive * 1.1),
                    "lower_bound": low,
                    "ratio": p_alive / low,
                    "ratio_low": 0.9 * p_alive / low,
                    "ratio_high": 1.1 * p_alive / low,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def variance() -> pd.DataFrame:
    n, k = np.meshgrid(WIDTHS, DEPTHS, indexing="ij")
    V = 2.0 * np.exp(-0.1 * n) + 0.01 * k
    return pd.DataFrame(
        {
            "n": n.ravel(),
            "k": k.ravel(),
            "V": V.ravel(),
            "V_se": 0.1 * V.ravel(),
            "alive_networks": T,
        }
    )


def _data_axes(fig: Figure) -> list:
    """Axes that hold data, not colour bars."""
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def _has_line(ax, x, y) -> bool:
    """Some line of `ax` has exactly the points (x, y) (to float rounding), in order."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    for line in ax.get_lines():
        lx, ly = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        if lx.shape == x.shape and np.allclose(lx, x) and np.allclose(ly, y, equal_nan=True):
            return True
    return False


def _assert_line(ax, x, y, what: str) -> None:
    assert _has_line(ax, x, y), f"{what}: no line of {ax.get_title()!r} draws it"


def _check(fig: object, axes: int) -> None:
    assert isinstance(fig, Figure)
    assert len(_data_axes(fig)) == axes
    plt.close(fig)


def test_scheme_colors_fixed_and_distinct():
    assert set(plotting.SCHEME_COLORS) == set(SCHEMES)
    assert len(set(plotting.SCHEME_COLORS.values())) == len(SCHEMES)


def test_figure1_top(grid):
    fig = plots.figure1_top(grid)
    (ax,) = _data_axes(fig)
    iid = grid[grid["scheme"] == "iid"]
    dense = np.arange(1, max(DEPTHS) + 1, dtype=float)
    for n in WIDTHS:
        cell = iid[iid["n"] == n].sort_values("k")
        _assert_line(ax, cell["k"], cell["p_alive"], f"P(alive), n = {n}")
        _assert_line(ax, dense, (1 - 2.0**-n) ** dense, f"l(n, k), n = {n}")
    _check(fig, 1)


def test_figure1_bottom(grid):
    fig = plots.figure1_bottom(grid)
    panels = _data_axes(fig)
    for ax, scheme in zip(panels, ("iid", "batchnorm", "signflip"), strict=True):
        data = grid[grid["scheme"] == scheme]
        for n in WIDTHS:
            cell = data[data["n"] == n].sort_values("k")
            _assert_line(ax, cell["k"], cell["living_fraction"], f"{scheme}, n = {n}")
    _check(fig, 3)


def test_figure2_path(path, variance):
    fig = plots.figure2_path(path, variance)
    ax_p, ax_v, ax_n = _data_axes(fig)
    for p in path["p"].unique():
        cell = path[path["p"] == p].sort_values("k")
        _assert_line(ax_p, cell["k"], cell["p_alive"], f"P(n(k), k), p = {p}")
        _assert_line(ax_p, cell["k"], cell["lower_bound"], f"l(n(k), k), p = {p}")
        _assert_line(ax_n, cell["k"], cell["n"], f"n(k), p = {p}")
    for n in WIDTHS:
        cell = variance[variance["n"] == n].sort_values("k")
        _assert_line(ax_v, cell["k"], cell["V"], f"V(n, k), n = {n}")
    _check(fig, 3)


def test_long_figure2():
    """No table: every curve is the closed form, l = (1 - 2^-n)^k for n = 1..16 (left) and
    n(k, p) = -log2(1 - p^(1/k)) for p = 0.1..0.9 (right), on the depths drawn."""
    fig = plots.long_figure2()
    left, right = _data_axes(fig)
    k = np.asarray(left.get_lines()[0].get_xdata(), dtype=float)
    assert k[0] == 1 and k[-1] == 1024 and np.all(np.diff(k) > 0)
    assert len(left.get_lines()) == 16 and len(right.get_lines()) == 9
    for n in range(1, 17):
        _assert_line(left, k, (1 - 2.0**-n) ** k, f"l(n, k), n = {n}")
        _assert_line(left, k, lower_bound(n, k), f"bounds.lower_bound, n = {n}")
    for p in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        _assert_line(right, k, -np.log2(1 - p ** (1 / k)), f"n(k, p), p = {p}")
    _check(fig, 2)


def test_violations_heatmap(grid):
    fig = plots.violations_heatmap(grid)
    panels = [ax for ax in _data_axes(fig) if ax.get_visible()]
    titles = [ax.get_title() for ax in panels]
    assert len(titles) == len(SCHEMES)
    assert any(title.startswith("IID: 3 of") for title in titles)
    # Each panel's cells: the violating cells per (n, k), k its own bin (8 depths < 16 bins).
    order = [s for s in plotting.SCHEME_COLORS if s in SCHEMES]
    for ax, scheme in zip(panels, order, strict=True):
        data = grid[grid["scheme"] == scheme]
        counts = (
            (data["violates_lower"] | data["violates_upper"])
            .groupby([data["n"], data["k"]])
            .sum()
            .unstack("k")
            .reindex(index=list(WIDTHS), columns=list(DEPTHS))
        )
        (mesh,) = ax.collections
        drawn = np.ma.filled(np.ma.asarray(mesh.get_array(), dtype=float), np.nan)
        assert np.array_equal(drawn.reshape(counts.shape), counts.to_numpy(float)), scheme
    _check(fig, 2 * ((len(SCHEMES) + 1) // 2))  # two columns; a spare panel is hidden


def test_rai_vs_iid(grid):
    fig = plots.rai_vs_iid(grid)
    alive, constant = _data_axes(fig)
    for ax, column, schemes in ((alive, "p_alive", ("iid", "rai")),
                                (constant, "p_constant", ("iid_bias", "rai"))):  # fmt: skip
        for scheme in schemes:
            for n in (2, 4, 8):  # the default widths (2, 4, 8, 15) present in the grid
                cell = grid[(grid["scheme"] == scheme) & (grid["n"] == n)].sort_values("k")
                _assert_line(ax, cell["k"], cell[column], f"{column}, {scheme}, n = {n}")
    _check(fig, 2)


@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_save_figure_atomic(tmp_path, suffix):
    fig = plots.long_figure2(max_width=3, max_depth=8)
    target = tmp_path / "sub" / f"figure{suffix}"
    plotting.save_figure(fig, target, dpi=50)
    assert target.stat().st_size > 0
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert not plt.fignum_exists(fig.number)
    magic = b"\x89PNG" if suffix == ".png" else b"%PDF"
    assert target.read_bytes().startswith(magic)


def test_figure2_path_tolerates_empty_tables(path, variance):
    _check(plots.figure2_path(path.iloc[:0], variance.iloc[:0]), 3)


def test_figures_with_iid_only_and_single_depth(grid):
    small = grid[(grid["scheme"] == "iid") & (grid["k"] == 1)]
    _check(plots.figure1_top(small), 1)
    _check(plots.figure1_bottom(small), 1)
    _check(plots.violations_heatmap(small), 1)


def test_convergence_path():
    rows = []
    for p in (0.25, 0.75):
        for k in range(1, 33):
            n = int(np.ceil(path_width(k, p)))
            ratio = 1 + 1 / (2.0**n)
            rows.append({"p": p, "k": k, "n": n, "ratio": ratio, "ratio_low": ratio - 0.05})
            rows[-1] |= {"ratio_high": ratio + 0.05, "ratio_model": ratio, "ratio_legacy": 1.0}
    widths = np.arange(1, 9)
    split = pd.DataFrame({"n": widths, "S": widths**1.5, "S_low": widths**1.4})
    split = split.assign(S_high=widths**1.6, c=1 + widths**1.5 / 2.0**widths)
    convergence = pd.DataFrame(rows)
    fig = plots.convergence_path(convergence, split)
    path_ax, split_ax, twin = _data_axes(fig)
    for p in (0.25, 0.75):
        cell = convergence[convergence["p"] == p]
        for column in ("ratio", "ratio_model", "ratio_legacy"):
            _assert_line(path_ax, cell["k"], cell[column], f"{column}, p = {p}")
    _assert_line(split_ax, split["n"], split["S"], "S(n)")
    _assert_line(twin, split["n"], split["c"] - 1, "c(n) - 1")
    _check(fig, 3)  # S(n) with a twin axis
