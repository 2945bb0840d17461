"""The nightly report as one self-contained HTML page: inline CSS and SVG, no network, prints on A4.

Written for a head of service: the summary, what to do this week (every duty falling due soon, then the
overdue ones), what changed, the trend, the KPIs and timelines for the records that need attention; every
finding is in the run's CSV and JSON files, which the page links to, so the page stays small however many
records there are. A Content-Security-Policy allows nothing but the page's own style and script (by their
SHA-256), so nothing a record or rule holds can load or run anything; every value is written through ``_e``, which
shows its control characters as escapes. Pure: takes a ReportModel and returns text.
Status tags follow the GOV.UK Design System's tag colours; every picture has a text alternative
and every table has headers with scopes.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from typing import Iterable, Sequence

from ..calendars import day_of
from ..engines import Finding
from ..errors import one_line
from ..reports import STATUS_NAMES, kpi_chart_svg, margin_text, uri_value
from ._model import (CHANGE_KINDS, CHANGE_LABELS, CHANGES_SHOWN, SKIPPED_SHOWN, Change, ReportModel, TrendPoint,
                     bad_rows, ics_scope, overdue_none, skipped_more)

_TAG_COLOURS = {"overdue": "red", "late": "orange", "due": "blue", "met": "green",
                "missing_data": "purple", "not_applicable": "grey"}
# Marker colours on a white background, each at least 4.5:1 so the shapes read at 3:1 or better.
_INK = {"overdue": "#b3261e", "late": "#a24600", "due": "#1d70b8", "met": "#00703c",
        "missing_data": "#4c2c92", "not_applicable": "#505a5f"}

_CSS = """
*,*::before,*::after{box-sizing:border-box}
html{font-size:16px;-webkit-text-size-adjust:100%}
body{margin:0;font-family:Arial,"Helvetica Neue",Helvetica,sans-serif;color:#0b0c0c;background:#fff;line-height:1.4}
a{color:#1d70b8}a:visited{color:#4c2c92}a:hover{color:#003078}
a:focus,summary:focus,.scroll:focus{outline:3px solid #ffdd00;outline-offset:0;background:#ffdd00;color:#0b0c0c;box-shadow:0 4px #0b0c0c}
.skip{position:absolute;left:-9999px}.skip:focus{left:0;top:0;padding:8px;z-index:1}
.width{max-width:1100px;margin:0 auto;padding:0 20px}
header.masthead{background:#0b0c0c;color:#fff;padding:18px 0 14px;border-bottom:10px solid #1d70b8}
header.masthead h1{margin:0 0 6px;font-size:2rem;line-height:1.15}
header.masthead .caption{margin:0 0 4px;color:#f3f2f1;font-size:1.1rem}
header.masthead .meta{margin:0;color:#f3f2f1;font-size:.9rem}
main{padding-bottom:30px}
h2{font-size:1.5rem;margin:36px 0 12px;padding-top:6px;border-top:2px solid #b1b4b6}
h3{font-size:1.15rem;margin:20px 0 8px}
p{margin:0 0 12px;max-width:46em}
header,p,li,dd,dt,h1,h2,h3,figcaption,caption,code{overflow-wrap:anywhere}
.lead{font-size:1.2rem;font-weight:700;margin-bottom:16px}
.hint{color:#505a5f}
.cards{list-style:none;margin:0 0 12px;padding:0;display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:14px}
.card{border:1px solid #b1b4b6;border-left:8px solid #505a5f;padding:10px 12px 12px;background:#f3f2f1}
.card .count{display:block;font-size:2.6rem;font-weight:700;line-height:1.1}
.card .label{display:block;font-weight:700;font-size:1.05rem}
.card .hint{display:block;font-size:.875rem;margin-top:4px}
.card--overdue{border-left-color:#b3261e}.card--due{border-left-color:#1d70b8}
.card--late{border-left-color:#a24600}.card--met{border-left-color:#00703c}
.card--alert{background:#f4cdc6}
.notice{border-left:8px solid #b3261e;background:#f4cdc6;padding:10px 14px;margin:16px 0}
.notice p{margin:0 0 6px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:0 0 16px;font-size:.9rem}
caption{text-align:left;font-weight:700;padding:0 0 6px}
th,td{text-align:left;vertical-align:top;padding:7px 8px 7px 0;border-bottom:1px solid #b1b4b6}
tbody th{font-weight:400}
thead th{border-bottom:2px solid #0b0c0c}
td.num,th.num{text-align:right}
.tag{display:inline-block;padding:2px 8px 3px;font-weight:700;font-size:.85rem;line-height:1.25;white-space:nowrap;border-radius:0}
.tag--red{color:#2a0b06;background:#f4cdc6}.tag--orange{color:#6e3619;background:#fcd6c3}
.tag--yellow{color:#594d00;background:#fff7bf}.tag--blue{color:#0c2d4a;background:#bbd4ea}
.tag--green{color:#005a30;background:#cce2d8}.tag--purple{color:#3d2375;background:#dbd5e9}
.tag--grey{color:#282d30;background:#e5e6e7}
.record{font-family:"Courier New",Courier,monospace;font-size:.85rem;overflow-wrap:break-word}
tbody th .record{white-space:nowrap}
td time{white-space:nowrap}
.changes li{margin-bottom:6px}
details summary{cursor:pointer;color:#1d70b8;text-decoration:underline}
details ol,details ul{margin:6px 0 0;padding-left:20px}
details li{margin-bottom:3px}
figure{margin:0 0 22px;break-inside:avoid;page-break-inside:avoid}
figure h3{margin-top:14px}
figcaption{font-size:.875rem;color:#505a5f}
svg{display:block;max-width:100%;height:auto}
svg text{font-family:Arial,Helvetica,sans-serif}
.legend{list-style:none;padding:0;margin:0 0 12px;display:flex;flex-wrap:wrap;gap:6px 18px;font-size:.875rem}
.legend svg{display:inline-block;vertical-align:middle;margin-right:4px}
dl.defs{margin:0}dl.defs dt{font-weight:700;margin-top:10px}dl.defs dd{margin:2px 0 0;max-width:46em}
footer{border-top:1px solid #b1b4b6;margin-top:30px;padding:14px 0 30px;font-size:.875rem;color:#505a5f}
@media (max-width:700px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}.card .count{font-size:1.8rem}
 table.wide{min-width:40rem}}
.card .count{overflow-wrap:anywhere}
@page{size:A4;margin:14mm 12mm}
@media print{
 html{font-size:10pt}
 .width{max-width:none;padding:0}
 header.masthead{background:#fff;color:#0b0c0c;border-bottom:3pt solid #0b0c0c;padding:0 0 6pt}
 header.masthead .caption,header.masthead .meta{color:#0b0c0c}
 .skip,details summary{display:none}
 details>*{display:block}
 h2{break-after:avoid;page-break-after:avoid}
 thead{display:table-header-group}
 tr,li.card{break-inside:avoid;page-break-inside:avoid}
 .scroll{overflow:visible}
 a{color:#0b0c0c}
 .card,.tag,.notice{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

# Details elements stay closed on screen; opening them before printing puts them on paper. Opened as
# latest.html, the links to the run's files point at latest.csv and the rest beside it.
_SCRIPT = ("window.addEventListener('beforeprint',function(){"
           "document.querySelectorAll('details').forEach(function(d){d.open=true;});});"
           "if(/(^|[\\/])latest\\.html$/.test(decodeURIComponent(location.pathname))){"
           "document.querySelectorAll('a[data-latest]').forEach(function(a){"
           "a.setAttribute('href',a.getAttribute('data-latest'));});}")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


#: Nothing may load, connect or run but the page's own style and script; the pictures are inline SVG, not images.
CONTENT_SECURITY_POLICY = (f"default-src 'none'; style-src {_sha256(_CSS)}; script-src {_sha256(_SCRIPT)}; "
                           "base-uri 'none'; form-action 'none'")


def _e(value: object) -> str:
    """A value as HTML text or an attribute: escaped, and every control character (bidirectional ones too), line or
    paragraph separator written as its escape (``\\x1b``, ``\\u202e``), shown rather than obeyed."""
    return escape(one_line(str(value)), quote=True)


def _long_date(d: date) -> str:
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B %Y')}"


def _short_date(d: date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


def _time(d: date | None) -> str:
    """A date (or date-time) as a <time> element, or a dash."""
    if d is None:
        return '<span class="hint">&ndash;</span>'
    if isinstance(d, datetime):
        return f'<time datetime="{d.isoformat(timespec="minutes")}">{_short_date(d)} {d.strftime("%H:%M")}</time>'
    return f'<time datetime="{d.isoformat()}">{_short_date(d)}</time>'


def tag(status: str, soon: bool = False) -> str:
    """A GOV.UK-style status tag; a due duty inside the window is yellow, one further off blue."""
    colour = "yellow" if status == "due" and soon else _TAG_COLOURS[status]
    return f'<strong class="tag tag--{colour}">{STATUS_NAMES[status]}</strong>'


def _margin(f: Finding) -> str:
    return margin_text(f, lambda d: _short_date(day_of(d)))


def _duty(f: Finding) -> str:
    occurrence = f" (occurrence {f.occurrence})" if f.occurrence > 1 else ""
    return f'{_e(f.title)}{occurrence}<br><span class="hint">{_e(f.rule)}</span>'


def _source(citation: str, source_url: str | None, verification: str) -> str:
    """The citation, a link only when the rule's URL is a plain http(s) address."""
    url = uri_value(source_url)
    text = _e(citation)
    if url:
        text = f'<a href="{_e(url)}">{text}</a>'
    return f'{text} <span class="hint">[{_e(verification)}]</span>'


def _table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = (),
           row_header: int = 0, wide: bool = False) -> str:
    """A captioned table; column ``row_header`` names each row for screen readers (the record, the date). A ``wide``
    table keeps its columns readable on a phone and scrolls sideways in its own region instead."""
    nums = set(numeric)
    cols = "".join(f'<th scope="col"{" class=num" if i in nums else ""}>{_e(h)}</th>' for i, h in enumerate(head))
    body = []
    for row in rows:
        cells = [f'<th scope="row">{c}</th>' if i == row_header else f'<td{" class=num" if i in nums else ""}>{c}</td>'
                 for i, c in enumerate(row)]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll" role="region" aria-label="{_e(caption)}" tabindex="0">'
            f'<table{" class=wide" if wide else ""}>'
            f"<caption>{_e(caption)}</caption><thead><tr>{cols}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table></div>")


def _summary(model: ReportModel) -> str:
    s = model.summary
    prev = f"the previous run ({_short_date(model.previous.as_of)})" if model.previous else None
    cards = [
        ("overdue", "overdue", s.overdue, "deadline passed and not done", s.overdue > 0),
        ("due_within_window", "due", s.due_within_window,
         f"due within {model.window_text}, by {_short_date(model.window_end)}", False),
        ("late_in_period", "late", s.late_in_period,
         f"done late since {prev}" if prev else f"done late in the last 7 days, since {_short_date(model.period_start)}",
         False),
        ("met", "met", s.met, "done on or before the deadline", False),
    ]
    labels = {"overdue": "Overdue", "due_within_window": "Due soon", "late_in_period": "Late completions",
              "met": "Met"}
    items = "".join(
        f'<li class="card card--{style}{" card--alert" if alert else ""}" data-summary="{key}">'
        f'<span class="count">{n:,}</span><span class="label">{labels[key]}</span>'
        f'<span class="hint">{_e(hint)}</span></li>'
        for key, style, n, hint, alert in cards)
    others = [(s.statuses["due"] - s.due_within_window, "due later"), (s.statuses["late"], "late in all"),
              (s.statuses["missing_data"], "missing data"), (s.statuses["not_applicable"], "not applicable")]
    also = ", ".join(f"{n:,} {label}" for n, label in others if n)
    soon, overdue, ended = s.due_within_window, model.overdue_open, model.overdue_ended
    lead = (f"This week: {soon:,} {'duty falls' if soon == 1 else 'duties fall'} due by "
            f"{_long_date(model.window_end)} (within {model.window_text}), and {overdue:,} "
            f"{'is' if overdue == 1 else 'are'} overdue; both are listed below."
            + (f" {ended:,} more overdue {'duty' if ended == 1 else 'duties'} ended unmet, on record in findings.csv."
               if ended else ""))
    return ('<section aria-labelledby="summary"><h2 id="summary">Summary</h2>'
            f'<p class="lead">{_e(lead)}</p>'
            f'<ul class="cards">{items}</ul>'
            + (f'<p class="hint">Also: {_e(also)}.</p>' if also else "") + "</section>")


def _change_item(c: Change) -> str:
    now = STATUS_NAMES[c.after].lower() if c.after else "no longer reported"
    what = f"was {STATUS_NAMES[c.before].lower()}, now {now}" if c.before else f"new duty, {now}"
    when = f", deadline {_time(c.deadline)}" if c.deadline else ""
    occurrence = f" (occurrence {c.occurrence})" if c.occurrence > 1 else ""
    return (f'<li>{tag(c.after) if c.after else tag("not_applicable")} <span class="record">{_e(c.record)}</span>: '
            f"{_e(c.title)}{occurrence}{when} <span class=\"hint\">({_e(what)})</span></li>")


def _changes(model: ReportModel) -> str:
    head = '<section aria-labelledby="changes"><h2 id="changes">What changed since the previous run</h2>'
    if model.previous is None:
        return head + ("<p>No run for an earlier date is recorded in the history, so there is nothing to compare with "
                       "yet. From the next run on, this section lists newly overdue duties, newly met duties "
                       "and new duties.</p></section>")
    intro = (f"<p>Compared with the run as of {_e(_long_date(model.previous.as_of))} "
             f"(run {model.previous.run_id}).</p>")
    if not model.previous.compared:
        return head + (f"<p>The previous run, as of {_e(_long_date(model.previous.as_of))} (run "
                       f"{model.previous.run_id}), is no longer kept in detail in the history (see --keep-runs), "
                       "so the changes since it cannot be listed.</p></section>")
    if not model.changes:
        return head + intro + "<p>Nothing changed.</p></section>"
    parts = [head, intro]
    if model.routine_changes == len(model.changes):
        parts.append("<p>Nothing that needs attention.</p>")
    for kind in CHANGE_KINDS:
        items = model.changes_of(kind)
        if items:
            more = len(items) - CHANGES_SHOWN
            parts.append(f'<h3>{CHANGE_LABELS[kind]} ({len(items)})</h3><ul class="changes">'
                         + "".join(_change_item(c) for c in items[:CHANGES_SHOWN])
                         + (f'<li class="hint">and {more} more: findings.json.gz lists every change under '
                            "<code>report.changes</code></li>" if more > 0 else "") + "</ul>")
    routine = model.routine_changes
    if routine:
        parts.append(f'<p class="hint">Also {routine:,} new {"duty" if routine == 1 else "duties"} already met (records '
                     "added with their duties done in time): counted here, not listed; findings.json.gz lists each "
                     "under <code>report.changes</code>, marked routine.</p>")
    return "".join(parts) + "</section>"


def trend_svg(points: Sequence[TrendPoint]) -> str:
    """A bar chart of overdue counts per run, labelled, with a title and description for screen readers."""
    width, height, left, bottom, top = 960, 190, 36, 40, 24
    plot_w, plot_h = width - left - 10, height - top - bottom
    peak = max((p.overdue for p in points), default=0) or 1
    slot = plot_w / max(len(points), 1)
    bar = min(40.0, slot * 0.7)
    every = max(1, -(-len(points) // 12))  # at most 12 date labels
    desc = "; ".join(f"{p.as_of.isoformat()}: {p.overdue}" for p in points)
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           'aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">',
           '<title id="trend-title">Overdue duties at each run</title>',
           f'<desc id="trend-desc">Number of overdue duties by as-of date: {_e(desc)}.</desc>',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#0b0c0c"/>']
    for i, p in enumerate(points):
        h = plot_h * p.overdue / peak
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h - h
        current = i == len(points) - 1
        fill = "#b3261e" if current else "#505a5f"
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{fill}"/>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 5:.1f}" font-size="12" text-anchor="middle" '
                   f'fill="#0b0c0c">{p.overdue}</text>')
        if i % every == 0 or current:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle" '
                       f'fill="#0b0c0c">{p.as_of.day} {p.as_of.strftime("%b")}</text>')
            out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 30}" font-size="11" text-anchor="middle" '
                       f'fill="#505a5f">{p.as_of.year}</text>')
    out.append("</svg>")
    return "".join(out)


def _trend(model: ReportModel) -> str:
    rows = [(_time(p.as_of), str(p.overdue), str(p.run_id) if p.run_id is not None else "this run")
            for p in model.trend]
    return ('<section aria-labelledby="trend"><h2 id="trend">Overdue duties over time</h2>'
            "<p>The number of overdue duties in the latest run for each as-of date; this run is in red.</p>"
            f"<figure>{trend_svg(model.trend)}</figure>"
            "<details><summary>The same numbers as a table</summary>"
            + _table("Overdue duties by as-of date", ("As of", "Overdue", "Run"), rows, numeric=(1,))
            + "</details></section>")


def _kpis(model: ReportModel) -> str:
    if not model.kpi:
        return ""
    def duty(rule: str, title: str) -> str:
        source = model.sources.get(rule)
        return (f'{_e(title)}<br><span class="hint">{_e(rule)}</span>'
                + (f'<br><span class="hint">{_source(*source)}</span>' if source else ""))

    rows = [(duty(r.rule, r.title), "-" if r.in_time is None else f"{100 * r.in_time:.1f}%", f"{r.decided:,}",
             f"{r.met:,}", f"{r.late:,}", f"{r.overdue:,}") for r in model.kpi]
    return ('<section aria-labelledby="kpi"><h2 id="kpi">Timeliness: the share of each duty done in time</h2>'
            "<p>In time = met &divide; (met + late + overdue), counting every finding whose deadline has passed "
            "or that is done; the chart shows each duty month by month, by the month its deadline fell. Under "
            "each duty, the law or guidance it comes from.</p>"
            + _table("Duties done in time", ("Duty", "In time", "Decided", "Met", "Late", "Overdue"), rows,
                     numeric=(1, 2, 3, 4, 5))
            + f"<figure>{kpi_chart_svg(model.kpi_monthly)}</figure></section>")


def _checks(model: ReportModel) -> str:
    """Records whose data does not add up: a completion before its trigger, one date entered twice, an extension
    recorded too late. Their duties are counted as if the bad date were not there, so the record needs fixing."""
    if not model.checks:
        return ""
    shown = len(model.checks)
    rows = [(f'<span class="record">{_e(c.record)}</span>',
             "<br>".join(f"{_e(rule)}{f' #{n}' if n > 1 else ''}: {_e(text)}" for rule, n, text in c.warnings))
            for c in model.checks]
    scope = (f"the first {shown} of {model.checks_records:,} records; every one is marked in "
             f"{_file_link('findings.csv', 'latest.csv')} (column data_quality)" if shown < model.checks_records
             else f"{shown} record{'s' if shown != 1 else ''}")
    return ('<section aria-labelledby="checks"><h2 id="checks">Check these records</h2>'
            f"<p>{model.checks_total:,} finding{'s' if model.checks_total != 1 else ''} rest on data that does not "
            "add up: a completion dated before what started the clock, the same date entered twice, an extension "
            "recorded after the deadline it would extend. Each duty is counted as if the impossible date were not "
            f"there, so correct the record. Shown: {scope}.</p>"
            + _table("Records to check", ("Record", "What does not add up"), rows) + "</section>")


def _targets(model: ReportModel) -> str:
    """The system's own target dates against the law's, grouped by the mistake that would explain them."""
    t = model.targets
    if not t.compared:
        return ""
    rows = [(f'{_e(g.rule)}', _e(g.difference), f"{g.count:,}", f"{g.only:,}", _e(g.reason),
             ", ".join(f'<span class="record">{_e(r)}</span>' for r in g.records)) for g in t.shown()]
    hidden = len(t.groups) - len(rows)
    return ('<section aria-labelledby="targets"><h2 id="targets">System targets</h2>'
            f"<p>{t.compared:,} target date{'s' if t.compared != 1 else ''} recorded by the case-management system "
            f"compared with the law's: <strong>{t.agree:,} agree</strong>, <strong>{t.differ:,} differ</strong>. "
            "Each explanation is a usual mistake that would give the system's date; it fits the target dates counted "
            "(each review's its own), and only it explains some of them."
            + (f" {hidden} more explanation{'s' if hidden != 1 else ''} fit only target dates those below explain too; "
               f"{_file_link('findings.json.gz', 'latest.json.gz')} lists every one." if hidden else "") + "</p>"
            + (_table("System targets that differ from the law's",
                      ("Duty", "Difference", "Fits", "Only", "Explanation", "For example"), rows, numeric=(2, 3))
               if rows else "") + "</section>")


def _file_link(name: str, latest: str, text: str | None = None) -> str:
    """A link to one of the run's files beside the page: ``name`` in its folder, ``latest`` beside latest.html."""
    return f'<a href="{name}" data-latest="{latest}">{_e(text or name)}</a>'


def _duty_rows(model: ReportModel, findings: Sequence[Finding]) -> list[tuple[str, ...]]:
    return [(tag(f.status, model.due_soon(f)), f'<span class="record">{_e(f.record)}</span>', _duty(f),
             _time(f.deadline), _e(_margin(f)), _e(f.duty_holder)) for f in findings]


_DUTY_COLUMNS = ("Status", "Record", "Duty", "Deadline", "Margin", "Duty holder")


def _duty_group(model: ReportModel, ident: str, heading: str, findings: Sequence[Finding], total: int, which: str,
                none: str) -> str:
    """A heading with the group's total, then its table (the first ``which`` of them, up to the cap), or ``none``."""
    head = f'<h3 id="{ident}">{_e(heading)} ({total:,})</h3>'
    if not findings:
        return head + f"<p>{none}</p>"
    shown = len(findings)
    caption = f"{heading}: " + (f"the {shown} {which} of {total:,}" if shown < total
                                else f"{shown} {'duty' if shown == 1 else 'duties'}")
    return head + _table(caption, _DUTY_COLUMNS, _duty_rows(model, findings), row_header=1, wide=True)


def _open_duties(model: ReportModel) -> str:
    """What to do this week: every duty due within the window (the soonest first), then the overdue ones (the
    most overdue first), each table always there; the open duties due later, folded away."""
    s = model.summary
    by = _short_date(model.window_end)
    everything = (f"Every open duty is in {_file_link('findings.csv', 'latest.csv')} (its status is Overdue or Due). "
                  + _e(ics_scope(model)).replace("deadlines.ics", _file_link("deadlines.ics", "latest.ics"), 1)
                  + " A duty that ended unmet (a child left care before a missed visit) is a breach on record in "
                  "findings.csv, overdue until it ended (ended_on), and not listed here.")
    parts = ['<section aria-labelledby="open"><h2 id="open">What to do: due soon, and overdue</h2>',
             f"<p>Duties falling due within {_e(model.window_text)} of {_short_date(model.as_of)}, by {by}, the "
             f"soonest first; then the duties whose deadline has passed, the most overdue first. {everything}</p>",
             _duty_group(model, "due-soon", f"Due by {by}", model.due_soon_duties, s.due_within_window, "soonest",
                         f"Nothing falls due within {_e(model.window_text)}, by {by}."),
             _duty_group(model, "overdue", "Overdue", model.overdue_duties, model.overdue_open, "most overdue",
                         _e(overdue_none(model)))]
    later = model.due_later
    due_after = s.statuses.get("due", 0) - s.due_within_window
    if due_after:
        listed = f"; the soonest {len(later)} are below" if later and len(later) < due_after else ""
        parts.append(f"<p>{due_after:,} more {'is' if due_after == 1 else 'are'} due after {by}{listed}.</p>")
    if later:
        parts.append(f"<details><summary>Due after {by} ({len(later):,} listed)</summary>"
                     + _table(f"Due after {by}", _DUTY_COLUMNS, _duty_rows(model, later), row_header=1, wide=True)
                     + "</details>")
    return "".join(parts) + "</section>"


@dataclass(frozen=True)
class _Scale:
    start: date
    end: date
    x0: float
    x1: float

    def x(self, d: date) -> float:
        span = max((self.end - self.start).days, 1)
        return self.x0 + (self.x1 - self.x0) * (d - self.start).days / span


def _ticks(start: date, end: date) -> list[date]:
    """Round dates for the axis: month starts for short spans, year starts for long ones."""
    span = (end - start).days
    if span > 3 * 365:
        return [date(y, 1, 1) for y in range(start.year + 1, end.year + 1)]
    step = 1 if span <= 190 else 3 if span <= 720 else 6
    ticks, d = [], date(start.year, start.month, 1)
    while d <= end:
        if d > start and (d.month - 1) % step == 0:
            ticks.append(d)
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return ticks


def _row_story(f: Finding) -> str:
    parts = [f.title]
    if f.trigger_date:
        parts.append(f"{f.trigger_event} {day_of(f.trigger_date).isoformat()}")
    if f.deadline:
        parts.append(("latest possible deadline " if f.status == "missing_data" else "deadline ")
                     + day_of(f.deadline).isoformat())
    if f.completed_date:
        parts.append(f"{f.completion_event} {day_of(f.completed_date).isoformat()}")
    parts.append(STATUS_NAMES[f.status].lower() + (f", {_margin(f)}" if f.status in ("overdue", "late", "due") else ""))
    return ": ".join(parts[:1]) + ", " + ", ".join(parts[1:])


def timeline_svg(record: str, findings: Sequence[Finding], today: date, number: int) -> str:
    """One record's duties on a shared date axis: trigger, deadline, completion and today, one row per duty."""
    rows = [f for f in findings if f.deadline or f.trigger_date]
    dates = [day_of(d) for f in rows for d in (f.trigger_date, f.deadline, f.completed_date) if d]
    first, last = min(dates), max(dates)
    show_today = any(f.status in ("overdue", "due") for f in rows) or (today - last).days <= max(
        (last - first).days // 2, 30)
    if show_today:
        first, last = min(first, today), max(last, today)
    pad = max((last - first).days // 25, 3)
    width, top, row_h = 960, 34, 30
    scale = _Scale(first - timedelta(days=pad), last + timedelta(days=pad), 312, width - 30)
    height = top + row_h * len(rows) + 34
    axis_y = top + row_h * len(rows) + 6
    ident = f"tl{number}"
    desc = "; ".join(_row_story(f) for f in rows)
    if not show_today:
        desc += f". Today, {today.isoformat()}, is later than the last date shown"
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{ident}-t">Timeline for {_e(record)}</title>',
           f'<desc id="{ident}-d">{_e(desc)}.</desc>',
           f'<line x1="{scale.x0}" y1="{axis_y}" x2="{scale.x1}" y2="{axis_y}" stroke="#0b0c0c"/>']
    for t in _ticks(scale.start, scale.end):
        x = scale.x(t)
        label = str(t.year) if t.month == 1 and (scale.end - scale.start).days > 3 * 365 else t.strftime("%b %Y")
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_y + 4}" stroke="#dee0e2"/>')
        if scale.x0 + 20 <= x <= scale.x1 - 20:  # a label by the edge would be cut off
            out.append(f'<text x="{x:.1f}" y="{axis_y + 18}" font-size="11" text-anchor="middle" fill="#505a5f">'
                       f"{label}</text>")
    for i, f in enumerate(rows):
        y = top + row_h * i + row_h / 2
        ink = _INK[f.status]
        label = f.title if len(f.title) <= 46 else f.title[:45] + "\u2026"
        if f.occurrence > 1:
            label = f"{label} #{f.occurrence}"
        out.append(f'<text x="4" y="{y + 4:.1f}" font-size="12" fill="#0b0c0c">{_e(label)}</text>')
        trigger = day_of(f.trigger_date) if f.trigger_date else None
        deadline = day_of(f.deadline) if f.deadline else None
        done = day_of(f.completed_date) if f.completed_date else None
        if trigger and deadline:
            out.append(f'<line x1="{scale.x(trigger):.1f}" y1="{y:.1f}" x2="{scale.x(deadline):.1f}" y2="{y:.1f}" '
                       'stroke="#b1b4b6" stroke-width="6"/>')
        if deadline and f.status == "overdue":
            end = today if show_today else scale.end
            out.append(f'<line x1="{scale.x(deadline):.1f}" y1="{y:.1f}" x2="{scale.x(end):.1f}" y2="{y:.1f}" '
                       f'stroke="{ink}" stroke-width="6"/>')
        if deadline and done and done > deadline:
            out.append(f'<line x1="{scale.x(deadline):.1f}" y1="{y:.1f}" x2="{scale.x(done):.1f}" y2="{y:.1f}" '
                       f'stroke="{ink}" stroke-width="6"/>')
        if trigger:
            out.append(f'<circle cx="{scale.x(trigger):.1f}" cy="{y:.1f}" r="5" fill="#0b0c0c"/>')
        if deadline:
            dash = ' stroke-dasharray="3 2"' if f.status == "missing_data" else ""
            out.append(f'<line x1="{scale.x(deadline):.1f}" y1="{y - 10:.1f}" x2="{scale.x(deadline):.1f}" '
                       f'y2="{y + 10:.1f}" stroke="{ink}" stroke-width="3"{dash}/>')
        if done:
            x = scale.x(done)
            out.append(f'<path d="M{x:.1f} {y - 7:.1f} L{x + 7:.1f} {y:.1f} L{x:.1f} {y + 7:.1f} '
                       f'L{x - 7:.1f} {y:.1f} Z" fill="{ink}" stroke="#fff" stroke-width="1"/>')
    if show_today:
        x = scale.x(today)
        anchor = "end" if x > width - 90 else "start" if x < scale.x0 + 60 else "middle"
        out.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{axis_y}" stroke="#0b0c0c" '
                   'stroke-width="2" stroke-dasharray="5 3"/>'
                   f'<text x="{x:.1f}" y="{top - 14}" font-size="12" font-weight="bold" '
                   f'text-anchor="{anchor}" fill="#0b0c0c">Today {today.day} {today.strftime("%b %Y")}</text>')
    else:
        out.append(f'<text x="{scale.x1}" y="{top - 14}" font-size="12" text-anchor="end" fill="#0b0c0c">'
                   f"Today ({today.day} {today.strftime('%b %Y')}) is later \u2192</text>")
    out.append("</svg>")
    return "".join(out)


def _legend() -> str:
    def sample(shape: str) -> str:
        return f'<svg width="22" height="16" viewBox="0 0 22 16" aria-hidden="true" focusable="false">{shape}</svg>'

    items = [
        (sample('<circle cx="11" cy="8" r="5" fill="#0b0c0c"/>'), "trigger (the clock starts)"),
        (sample('<line x1="1" y1="8" x2="21" y2="8" stroke="#b1b4b6" stroke-width="6"/>'), "the period allowed"),
        (sample(f'<line x1="11" y1="0" x2="11" y2="16" stroke="{_INK["due"]}" stroke-width="3"/>'),
         "deadline (dashed: latest possible, trigger date missing)"),
        (sample(f'<path d="M11 1 L18 8 L11 15 L4 8 Z" fill="{_INK["met"]}"/>'), "completed in time"),
        (sample(f'<path d="M11 1 L18 8 L11 15 L4 8 Z" fill="{_INK["late"]}"/>'), "completed late"),
        (sample(f'<path d="M11 1 L18 8 L11 15 L4 8 Z" fill="{_INK["missing_data"]}"/>'),
         "completed; whether in time is unknown (trigger date missing)"),
        (sample(f'<line x1="1" y1="8" x2="21" y2="8" stroke="{_INK["overdue"]}" stroke-width="6"/>'),
         "time past the deadline"),
        (sample('<line x1="11" y1="0" x2="11" y2="16" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="5 3"/>'),
         "today (the as-of date)"),
    ]
    return '<ul class="legend">' + "".join(f"<li>{s}{_e(t)}</li>" for s, t in items) + "</ul>"


def _timelines(model: ReportModel) -> str:
    parts = ['<section aria-labelledby="timelines"><h2 id="timelines">Timelines of the records that need '
             "attention</h2>",
             "<p>Each row is one duty: from the event that starts the clock to the deadline, with the completion "
             "where one is recorded. Records with open duties come first, the most urgent first.</p>", _legend()]
    for number, (record, found) in enumerate(model.timelines, 1):
        findings = sorted(found, key=lambda f: (day_of(f.deadline) if f.deadline else date.max))
        undated = [f for f in findings if not (f.deadline or f.trigger_date)]
        drawn = len(findings) - len(undated)
        caption = (f"{drawn} {'duty' if drawn == 1 else 'duties'} drawn"
                   + (f"; {len(undated)} more {'has' if len(undated) == 1 else 'have'} no dates to draw (missing data)"
                      if undated else "") + ".")
        parts.append(f'<figure><h3><span class="record">{_e(record)}</span></h3>'
                     f"{timeline_svg(record, findings, model.as_of, number)}"
                     f"<figcaption>{_e(caption)}</figcaption></figure>")
    notes = []
    left_out = model.drawable_records - len(model.timelines)
    if left_out > 0:
        notes.append(f"{left_out:,} more records with duties are not drawn, to keep the report short")
    undrawable = model.records_with_duties - model.drawable_records
    if undrawable > 0:
        notes.append(f"{undrawable:,} records have no dates to draw")
    if notes:
        parts.append(f'<p class="hint">{_e("; ".join(notes))}; their findings are in '
                     f"{_file_link('findings.csv', 'latest.csv')}.</p>")
    return "".join(parts) + "</section>"


def _files(model: ReportModel) -> str:
    """Where every finding is: the run's data files, beside this page."""
    hidden = model.summary.statuses.get("not_applicable", 0)
    items = [
        (_file_link("findings.csv", "latest.csv"), "every finding, one row each, for a spreadsheet"),
        (_file_link("findings.json.gz", "latest.json.gz"),
         "every finding with its working, and this report's numbers (JSON, gzip-compressed)"),
        (_file_link("findings.parquet", "latest.parquet"),
         "every finding with its working, in typed columns for pandas, Polars, DuckDB or Power BI"),
        (_file_link("deadlines.ics", "latest.ics"),
         "the open deadlines to act on now, due soon or recently missed, as all-day calendar events"),
        (_file_link("report.md", "latest.md"), "this report as Markdown, for a wiki or a Teams post"),
    ]
    total = sum(model.summary.statuses.values())
    return ('<section aria-labelledby="files"><h2 id="files">Every finding</h2>'
            f"<p>This run made {total:,} findings about {model.records_with_duties:,} records with duties"
            + (f" ({hidden:,} of them duties that do not apply, or whose clock has not started: counted, and "
               "listed in the files only by a report run with --all)" if hidden else "")
            + ". Each that applies, with the step-by-step working that produced its deadline and the law it comes "
            "from, is in the files beside this report:</p><ul>"
            + "".join(f"<li>{link}: {_e(text)}</li>" for link, text in items) + "</ul></section>")


def _about(model: ReportModel) -> str:
    defs = [
        ("Overdue", "The deadline has passed and no completion is recorded, as of the report date."),
        ("Due soon", f"Not yet done, with the deadline on or before {_long_date(model.window_end)}: within "
                     f"{model.window_text} of the report date on the {model.calendar} calendar."),
        ("Late completions", "Done after the deadline, with the completion date from "
                             f"{_long_date(model.period_start)} to {_long_date(model.as_of)} ({model.period_basis})."
                             " Without an earlier run the period is the last 7 days."),
        ("Met", "Done on or before the deadline, at any time."),
        ("Missing data", "The date that starts the clock is not recorded. Where a later event bounds it, the "
                         "latest possible deadline is shown."),
        ("Changes", "Each run is compared with the latest run for the latest earlier as-of date, so running the "
                    "report twice on one day gives the same comparison."),
        ("Working", "How each deadline was counted is in findings.json.gz and findings.parquet; findings.csv "
                    "names the holidays each period skipped and counts its weekend days."),
    ]
    items = "".join(f"<dt>{_e(t)}</dt><dd>{_e(d)}</dd>" for t, d in defs)
    return ('<section aria-labelledby="about"><h2 id="about">How to read this report</h2>'
            f'<dl class="defs">{items}</dl></section>')


def _skipped(model: ReportModel) -> str:
    if not model.skipped_rows:
        return ""
    shown = model.skipped_rows[:SKIPPED_SHOWN]
    more = skipped_more(model)
    items = "".join(f"<li>{_e(s)}</li>" for s in shown) + (f"<li>{_e(more)}</li>" if more else "")
    return (f'<div class="notice" role="alert"><p><strong>{bad_rows(model.skipped_count)}</strong>; '
            f"what they hold is not in this report. Fix them in the records:</p><ul>{items}</ul></div>")


def to_html(model: ReportModel) -> str:
    """The whole report as one HTML document."""
    sources = ", ".join(model.record_files) or "records"
    rules = ", ".join(model.rule_files) or "the bundled rules"
    run = f" &middot; run {model.run_id}" if model.run_id is not None else ""
    generated = model.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()
    return "".join([
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(model.title)} as of {_e(_long_date(model.as_of))}</title>",
        f"<style>{_CSS}</style></head><body>",
        '<a class="skip" href="#main">Skip to main content</a>',
        '<header class="masthead"><div class="width">',
        f'<p class="caption">{_e(model.title)}</p>',
        f"<h1>Compliance as of {_e(_long_date(model.as_of))}</h1>",
        f'<p class="meta">Generated {_e(generated)}{run} &middot; {model.records_with_duties:,} records with duties, '
        f"from {_e(sources)} &middot; rules: {_e(rules)}</p>",
        '</div></header><main id="main" class="width">',
        _skipped(model), _summary(model), _open_duties(model), _changes(model), _trend(model), _kpis(model),
        _targets(model), _checks(model), _timelines(model), _files(model), _about(model),
        '</main><footer><div class="width">Made by statutory-timelines. Deadlines are counted as the law counts '
        "them; the files beside this report show each finding's working and its source.</div></footer>",
        f"<script>{_SCRIPT}</script></body></html>\n",
    ])
