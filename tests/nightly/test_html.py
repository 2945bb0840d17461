"""The HTML report as text: self-contained, semantic, escaped, and with the numbers the model holds."""

from __future__ import annotations

import re
import base64
import hashlib
from dataclasses import replace
from datetime import date, datetime, timezone
from html.parser import HTMLParser

import pytest

from compliance.engines import evaluate
from compliance.nightly._build import build_report, snapshot_of
from compliance.nightly._html import CONTENT_SECURITY_POLICY, timeline_svg, to_html, trend_svg
from compliance.nightly._model import TrendPoint
from compliance.records import load_records
from compliance.rules import load_rules

from conftest import FIXTURES

COUNCIL = FIXTURES / "report" / "council.yaml"
NOW = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def council():
    rules = load_rules()
    return rules, load_records([COUNCIL], rules.vocabulary)


@pytest.fixture(scope="module")
def model(council):
    rules, records = council
    previous = snapshot_of(evaluate(records, rules, date(2026, 11, 20)), 1, date(2026, 11, 20))
    return build_report(evaluate(records, rules, date(2026, 11, 27)), date(2026, 11, 27), NOW, previous=previous,
                        history_trend=[TrendPoint(date(2026, 11, 20), 2, 1)])


class Outline(HTMLParser):
    """Collects what a strict reader checks: nesting, tags, attributes and text per element."""

    VOID = {"meta", "br", "line", "circle", "rect", "path", "img", "link", "input", "hr"}

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.errors = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def outline(html):
    parser = Outline()
    parser.feed(html)
    parser.close()
    return parser


def test_well_formed_and_self_contained(model):
    html = to_html(model)
    parsed = outline(html)
    assert parsed.errors == [] and parsed.stack == []
    assert html.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en-GB"}) in parsed.tags
    # Nothing to fetch: no linked stylesheet, image, script or font, no CSS url() or @import.
    assert not [t for t, a in parsed.tags if t in ("link", "img", "iframe", "object") or "src" in a]
    assert "url(" not in html and "@import" not in html
    # The only addresses are links a reader may follow: to the legislation, and to the run's own files beside
    # the page (latest.csv and the rest when the page is opened as latest.html).
    hrefs = {a["href"] for t, a in parsed.tags if t == "a"}
    files = {"findings.csv", "findings.json.gz", "findings.parquet", "deadlines.ics", "report.md"}
    assert files <= hrefs
    assert all(h.startswith("https://") for h in hrefs - files - {"#main"})
    assert {a["data-latest"] for t, a in parsed.tags if t == "a" and "data-latest" in a} == {
        "latest.csv", "latest.json.gz", "latest.parquet", "latest.ics", "latest.md"}


def test_summary_numbers_and_sections(model):
    html = to_html(model)
    counts = dict(re.findall(r'data-summary="(\w+)"><span class="count">([\d,]+)</span>', html))
    assert counts == {"overdue": "1", "due_within_window": "3", "late_in_period": "1", "met": "1"}
    order = [html.index(f'id="{section}"') for section in
             ("summary", "open", "due-soon", "overdue", "changes", "trend", "kpi", "timelines", "files", "about")]
    assert order == sorted(order)
    assert "Completed late (1)" in html and "Newly met (1)" in html and "New duties (3)" in html
    assert "Compared with the run as of Friday 20 November 2026 (run 1)" in html


def test_summary_counts_are_written_with_thousands_separators(model):
    # At 100,000 inspection records a head of service reads 171,980 findings and 688,020 duties that do not apply.
    summary = replace(model.summary, met=171_980, statuses={**model.summary.statuses, "not_applicable": 688_020})
    html = to_html(replace(model, summary=summary))
    assert '<span class="count">171,980</span>' in html
    assert "688,020 not applicable" in html


def test_tables_are_semantic(model):
    parsed = outline(to_html(model))
    tables = [t for t, _ in parsed.tags if t == "table"]
    captions = [t for t, _ in parsed.tags if t == "caption"]
    assert len(tables) == len(captions) == 5  # due soon, overdue, due later, trend, timeliness
    headers = [a for t, a in parsed.tags if t == "th"]
    assert headers and all(a.get("scope") in ("col", "row") for a in headers)


def test_every_picture_has_a_text_alternative(model):
    parsed = outline(to_html(model))
    pictures = [a for t, a in parsed.tags if t == "svg" and a.get("role") == "img"]
    # The trend, the timeliness chart, and a timeline for each of the 7 records (fewer than the cap).
    assert len(model.timelines) == 7
    assert len(pictures) == 2 + 7
    ids = {a["id"] for t, a in parsed.tags if "id" in a}
    for a in pictures:
        assert all(i in ids for i in a["aria-labelledby"].split())
    decorative = [a for t, a in parsed.tags if t == "svg" and a.get("role") != "img"]
    assert decorative and all(a.get("aria-hidden") == "true" for a in decorative)


