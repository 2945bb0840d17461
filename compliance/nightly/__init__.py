"""The nightly report: what is overdue, due soon and changed since the last run, published and mailed each morning.

``_model`` decides what the report says (pure: findings and history in, a model out); ``_html``,
``_markdown`` and ``_files`` draw it; ``_history`` remembers each run in SQLite; ``_publish`` puts a
run's files in place all at once; ``_mail`` sends it; ``_run`` is the one run that joins them, the
edge where files, the database, the clock and the mail server meet.
"""

from ._history import DEFAULT_TIMEOUT, History, HistoryBusy
from ._mail import MailError, MailSettings
from ._mail import load_settings as load_mail_settings
from ._model import (DEFAULT_FAIL_ON, DEFAULT_WINDOW, FAIL_ON_CHOICES, ReportModel, build_report, parse_fail_on,
                     parse_window)
from ._run import HISTORY_FILE, ReportOptions, ReportRun, run_report

__all__ = [
    "DEFAULT_FAIL_ON", "DEFAULT_TIMEOUT", "DEFAULT_WINDOW", "FAIL_ON_CHOICES", "HISTORY_FILE", "History",
    "HistoryBusy", "MailError", "MailSettings", "ReportModel", "ReportOptions", "ReportRun", "build_report",
    "load_mail_settings", "parse_fail_on", "parse_window", "run_report",
]
