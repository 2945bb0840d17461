"""The files of one report run, written into its staging folder as the chunks of findings arrive.

findings.csv is byte for byte what ``compliance check --format csv`` writes for the same records, and
findings.parquet what ``check --format parquet`` writes; findings.json.gz is ``check --format json``'s
document, gzip-compressed, one finding per line, with the report's own numbers under ``"report"`` after
the counts (both known only once every finding has been seen). Each lists the findings that apply, and
the rows that could not be read. deadlines.ics has the open deadlines a person acts on now
(``PassSettings.in_calendar``), and one event on the day of the run for the duties overdue for longer, and with
``--by team`` each team has its own, ``deadlines-<team>.ics``.
The pages are drawn last, from the model.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import unicodedata
import zlib
from collections import OrderedDict
from datetime import date, datetime
from typing import IO, Any, Mapping, Sequence

from ..errors import Problem
from ..reports import (CALENDAR_END, JSON_SEPARATOR, JsonContext, JsonDocument, backlog_event_text, calendar_head,
                       csv_header, csv_problem_lines, json_head, json_tail)
from ._html import to_html
from ._markdown import to_markdown_report
from ._model import DEFAULT_ICS_DAYS, ReportModel
from ._publish import Staging, team_calendar_name
from ._stream import NO_TEAM, Backlog, ChunkOutput


#: findings.json, gzip-compressed: a thirteenth of its size (see docs/output-formats.md for the figures).
JSON_FILE = "findings.json.gz"
JSON_LEVEL = 6
#: Teams' calendars open at once (``--by team``); the others are closed and reopened to append to. One handle a team
#: ran out of them (1,024 on most systems) past a thousand teams.
TEAM_FILES_OPEN = 64


class FindingsFiles:
    """findings.csv, findings.json, findings.parquet and the calendars, open in a staged run folder."""

    def __init__(self, staging: Staging, as_of: date, title: str, context: JsonContext,
                 problems: Sequence[Problem] = (), show_all: bool = False, ics_days: int = DEFAULT_ICS_DAYS,
                 stamp: datetime | None = None) -> None:
        from ..reports.parquet import ParquetWriter, findings_batch, findings_schema

        self.staging = staging
        self.as_of, self.title, self.context, self.problems, self.show_all = as_of, title, context, problems, show_all
        self._handles: dict[str, IO[bytes]] = {}
        self._teams: dict[str, str] = {}  # team -> its calendar's file name
        self._team_handles: OrderedDict[str, IO[bytes]] = OrderedDict()  # the teams' calendars open, latest used last
        self.ics_days, self.stamp = ics_days, stamp or datetime.now().astimezone()
        self._backlog: dict[str, Backlog] = {}  # by calendar file: the duties overdue beyond ics_days
        self._calendars = {"deadlines.ics": title}  # each calendar file's name as a calendar shows it
        self.document = JsonDocument()
        for name in ("findings.csv", JSON_FILE, "findings.parquet", "deadlines.ics"):
            self._handles[name] = staging.open(name)
        # Compressed as it is written (mtime 0: the same findings give the same bytes).
        self._json = gzip.GzipFile("findings.json", "wb", JSON_LEVEL, self._handles[JSON_FILE], mtime=0)
        self._json_started = False
        self._write("findings.csv", csv_header() + csv_problem_lines(problems))
        self._write(JSON_FILE, json_head(as_of, problems, show_all))
        self._write("deadlines.ics", calendar_head(title))
        self._parquet = ParquetWriter(self._handles["findings.parquet"], findings_schema())
        self._parquet.add(findings_batch([], problems=problems))

    def _write(self, name: str, text: str) -> None:
        if text:
            (self._json if name == JSON_FILE else self._handle(name)).write(text.encode("utf-8"))

    def _handle(self, name: str) -> IO[bytes]:
        """The open file ``name``: a team's calendar is reopened to append to if it was closed to keep few open."""
        if name in self._handles:
            return self._handles[name]
        if name not in self._team_handles:
            self._open_team(name, append=True)
        self._team_handles.move_to_end(name)
        return self._team_handles[name]

    def _open_team(self, name: str, append: bool) -> None:
        """Open a team's calendar, closing the one written least lately if TEAM_FILES_OPEN are open: each is made
        durable once, at the end (``finish``)."""
        if len(self._team_handles) >= TEAM_FILES_OPEN:
            self._team_handles.popitem(last=False)[1].close()
        self._team_handles[name] = self.staging.open(name, append)

    def _team_file(self, team: str) -> str:
        name = self._teams.get(team)
        if name is None:
            # Names that differ only in case or spacing (Front Door, FRONT  DOOR) are one team's calendar.
            name = self._teams[team] = team_calendar_name(team_slug(team))
            if name not in self._calendars:
                self._calendars[name] = f"{self.title}: {team if team != NO_TEAM else 'records with no team'}"
                self._open_team(name, append=False)
                self._write(name, calendar_head(self._calendars[name]))
        return name

    def add(self, chunk: ChunkOutput) -> None:
        self._write("findings.csv", chunk.csv)
        if chunk.json:
            self._write(JSON_FILE, (JSON_SEPARATOR if self._json_started else "") + chunk.json)
            self._json_started = True
        self.document.update(chunk.document)
        self._parquet.add(chunk.parquet)
        for team, events in chunk.ics.items():
            self._write("deadlines.ics" if team is None else self._team_file(team), events)
        for team in chunk.teams:
            self._team_file(team)
        for team, backlog in chunk.backlog.items():
            self._backlog.setdefault("deadlines.ics" if team is None else self._team_file(team), Backlog()).add(backlog)

    def finish(self, summary: Mapping[str, int], report: Mapping[str, Any]) -> None:
        """Close the documents, with the status counts and the report's numbers at the end of the JSON."""
        from ..reports.parquet import IN_METADATA, findings_metadata

        self._write(JSON_FILE, json_tail(summary, self.context, self.document, {"report": report}))
        self._json.close()
        # The Parquet file's metadata holds the first of each long list, with its total (rows_skipped, changes_total):
        # findings.json.gz holds them all.
        lean = {**report, "skipped_rows": report["skipped_rows"][:IN_METADATA],
                "changes": report["changes"][:IN_METADATA], "changes_total": len(report["changes"])}
        self._parquet.close(findings_metadata(
            self.as_of, summary, self.problems, self.show_all,
            {r: self.context.rules[r] for r in self.document.rules},
            {c: self.context.calendars[c] for c in self.document.calendars}, {"report": lean}))
        for name in dict.fromkeys(["deadlines.ics", *self._teams.values()]):
            backlog = self._backlog.get(name)
            if backlog:
                # Its UID is this report's calendar's (the history's own id): another report's, in the same
                # calendar program, is another event.
                calendar = f"{self.staging.journal.get('history', '')}\x1f{self._calendars[name]}"
                self._write(name, backlog_event_text(backlog.count, backlog.oldest, self.ics_days, self.as_of,
                                                     self.stamp, calendar))
            self._write(name, CALENDAR_END)
        for name, handle in self._handles.items():
            self.staging.close_file(handle, name)
        self._handles = {}
        for name in dict.fromkeys(self._teams.values()):
            self.staging.close_file(self._handle(name), name)
            del self._team_handles[name]

    def abandon(self) -> None:
        for handle in [*self._handles.values(), *self._team_handles.values()]:
            handle.close()
        self._handles = {}
        self._team_handles.clear()


