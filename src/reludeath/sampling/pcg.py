"""numpy's PCG64 streams in compiled code, bit for bit, without numpy's per-stream objects.

A stream named by (seed, key) is ``PCG64(SeedSequence(seed, spawn_key=key))`` (``seeds``).
Building that in numpy costs about 13 us (8 for the SeedSequence, 5 for the PCG64); here one
compiled call seeds any number of streams, and their words come from a compiled loop.

SeedSequence (M. O'Neill's seed_seq_fe, as numpy implements it): the entropy is the seed's
32-bit words, padded with zeros to 4 when a spawn key follows, then the key's words; each is
hashed into a pool of four 32-bit words (``hashmix``, ``mix``), and the pool is hashed into 8
output words, read as four 64-bit ones v0..v3. PCG64 then sets inc = ((v2 v3) << 1) | 1 and
state = step(step(0) + (v0 v1)), with step(s) = s * A + inc modulo 2^128 and word =
rotr64(hi(s) ^ lo(s), hi(s) >> 58) of the stepped state. All hash constants depend only on
the position of a word, so they are folded in when the code is generated.

A state is four uint64: state (low, high) and inc (low, high), the layout an i128 pair has in
memory on x86-64 (``state_array``, ``state_ints``).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from reludeath import compiler

__all__ = [
    "MULTIPLIER",
    "Source",
    "Ssa",
    "Stream",
    "Streams",
    "batch_shape",
    "each",
    "entropy",
    "generator_at",
    "numpy_generator",
    "seed_states",
    "state_array",
    "state_ints",
    "words",
]

MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG's default 128-bit multiplier
_MASK128 = (1 << 128) - 1
_POOL = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_M32 = 0xFFFFFFFF
LANES = 16  # words made at once: lane l holds the state of word 16 b + l
# The C signature of every compiled fill of the sampler: (state or input, output, count).
FILL = compiler.prototype(("ptr", "ptr", "i64"), None)


def _words32(value: int) -> list[int]:
    """An integer >= 0 as 32-bit words, least significant first ([0] for 0), as numpy does."""
    out = [value & _M32]
    value >>= 32
    while value:
        out.append(value & _M32)
        value >>= 32
    return out


def entropy(seed: int, codes: tuple[int, ...]) -> list[int]:
    """SeedSequence's assembled entropy: seed's words, padded to 4 if a key follows, then
    every key part's words."""
    words = _words32(seed)
    if codes:
        words += [0] * (_POOL - len(words))
        for code in codes:
            words += _words32(code)
    return words


def _hash_constants(count: int, init: int, mult: int) -> list[int]:
    """hash_const before each of `count` hashes: init, init * mult, ... (mod 2^32)."""
    out, value = [], init
    for _ in range(count):
        out.append(value)
        value = (value * mult) & _M32
    return out


def _power_sum(steps: int) -> tuple[int, int]:
    """(A^steps, 1 + A + ... + A^(steps - 1)) mod 2^128: `steps` LCG steps at once are
    s -> A^steps s + inc (1 + ... + A^(steps - 1))."""
    power, total = 1, 0
    for _ in range(steps):
        total = (total + power) & _MASK128
        power = (power * MULTIPLIER) & _MASK128
    return power, total


class Ssa:
    """Straight-line SSA text with fresh names (``%<prefix><count>``), for IR written here."""

    def __init__(self, prefix: str) -> None:
        self.lines: list[str] = []
        self.count = 0
        self.prefix = prefix

    def op(self, text: str) -> str:
        self.count += 1
        name = f"%{self.prefix}{self.count}"
        self.lines.append(f"  {name} = {text}")
        return name


class _Seeding(Ssa):
    """SeedSequence's hash steps, 32-bit."""

    def hashmix(self, value: str, constant: int) -> str:
        x = self.op(f"xor i32 {value}, {_signed(constant, 32)}")
        x = self.op(f"mul i32 {x}, {_signed(constant * _MULT_A, 32)}")
        return self.op(f"xor i32 {x}, {self.op(f'lshr i32 {x}, 16')}")

    def mix(self, x: str, y: str) -> str:
        left = self.op(f"mul i32 {x}, {_signed(_MIX_L, 32)}")
        r = self.op(f"sub i32 {left}, {self.op(f'mul i32 {y}, {_signed(_MIX_R, 32)}')}")
        return self.op(f"xor i32 {r}, {self.op(f'lshr i32 {r}, 16')}")


