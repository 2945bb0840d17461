"""What the synthetic extracts look like: the layouts, their files and columns, and the writer that fills them."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from ._synth_census import FILENAME as CENSUS_FILE
from ._synth_census import CensusWriter

LAYOUTS = ("records", "annex-a", "cin-census", "ssd")
#: The kinds of record the Standard Safeguarding Dataset holds (records/_synth_ssd.py).
SSD_KINDS = ("referral", "child-protection", "looked-after", "missing-episode")
AUTHORITIES = ("Northby", "Southby", "Eastby", "Westby", "Midtown", "Lakeside", "Hillford", "Riverton",
               "Ashcombe", "Brookfield", "Castleton", "Dunmore")
TEAMS = {
    "referral": ("Front Door", "Assessment North", "Assessment South"),
    "child-protection": ("Child Protection East", "Child Protection West"),
    "looked-after": ("Children in Care", "Care Leavers"),
    "care-proceedings": ("Court Team",),
    "complaint": ("Complaints",),
    "missing-episode": ("Missing and Exploitation",),
}
FILES = {
    "referral": "referrals.csv",
    "child-protection": "child-protection.csv",
    "looked-after": "looked-after.csv",
    "care-proceedings": "care-proceedings.csv",
    "complaint": "complaints.csv",
    "missing-episode": "missing-episodes.csv",
}
COLUMNS = {
    "referral": ("referral_nfa", "referral", "referral_decision", "assessment_start", "assessment_completed",
                 "initial_assessment_completed", "core_assessment_start", "core_assessment_completed"),
    "child-protection": ("icpc_not_required", "cp_plan", "strategy_discussion", "s47_start", "icpc", "cp_plan_start",
                         "rcpc", "cp_plan_end", "target:icpc-15wd"),
    "looked-after": ("placement_until_18", "became_looked_after", "placement_start", "cla_review", "visit",
                     "ceased_looked_after"),
    "care-proceedings": ("care_application_issued", "care_extension", "care_proceedings_disposed"),
    "complaint": ("complaint_received", "stage1_extended", "stage1_response", "stage2_start", "stage2_extended",
                  "stage2_response", "panel_requested", "panel_held", "panel_report_sent", "panel_report_received",
                  "la_response"),
    "missing-episode": ("returned_from_missing", "return_interview"),
}
ANNEX_A = {
    "list3": ("annex-a-list3-referrals.csv",
              ("Child Unique ID", "Gender", "Date of Birth", "Date of Referral", "Referral NFA?",
               "Allocated Team")),
    "list4": ("annex-a-list4-assessments.csv",
              ("Child Unique ID", "Gender", "Date of Birth", "Continuous Assessment Start Date",
               "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
               "Allocated Team")),
    "list5": ("annex-a-list5-section47.csv",
              ("Child Unique ID", "Gender", "Date of Birth",
               "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Was an Initial Child Protection Conference deemed unnecessary?",
               "Date of Initial Child Protection Conference",
               "Did the Initial Child Protection Conference Result in a Child Protection Plan", "Allocated Team")),
    "list7": ("annex-a-list7-child-protection.csv",
              ("Child Unique ID", "Gender", "Date of Birth", "Child Protection Plan Start Date",
               "Date of latest review conference", "Child Protection Plan End Date", "Allocated Team")),
    "list8": ("annex-a-list8-looked-after.csv",
              ("Child Unique ID", "Gender", "Date of Birth", "Date Started to be Looked After",
               "Start Date of Most Recent Placement", "Date of Latest Statutory Review",
               "Date of Last Social Work Visit", "Date Ceased to be Looked After", "Allocated Team")),
}


@dataclass
class SynthSummary:
    """What a synth run wrote: files and how many records of each kind."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    #: The database the tables were also loaded into (as it may be shown), if any.
    database: str | None = None

    @property
    def total(self) -> int:
        return sum(self.records.values())

    def __str__(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in self.records.items())
        loaded = f", and loaded them into {self.database}" if self.database else ""
        return f"wrote {self.total} records ({kinds}) to {len(self.files)} file(s) in {self.directory}{loaded}"


def iso(d: int) -> str:
    return date.fromordinal(d).isoformat()


def dmy(d: int) -> str:
    return date.fromordinal(d).strftime("%d/%m/%Y")


def cell(d: int | None, fmt: Any = iso) -> str:
    return fmt(d) if d is not None else ""


class Writer:
    """Writes rows of every kind to their files, counting records, stopping at a limit.

    The cin-census layout writes one XML file instead, through ``census`` (its records are not limited); the ssd
    layout writes the Standard Safeguarding Dataset's tables, through ``ssd``.
    """

    def __init__(self, directory: Path, layout: str, limit: int | None, end: date | None = None) -> None:
        self.directory, self.layout, self.limit = directory, layout, limit
        self.handles: dict[str, Any] = {}
        self.writers: dict[str, Any] = {}
        self.summary = SynthSummary(directory)
        self.census: CensusWriter | None = None
        self.ssd: Any = None  # records/_synth_ssd.SSDWriter, set by the generator for the ssd layout
        if layout == "cin-census":
            self.census = CensusWriter(directory / CENSUS_FILE, end or date.today())
            self.summary.files.append(directory / CENSUS_FILE)

    def full(self) -> bool:
        return self.limit is not None and self.summary.total >= self.limit

    def writer(self, key: str, filename: str, header: Sequence[str]) -> Any:
        if key not in self.writers:
            path = self.directory / filename
            handle = path.open("w", newline="", encoding="utf-8")
            self.handles[key] = handle
            self.writers[key] = csv.writer(handle, lineterminator="\n")
            self.writers[key].writerow(header)
            self.summary.files.append(path)
        return self.writers[key]

    def records(self, kind: str, rows: list[list[str]]) -> None:
        if self.limit is not None:
            rows = rows[: max(self.limit - self.summary.total, 0)]
        if not rows:
            return
        if self.ssd is not None:
            if kind in SSD_KINDS:
                self.ssd.add(kind, rows)
                self.summary.records[kind] = self.summary.records.get(kind, 0) + len(rows)
            return
        header = ("id", "kind", "child", "team", "authority") + COLUMNS[kind]
        self.writer(kind, FILES[kind], header).writerows(rows)
        self.summary.records[kind] = self.summary.records.get(kind, 0) + len(rows)

    def annex(self, key: str, rows: list[list[str]]) -> None:
        if not rows:
            return
        filename, header = ANNEX_A[key]
        self.writer(key, filename, header).writerows(rows)
        self.summary.records[key] = self.summary.records.get(key, 0) + len(rows)

    def block_done(self) -> None:
        """A block of children is complete: the census writes them out."""
        if self.census is not None:
            self.census.flush()
        if self.ssd is not None:
            self.ssd.block_done()

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()
        if self.census is not None:
            self.census.close()
            self.summary.records.update({k: n for k, n in self.census.counts.items() if n})
        if self.ssd is not None:
            self.ssd.close()


def dates_text(values: Sequence[int]) -> str:
    return ";".join(iso(v) for v in values)
