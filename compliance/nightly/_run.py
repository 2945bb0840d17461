"""One report run: read the records, evaluate them, compare with history, publish the files, mail them.

This is the edge where files, the database, the clock and the mail server meet; everything it calls
to decide what the report says is pure. Bad options and a bad environment are found before any work:
header values and addresses, a folder or a latest.* file in the way, a folder or database that cannot be
written. Then, in one transaction of the history database: what killed runs left is finished or
removed, the run is numbered, the records stream through the engine into the staged files, and the
run is recorded; its commit is the moment the run happens (``_publish``), and the lock is held on
until its files are in place. Mail goes last, once the run is safe.
"""

from __future__ import annotations

import errno
import gc
import logging
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterator, Mapping, Sequence, TextIO

from ..calendars import DEFAULT_CALENDAR, get_calendar, local
from ..engines import check_as_of, check_targets, map_chunks
from ..errors import ComplianceError, InputError, Problem, errors, printable
from ..records import DEFAULT_ENCODING, Record, codec_name, drawn_on, load_extract, read_records, undated_warning
from ..reports import problem_rows, rows_not_read, unread_count
from ..rules import RuleSet, load_rules
from ._build import build_model, window_end
from ._changes import ChangeFinder
from ._files import FindingsFiles, StatesWriter, render_pages
from ._history import DEFAULT_KEEP_RUNS, DEFAULT_TIMEOUT, History, RunRecord, Source
from ._mail import Attachment, MailError, MailSettings, build_message, check_address, check_header_text, send
from ._model import (DEFAULT_FAIL_ON, DEFAULT_ICS_DAYS, DEFAULT_WINDOW, TREND_LENGTH, ReportModel, Snapshot,
                     TrendPoint, fails, parse_window, with_run_id)
from ._progress import ProgressBar
from ._publish import Staging, check_latest, check_replaceable, recover, step
from ._stream import ChunkOutput, PassSettings, evaluate_chunk
from ._tally import RunTally

log = logging.getLogger(__name__)

HISTORY_FILE = "history.sqlite3"
#: Files attached to the email together stay under this size (many mail servers refuse 25 MB or more).
MAIL_ATTACHMENTS_LIMIT = 10 * 1024 * 1024


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
    keep_runs: int = DEFAULT_KEEP_RUNS
    #: Worker processes for a large run. More than 1 starts fresh interpreters ("spawn"), which import
    #: the calling script again: a script calling run_report must guard its work with
    #: ``if __name__ == "__main__":`` (the command line does).
    jobs: int = 1
    #: Each finding's working in findings.json.gz, findings.parquet and deadlines.ics, the holidays in findings.csv.
    explain: bool = True
    #: The CSV record files' encoding.
    encoding: str = DEFAULT_ENCODING
    #: Read the record files through this column mapping (a bundled name or a file), reporting only the
    #: duties such an extract can answer, as ``check --mapping`` does.
    mapping: str | None = None
    #: The day the record files were drawn, where they do not say (an Annex A list): they hold nothing later.
    extract_date: date | None = None
    #: List the not-applicable findings in findings.* too (``--all``); they are always counted.
    show_all: bool = False
    #: deadlines.ics holds the open duties due within this many days and those overdue by at most as many.
    ics_days: int = DEFAULT_ICS_DAYS
    #: Write a calendar for each team too (``--by team``), ``deadlines-<team>.ics``.
    by_team: bool = False
    #: Report as of a day after today (``--future``): otherwise refused as the typo it almost always is, since the
    #: newest date takes latest.* and every later night would leave them alone.
    future: bool = False

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
    pages: Mapping[str, str] = field(default_factory=dict)


