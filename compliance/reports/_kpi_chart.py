"""An inline SVG chart of each KPI month by month: one small panel per rule, the share done in time.

Pure: KPI rows in, SVG text out, no scripts and no external files, so it can sit inside an HTML
report or an email. Each point carries a tooltip with the month, the share and its counts.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from ._kpi import NO_VALUE, KpiRow

WIDTH = 720
PANEL = 150
TOP = 34
LEFT = 48
RIGHT = 16
BOTTOM = 26


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
        title_text = rule_rows[0].title if len(rule_rows[0].title) <= 60 else rule_rows[0].title[:59] + "…"
        out.append(f'<text x="{LEFT}" y="{top + 12}" font-weight="bold">{escape(rule)}: '
                   f'{escape(title_text)} ({100 * total_met / total:.1f}% of {total} in time)</text>')
        for level in (0, 0.5, 1):
            yy = y(level)
            out.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" stroke="#ccc"/>')
            out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{int(level * 100)}%</text>')
        points = [(x(r.value("month")), y(r.in_time or 0.0), r) for r in rule_rows]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            out.append(f'<polyline fill="none" stroke="#1d70b8" stroke-width="1.5" points="{path}"/>')
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