def _signed(value: int, bits: int) -> int:
    """`value` mod 2^bits as LLVM's signed integer literal."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def seed_source(length: int) -> str:
    """IR of ``void reludeath_pcg_seed_L(ptr entropy, ptr states, i64 count)``: for each of
    `count` rows of `length` uint32 entropy words, the PCG64 state (4 uint64) numpy seeds."""
    s = _Seeding("s")
    loads = []
    for i in range(length):
        p = s.op(f"getelementptr inbounds i32, ptr %row, i64 {i}")
        loads.append(s.op(f"load i32, ptr {p}, align 4"))
    mix_count = _POOL + _POOL * (_POOL - 1) + max(0, length - _POOL) * _POOL
    constants = iter(_hash_constants(mix_count, _INIT_A, _MULT_A))
    pool = [s.hashmix(loads[i] if i < length else "0", next(constants)) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = s.mix(pool[dst], s.hashmix(pool[src], next(constants)))
    for src in range(_POOL, length):
        for dst in range(_POOL):
            pool[dst] = s.mix(pool[dst], s.hashmix(loads[src], next(constants)))
    out = []
    for i, constant in enumerate(_hash_constants(8, _INIT_B, _MULT_B)):
        x = s.op(f"xor i32 {pool[i % _POOL]}, {_signed(constant, 32)}")
        x = s.op(f"mul i32 {x}, {_signed(constant * _MULT_B, 32)}")
        shifted = s.op(f"lshr i32 {x}, 16")
        out.append(s.op(f"zext i32 {s.op(f'xor i32 {x}, {shifted}')} to i128"))

    # v_k = out[2k] | out[2k+1] << 32; seed = v0 << 64 | v1; initseq = v2 << 64 | v3.
    def pair(lo: str, hi: str) -> str:
        return s.op(f"or i128 {lo}, {s.op(f'shl i128 {hi}, 32')}")

    v = [pair(out[2 * k], out[2 * k + 1]) for k in range(4)]
    seed = s.op(f"or i128 {s.op(f'shl i128 {v[0]}, 64')}, {v[1]}")
    initseq = s.op(f"or i128 {s.op(f'shl i128 {v[2]}, 64')}, {v[3]}")
    inc = s.op(f"or i128 {s.op(f'shl i128 {initseq}, 1')}, 1")
    a = _signed(MULTIPLIER, 128)
    started = s.op(f"add i128 {inc}, {seed}")
    state = s.op(f"add i128 {s.op(f'mul i128 {started}, {a}')}, {inc}")
    body = "\n".join(s.lines)
    return f"""
define void @reludeath_pcg_seed_{length}(ptr noalias %entropy, ptr noalias %states, i64 %count) {{
entry:
  %none = icmp eq i64 %count, 0
  br i1 %none, label %exit, label %loop
loop:
  %t = phi i64 [0, %entry], [%next, %loop]
  %ri = mul i64 %t, {length}
  %row = getelementptr inbounds i32, ptr %entropy, i64 %ri
{body}
  %oi = mul i64 %t, 2
  %ps = getelementptr inbounds i128, ptr %states, i64 %oi
  store i128 {state}, ptr %ps, align 8
  %pi = getelementptr inbounds i128, ptr %ps, i64 1
  store i128 {inc}, ptr %pi, align 8
  %next = add i64 %t, 1
  %done = icmp eq i64 %next, %count
  br i1 %done, label %exit, label %loop
exit:
  ret void
}}
"""


@cache
def _seeder(length: int) -> ctypes._CFuncPtr:
    return compiler.compiled_function(
        [seed_source(length)], f"pcg_seed_{length}", f"reludeath_pcg_seed_{length}",
        FILL,
    )  # fmt: skip


def seed_states(rows: np.ndarray) -> np.ndarray:
    """(count, 4) uint64 states of numpy's PCG64 for (count, L) uint32 entropy rows."""
    rows = np.ascontiguousarray(rows, np.uint32)
    if rows.ndim != 2 or rows.shape[1] < 1:
        raise ValueError(f"entropy rows must be a (count, L >= 1) array, got shape {rows.shape}")
    states = np.empty((rows.shape[0], 4), np.uint64)
    if rows.shape[0]:
        _seeder(rows.shape[1])(rows.ctypes.data, states.ctypes.data, rows.shape[0])
    return states