def check_options(options: ReportOptions) -> None:
    """Refuse, before anything is read or written, what would break a header or a page: every problem at once."""
    problems = []
    try:
        check_header_text(options.title, "--title")
    except InputError as exc:
        problems.extend(exc.problems)
    for address in options.mail_to:
        try:
            check_address(address, "--mail-to")
        except InputError as exc:
            problems.extend(exc.problems)
    if options.mail_to and options.mail is None:
        problems.append(Problem("--mail-to needs mail settings", hint="set COMPLIANCE_SMTP_HOST and "
                                "COMPLIANCE_SMTP_FROM, or give --mail-config"))
    if options.mail is not None:
        try:
            check_address(options.mail.sender, "mail sender (COMPLIANCE_SMTP_FROM)")
            check_header_text(options.mail.host, "mail host (COMPLIANCE_SMTP_HOST)")
        except InputError as exc:
            problems.extend(exc.problems)
    if options.ics_days < 0:
        problems.append(Problem(f"{options.ics_days} is not a number of days", field="--ics-days",
                                hint="0 or more, e.g. --ics-days 30"))
    if options.keep_runs < 1:
        problems.append(Problem(f"{options.keep_runs} is too few", field="--keep-runs",
                                hint="keep at least 1 run: the next run compares with it"))
    try:
        codec_name(options.encoding)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(*problems)


def _writable(folder: Path, option: str) -> None:
    """Prove ``folder`` can be written by writing in it (permissions alone say nothing to root or a read-only disk)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise InputError(Problem(f"cannot write here: {exc.strerror}", file=str(folder),
                                 hint=f"make it writable, or choose another folder with {option}")) from None


def preflight(options: ReportOptions) -> None:
    """The environment checks that can fail a run, made before it does any work."""
    out = options.out
    if os.path.lexists(out) and not out.is_dir():
        raise InputError(Problem("is not a folder", file=str(out), hint="give --out a folder"))
    db = options.history_path
    if os.path.lexists(db) and not db.is_file():  # before any folder is made: a refused run leaves nothing behind
        raise InputError(Problem("is not a file", file=str(db), hint="give --db a file"))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(Problem(f"cannot create the report folder: {exc.strerror}", file=str(out),
                                 hint="choose a folder you can write to with --out")) from None
    _writable(out, "--out")
    check_latest(out)
    check_replaceable(out / options.as_of.isoformat())
    db.parent.mkdir(parents=True, exist_ok=True)
    _writable(db.parent, "--db")


@contextmanager
def _records_frozen() -> Iterator[None]:
    """Keep the collector from rescanning the records (long-lived, never cyclic) after every few thousand findings."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _subject(model: ReportModel) -> str:
    s = model.summary
    # A bidirectional control in the title is shown as its escape, as on the page, not obeyed in the inbox.
    return (f"{printable(model.title)} as of {model.as_of.isoformat()}: {s.overdue} overdue, {s.due_within_window} due "
            f"within {model.window_text}, {s.late_in_period} late completions")


def mail_report(settings: MailSettings, to: Sequence[str], model: ReportModel, pages: Mapping[str, str],
                folder: Path) -> list[str]:
    """Send the report: Markdown as the text, the HTML as the HTML part, files attached while they are small.

    Returns the names of the files too large to attach (they are named in the text, with where they are).
    """
    stamp = model.as_of.isoformat()
    html = pages["report.html"].encode("utf-8")
    attachments = [Attachment(f"report-{stamp}.html", html, "text/html")]
    room = MAIL_ATTACHMENTS_LIMIT - len(html)
    left_out = []
    for name, mime in (("deadlines.ics", "text/calendar"), ("findings.csv", "text/csv")):
        size = (folder / name).stat().st_size
        if size <= room:
            attachments.append(Attachment(f"{Path(name).stem}-{stamp}{Path(name).suffix}",
                                          (folder / name).read_bytes(), mime))
            room -= size
        else:
            left_out.append(f"{name} ({size / 1_000_000:.1f} MB)")
    text = pages["report.md"]
    if left_out:
        text += (f"\nToo large to attach: {', '.join(left_out)}; every file of this run is in {folder}.\n")
    send(settings, build_message(settings.sender, to, _subject(model), text, pages["report.html"], attachments))
    return left_out


