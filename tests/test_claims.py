"""The claims ledger's validation and rendering."""

import pytest

from reludeath.claims import Claim, claims_markdown, claims_table, judge


def _claim(claim_id="rr.x", verdict="holds"):
    return Claim(claim_id, "long §5", "a claim", "0.5 [0.4, 0.6]", verdict, "results/x.parquet")


def test_judge():
    assert judge(True) == "holds"
    assert judge(False) == "fails"
    assert judge(None) == "undecided"
    assert judge(True, partly=True) == "partly"


@pytest.mark.parametrize(
    "kwargs", [{"claim_id": "nodot"}, {"claim_id": "rr.Upper"}, {"verdict": "maybe"}]
)
def test_bad_claims_are_refused(kwargs):
    with pytest.raises(ValueError):
        _claim(**kwargs)


def test_table_concatenates_and_refuses_duplicate_ids():
    table = claims_table([_claim("rr.a"), claims_table([_claim("dy.b", "fails")])])
    assert list(table.claim_id) == ["rr.a", "dy.b"]
    with pytest.raises(ValueError, match=r"rr\.a"):
        claims_table([_claim("rr.a"), _claim("rr.a")])


def test_markdown_counts_verdicts_and_escapes_pipes():
    table = claims_table([_claim("rr.a"), _claim("rr.b", "fails")])
    table.loc[0, "claim"] = "l <= P | alive"
    text = claims_markdown(table)
    assert "2 claims: 1 holds, 1 fails, 0 partly, 0 undecided" in text
    assert "l <= P \\| alive" in text