def lanes_below(ssa, lanes: int, bound: str) -> str:
    """<lanes x i1>: lane l < bound (an i64), emitted by `ssa` (anything with ``op``)."""
    one = ssa.op(f"insertelement <{lanes} x i64> poison, i64 {bound}, i64 0")
    splat = ssa.op(f"shufflevector <{lanes} x i64> {one}, <{lanes} x i64> poison, "
                   f"<{lanes} x i32> zeroinitializer")  # fmt: skip
    index = "<" + ", ".join(f"i64 {k}" for k in range(lanes)) + ">"
    return ssa.op(f"icmp ult <{lanes} x i64> {index}, {splat}")


def _output(ssa: Ssa, lanes: list[str]) -> str:
    """<16 x i64> words of 16 stepped i128 states: rotr64(hi ^ lo, hi >> 58)."""
    v64 = f"<{LANES} x i64>"
    lo = hi = "poison"
    for lane, state in enumerate(lanes):
        low = ssa.op(f"trunc i128 {state} to i64")
        high = ssa.op(f"trunc i128 {ssa.op(f'lshr i128 {state}, 64')} to i64")
        lo = ssa.op(f"insertelement {v64} {lo}, i64 {low}, i64 {lane}")
        hi = ssa.op(f"insertelement {v64} {hi}, i64 {high}, i64 {lane}")
    x = ssa.op(f"xor {v64} {hi}, {lo}")
    rot = ssa.op(f"lshr {v64} {hi}, <{', '.join(['i64 58'] * LANES)}>")
    return ssa.op(f"call {v64} @llvm.fshr.v{LANES}i64({v64} {x}, {v64} {x}, {v64} {rot})")


def stream_source(
    name: str, element: str, per_word: int, full, tail, declarations: str = ""
) -> str:
    """IR of ``void name(ptr state, ptr out, i64 count)``: the next ceil(count / per_word)
    words of the stream at `state` (4 uint64, advanced in place) turned into `count` values of
    type `element` by blocks of 16 words: ``full(words, ptr)`` returns the lines that store a
    block's 16 * per_word values (``words`` a <16 x i64>) at ``ptr``, ``tail(words, ptr)`` the
    lines that store the first ``%rest`` of them. Lane l of block b steps the state of word
    16 b + l, 16 steps at a time (16 independent chains)."""
    units = LANES * per_word
    a16, g16 = _power_sum(LANES)
    a = _signed(MULTIPLIER, 128)
    s = Ssa("e")
    initial = []
    previous = "%s0"
    for _ in range(LANES):
        previous = s.op(f"add i128 {s.op(f'mul i128 {previous}, {a}')}, %inc")
        initial.append(previous)
    step = s.op(f"mul i128 %inc, {_signed(g16, 128)}")
    lanes = [f"%lane{k}" for k in range(LANES)]
    loop = Ssa("b")
    words = _output(loop, lanes)
    full_lines = full(words, "%po")
    advanced = [
        loop.op(f"add i128 {loop.op(f'mul i128 {lane}, {_signed(a16, 128)}')}, {step}")
        for lane in lanes
    ]
    phis = "\n".join(
        f"  {lane} = phi i128 [{first}, %entry], [{later}, %loop]"
        for lane, first, later in zip(lanes, initial, advanced, strict=True)
    )
    tail_lanes = [f"%tl{k}" for k in range(LANES)]
    tail_phis = "\n".join(
        f"  {lane} = phi i128 [{first}, %entry], [{later}, %loop]"
        for lane, first, later in zip(tail_lanes, initial, advanced, strict=True)
    )
    end = Ssa("t")
    tail_words = _output(end, tail_lanes)
    tail_lines = tail(tail_words, "%to")
    # The state after the tail's last word: lane left - 1 of the tail block.
    after = "%tl0"
    for k in range(1, LANES):
        pick = end.op(f"icmp eq i64 %left, {k + 1}")
        after = end.op(f"select i1 {pick}, i128 %tl{k}, i128 {after}")
    nl = "\n"
    return f"""
declare <{LANES} x i64> @llvm.fshr.v{LANES}i64(<{LANES} x i64>, <{LANES} x i64>, <{LANES} x i64>)
{declarations}
define void @{name}(ptr noalias %state, ptr noalias %out, i64 %count) {{
entry:
  %s0 = load i128, ptr %state, align 8
  %pinc = getelementptr inbounds i128, ptr %state, i64 1
  %inc = load i128, ptr %pinc, align 8
{nl.join(s.lines)}
  %blocks = udiv i64 %count, {units}
  %rest = urem i64 %count, {units}
  %none = icmp eq i64 %blocks, 0
  br i1 %none, label %tail, label %loop
loop:
  %b = phi i64 [0, %entry], [%next, %loop]
{phis}
  %oi = mul i64 %b, {units}
  %po = getelementptr inbounds {element}, ptr %out, i64 %oi
{nl.join(loop.lines)}
{nl.join(full_lines)}
  %next = add i64 %b, 1
  %done = icmp eq i64 %next, %blocks
  br i1 %done, label %tail, label %loop
tail:
{tail_phis}
  %before = phi i128 [%s0, %entry], [%lane{LANES - 1}, %loop]
  %some = icmp ne i64 %rest, 0
  br i1 %some, label %last, label %exit
last:
  %toi = mul i64 %blocks, {units}
  %to = getelementptr inbounds {element}, ptr %out, i64 %toi
  %restw = add i64 %rest, {per_word - 1}
  %left = udiv i64 %restw, {per_word}
{nl.join(end.lines)}
{nl.join(tail_lines)}
  br label %exit
exit:
  %final = phi i128 [%before, %tail], [{after}, %last]
  store i128 %final, ptr %state, align 8
  ret void
}}
"""


