"""Synthetic case-management extracts: realistic caseloads with known timeliness, for tests, demos and benchmarks.

Deterministic: the same ``--children`` and ``--seed`` give byte-identical files. Children are
referred on dates drawn across the period, with extra weight on the weeks before bank holidays (the
weeks where working-day counting goes wrong); most duties are done in time, some late, some never.
Files are written a block of children at a time, so a million records need little memory.

Layouts:
* ``records``: the project's record CSV layout (``id, kind``, attributes, events), one file per kind;
* ``annex-a``: Ofsted Annex A lists 3, 4, 5, 7 and 8 as CSV, dates written DD/MM/YYYY;
* ``cin-census``: one DfE children-in-need census return (XML): referrals, assessments, section 47
  enquiries with their ICPC targets, and child protection plans with their reviews;
* ``ssd``: the Standard Safeguarding Dataset's tables (``ssd_cin_episodes.csv``, ...), the same children as
  the record layout, with the systems' own due dates; ``database`` loads them into a database as well.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..errors import InputError, Problem
from ._database import parse_url, shown_url
from ._synth_layouts import AUTHORITIES, LAYOUTS, SynthSummary

__all__ = ["LAYOUTS", "MARKER", "SynthSummary", "write_extracts"]

#: Left in a folder synth wrote into, naming each file it wrote with its size and time: those may be written again;
#: any other file, or one changed since (a real extract saved over it), is never replaced. (A name starting with "."
#: is passed over when the folder is read for records.)
MARKER = ".compliance-synth"


def write_extracts(directory: str | Path, children: int, seed: int = 0, *, start: date = date(2019, 4, 1),
                   end: date = date(2025, 3, 31), layout: str = "records", authorities: int = 4,
                   limit: int | None = None, database: str | None = None) -> SynthSummary:
    """Write synthetic extracts for ``children`` children into ``directory``; the extract date is ``end``.

    ``limit`` stops after that many records (the benchmark asks for exactly a million). ``database`` (a URL;
    the ssd layout only) is loaded with the tables written: into its SSD tables, or ones created to hold them.
    """
    if layout not in LAYOUTS:
        raise InputError(Problem(f"unknown layout {layout!r}", field="layout", hint="one of: " + ", ".join(LAYOUTS)))
    if children < 1:
        raise InputError(Problem("give at least one child", field="children", hint="e.g. --children 1000"))
    if start > end:
        raise InputError(Problem(f"the period starts ({start}) after it ends ({end})", field="from"))
    if not 1 <= authorities <= len(AUTHORITIES):
        raise InputError(Problem(f"between 1 and {len(AUTHORITIES)} authorities", field="authorities"))
    if database is not None and layout != "ssd":
        raise InputError(Problem("only the ssd layout is loaded into a database", field="database",
                                 hint="give --layout ssd"))
    if database is not None:
        parse_url(database, reading=False)  # a URL refused (a password in it) is refused before anything is written
    target = Path(directory)
    _refuse_others(target)
    target.mkdir(parents=True, exist_ok=True)
    from ._synth_gen import generate  # numpy: only when extracts are written

    summary = generate(target, children, seed, start, end, layout, authorities, limit)
    written = {**_written_before(target), **{p.name: _stamp(p) for p in summary.files}}
    (target / MARKER).write_text(json.dumps({"written by compliance synth": written}, indent=1) + "\n",
                                 encoding="utf-8")
    if database is not None:
        from ._synth_ssd import load_database

        load_database(target, database)
        summary.database = shown_url(database)
    return summary


def _names() -> set[str]:
    """Every file name synth may write, whatever the layout."""
    from ._synth_census import FILENAME
    from ._synth_layouts import ANNEX_A, FILES
    from ._synth_ssd import TABLES

    return {*FILES.values(), *(name for name, _ in ANNEX_A.values()), FILENAME, *(f"{t}.csv" for t in TABLES)}


def _stamp(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def _written_before(target: Path) -> dict[str, list[int]]:
    """The files the marker says synth wrote in ``target`` ({} where there is none, or it cannot be read)."""
    try:
        found = json.loads((target / MARKER).read_text(encoding="utf-8"))["written by compliance synth"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def _refuse_others(target: Path) -> None:
    """Refuse a folder holding a file synth would write that it did not write, or that changed since it did (a
    council's real referrals.csv in ``extracts``, the default folder, or saved over a synthetic one there):
    synthetic rows would replace real ones without a word."""
    if not target.is_dir():
        return
    ours = _written_before(target)
    taken = sorted(name for name in _names() if (target / name).is_file() and ours.get(name) != _stamp(target / name))
    if taken:
        raise InputError(Problem(f"{target} holds {', '.join(taken[:3])}{' and others' if len(taken) > 3 else ''}, "
                                 "which synth did not write (or which changed since it did): synthetic records "
                                 "would replace what "
                                 f"{'they hold' if len(taken) > 1 else 'it holds'}",
                                 field="output-dir", hint="give a new folder, e.g. --output-dir synthetic"))