def _evaluate(records: Sequence[Record], ruleset: RuleSet, options: ReportOptions, now: datetime,
              previous: Snapshot | None, titles: Mapping[str, str], staging: Staging, run_id: int,
              history_trend: Sequence[TrendPoint], skipped: Sequence[Problem]) -> tuple[ReportModel, bytes]:
    """Stream the records into the staged files; return the model and the compressed states for history."""
    window = parse_window(options.due_within)
    end = window_end(options.as_of, window, options.calendar)
    settings = PassSettings(ruleset, options.as_of, end, now, options.explain, options.show_all, options.ics_days,
                            options.by_team)
    files = FindingsFiles(staging, options.as_of, options.title, settings.json_context(), skipped, options.show_all,
                          settings.ics_days, settings.stamp)
    states = StatesWriter()
    compared = previous is not None and previous.states is not None
    finder = ChangeFinder(previous.states if previous is not None and previous.states is not None else {}, titles)
    tally = RunTally(end)
    bar = ProgressBar(options.progress, len(records))

    def done(chunk: ChunkOutput) -> None:
        files.add(chunk)
        tally.merge(chunk.tally)
        for record, line in chunk.states:
            states.add(line)
            finder.feed(record, line)
        bar.advance(chunk.records)

    try:
        for chunk in map_chunks(evaluate_chunk, settings, records, options.jobs):
            done(chunk)
    except BaseException:
        files.abandon()
        raise
    finally:
        bar.clear()
    step("findings written")
    model = build_model(tally, finder.finish() if compared else [], options.as_of, now, window=window,
                        previous=previous, history_trend=history_trend, calendar=options.calendar,
                        title=options.title, record_files=[str(p) for p in options.records],
                        rule_files=[str(p) for p in options.rules or ()], skipped_rows=_by_row(skipped),
                        rows_skipped=unread_count(skipped), ics_days=options.ics_days)
    model = with_run_id(model, run_id)
    files.finish(model.summary.statuses, model.to_dict())
    return model, states.finish()


def _read(options: ReportOptions, ruleset: RuleSet) -> tuple[list[Record], list[Problem], RuleSet, str | None]:
    """The records, the problems in the rest, the rules to report (through ``--mapping``, only the duties the extract
    can answer) and the mapping's name. A record whose target names no rule is a problem, never checked without it."""
    through = None
    if options.mapping:
        mapping, records, problems, ruleset = load_extract(options.records, options.mapping, ruleset,
                                                           encoding=options.encoding, extract_date=options.extract_date,
                                                           as_of=options.as_of)
        through = mapping.name
        log.info("%d record(s) read through %s", len(records), mapping.name)
        undated = undated_warning(mapping, options.extract_date)
        if undated:
            log.warning("warning: %s", undated)
    else:
        records, problems = read_records(options.records, ruleset.vocabulary, encoding=options.encoding)
        if options.extract_date is not None:
            records, redrawn = drawn_on(records, options.extract_date)
            problems += redrawn
    records, named = check_targets(records, ruleset)
    problems += named
    for p in problems:
        if p.warning:
            log.warning("warning: %s", p)
    return records, errors(problems), ruleset, through


def run_report(options: ReportOptions, now: datetime) -> ReportRun:
    """Do one run as of ``options.as_of``, started at ``now`` (an aware local time for the report's header)."""
    check_options(options)
    get_calendar(options.calendar)  # an unknown calendar is bad input, found before any work is done
    window = parse_window(options.due_within)
    ruleset = load_rules(options.rules)
    check_as_of(ruleset, options.as_of)  # an as-of outside the calendars: refused before anything is read
    window_end(options.as_of, window, options.calendar)  # and a due-soon window that runs past them
    _check_not_ahead(options, local(now).date())  # London's day: a UTC "now" is the day before for an hour
    records, problems, ruleset, through = _read(options, ruleset)
    if problems and not options.skip_bad_rows:
        raise InputError(*problems, Problem(
            f"{rows_not_read(unread_count(problems))}: nothing was reported",
            hint="correct the rows, or give --skip-bad-rows to "
            "report on the others, the rows left out listed at the top of the report and in its files"))
    for p in problems:
        log.warning("skipped: %s", p)
    if not records:
        skipped = unread_count(problems)
        raise InputError(Problem(f"no records to report on: {rows_not_read(skipped)}" if skipped else
                                 "no records to report on", file=", ".join(map(str, options.records)),
                                 hint="correct the rows logged as skipped" if skipped
                                 else "check the files hold records"))
    preflight(options)
    with _records_frozen(), History(options.history_path, timeout=options.lock_timeout) as history:
        try:
            source = Source(through, tuple(sorted({r.kind for r in records})))
            staged = _record_run(options, history, records, ruleset, problems, now, source)
        finally:
            history.release()
    model, pages, staging, update_latest, newest = staged
    _log_run(model, staging.target, update_latest, newest, options.out)
    if options.mail_to and options.mail is not None:
        try:
            left_out = mail_report(options.mail, options.mail_to, model, pages, staging.target)
        except MailError as exc:
            raise MailError(f"{exc}; run {model.run_id} is published in {staging.target} and recorded") from None
        log.info("mailed the report to %s%s", ", ".join(options.mail_to),
                 f" (not attached, too large: {', '.join(left_out)})" if left_out else "")
    return ReportRun(model, staging.target, update_latest, 1 if fails(model, options.fail_on) else 0, pages)


