"""Self-contained HTML pages for the report: the claims ledger and the summary.

The report viewer shows HTML inline but offers Markdown and Parquet only as downloads,
so the answers go in as HTML: one file each, inline style, no external assets. The
ledger is grouped by the claim id's prefix (the paper), verdicts are coloured badges,
and the count of each verdict comes first. The summary is its Markdown rendered by
markdown-it-py (CommonMark with pipe tables; raw HTML escaped), a bold verdict word made its
badge.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from markdown_it import MarkdownIt

from reludeath.claims import CLAIM_COLUMNS, PAPERS, VERDICTS

__all__ = ["claims_html", "markdown_html", "summary_html"]

# Badge colours (background, text) per verdict.
_BADGE = {
    "holds": ("#1a7f37", "#ffffff"),
    "fails": ("#cf222e", "#ffffff"),
    "partly": ("#bf8700", "#ffffff"),
    "undecided": ("#6e7781", "#ffffff"),
}

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em;
       color: #1f2328; line-height: 1.45; max-width: 80em; }
h1 { font-size: 1.5em; margin-top: 0; } h2 { font-size: 1.2em; margin-top: 1.6em; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #d0d7de; padding: 0.35em 0.6em; vertical-align: top;
         text-align: left; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fbfcfd; }
code { background: #f6f8fa; padding: 0.1em 0.3em; border-radius: 4px; font-size: 0.95em; }
.badge { display: inline-block; padding: 0.1em 0.55em; border-radius: 1em;
         font-weight: 600; font-size: 0.9em; white-space: nowrap; }
.tally { display: flex; gap: 0.8em; flex-wrap: wrap; margin: 0.8em 0 1.2em; }
.tally div { border: 1px solid #d0d7de; border-radius: 8px; padding: 0.5em 1em;
             text-align: center; min-width: 6em; }
.tally .count { font-size: 1.8em; font-weight: 700; display: block; }
.note { color: #57606a; }
""".strip()


def _badge(verdict: str) -> str:
    background, colour = _BADGE.get(verdict, ("#6e7781", "#ffffff"))
    return (
        f'<span class="badge" style="background:{background};color:{colour}">'
        f"{html.escape(verdict)}</span>"
    )


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _prefix(claim_id: str) -> str:
    return claim_id.split(".", 1)[0]


def claims_html(table: pd.DataFrame) -> str:
    """The ledger (columns of CLAIM_COLUMNS) as one HTML page: the count of each verdict,
    then one table per id prefix (in order of first appearance), every claim a row."""
    counts = table["verdict"].value_counts()
    tally = "".join(
        f'<div><span class="count">{counts.get(v, 0)}</span>{_badge(v)}</div>' for v in VERDICTS
    )
    parts = [
        "<h1>Claims ledger</h1>",
        f"<p>{len(table)} quantitative claims of the papers, each with what this run measured "
        "and a verdict computed from the measurement (never typed in).</p>",
        f'<div class="tally">{tally}</div>',
    ]
    shown = [c for c in CLAIM_COLUMNS if c != "claim"]
    for prefix in dict.fromkeys(_prefix(i) for i in table["claim_id"]):
        rows = table[table["claim_id"].map(_prefix) == prefix]
        group = counts_line(rows)
        parts.append(
            f"<h2 id='{html.escape(prefix)}'>{html.escape(PAPERS.get(prefix, prefix))} "
            f"(<code>{html.escape(prefix)}.</code>): {group}</h2>"
        )
        head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in shown)
        body = []
        for row in rows.itertuples(index=False):
            cells = []
            for column in shown:
                value = str(getattr(row, column))
                if column == "verdict":
                    cells.append(f"<td>{_badge(value)}</td>")
                elif column == "claim_id":
                    cells.append(
                        f"<td><code>{html.escape(value)}</code><br>"
                        f"<span class='note'>{html.escape(str(row.claim))}</span></td>"
                    )
                else:
                    cells.append(f"<td>{html.escape(value)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        parts.append(f"<table>\n<tr>{head}</tr>\n" + "\n".join(body) + "\n</table>")
    if table.empty:
        parts.append("<p class='note'>This run judged no claims.</p>")
    return _page("reludeath: claims ledger", "\n".join(parts))


def counts_line(table: pd.DataFrame) -> str:
    """'3 holds, 1 fails' for the verdicts that occur in `table`, in VERDICTS order."""
    counts = table["verdict"].value_counts()
    return ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts.get(v, 0))


_VERDICT_WORD = re.compile(r"<strong>(" + "|".join(VERDICTS) + r")</strong>")
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str) -> str:
    """Markdown as HTML (CommonMark and pipe tables; raw HTML in it escaped), each bold
    verdict word (**holds**, ...) its badge."""
    return _VERDICT_WORD.sub(lambda m: _badge(m.group(1)), _MARKDOWN.render(text))


def summary_html(markdown: str) -> str:
    """results/summary.md as one self-contained HTML page."""
    return _page("reludeath: summary", markdown_html(markdown))
