"""The kernel's inner loops under llvm-mca, for each processor family, and the limit they imply.

Usage: python bench/mca.py [--width N ...] [--cpu CPU ...] [--mca PATH]

For each width (default 15, 32, 64) and LLVM CPU (default znver4 and sapphirerapids, both
AVX-512, and this machine's), the `fused` pass (iid networks' only pass) is compiled as the
kernel compiles it there (build.pass_assembly) and each of its loops over vectors of 16 points
(one per block of output rows, passes.blocks) is given to llvm-mca. Per loop iteration, that is
per 16 points and block of r rows, the product needs r*n multiply-adds of 16 lanes; a family
issues P of them a cycle (sapphirerapids: 2, ports 0 and 5; znver4 and AVX2 machines: 1, a
512-bit FMA takes both 256-bit FMA pipes). So

    fma_bound = sum over blocks of r*n / P   cycles per 16 points (every pipe doing only FMAs),
    limit = fma_bound / mca_cycles           the fraction of the FMA ports' peak the loop can reach,

with mca_cycles llvm-mca's steady-state cycles per iteration summed over the blocks. Counted
by hand from the same loops: per 16 points and output row, the n multiply-adds of the product
and e other vector operations (combining the two chains, the ReLU's compare and select, the
shifted sums' subtract, add and FMA, the masked count, the survival mask); where every vector
operation shares the FMA ports (sapphirerapids with 512-bit vectors: ports 0 and 5 only) the
loop reaches at most n / (n + e) of them: shared_ports_limit.

The scheduling model is calibrated first: llvm-mca runs 12 independent register-to-register
16-lane FMAs (no dependency chain, no memory operand) and their cycles give the model's own FMA
rate, `model_fma_per_cycle`. llvm-mca 19's sapphirerapids (and icelake-server) model issues every
512-bit FMA on port 0 alone, whichever operand form: 1 a cycle, where the hardware has 2 (ports 0
and 5). So for that CPU `limit` (against the hardware's ports) cannot exceed 0.5 and says nothing
about the second port; `model_limit` (against the model's own rate) is what the model predicts for
the loop. The efficiency bench/kernel.py measures (kernel / sgemm) can reach at most
limit * peak / sgemm.
Each line names the loop's busiest resources (llvm-mca's pressure per iteration, cycles).
Lines: mca cpu=C n=N cycles=X fma_bound=Y limit=L model_fma_per_cycle=F model_limit=G busiest=...
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from functools import cache

sys.path.insert(0, os.path.dirname(__file__))
from machine import say

from reludeath import compiler
from reludeath.kernel import build, passes

FMA_PER_CYCLE = {"sapphirerapids": 2, "znver4": 1}  # 16-lane FMAs a cycle; else 1
DEFAULT_CPUS = ("znver4", "sapphirerapids")


def find_mca() -> str | None:
    """The newest llvm-mca on PATH that models znver4 (LLVM >= 17), else any."""
    for name in ("llvm-mca-19", "llvm-mca-18", "llvm-mca-17", "llvm-mca"):
        if shutil.which(name):
            return name
    return None


def loops(assembly: str) -> list[list[str]]:
    """The instruction lines of each loop: from a label to the branch back to it."""
    lines = assembly.splitlines()
    found = []
    for start, line in enumerate(lines):
        label = re.match(r"^(\.LBB\d+_\d+):", line)
        if not label:
            continue
        for end in range(start + 1, len(lines)):
            if re.match(rf"^\s+j\w+\s+{re.escape(label.group(1))}$", lines[end]):
                body = lines[start + 1 : end + 1]
                found.append([t for t in body if t.startswith("\t") and not t.startswith("\t.")])
                break
    return found


def simulate(mca: str, cpu: str, body: list[str]) -> tuple[float, list[tuple[str, float]]]:
    """(cycles per iteration, [(resource, pressure per iteration)] busiest first)."""
    result = subprocess.run(
        [mca, "-mtriple=x86_64-unknown-linux-gnu", f"-mcpu={cpu}", "-iterations=200"],
        input="\n".join(body) + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    iterations = int(re.search(r"Iterations:\s+(\d+)", result).group(1))
    cycles = int(re.search(r"Total Cycles:\s+(\d+)", result).group(1)) / iterations
    names = dict(re.findall(r"^\[(\d+(?:\.\d+)?)\]\s+-\s+(\S+)", result, re.M))
    table = result.split("Resource pressure per iteration:")[1].splitlines()
    header = re.findall(r"\[(\d+(?:\.\d+)?)\]", table[1])
    values = table[2].split()
    pressure = [
        (names.get(h, h), float(v)) for h, v in zip(header, values, strict=False) if v != "-"
    ]
    return cycles, sorted(pressure, key=lambda p: -p[1])


@cache
def model_fma_rate(mca: str, cpu: str) -> float:
    """16-lane FMAs a cycle in llvm-mca's model of cpu: 12 independent register FMAs."""
    width = "zmm" if compiler.has_avx512(cpu, "") else "ymm"
    body = [f"\tvfmadd231ps\t%{width}0, %{width}1, %{width}{r}" for r in range(2, 14)]
    cycles, _ = simulate(mca, cpu, body)
    lanes = 16 if width == "zmm" else 8
    return 12 * lanes / 16 / cycles