def _check_not_ahead(options: ReportOptions, today: date) -> None:
    """Refuse a date after today unless asked for (``--future``): almost always a typo, and the newest date takes
    latest.*, which every later night would then leave alone."""
    if options.as_of > today and not options.future:
        raise InputError(Problem(f"{options.as_of.isoformat()} is after today ({today.isoformat()})", field="--as-of",
                                 hint="give today's date or an earlier one (leave --as-of out for today); to report "
                                      "on a day to come on purpose, give --future too, with an --out folder of its "
                                      "own: latest.* follow the newest date, so the nightly runs there would leave "
                                      "them alone"))


def _by_row(problems: Sequence[Problem]) -> list[str]:
    """One line for each row that could not be read, its problems joined: the page counts rows, not problems."""
    return ["; ".join(str(p) for p in row) for row in problem_rows(problems)]


def _record_run(options: ReportOptions, history: History, records: Sequence[Record], ruleset: RuleSet,
                problems: Sequence[Problem], now: datetime, source: Source
                ) -> tuple[ReportModel, dict[str, str], Staging, bool, tuple[date, int] | None]:
    """The run as one transaction of the history: what killed runs left is finished or removed, the run is
    numbered, its files staged and the history written; the commit is the moment the run happens, and the files
    are put in place after it, the history's lock still held. Returns the model, the pages, the staging folder
    (removed by then), whether latest.* were switched, and the newest earlier as-of date whose folder is in --out
    with its run."""
    folder = options.as_of.isoformat()
    staging: Staging | None = None
    try:
        with history.locked(keep=True):
            # Read first: a damaged history is found before anything is touched.
            identity, dates = history.identity, history.dates()
            previous, trend = history.previous(options.as_of), history.trend(options.as_of, TREND_LENGTH - 1)
            _same_source(options, history, source)  # before finishing what a killed run left: refused, nothing done
            later, notes = recover(options.out, history)
            for note in notes:
                log.warning("%s", note)
            if later:  # a run of an older version's journal was recorded just now: it may be the one to compare with
                dates, previous = history.dates(), history.previous(options.as_of)
                trend = history.trend(options.as_of, TREND_LENGTH - 1)
            newest = _newest_here(options.out, dates)  # once recovered: a run it finished has its folder in place
            log.info("evaluating %d records against %d rules as of %s", len(records), len(ruleset), options.as_of)
            run_id = history.reserve(options.as_of, now)
            # Each duty's title, to name a change; the previous run's names a duty no rule has any more.
            titles = {**(previous.titles if previous else {}), **{rule.duty: rule.title for rule in ruleset}}
            update_latest = newest is None or options.as_of >= newest[0]
            staging = Staging.create(options.out, folder, run_id, identity, history.path, update_latest)
            model, states = _evaluate(records, ruleset, options, now, previous, titles, staging, run_id, trend,
                                      problems)
            pages = render_pages(model)
            for name, text in pages.items():
                staging.write(name, text)
            staging.seal()
            history.complete(RunRecord(run_id, staging.token, options.as_of, now.isoformat(timespec="seconds"),
                                       datetime.now(now.tzinfo).isoformat(timespec="seconds"), model.summary.overdue,
                                       model.summary.to_dict(), list(model.record_files), list(model.rule_files),
                                       titles, source), states)
            pruned = history.prune(options.keep_runs)
            step("history written, not yet committed")
    except BaseException as exc:
        if staging is not None:
            staging.discard()  # the history did not record the run: nothing of it was published
        if isinstance(exc, OSError):
            cause = ("raise the limit on open files (ulimit -n)" if exc.errno in (errno.EMFILE, errno.ENFILE) else
                     "check the free disk space and the folder's permissions")
            raise InputError(Problem(f"cannot write the report: {exc.strerror or exc}", file=str(options.out),
                                     hint=f"{cause}; nothing was published or recorded")) from None
        raise
    step("history committed")
    _put_in_place(staging, history, later, max(newest[0] if newest else options.as_of, options.as_of).isoformat(),
                  options.keep_runs)
    if pruned and not history.keeps_states(staging.run_id):
        # A run back-filling a date older than the newest --keep-runs dates: its own states go at once (the newest
        # runs' are what later runs compare with), its folder at the next run.
        log.info("this run's date, %s, is older than the newest %d kept (--keep-runs %d): its duty states are not "
                 "kept for later runs to compare with, and its folder %s goes at the next run", options.as_of,
                 options.keep_runs, options.keep_runs, staging.target)
        pruned -= 1
    if pruned:
        log.info("pruned the duty states of %d older run(s) from the history (--keep-runs %d)", pruned,
                 options.keep_runs)
    return model, pages, staging, update_latest, newest


