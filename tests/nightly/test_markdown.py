"""The Markdown report: the same numbers and sections as the HTML, as text a wiki or Teams shows, and nothing in
a record or a title can turn into markup. Escaping is checked by rendering with markdown-it-py, an independent
CommonMark (and GitHub table) implementation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from compliance.engines import evaluate
from compliance.nightly._build import build_report, snapshot_of
from compliance.nightly._markdown import to_markdown_report
from compliance.records import load_records
from compliance.reports import md_code, md_text, to_markdown
from compliance.rules import load_rules

from conftest import FIXTURES

COUNCIL = FIXTURES / "report" / "council.yaml"
HOSTILE_ID = "a`b`` <img src=x onerror=alert(1)> [x](javascript:alert(1)) | *c*"
HOSTILE_TITLE = "<script>alert(1)</script> **bold** [link](https://evil.example) & `code`"


@pytest.fixture(scope="module")
def model():
    rules = load_rules()
    records = load_records([COUNCIL], rules.vocabulary)
    previous = snapshot_of(evaluate(records, rules, date(2026, 11, 20)), 1, date(2026, 11, 20))
    return build_report(evaluate(records, rules, date(2026, 11, 27)), date(2026, 11, 27),
                        datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc), previous=previous)


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


class Elements(HTMLParser):
    """Every element of rendered HTML, and the text inside each <code>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.code: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "code":
            self._in_code = True
            self.code.append("")

    def handle_endtag(self, tag):
        if tag == "code":
            self._in_code = False

    def handle_data(self, data):
        if self._in_code:
            self.code[-1] += data


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def test_sections_numbers_and_tables(model):
    md = to_markdown_report(model)
    assert md.startswith("# Statutory deadlines report: compliance as of 2026-11-27\n")
    assert "- **1** overdue\n" in md
    assert "- **3** due within 10 working days (by 2026-12-11)\n" in md
    assert "- **1** late completions from 2026-11-21 to 2026-11-27 (since the previous run, as of 2026-11-20)" in md
    assert ("### Completed late (1)\n\n- `gamma`: Publish the inspection report, deadline 2026-11-12 "
            "(was overdue, now late)") in md
    assert "| Overdue | `alpha` | Publish the inspection report | 2026-11-12 | 11 working days (15 days) overdue |" in md
    lines = md.splitlines()
    headers = [i for i, line in enumerate(lines) if line == "| Status | Record | Duty | Deadline | Margin | Duty holder |"]
    tables = [lines[h + 2:lines.index("", h)] for h in headers]
    rows = [row for table in tables for row in table]
    # 7 records x 3 duties, less gamma's report (late) and epsilon's (met): 19 open, fewer than the cap: the 3 due
    # by Fri 11 Dec 2026 (10 working days after Fri 27 Nov), then the 1 overdue, then the 15 due later.
    assert [len(t) for t in tables] == [3, 1, 15]
    assert len(rows) == model.open_total == 19
    assert md.index("### Due by 2026-12-11 (3)") < md.index("### Overdue (1)") < md.index("### Due after 2026-12-11 (15)")
    assert md.index("## What to do: due soon, and overdue") < md.index("## What changed since the previous run")
    assert all(row.count("|") - row.count("\\|") == 7 for row in rows)
    # 7 records x the 3 inspection duties that apply to each (of the 8 in rules/inspections.yaml).
    assert "All 21 findings that apply, each with its working and its source, are in findings.json.gz" in md
    # Rendered, the table has the same cells.
    table = elements(render(md))
    assert sum(1 for t, _ in table.tags if t == "tr") >= 1 + 19


def test_summary_counts_are_written_with_thousands_separators(model):
    md = to_markdown_report(replace(model, summary=replace(model.summary, met=171_980, overdue=12_345)))
    assert "- **171,980** met\n" in md and "- **12,345** overdue\n" in md


