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

from datetime import date
from pathlib import Path

from ..errors import InputError, Problem
from ._database import parse_url, shown_url
from ._synth_layouts import AUTHORITIES, LAYOUTS, SynthSummary

__all__ = ["LAYOUTS", "SynthSummary", "write_extracts"]


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
    target.mkdir(parents=True, exist_ok=True)
    from ._synth_gen import generate  # numpy: only when extracts are written

    summary = generate(target, children, seed, start, end, layout, authorities, limit)
    if database is not None:
        from ._synth_ssd import load_database

        load_database(target, database)
        summary.database = shown_url(database)
    return summary
