"""The nightly report: what is overdue, due soon and changed since the last run, published and mailed each morning.

``_tally`` counts a run record by record, ``_changes`` compares it with the previous run, ``_build``
turns both into a ``_model`` for ``_html`` and ``_markdown`` to draw (all pure); ``_stream`` turns
each chunk of records into file text (on every core, through ``engines.map_chunks``) for ``_files``
to write; ``_history`` remembers each run in SQLite; ``_publish`` puts a run in place as one
transaction, finished after any crash; ``_mail`` sends it; ``_run`` is the one run that joins them,
the edge where files, the database, the clock and the mail server meet.
"""

from ._build import build_report, snapshot_of
from ._history import DEFAULT_KEEP_RUNS, DEFAULT_TIMEOUT, History, HistoryBusy
from ._mail import MailError, MailSettings
from ._mail import load_settings as load_mail_settings
from ._model import (DEFAULT_FAIL_ON, DEFAULT_ICS_DAYS, DEFAULT_WINDOW, FAIL_ON_CHOICES, ReportModel, parse_fail_on,
                     parse_window)
from ._run import HISTORY_FILE, ReportOptions, ReportRun, run_report

__all__ = [
    "DEFAULT_FAIL_ON", "DEFAULT_KEEP_RUNS", "DEFAULT_TIMEOUT", "DEFAULT_WINDOW", "FAIL_ON_CHOICES", "HISTORY_FILE",
    "DEFAULT_ICS_DAYS",
    "History", "HistoryBusy", "MailError", "MailSettings", "ReportModel", "ReportOptions", "ReportRun",
    "build_report", "load_mail_settings", "parse_fail_on", "parse_window", "run_report", "snapshot_of",
]
