"""The ``reludeath`` command: the design question and the study's answers in a terminal.

    reludeath width --depth K --p P [--results DIR] [--json]
    reludeath bounds --n N --k K [--json]
    reludeath estimate --n N --k K [--scheme S] [--networks T] [--data-points M] [--seed s]
    reludeath claims [--results DIR]

Bad input exits with status 2 and one line naming the option and what it allows.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import textwrap
from collections.abc import Sequence

from reludeath import __version__
from reludeath.api import InputError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (the option and what it allows), no usage block."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _integer(low: int, high: int | None = None, allowed: str = "a positive integer"):
    """An argparse type: an integer in [low, high]; '1e12' is accepted when it is integral."""

    def parse(text: str) -> int:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        integral = math.isfinite(number) and number.is_integer()
        value = (
            int(text) if text.strip().lstrip("+-").isdigit() else int(number) if integral else None
        )
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}")
        return value

    return parse


_positive_int = _integer(1)
_width = _integer(1, 64, "an integer from 1 to 64")
_nonnegative_int = _integer(0, allowed="an integer >= 0")


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a number in the open interval (0, 1), got {text!r}"
        )
    return value


def _schemes() -> list[str]:
    from reludeath.schemes import SCHEMES

    return sorted(SCHEMES)


def _interval(value) -> str:
    if value is None:
        return "n/a"
    low, high = (round(v, 12) + 0.0 for v in (value.low, value.high))  # no 4e-19 for 0
    return f"{value.estimate:.4g} (95% CI {low:.4g} to {high:.4g})"


def _note(text: str) -> None:
    print(f"note: {text}", file=sys.stderr)


def _cmd_width(args: argparse.Namespace) -> int:
    from reludeath.api import width_for

    answer = width_for(args.depth, args.p, args.results)
    for note in answer.notes:
        _note(note)
    if args.json:
        print(json.dumps(answer.to_json()))
        return 0
    print(f"depth K = {answer.depth}, target P(alive) >= p = {answer.p:g} (iid He networks)")
    print(
        f"width_bound    = {answer.width_bound}: l(n, K) = {answer.lower_at_width_bound:.4g} "
        f">= p; measured P there: {_interval(answer.p_at_width_bound)}"
    )
    if answer.width_measured is None:
        print("width_measured = n/a")
    else:
        how = f" (c(n) = {answer.c:.4g}, P = c(n) l(n, K))" if answer.c is not None else ""
        print(
            f"width_measured = {answer.width_measured}: measured P = "
            f"{_interval(answer.p_at_width_measured)}{how}"
        )
    return 0


def _cmd_bounds(args: argparse.Namespace) -> int:
    from reludeath.api import bounds_at

    values = bounds_at(args.n, args.k)
    if args.json:
        print(json.dumps(values))
        return 0
    print(f"n = {args.n}, k = {args.k}")
    print(f"l  = (1 - 2^-n)^k             = {values['lower']:.6g}  (lower bound, eq. 8)")
    print(f"u  = (1 - 2^(-n^2-n))^(k-1)   = {values['upper']:.6g}  (upper bound, with biases)")
    print(f"u0 = (1 - 2^(-n^2))^(k-1)     = {values['upper_zero_bias']:.6g}  (upper, no biases)")
    return 0


class _Bar:
    """A progress bar on stderr, drawn only on a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.active = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.active:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _cmd_estimate(args: argparse.Namespace) -> int:
    from reludeath.api import estimate

    if args.scheme not in _schemes():
        raise _UsageError(
            f"argument --scheme: must be one of {', '.join(_schemes())}, got {args.scheme!r}"
        )
    result = estimate(
        args.n,
        args.k,
        scheme=args.scheme,
        networks=args.networks,
        data_points=args.data_points,
        seed=args.seed,
        threads=args.threads,
        progress=_Bar("networks"),
    )
    b = result.bounds
    print(
        f"{result.scheme}, n = {result.n}, k = {result.k}: {result.networks} networks, "
        f"{result.data_points} data points each, seed {result.seed}"
    )
    print(f"P(alive)        = {_interval(result.p_alive)}  (Wilson)")
    print(f"P(collapsed)    = {_interval(result.p_collapsed)}  (Wilson; spread <= 1e-5)")
    print(f"P(constant)     = {_interval(result.p_constant)}  (Wilson; a dead layer so far)")
    print(f"living fraction = {_interval(result.living_fraction)}  (t interval over networks)")
    print(
        f"bounds: l = {b['lower']:.4g}, u = {b['upper']:.4g} (with biases), "
        f"u0 = {b['upper_zero_bias']:.4g} (no biases)"
    )
    return 0


