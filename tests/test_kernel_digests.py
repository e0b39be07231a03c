"""Every kernel output, bit for bit, on stored inputs: the digests were recorded before the
kernel's restructuring (tests/make_kernel_digests.py), so any change of an output shows here,
whatever the sampler that drew the inputs does later."""

import json

import numpy as np
import pytest
from make_kernel_digests import CASES, DIGESTS, INPUTS, case_name, digest, run_case

EXPECTED = json.loads(DIGESTS.read_text())


def test_every_case_has_digests():
    assert sorted(EXPECTED) == sorted(case_name(case) for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=case_name)
def test_outputs_match_stored_digests(case):
    name = case_name(case)
    with np.load(INPUTS) as stored:
        x, weights, biases = (stored[f"{name}/{part}"] for part in ("x", "weights", "biases"))
    out = run_case(case, x, weights, biases)
    assert sorted(out) == sorted(EXPECTED[name])
    for key, value in out.items():
        assert digest(value) == EXPECTED[name][key], f"{name}: output {key} changed"
