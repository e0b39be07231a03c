"""The report's HTML pages (claims ledger, summary) and the report layout table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from reludeath.claims import CLAIM_COLUMNS
from reludeath.pages import claims_html, markdown_html, summary_html
from reludeath.report_layout import CATEGORIES, report_entry
from reludeath.workflow_plan import REPORT_LAYOUT as LAYOUT

REPORT_DIR = Path(__file__).resolve().parents[1] / "workflow" / "report"


def ledger() -> pd.DataFrame:
    rows = [
        ("rr.bounds_hold", "holds", "0 of 48 cells exclude a bound"),
        ("lu.rai_alive", "fails", "P = 0.4 < 0.5 <at n = 2>"),
        ("rr.p_to_l", "partly", "c(n) = 1.15"),
        ("dy.lms_dead", "undecided", "z = 1.1"),
        ("zz.new_family", "holds", "a family added later"),
    ]
    return pd.DataFrame(
        [
            {
                "claim_id": claim_id,
                "source": f"source of {claim_id}",
                "claim": f"the claim {claim_id}",
                "measured": measured,
                "verdict": verdict,
                "evidence": "results/aggregate/grid.parquet",
            }
            for claim_id, verdict, measured in rows
        ],
        columns=list(CLAIM_COLUMNS),
    )


def test_claims_page_shows_every_claim_grouped_with_counts_first():
    page = claims_html(ledger())
    # counts at the top, before any claim, in VERDICTS order: 2 holds, 1 of each other
    tally = page.index('class="tally"')
    assert tally < page.index("rr.bounds_hold")
    counts = re.findall(r'<span class="count">(\d+)</span><span class="badge"[^>]*>(\w+)<', page)
    assert counts == [("2", "holds"), ("1", "fails"), ("1", "partly"), ("1", "undecided")]
    # one group per prefix, in order of first appearance, unknown prefixes by name
    groups = re.findall(r"<h2 id='(\w+)'>", page)
    assert groups == ["rr", "lu", "dy", "zz"]
    assert "Rister &amp; Rubin" in page and "Lu et al." in page
    table = ledger()
    for row in table.itertuples():
        assert f"<code>{row.claim_id}</code>" in page
        assert f"source of {row.claim_id}" in page
    assert "&lt;at n = 2&gt;" in page  # measured text is escaped
    # every verdict is a badge in its row
    assert page.count('class="badge"') == 4 + len(table)


def test_pages_are_self_contained():
    for page in (claims_html(ledger()), summary_html("# Title\n\nText.\n")):
        assert page.startswith("<!DOCTYPE html>")
        assert not re.search(r"<(link|script|img)\b|src=|href=|@import|url\(", page)


def test_claims_page_of_an_empty_ledger():
    page = claims_html(ledger().iloc[:0])
    assert "judged no claims" in page


def test_markdown_subset():
    text = "\n".join(
        [
            "# reludeath: summary",
            "",
            "Some **bold** and `code **not bold**` text, (tau0 n**a)**gamma",
            "over two lines.",
            "",
            "## Claims",
            "- `rr.a`: **holds**. 3 < 4",
            "- `rr.b`: **fails**. a | b",
            "  continued",
            "",
            "| n | rate | note |",
            "|---|---|---|",
            "| 4 | 0.25 | a \\| b |",
        ]
    )
    html = re.sub(r">\s+<", "><", re.sub(r"\s*\n\s*", " ", markdown_html(text)))
    assert "<h1>reludeath: summary</h1>" in html and "<h2>Claims</h2>" in html
    assert (
        "<p>Some <strong>bold</strong> and <code>code **not bold**</code> text, "
        "(tau0 n**a)**gamma over two lines.</p>"
    ) in html
    assert html.count("<li>") == 2 and "a | b continued</li>" in html
    assert "3 &lt; 4" in html
    assert re.search(r'<span class="badge"[^>]*>holds</span>', html)  # a bold verdict
    assert "<tr><th>n</th><th>rate</th><th>note</th></tr>" in html
    assert "<tr><td>4</td><td>0.25</td><td>a | b</td></tr>" in html
    assert "---" not in html


def test_layout_categories_sort_in_reading_order_with_answers_first():
    assert sorted(CATEGORIES) == list(CATEGORIES)
    assert LAYOUT["claims"].category == CATEGORIES[0]
    assert LAYOUT["summary"].category == CATEGORIES[1]
    assert all(entry.labels for entry in LAYOUT.values())


def test_every_caption_exists_and_every_caption_file_is_used():
    used = {entry.caption for entry in LAYOUT.values()}
    for caption in used:
        assert (REPORT_DIR / caption).is_file(), caption
    files = {str(p.relative_to(REPORT_DIR)) for p in REPORT_DIR.rglob("*.rst")}
    assert files - used == {"workflow.rst"}


def test_an_unknown_figure_is_refused_by_name():
    with pytest.raises(KeyError, match="'figure9' has no place in the report"):
        report_entry(LAYOUT, "figure9")
    entry = report_entry(LAYOUT, "figure1_top", "svg")
    assert entry.labels["format"] == "svg" and entry.category == LAYOUT["figure1_top"].category
    with pytest.raises(ValueError, match="category must be one of"):
        type(entry)("Figures", "x")