def _words_source() -> str:
    v64 = f"<{LANES} x i64>"

    def full(words: str, ptr: str) -> list[str]:
        return [f"  store {v64} {words}, ptr {ptr}, align 8"]

    def tail(words: str, ptr: str) -> list[str]:
        s = Ssa("w")
        mask = lanes_below(s, LANES, "%rest")
        return [*s.lines, f"  call void @llvm.masked.store.v{LANES}i64.p0({v64} {words}, "
                f"ptr {ptr}, i32 8, <{LANES} x i1> {mask})"]  # fmt: skip

    declare = f"declare void @llvm.masked.store.v{LANES}i64.p0({v64}, ptr, i32, <{LANES} x i1>)"
    return stream_source("reludeath_pcg_words", "i64", 1, full, tail, declare)


@cache
def _words_function() -> ctypes._CFuncPtr:
    return compiler.compiled_function(
        [_words_source()], "pcg_words", "reludeath_pcg_words",
        FILL,
    )  # fmt: skip


def state_ints(state: np.ndarray) -> tuple[int, int]:
    """(state, inc) of a 4-uint64 state as Python integers."""
    lo, hi, inc_lo, inc_hi = (int(v) for v in state)
    return lo | hi << 64, inc_lo | inc_hi << 64


def state_array(state: int, inc: int) -> np.ndarray:
    """The 4-uint64 layout of (state, inc)."""
    m = (1 << 64) - 1
    return np.array([state & m, state >> 64, inc & m, inc >> 64], np.uint64)


_ANY_SEED = np.random.SeedSequence(0)  # PCG64(SeedSequence) is the cheapest way to make one


def generator_at(state: np.ndarray) -> np.random.Generator:
    """A numpy Generator whose PCG64 is at `state`: its next word is the stream's next."""
    bit_generator = np.random.PCG64(_ANY_SEED)
    value, inc = state_ints(state)
    bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": value, "inc": inc},
        "has_uint32": 0,
        "uinteger": 0,
    }
    return np.random.Generator(bit_generator)


