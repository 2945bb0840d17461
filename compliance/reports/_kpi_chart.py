"""An inline SVG chart of each KPI month by month: one small panel per rule, the share done in time.

Pure: KPI rows in, SVG text out, no scripts and no external files, so it can sit inside an HTML
report or an email. Each point carries a tooltip with the month, the share and its counts. A line
joins only neighbouring months: across months in which no duty fell due it breaks, and the gap is
shaded and named, so no trend is drawn where there is no data.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from ..errors import one_line
from ._kpi import NO_VALUE, KpiRow, in_time_share

WIDTH = 720
PANEL = 150
TOP = 34
LEFT = 48
RIGHT = 16
BOTTOM = 26
TITLE_CHARS = 98


def _by_rule(rows: Sequence[KpiRow]) -> dict[str, list[KpiRow]]:
    groups: dict[str, list[KpiRow]] = {}
    for r in rows:
        month = r.value("month")
        if not month or month == NO_VALUE or r.decided == 0:
            continue
        groups.setdefault(r.rule, []).append(r)
    for rule_rows in groups.values():
        rule_rows.sort(key=lambda r: r.value("month"))
    return groups


def _month_number(month: str) -> int:
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def _month_name(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def runs(rule_rows: Sequence[KpiRow]) -> list[list[KpiRow]]:
    """Rows (in month order) in runs of consecutive months: a line may join the months of a run, never two runs."""
    out: list[list[KpiRow]] = []
    for r in rule_rows:
        if out and _month_number(r.value("month")) == _month_number(out[-1][-1].value("month")) + 1:
            out[-1].append(r)
        else:
            out.append([r])
    return out


def kpi_chart_svg(rows: Sequence[KpiRow], title: str = "Duties done in time, month by month",
                  element_id: str = "kpi-chart") -> str:
    """One SVG with a panel per rule: x is the month the duties fell due, y the share done in time.

    ``rows`` are KPI rows grouped by month (kpi.monthly_kpi_rows); rows without a month are ignored.
    """
    groups = _by_rule(rows)
    height = TOP + max(len(groups), 1) * (PANEL + BOTTOM) + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11" '
           f'aria-labelledby="{escape(element_id)}-title">',
           f'<title id="{escape(element_id)}-title">{escape(title)}</title>',
           f'<text x="{LEFT}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    if not groups:
        out.append(f'<text x="{LEFT}" y="{TOP + 20}">No duties fell due in the period.</text>')
    plot_width = WIDTH - LEFT - RIGHT
    for n, (rule, rule_rows) in enumerate(groups.items()):
        top = TOP + n * (PANEL + BOTTOM)
        inner_top, inner_height = top + 18, PANEL - 24
        first = _month_number(rule_rows[0].value("month"))
        last = _month_number(rule_rows[-1].value("month"))
        span = max(last - first, 1)

        def x(month: str) -> float:
            return LEFT + (_month_number(month) - first) * plot_width / span if last > first else LEFT + plot_width / 2

        def y(share: float) -> float:
            return inner_top + (1 - share) * inner_height

        total_met = sum(r.met for r in rule_rows)
        total = sum(r.decided for r in rule_rows)
        out.append(f'<g class="kpi-panel" data-rule="{escape(rule)}">')
        shown = last - first + 1
        coverage = f"; due in {len(rule_rows)} of {shown} months" if len(rule_rows) < shown else ""
        # As the table: no share where every duty decided rests on a bound, in a month or in all.
        overall = in_time_share(total_met, total, sum(r.on_bound for r in rule_rows))
        if overall is not None:
            figures = f" ({100 * overall:.1f}% of {total} in time{coverage})"
        else:
            figures = f" (no share in time: each of the {total} decided rests on a bound{coverage})"
        charted = [r for r in rule_rows if r.in_time is not None]
        room = TITLE_CHARS - len(rule) - 2 - len(figures)  # the panel's width in characters of its bold label
        # A rule pack's title may hold an escape code, which XML does not allow and a terminal showing the file obeys.
        title = one_line(rule_rows[0].title)
        title = title if len(title) <= room else title[:max(room - 1, 0)] + "…"
        out.append(f'<text x="{LEFT}" y="{top + 12}" font-weight="bold">{escape(rule)}: '
                   f'{escape(title)}{escape(figures)}</text>')
        for level in (0, 0.5, 1):
            yy = y(level)
            out.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" stroke="#ccc"/>')
            out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{int(level * 100)}%</text>')
        pieces = runs(rule_rows)
        for before, after in zip(pieces, pieces[1:]):
            first_gap = _month_number(before[-1].value("month")) + 1
            last_gap = _month_number(after[0].value("month")) - 1
            left, right = x(_month_name(first_gap)), x(_month_name(last_gap))
            months = last_gap - first_gap + 1
            gap_text = _month_name(first_gap) + (f" to {_month_name(last_gap)}" if months > 1 else "")
            out.append(f'<rect class="kpi-gap" x="{left - 2:.1f}" y="{inner_top:.1f}" width="{right - left + 4:.1f}" '
                       f'height="{inner_height:.1f}" fill="#f3f2f1"><title>No duty fell due in {escape(gap_text)} '
                       f'({months} month{"s" if months != 1 else ""})</title></rect>')
            if right - left > 70:
                out.append(f'<text x="{(left + right) / 2:.1f}" y="{inner_top + inner_height / 2 + 4:.1f}" '
                           f'text-anchor="middle" fill="#6f777b">no duty due, {months} months</text>')
        for piece in runs(charted):
            if len(piece) > 1:
                path = " ".join(f"{x(r.value('month')):.1f},{y(r.in_time or 0.0):.1f}" for r in piece)
                out.append(f'<polyline fill="none" stroke="#1d70b8" stroke-width="1.5" points="{path}"/>')
        points = [(x(r.value("month")), y(r.in_time or 0.0), r) for r in charted]
        for px, py, r in points:
            share = 100 * (r.in_time or 0.0)
            tip = (f"{r.value('month')}: {share:.1f}% in time ({r.met} of {r.decided}; {r.late} late, "
                   f"{r.overdue} overdue)")
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="#1d70b8"><title>{escape(tip)}</title>'
                       "</circle>")
        base = inner_top + inner_height + 14
        out.append(f'<text x="{LEFT}" y="{base:.1f}">{escape(rule_rows[0].value("month"))}</text>')
        if last > first:
            out.append(f'<text x="{WIDTH - RIGHT}" y="{base:.1f}" text-anchor="end">'
                       f'{escape(rule_rows[-1].value("month"))}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
