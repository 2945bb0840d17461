"""Findings for people: the formats of ``check`` (table, JSON, CSV, Markdown), iCalendar, KPIs and their charts.

Renderers take findings and return text; they never recompute a deadline. ``_formats`` writes
findings in ``check``'s formats; ``_ics`` as calendar events; ``_kpi`` tallies the share of each duty
done in time and ``_kpi_chart`` draws it month by month; ``_kpi_run`` streams record files through an
engine into those tallies; ``_track`` writes what ``compliance track`` prints.
"""

from ._formats import (CSV_FIELDS, FORMATS, STATUS_LABELS, STATUS_NAMES, counts, csv_rows, margin_text, md_code,
                       md_text, render, to_csv, to_json, to_markdown, to_table)
from ._ics import (CALENDAR_END, PRODID, calendar_head, calendar_text, escape_text, event_text, event_uid, fold,
                   uri_value)
from ._kpi import DIMENSIONS, MONTH_OF, NO_VALUE, KpiRow, Tally, check_grouping, kpi_rows, monthly_kpi_rows, render_kpi
from ._kpi import FORMATS as KPI_FORMATS
from ._kpi_chart import kpi_chart_svg
from ._kpi_run import ENGINES as KPI_ENGINES
from ._kpi_run import duties_for, tally_files
from ._track import track_text

__all__ = [
    "CALENDAR_END", "CSV_FIELDS", "DIMENSIONS", "FORMATS", "KPI_ENGINES", "KPI_FORMATS", "MONTH_OF", "NO_VALUE",
    "PRODID", "STATUS_LABELS", "STATUS_NAMES", "KpiRow", "Tally", "calendar_head", "calendar_text", "check_grouping",
    "counts", "csv_rows", "duties_for", "escape_text", "event_text", "event_uid", "fold", "kpi_chart_svg", "kpi_rows",
    "margin_text", "md_code", "md_text", "monthly_kpi_rows", "render", "render_kpi", "tally_files", "to_csv",
    "to_json", "to_markdown", "to_table", "track_text", "uri_value",
]
