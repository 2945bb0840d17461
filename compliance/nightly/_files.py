"""The files of one report run, written into its staging folder as the chunks of findings arrive.

findings.csv is byte for byte what ``compliance check --format csv`` writes for the same records;
findings.json is ``check --format json``'s document, one finding per line, with the report's own
numbers under ``"report"`` after the counts (both known only once every finding has been seen);
deadlines.ics has an event for every open duty. The pages are drawn last, from the model.
"""

from __future__ import annotations

import zlib
from datetime import date
from typing import Any, Mapping

from ..reports import CALENDAR_END, JSON_SEPARATOR, calendar_head, csv_header, json_head, json_tail
from ._html import to_html
from ._markdown import to_markdown_report
from ._model import ReportModel
from ._publish import Staging
from ._stream import ChunkOutput


class FindingsFiles:
    """findings.csv, findings.json and deadlines.ics, open in a staged run folder, a chunk at a time."""

    def __init__(self, staging: Staging, as_of: date, title: str) -> None:
        self.staging = staging
        self._handles = {name: staging.open(name) for name in ("findings.csv", "findings.json", "deadlines.ics")}
        self._json_started = False
        self._write("findings.csv", csv_header())
        self._write("findings.json", json_head(as_of))
        self._write("deadlines.ics", calendar_head(title))

    def _write(self, name: str, text: str) -> None:
        if text:
            self._handles[name].write(text.encode("utf-8"))

    def add(self, chunk: ChunkOutput) -> None:
        self._write("findings.csv", chunk.csv)
        if chunk.json:
            self._write("findings.json", (JSON_SEPARATOR if self._json_started else "") + chunk.json)
            self._json_started = True
        self._write("deadlines.ics", chunk.ics)

    def finish(self, summary: Mapping[str, int], report: Mapping[str, Any]) -> None:
        """Close the documents, with the status counts and the report's numbers at the end of the JSON."""
        self._write("findings.json", json_tail(summary, {"report": report}))
        self._write("deadlines.ics", CALENDAR_END)
        for name, handle in self._handles.items():
            self.staging.close_file(handle, name)
        self._handles = {}

    def abandon(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles = {}


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