def test_status_tags_follow_govuk_colours(model):
    html = to_html(model)
    assert '<strong class="tag tag--red">Overdue</strong>' in html
    assert '<strong class="tag tag--orange">Late</strong>' in html
    assert '<strong class="tag tag--green">Met</strong>' in html
    assert '<strong class="tag tag--yellow">Due</strong>' in html  # due within the window
    assert '<strong class="tag tag--blue">Due</strong>' in html    # due later


def test_text_is_escaped(model):
    hostile = replace(model.open_duties[0], record="<script>alert(1)</script>", title='Publish "the" report & more')
    html = to_html(replace(model, open_duties=(hostile,), timelines=(("<script>alert(1)</script>", (hostile,)),),
                           title="<img src=x onerror=alert(1)>"))
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert outline(html).errors == []


def test_control_and_bidirectional_characters_from_the_records_are_shown_as_escapes(model):
    """ESC could restyle a terminal showing the page's source, U+202E turn an id around on screen: each is shown."""
    record = "r1\x1b[31m\x07\x7f\u202eevil\u2066\x85\u2028"
    hostile = replace(model.open_duties[0], record=record, title="Visit\tchild\u2029", duty_holder="Team\u202d\x00")
    html = to_html(replace(model, open_duties=(hostile,), timelines=((record, (hostile,)),), title="Council\u2069"))
    assert re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", html) is None
    assert "r1\\x1b[31m\\x07\\x7f\\u202eevil\\u2066\\x85\\u2028" in html
    assert "Visit\\tchild\\u2029" in html and "Team\\u202d\\x00" in html and "Council\\u2069" in html
    assert outline(html).errors == []


def test_a_strict_content_security_policy_allows_only_the_pages_own_style_and_script(model):
    html = to_html(model)
    parsed = outline(html)
    (policy,) = [a["content"] for t, a in parsed.tags
                 if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    # Each inline block is allowed by the SHA-256 of its exact text (worked out here independently).
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    for block, directive in ((style, "style-src"), (script, "script-src")):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert directives[directive] == f"'sha256-{digest}'"
    assert html.count("<script") == 1 and html.count("<style") == 1
    assert " style=" not in html and "javascript:" not in html  # no inline style attributes, no script URLs


def test_a_source_url_that_is_not_http_is_never_a_link(model):
    """Each duty's source is shown once, in the timeliness table; only an http(s) address becomes a link."""
    html = to_html(model)
    assert '<a href="https://www.legislation.gov.uk/uksi/2007/462/regulation/2/made">' in html
    hostile = {rule: (citation, "javascript:alert(document.domain)", verification)
               for rule, (citation, _, verification) in model.sources.items()}
    html = to_html(replace(model, sources=hostile))
    assert "javascript:" not in html
    assert "SI 2007/462, reg 2" in html  # the citation is still shown, as text
def test_timeline_description_tells_the_story(model):
    beta = dict(model.timelines)["beta"]
    svg = timeline_svg("beta", beta, date(2026, 11, 27), 7)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert "Publish the inspection report, report_received 2026-10-20, deadline 2026-12-01, due" in desc
    assert "Today 27 Nov 2026" in svg


def test_timeline_of_an_old_record_points_to_today(council):
    rules, records = council
    old = [f for f in evaluate(records, rules, date(2031, 6, 2)) if f.record == "epsilon" and f.status == "met"]
    svg = timeline_svg("epsilon", old, date(2031, 6, 2), 1)
    assert "Today (2 Jun 2031) is later" in svg
    assert "Today, 2031-06-02, is later than the last date shown" in svg


def test_trend_chart_labels_every_bar():
    points = [TrendPoint(date(2026, 11, d), n, i) for i, (d, n) in enumerate([(6, 0), (13, 4), (20, 2)], 1)]
    svg = trend_svg(points)
    assert "2026-11-06: 0; 2026-11-13: 4; 2026-11-20: 2" in svg
    assert [int(n) for n in re.findall(r'text-anchor="middle" fill="#0b0c0c">(\d+)</text>', svg)] == [0, 4, 2]


def test_the_page_says_the_calendar_holds_only_the_deadlines_near_the_as_of_date(model):
    """Issue: "Every open duty is in findings.csv ... and in deadlines.ics", but the calendar holds only the duties
    due or overdue within --ics-days, and one event counting those overdue for longer."""
    html = to_html(replace(model, ics_days=7))
    assert ('<a href="deadlines.ics" data-latest="latest.ics">deadlines.ics</a>, the calendar, holds only those due '
            "within 7 days and those overdue by at most 7 days (--ics-days), and, if any are overdue for longer, one "
            "event on 2026-11-27 counting them.") in html
    assert "and in <a" not in html



def test_the_skipped_rows_past_twenty_are_counted_and_said_where_each_is_listed(model):
    rows = tuple(f"tracker.csv:{n}:4: referral: 'soon' is not a date" for n in range(2, 1_502))
    page = to_html(replace(model, skipped_rows=rows))
    assert "<strong>1,500 bad rows were skipped</strong>" in page and page.count("<li>tracker.csv:") == 20
    assert ("<li>tracker.csv:21:4: referral: &#x27;soon&#x27; is not a date</li>"
            "<li>and 1,480 more: findings.csv lists every one (status unreadable)</li></ul>") in page
