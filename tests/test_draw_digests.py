"""Every built-in scheme draws the same numbers as when the fixture was recorded
(tests/make_draw_digests.py): data, weights and biases, bit for bit."""

import json

import pytest
from make_draw_digests import CASES, DIGESTS, case_name, draw_digests

EXPECTED = json.loads(DIGESTS.read_text())


def test_every_case_has_digests():
    assert sorted(EXPECTED) == sorted(case_name(case) for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=case_name)
def test_draws_match_stored_digests(case):
    assert draw_digests(case) == EXPECTED[case_name(case)]
