"""One report run: read the records, evaluate them, compare with history, write the report files, mail them.

This is the edge where files, the database, the clock and the mail server meet; everything it
calls to decide what the report says is pure. The history database's write lock is held from
reading the previous run until this run is recorded, so two runs at once never interleave.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Mapping, Sequence, TextIO

from ..calendars import DEFAULT_CALENDAR, get_calendar
from ..engines import evaluate
from ..errors import InputError, Problem
from ..records import read_records
from ..rules import load_rules
from ._files import LATEST_COPIES, render_files
from ._history import DEFAULT_TIMEOUT, History
from ._mail import Attachment, MailSettings, build_message, send
from ._model import (DEFAULT_FAIL_ON, DEFAULT_WINDOW, TREND_LENGTH, ReportModel, build_report, fails, parse_window,
                     with_run_id)
from ._progress import ProgressBar
from ._publish import publish

log = logging.getLogger(__name__)

HISTORY_FILE = "history.sqlite3"


@dataclass(frozen=True)
class ReportOptions:
    """What to report on and where to put it; the CLI's options, as data."""

    records: Sequence[str]
    out: Path
    as_of: date
    rules: Sequence[str] | None = None
    due_within: str = DEFAULT_WINDOW
    db: Path | None = None
    fail_on: Sequence[str] = DEFAULT_FAIL_ON
    calendar: str = DEFAULT_CALENDAR
    skip_bad_rows: bool = False
    lock_timeout: float = DEFAULT_TIMEOUT
    mail_to: Sequence[str] = ()
    mail: MailSettings | None = None
    title: str = "Statutory deadlines report"
    progress: TextIO | None = None

    @property
    def history_path(self) -> Path:
        return self.db or self.out / HISTORY_FILE


@dataclass(frozen=True)
class ReportRun:
    """What a run did: the model it drew, where the files went, and the exit code for the scheduler."""

    model: ReportModel
    folder: Path
    latest_updated: bool
    exit_code: int
    files: Mapping[str, str] = field(default_factory=dict)


def _subject(model: ReportModel) -> str:
    s = model.summary
    return (f"{model.title} as of {model.as_of.isoformat()}: {s.overdue} overdue, {s.due_within_window} due "
            f"within {model.window_text}, {s.late_in_period} late completions")


def mail_report(settings: MailSettings, to: Sequence[str], model: ReportModel, files: Mapping[str, str]) -> None:
    """Send the report: Markdown as the text, the HTML report as the HTML part, the files attached."""
    stamp = model.as_of.isoformat()
    attachments = [
        Attachment(f"report-{stamp}.html", files["report.html"].encode("utf-8"), "text/html"),
        Attachment(f"findings-{stamp}.csv", files["findings.csv"].encode("utf-8"), "text/csv"),
        Attachment(f"deadlines-{stamp}.ics", files["deadlines.ics"].encode("utf-8"), "text/calendar"),
    ]
    message = build_message(settings.sender, to, _subject(model), files["report.md"], files["report.html"],
                            attachments)
    send(settings, message)


def run_report(options: ReportOptions, now: datetime) -> ReportRun:
    """Do one run as of ``options.as_of``, started at ``now`` (an aware local time for the report's header)."""
    if options.mail_to and options.mail is None:
        raise InputError(Problem("--mail-to needs mail settings", hint="set COMPLIANCE_SMTP_HOST and "
                                 "COMPLIANCE_SMTP_FROM, or give --mail-config"))
    window = parse_window(options.due_within)
    get_calendar(options.calendar)  # an unknown calendar is bad input, found before any work is done
    ruleset = load_rules(options.rules)
    records, problems = read_records(options.records, ruleset.vocabulary)
    if problems and not options.skip_bad_rows:
        raise InputError(*problems)
    for p in problems:
        log.warning("skipped: %s", p)
    if not records:
        raise InputError(Problem("no records to report on", file=", ".join(map(str, options.records)),
                                 hint="check the files hold records"))
    log.info("evaluating %d records against %d rules as of %s", len(records), len(ruleset), options.as_of)
    bar = ProgressBar(options.progress, len(records))
    findings = evaluate(bar.track(records), ruleset, options.as_of)
    with History(options.history_path, timeout=options.lock_timeout) as history, history.locked():
        previous = history.previous(options.as_of)
        newest = history.newest_as_of()
        model = build_report(
            findings, options.as_of, now, window=window, previous=previous,
            history_trend=history.trend(options.as_of, TREND_LENGTH - 1), calendar=options.calendar,
            title=options.title, record_files=[str(p) for p in options.records],
            rule_files=[str(p) for p in options.rules or ()], skipped_rows=[str(p) for p in problems])
        run_id = history.record(options.as_of, now, datetime.now(now.tzinfo), model.findings,
                                model.summary.to_dict(), model.record_files, model.rule_files)
        model = with_run_id(model, run_id)
        files = render_files(model)
        update_latest = newest is None or options.as_of >= newest
        folder = publish(options.out, options.as_of.isoformat(), files, LATEST_COPIES if update_latest else None)
    s = model.summary
    log.info("run %d: %d overdue, %d due within %s, %d late completions %s, %d met", run_id, s.overdue,
             s.due_within_window, model.window_text, s.late_in_period, model.period_basis, s.met)
    log.info("wrote %s", folder)
    if update_latest:
        log.info("updated %s/latest.*", options.out)
    else:
        log.info("left %s/latest.* alone: a run as of %s is newer", options.out, newest)
    if previous:
        log.info("compared with run %d as of %s: %d changes", previous.run_id, previous.as_of, len(model.changes))
    if options.mail_to and options.mail is not None:
        mail_report(options.mail, options.mail_to, model, files)
        log.info("mailed the report to %s", ", ".join(options.mail_to))
    return ReportRun(model, folder, update_latest, 1 if fails(model, options.fail_on) else 0, files)