class Stream:
    """A PCG64 stream at a position: its words come from compiled code (``words``, and
    ``normals.standard_normal``), and ``generator()`` hands the rest of the stream
    to numpy for the draws numpy makes (uniforms, integers): the same numbers as numpy's
    ``Generator(PCG64(SeedSequence(seed, spawn_key=key)))`` drawing the same calls."""

    __slots__ = ("state",)

    def __init__(self, state: np.ndarray) -> None:
        self.state = state  # 4 uint64, advanced in place by every draw

    def live_state(self) -> np.ndarray:
        """The state, for a compiled draw that advances it; refused once handed to numpy."""
        if self.state is None:
            raise RuntimeError("this stream was handed to a numpy Generator: draw from that")
        return self.state

    def words(self, count: int) -> np.ndarray:
        """The next `count` words (numpy's ``random_raw(count)``)."""
        return words(self.live_state(), count)

    def use_up(self) -> None:
        """Refuse further draws (the stream's position is one numpy's state cannot hold)."""
        self.state = None

    def generator(self) -> np.random.Generator:
        """A numpy Generator at this stream's position. The stream is used up: it refuses
        further draws, so the two never hand out the same words."""
        out = generator_at(self.live_state())
        self.state = None
        return out


class Streams:
    """One stream for each network of a batch, the rows of a (T, 4) state array: a draw from
    it is the draw from each stream, stacked on a leading axis of length T."""

    __slots__ = ("_handed", "states")

    def __init__(self, states: np.ndarray) -> None:
        self._handed = False
        shaped = isinstance(states, np.ndarray) and states.ndim == 2 and states.shape[1] == 4
        if not (shaped and states.dtype == np.uint64 and states.flags.c_contiguous):
            raise ValueError("states must be a contiguous (T, 4) uint64 array")
        self.states = states

    def __len__(self) -> int:
        return self.states.shape[0]

    def live_states(self) -> np.ndarray:
        """The states, for compiled draws that advance them; refused once handed to numpy."""
        if self._handed:
            raise RuntimeError("these streams were handed to numpy Generators: draw from those")
        return self.states

    def words(self, count: int) -> np.ndarray:
        """(T, count): the next `count` words of each stream."""
        states = self.live_states()
        out = np.empty((len(self), count), np.uint64)
        if count:
            function = _words_function()
            for t in range(len(self)):
                function(states[t].ctypes.data, out[t].ctypes.data, count)
        return out

    def use_up(self) -> None:
        """Refuse further draws from every stream of the batch."""
        self._handed = True

    def __getitem__(self, index: int) -> Stream:
        """Network `index`'s stream (its row: drawing from it advances the batch's row)."""
        return Stream(self.live_states()[index])

    def generators(self) -> list[np.random.Generator]:
        """Each stream handed over to a numpy Generator (``Stream.generator``)."""
        out = [self[t].generator() for t in range(len(self))]
        self._handed = True
        return out


Source = Stream | Streams | np.random.Generator  # what a scheme draws from


def batch_shape(source: Source) -> tuple[int, ...]:
    """The leading axes a draw from `source` has: (T,) for a batch of T streams, else ()."""
    return (len(source),) if isinstance(source, Streams) else ()


def numpy_generator(source: Stream | np.random.Generator) -> np.random.Generator:
    """`source` as a numpy Generator at the same position (a Stream is handed over to it)."""
    return source.generator() if isinstance(source, Stream) else source


def each(source: Source, draw: Callable[[np.random.Generator], Any]) -> Any:
    """``draw`` (numpy draws, e.g. ``lambda g: g.random(shape)``) from `source`: from its
    numpy Generator, or from each stream of a batch, stacked on a leading axis (each array of
    a tuple stacked alone)."""
    if not isinstance(source, Streams):
        return draw(numpy_generator(source))
    results = [draw(rng) for rng in source.generators()]
    if isinstance(results[0], tuple):
        return tuple(np.stack(parts) for parts in zip(*results, strict=True))
    return np.stack(results)


def words(state: np.ndarray, count: int) -> np.ndarray:
    """The next `count` uint64 words of the stream at `state` (4 uint64, advanced in place):
    what numpy's ``PCG64.random_raw(count)`` returns."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not (isinstance(state, np.ndarray) and state.dtype == np.uint64 and state.shape == (4,)
            and state.flags.c_contiguous and state.flags.writeable):  # fmt: skip
        raise ValueError("state must be a writeable contiguous uint64 array of 4 words")
    out = np.empty(count, np.uint64)
    _words_function()(state.ctypes.data, out.ctypes.data, count)
    return out