def analyse(mca: str, n: int, cpu: str, kind: str = "fused") -> str:
    """One line: llvm-mca's cycles per 16 points, the FMA bound and the limit, for width n."""
    bodies = loops(build.pass_assembly(n, kind, "float32", cpu))
    rows = [len(r) for r in passes.blocks(n, build.row_block(cpu, ""))]
    if len(bodies) != len(rows):
        raise RuntimeError(f"{cpu} n={n}: found {len(bodies)} loops for {len(rows)} blocks")
    per_cycle = FMA_PER_CYCLE.get(cpu, 1)
    cycles, fma_bound, busiest = 0.0, 0.0, {}
    for r, body in zip(rows, bodies, strict=True):
        c, pressure = simulate(mca, cpu, body)
        cycles += c
        fma_bound += r * n / per_cycle
        for name, value in pressure:
            busiest[name] = busiest.get(name, 0.0) + value
    top = sorted(busiest.items(), key=lambda p: -p[1])[:4]
    model_rate = model_fma_rate(mca, cpu)
    ops = sum(vector_ops(t) for b in bodies for t in b)
    macs = sum(rows) * n  # 16-lane multiply-adds of the product per 16 points
    return (
        f"mca cpu={cpu} n={n} blocks={'/'.join(map(str, rows))} cycles={cycles:.1f} "
        f"fma_bound={fma_bound:.1f} limit={fma_bound / cycles:.2f} "
        f"model_fma_per_cycle={model_rate:.2f} "
        f"model_limit={fma_bound * per_cycle / model_rate / cycles:.2f} "
        f"vector_ops={ops} per_row={ops / n:.1f}=n+{(ops - macs) / n:.1f} "
        f"shared_ports_limit={macs / ops:.2f} "
        f"busiest={','.join(f'{k}:{v:.1f}' for k, v in top)}"
    )


def vector_ops(line: str) -> int:
    """1 for an instruction that needs a vector ALU port (FMA, add, compare, max, blend, mask
    logic; an FMA with a broadcast memory operand too), 0 for loads, stores, register copies
    and scalars. With AVX2 a vector of 16 points is two registers: every operation counts twice."""
    mnemonic, _, operands = line.strip().partition("\t")
    if not mnemonic.startswith(("v", "k")):
        return 0
    if mnemonic.startswith(("vmov", "vbroadcast", "kmov")):
        # A load or store, or a register copy (renaming removes it on both families); a masked
        # copy between registers is a blend, which needs a port.
        return int("{%k" in operands and "(" not in operands)
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, action="append", help="default 15, 32, 64")
    parser.add_argument("--cpu", action="append", help="LLVM CPU names; default both families")
    parser.add_argument("--mca", default=find_mca(), help="the llvm-mca program")
    args = parser.parse_args()
    if args.mca is None:
        parser.error("no llvm-mca found (Debian: apt-get install llvm-19)")
    cpus = args.cpu or [*DEFAULT_CPUS, compiler.target_cpu()[0]]
    for n in args.width or (15, 32, 64):
        for cpu in cpus:
            say(analyse(args.mca, n, cpu))


if __name__ == "__main__":
    main()