def _newest_here(out: Path, dates: Sequence[tuple[date, int]]) -> tuple[date, int] | None:
    """The newest as-of date of the history whose run folder is in ``out``, and its run: latest.* follow it. A run
    whose folder was removed by hand (a date typed wrong) holds them no longer, or no later run would take them."""
    return next(((day, run_id) for day, run_id in dates if (out / day.isoformat()).is_dir()), None)


def _same_source(options: ReportOptions, history: History, source: Source) -> None:
    """Refuse a run whose records are not those the history's last run read (the census into the tracker's folder):
    it would take that day's folder and latest.*, and the next run would report every duty of either as changed."""
    last = history.last_source()
    if last is None or last[2].same_as(source):
        return
    run_id, as_of, theirs = last
    held = f"the history --db {options.db}" if options.db else str(options.out)
    raise InputError(Problem(f"{held} holds the reports of another source: its run {run_id}, as of {as_of}, read "
                             f"{theirs}; this run reads {source}", file=str(options.history_path),
                             hint=("give each source its own --db, as its own --out folder" if options.db else
                                   "give each source its own --out folder") + " (each keeps its own history, trend "
                                  "and latest.*), or move this one aside to start its history anew"))


def _put_in_place(staging: Staging, history: History, later: Sequence[Staging], newest_day: str,
                  keep_runs: int) -> None:
    """After the commit: the run's folder and latest.* in place, folders past --keep-runs removed, the staging
    folders gone. Should any of it fail, the run is recorded and the next run finishes it from the journal."""
    try:
        for leftover in later:
            leftover.remove()
        staging.apply()
        left, removed_with = staging.expire(history, keep={staging.folder, newest_day}, keep_runs=keep_runs)
        for note in left:
            log.warning("%s", note)
        for note in removed_with:
            log.info("%s", note)
        staging.remove()
    except (OSError, ComplianceError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(Problem(f"run {staging.run_id} is recorded but could not all be put in place ({reason}); "
                                 "the next report run finishes it", file=str(staging.path),
                                 hint="fix the cause (disk space, permissions) and run the report again")) from None


def _log_run(model: ReportModel, folder: Path, update_latest: bool, newest: tuple[date, int] | None,
             out: Path) -> None:
    s = model.summary
    log.info("run %d: %d overdue, %d due within %s, %d late completions %s, %d met", model.run_id, s.overdue,
             s.due_within_window, model.window_text, s.late_in_period, model.period_basis, s.met)
    log.info("wrote %s", folder)
    if update_latest:
        log.info("updated %s/latest.*", out)
    elif newest is not None:
        # A warning, not hidden by --quiet: a date typed wrong would freeze latest.* unsaid, night after night.
        day, run_id = newest
        log.warning("left %s/latest.* alone: they hold run %d, as of %s, a later date than this run's; if that run's "
                    "date was a mistake, move its folder %s and %s/latest.* out of %s, and the next run takes "
                    "latest.* over", out, run_id, day, out / day.isoformat(), out, out)
    if model.previous:
        if model.previous.compared:
            log.info("compared with run %d as of %s: %d changes", model.previous.run_id, model.previous.as_of,
                     len(model.changes))
        else:
            log.warning("run %d as of %s is the previous run, but its duty states were pruned (--keep-runs): "
                        "no changes listed", model.previous.run_id, model.previous.as_of)