def test_a_backtick_in_an_id_stays_inside_its_code_span_and_titles_pass_no_markup(model):
    hostile = replace(model.open_duties[0], record=HOSTILE_ID, title=HOSTILE_TITLE)
    md = to_markdown_report(replace(model, open_duties=(hostile,), title=HOSTILE_TITLE,
                                    changes=tuple(replace(c, record=HOSTILE_ID, title=HOSTILE_TITLE)
                                                  for c in model.changes)))
    html = render(md)
    found = elements(html)
    # Nothing but the report's own structure: no image, script, link or emphasis made from the values.
    assert {t for t, _ in found.tags} <= {"h1", "h2", "h3", "p", "ul", "li", "strong", "code", "table", "thead",
                                          "tbody", "tr", "th", "td"}
    assert not [a for t, a in found.tags if t == "a"]
    # The id comes back whole, inside one code span, in the open-duties table and in the list of changes.
    assert found.code.count(HOSTILE_ID) == 1 + len(model.changes)
    assert HOSTILE_TITLE in html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace(
        "&quot;", '"')


def test_helpers_against_a_commonmark_renderer():
    for value in ("plain", "a`b", "`starts", "ends`", "``", "a|b", " spaced ", "<b>x</b>"):
        for table in (False, True):
            code = md_code(value, table)
            rendered = render(f"| x |\n|---|\n| {code} |\n" if table else f"- {code}\n")
            assert elements(rendered).code == [value], (value, table, code)
    text = "<script>x</script> *a* _b_ [c](d) ![e](f) `g` a|b ~~h~~ &amp; \\n"
    rendered = render(f"{md_text(text)}\n")
    assert rendered == "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>\n"
    assert md_text("line one\r\nline two") == "line one line two"



def test_an_address_in_a_value_stays_text_where_github_would_link_it():
    """GitHub (and Teams) make a link of a bare "https://..." or "www....": a cell holding a phishing address, quoted
    in a skipped row's problem, was a link in report.md. The ":" or "." is escaped, which CommonMark does not show."""
    text = "'https://login.evil.example/x' and (www.evil.example) are not dates; WWW.Evil.example; 10:30; awww.x"
    assert md_text(text) == ("'https\\://login.evil.example/x' and (www\\.evil.example) are not dates; "
                             "WWW\\.Evil.example; 10:30; awww.x")
    assert render(f"{md_text(text)}\n") == f"<p>{text}</p>\n"



def test_the_skipped_rows_are_named_up_to_twenty_as_on_the_page_then_counted(model):
    """Issue: report.md, the email's text, listed every row --skip-bad-rows left out: 20 MB for 100,000 bad rows,
    where the page names 20."""
    rows = tuple(f"tracker.csv:{n}:4: referral: 'soon' is not a date" for n in range(2, 1_502))
    md = to_markdown_report(replace(model, skipped_rows=rows))
    assert "**1,500 bad rows were skipped**; what they hold is not in this report:\n\n" in md
    listed = [line for line in md.splitlines() if line.startswith("- tracker.csv:")]
    assert listed == [f"- tracker.csv:{n}:4: referral: 'soon' is not a date" for n in range(2, 22)]
    assert "\n- tracker.csv:21:4: referral: 'soon' is not a date\n- and 1,480 more: findings.csv lists every one " \
           "(status unreadable)\n\n## Summary" in md


def test_check_format_md_escapes_too():
    rules = load_rules()
    records = load_records([COUNCIL], rules.vocabulary)
    findings = [replace(f, record=HOSTILE_ID, citation=HOSTILE_TITLE) for f in evaluate(records, rules,
                                                                                        date(2026, 11, 27))]
    found = elements(render(to_markdown(findings, date(2026, 11, 27))))
    assert {t for t, _ in found.tags} <= {"h1", "p", "strong", "table", "thead", "tbody", "tr", "th", "td"}
    rows = [t for t, _ in found.tags if t == "tr"]
    assert len(rows) == 1 + sum(f.status != "not_applicable" for f in findings)


def test_the_page_says_the_calendar_holds_only_the_deadlines_near_the_as_of_date(model):
    """Issue: "Every open duty is in findings.csv and in deadlines.ics", but the calendar holds only the duties due or
    overdue within --ics-days, and one event counting those overdue for longer."""
    md = to_markdown_report(replace(model, ics_days=7))
    assert ("Every open duty is in findings.csv (its status is Overdue or Due). deadlines.ics, the calendar, holds "
            "only those due within 7 days and those overdue by at most 7 days (--ics-days), and, if any are overdue "
            "for longer, one event on 2026-11-27 counting them.") in md
    assert "and in deadlines.ics" not in md
    assert "within 1 day and those overdue by at most 1 day " in to_markdown_report(replace(model, ics_days=1))