_SLUG = re.compile(r"[^a-z0-9]+")
#: What a hashed name ends in: a plain name ending so (``team 3a52ce78``) would be read as another team's hash.
_HASHED = re.compile(r".*-[0-9a-f]{8}")


def team_slug(team: str) -> str:
    """A team's name as part of a file name, the same whatever other teams there are, so that a calendar a team
    subscribes to never turns into another team's: a name of plain words (``Front Door``, ``front  door``) as
    those words, lower-case, joined by hyphens; any other (punctuation, accents, over 40 characters, or the
    ``no-team`` of records that name none) with a short hash of the name as well. So is a name of plain words
    whose last is 8 hexadecimal digits (``team 3a52ce78``, ``intake 20250401``): as they are, they would be the
    file of the name whose hash they end in (``.`` is ``team-3a52ce78``), and two teams would share a calendar.
    Names are the same team when Unicode's caseless match says so, as kpi groups them: ``Équipe`` typed with a
    combining accent, ``Straße`` and ``STRASSE`` (``strasse``).
    """
    if team == NO_TEAM:
        return "no-team"
    # Case folded between the decomposed and the composed form, as kpi's group_key does: folding the composed form
    # alone left some names two calendars (Greek ΐ typed as one character and as Ϊ with an accent).
    key = unicodedata.normalize("NFC", unicodedata.normalize("NFD", " ".join(team.split())).casefold())
    words = key.split()
    folded = unicodedata.normalize("NFKD", team).encode("ascii", "ignore").decode().lower()
    slug = _SLUG.sub("-", folded).strip("-")[:40].strip("-") or "team"
    if words and all(w.isascii() and w.isalnum() for w in words):
        slug = "-".join(words)  # plain words once folded: ß is ss, the Kelvin sign k
        if len(slug) <= 40 and slug != "no-team" and not _HASHED.fullmatch(slug):
            return slug
    return f"{slug[:31].strip('-')}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"


class StatesWriter:
    """Each record's states line, compressed as it comes, for the history (see ``_changes``)."""

    def __init__(self) -> None:
        self._zip = zlib.compressobj(6)
        self._parts: list[bytes] = []
        self._first = True

    def add(self, line: str) -> None:
        self._parts.append(self._zip.compress((line if self._first else "\n" + line).encode("utf-8")))
        self._first = False

    def finish(self) -> bytes:
        self._parts.append(self._zip.flush())
        return b"".join(self._parts)


def render_pages(model: ReportModel) -> dict[str, str]:
    """The report's two pages, drawn from the model: HTML for people, Markdown for a wiki or Teams."""
    return {"report.html": to_html(model), "report.md": to_markdown_report(model)}