def _cmd_claims(args: argparse.Namespace) -> int:
    from reludeath.api import read_claims
    from reludeath.claims import PAPERS, VERDICTS

    table = read_claims(args.results)
    counts = table["verdict"].value_counts()
    print(f"{len(table)} claims: " + ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS))
    width = max(60, shutil.get_terminal_size((100, 24)).columns)
    id_width = max([len("claim"), *map(len, table["claim_id"])])
    verdict_width = max(len(v) for v in VERDICTS)
    text_width = width - id_width - verdict_width - 4
    prefix = None
    for row in table.itertuples(index=False):
        group = row.claim_id.split(".", 1)[0]
        if group != prefix:
            prefix = group
            print(f"\n{PAPERS.get(group, group)} ({group}.)")
        lines = textwrap.wrap(f"{row.claim} Measured: {row.measured}", text_width) or [""]
        print(f"{row.claim_id:<{id_width}}  {row.verdict:<{verdict_width}}  {lines[0]}")
        for line in lines[1:]:
            print(" " * (id_width + verdict_width + 4) + line)
    return 0


class _UsageError(Exception):
    """Bad input found after parsing: reported like argparse's errors."""


def _parser() -> _Parser:
    parser = _Parser(
        prog="reludeath",
        description="ReLU network death at random initialization: how wide must a network "
        "be to be alive, the bounds, a quick simulation, and the study's claims.",
    )
    parser.add_argument("--version", action="version", version=f"reludeath {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    width = commands.add_parser(
        "width",
        help="the width a depth-K network needs to be alive with probability p",
        description="width_bound: the smallest n with l(n, K) = (1 - 2^-n)^K >= p, "
        "ceil(-log2(1 - p^(1/K))). width_measured: the smallest width whose measured "
        "P(n, K) (iid He networks, point estimate) is >= p, from the finished run in "
        "--results. Beyond the run's depth P = c(n) l(n, K), c(n) the plateau of P / l "
        "from the run's split table; this holds for iid networks once no deeper layer "
        "splits the living points (they have collapsed onto one ray) and otherwise "
        "underestimates P. Intervals are 95%.",
    )
    width.add_argument("--depth", required=True, type=_positive_int, help="depth K (>= 1)")
    width.add_argument("--p", required=True, type=_probability, help="target P(alive), in (0, 1)")
    width.add_argument("--results", default="results", help="a finished run (default: results)")
    width.add_argument("--json", action="store_true", help="print one JSON object")
    width.set_defaults(run=_cmd_width)

    bounds = commands.add_parser(
        "bounds", help="the bounds l, u and u0 on P(alive) at width n and depth k"
    )
    bounds.add_argument("--n", required=True, type=_positive_int, help="width n (>= 1)")
    bounds.add_argument("--k", required=True, type=_positive_int, help="depth k (>= 1)")
    bounds.add_argument("--json", action="store_true", help="print one JSON object")
    bounds.set_defaults(run=_cmd_bounds)

    simulate = commands.add_parser(
        "estimate",
        help="simulate networks and measure P(alive), P(collapsed), P(constant) and the living "
        "fraction",
        description="A quick simulation with the fast kernel: P(alive), P(collapsed) and "
        "P(constant) at "
        "depth k with 95% Wilson intervals, the mean living fraction with a 95% interval "
        "over networks, and the bounds beside them.",
    )
    simulate.add_argument("--n", required=True, type=_width, help="width n (1 to 64)")
    simulate.add_argument("--k", required=True, type=_positive_int, help="depth k (>= 1)")
    simulate.add_argument("--scheme", default="iid", help="initialization scheme (default iid)")
    simulate.add_argument("--networks", type=_positive_int, default=1000, help="networks T")
    simulate.add_argument(
        "--data-points", type=_positive_int, default=1024, help="data points M per network"
    )
    simulate.add_argument("--seed", type=_nonnegative_int, default=0, help="master seed")
    simulate.add_argument("--threads", type=_positive_int, default=1, help="threads")
    simulate.set_defaults(run=_cmd_estimate)

    claims = commands.add_parser("claims", help="the claims ledger of a finished run")
    claims.add_argument("--results", default="results", help="a finished run (default: results)")
    claims.set_defaults(run=_cmd_claims)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit status: 0, or 2 for bad input (one line on stderr)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except _UsageError as error:
        print(f"reludeath {args.command}: error: {error}", file=sys.stderr)
        return 2
    except (InputError, FileNotFoundError) as error:
        print(f"reludeath {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
