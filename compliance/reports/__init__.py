"""Findings for people: the formats of ``check`` (table, JSON, CSV, Markdown), iCalendar, KPIs and their charts.

Renderers take findings and return text; they never recompute a deadline. ``_formats`` writes
findings in ``check``'s formats, and ``_check_run`` streams a whole run into them chunk by chunk;
``_ics`` writes them as calendar events; ``_kpi`` tallies the share of each duty done in time and
``_kpi_chart`` draws it month by month; ``_targets`` counts how systems' own target dates compare
with the law's; ``_kpi_run`` streams record files through an engine into those tallies; ``_track``
writes what ``compliance track`` prints; ``_plan`` writes what ``compliance plan`` prints; ``_xlsx``
writes findings, KPIs and mapped records as Excel workbooks (openpyxl is loaded only then); the public module
``parquet`` writes findings and KPI rows as Parquet (it needs pyarrow, so this package does not import it);
``_beside`` runs the second step of a two-step pipeline (counting) in a thread of its own.
"""

from ..records import FORMULA_STARTS, spreadsheet_safe
from ._check_run import BINARY, CheckResult, CheckSettings, write_check
from ._formats import (CSV_FIELDS, FORMATS, JSON_SEPARATOR, STATUS_LABELS, STATUS_NAMES, UNREADABLE, JsonContext,
                       JsonDocument, TableRow, counts, csv_header, csv_lines, csv_problem_lines, finding_data,
                       json_finding, json_head, json_tail, json_text, listed, margin_text, md_code, md_text,
                       problem_dict, problem_rows, render, rows_not_read, skipped_days, table_cell, table_row,
                       table_text, to_csv, to_json, to_markdown, to_table, unread_count)
from ._ics import (BACKLOG_NAMED, CALENDAR_END, PRODID, Overdue, backlog_event_text, calendar_head, calendar_text,
                   escape_text, event_text, event_uid, fold, overdue_of, uri_value)
from ._kpi import DIMENSIONS, MONTH_OF, NO_VALUE, KpiRow, Tally, check_grouping, kpi_rows, monthly_kpi_rows, render_kpi
from ._kpi import FORMATS as KPI_FORMATS
from ._kpi_chart import kpi_chart_svg
from ._kpi_run import ENGINES as KPI_ENGINES
from ._kpi_run import duties_for, tally_files
from ._plan import PLAN_FORMATS, render_plan
from ._targets import TargetGroup, TargetTally
from ._track import track_text
from ._xlsx import findings_xlsx, kpi_xlsx, records_xlsx

__all__ = [
    "BACKLOG_NAMED", "BINARY", "CALENDAR_END", "CSV_FIELDS", "DIMENSIONS", "FORMATS", "FORMULA_STARTS",
    "JSON_SEPARATOR", "KPI_ENGINES", "KPI_FORMATS", "MONTH_OF", "NO_VALUE", "PLAN_FORMATS", "PRODID", "STATUS_LABELS",
    "STATUS_NAMES", "UNREADABLE", "CheckResult", "CheckSettings", "JsonContext", "JsonDocument", "KpiRow", "Overdue",
    "TableRow", "Tally", "TargetGroup", "TargetTally", "backlog_event_text", "calendar_head", "calendar_text",
    "check_grouping", "counts", "csv_header", "csv_lines", "csv_problem_lines", "duties_for", "escape_text",
    "event_text", "event_uid", "finding_data", "findings_xlsx", "fold", "json_finding", "json_head", "json_tail",
    "json_text", "kpi_chart_svg", "kpi_rows", "kpi_xlsx", "listed", "margin_text", "md_code", "md_text",
    "monthly_kpi_rows", "overdue_of", "problem_dict", "problem_rows", "records_xlsx", "render", "render_kpi",
    "render_plan", "rows_not_read", "skipped_days", "spreadsheet_safe", "table_cell", "table_row", "table_text",
    "tally_files", "to_csv", "to_json", "to_markdown", "to_table", "track_text", "unread_count", "uri_value",
    "write_check",
]
