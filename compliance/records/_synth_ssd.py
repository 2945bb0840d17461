"""The synthetic caseload as Standard Safeguarding Dataset tables: CSV files named after the tables, and a database.

The same children as the record layout (the same seed draws the same children), written into the SSD's
tables and columns (as its published definitions name them, SSD 1.4.5) with the SSD's own keys: a referral
and its assessment, a section 47 enquiry and its initial conference (with the system's target date), a
child protection plan and its reviews (each with the system's due date, and the next one scheduled while
the plan is open), a period of care (some split into two episodes) with its placement, reviews (due dates,
a cancelled review now and then) and visits, and missing episodes. Dates are written as SQL Server writes
a DATETIME (``2023-03-01 00:00:00.000``). The councils' systems set their due dates as records/_synth_gen.py
says: the second's holiday list lacks the State Funeral, the third counts the trigger day as day 1.
"""

from __future__ import annotations

import csv
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Sequence

from ._synth_layouts import AUTHORITIES, cell

#: The tables written, each with the columns filled and their SQL Server types (as the SSD's DDL declares them).
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "ssd_person": (("pers_person_id", "NVARCHAR(48)"),),
    "ssd_cin_episodes": (("cine_referral_id", "NVARCHAR(48)"), ("cine_person_id", "NVARCHAR(48)"),
                         ("cine_referral_date", "DATETIME"), ("cine_referral_nfa", "NCHAR(1)"),
                         ("cine_referral_team", "NVARCHAR(48)")),
    "ssd_cin_assessments": (("cina_assessment_id", "NVARCHAR(48)"), ("cina_person_id", "NVARCHAR(48)"),
                            ("cina_referral_id", "NVARCHAR(48)"), ("cina_assessment_start_date", "DATETIME"),
                            ("cina_assessment_auth_date", "DATETIME")),
    "ssd_s47_enquiry": (("s47e_s47_enquiry_id", "NVARCHAR(48)"), ("s47e_person_id", "NVARCHAR(48)"),
                        ("s47e_s47_start_date", "DATETIME"), ("s47e_s47_nfa", "NCHAR(1)"),
                        ("s47e_s47_completed_by_team", "NVARCHAR(48)")),
    "ssd_initial_cp_conference": (("icpc_icpc_id", "NVARCHAR(48)"), ("icpc_s47_enquiry_id", "NVARCHAR(48)"),
                                  ("icpc_person_id", "NVARCHAR(48)"), ("icpc_cp_plan_id", "NVARCHAR(48)"),
                                  ("icpc_icpc_target_date", "DATETIME"), ("icpc_icpc_date", "DATETIME"),
                                  ("icpc_icpc_outcome_cp_flag", "NCHAR(1)")),
    "ssd_cp_plans": (("cppl_cp_plan_id", "NVARCHAR(48)"), ("cppl_icpc_id", "NVARCHAR(48)"),
                     ("cppl_person_id", "NVARCHAR(48)"), ("cppl_cp_plan_start_date", "DATETIME"),
                     ("cppl_cp_plan_end_date", "DATETIME")),
    "ssd_cp_reviews": (("cppr_cp_review_id", "NVARCHAR(48)"), ("cppr_person_id", "NVARCHAR(48)"),
                       ("cppr_cp_plan_id", "NVARCHAR(48)"), ("cppr_cp_review_due", "DATETIME"),
                       ("cppr_cp_review_date", "DATETIME")),
    "ssd_cla_episodes": (("clae_cla_episode_id", "NVARCHAR(48)"), ("clae_person_id", "NVARCHAR(48)"),
                         ("clae_cla_episode_start_date", "DATETIME"), ("clae_cla_episode_ceased_date", "DATETIME"),
                         ("clae_cla_id", "NVARCHAR(48)"), ("clae_cla_placement_id", "NVARCHAR(48)"),
                         ("clae_entered_care_date", "DATETIME")),
    "ssd_cla_reviews": (("clar_cla_review_id", "NVARCHAR(48)"), ("clar_cla_id", "NVARCHAR(48)"),
                        ("clar_cla_review_due_date", "DATETIME"), ("clar_cla_review_date", "DATETIME"),
                        ("clar_cla_review_cancelled", "NCHAR(1)")),
    "ssd_cla_visits": (("clav_cla_visit_id", "NVARCHAR(48)"), ("clav_cla_id", "NVARCHAR(48)"),
                       ("clav_person_id", "NVARCHAR(48)"), ("clav_cla_visit_date", "DATETIME"),
                       ("clav_cla_visit_seen", "NCHAR(1)")),
    "ssd_cla_placement": (("clap_cla_placement_id", "NVARCHAR(48)"), ("clap_cla_placement_start_date", "DATETIME"),
                          ("clap_cla_placement_type", "NVARCHAR(100)"), ("clap_cla_id", "NVARCHAR(48)"),
                          ("clap_cla_placement_end_date", "DATETIME"), ("clap_person_id", "NVARCHAR(48)")),
    "ssd_missing": (("miss_table_id", "NVARCHAR(48)"), ("miss_person_id", "NVARCHAR(48)"),
                    ("miss_missing_episode_start_date", "DATETIME"), ("miss_missing_episode_end_date", "DATETIME"),
                    ("miss_missing_rhi_offered", "NVARCHAR(2)"), ("miss_missing_rhi_accepted", "NVARCHAR(2)")),
}
#: How a DATETIME is written in an SSD extract.
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_EASTBY = 2  # the council whose system counts the trigger day as day 1 (records/_synth_gen.py)


def _when(text: str) -> str:
    """An ISO date or date-time from the record layout as SQL Server writes a DATETIME."""
    if not text:
        return ""
    moment = datetime.fromisoformat(text)
    return moment.strftime(DATETIME_FORMAT)[:-3]


def _days(text: str) -> list[int]:
    return [date.fromisoformat(d).toordinal() for d in text.split(";") if d]


def _some(key: str, every: int) -> bool:
    """A fixed choice of one record in ``every``, the same on every run."""
    return zlib.crc32(key.encode()) % every == 0


class SSDWriter:
    """Writes records of the record layout, as generated, into the SSD's tables (one CSV file each)."""

    def __init__(self, directory: Path, working_target: Callable[[str, int, int], int],
                 months: Callable[[int, int], int]) -> None:
        self.files = [directory / f"{table}.csv" for table in TABLES]
        self.handles = [path.open("w", newline="", encoding="utf-8") for path in self.files]
        self.writers = {table: csv.writer(handle, lineterminator="\n")
                        for table, handle in zip(TABLES, self.handles)}
        for table, columns in TABLES.items():
            self.writers[table].writerow([name for name, _ in columns])
        self.working_target = working_target
        self.months = months
        self.people: set[str] = set()

    def close(self) -> None:
        for handle in self.handles:
            handle.close()

    def block_done(self) -> None:
        self.people.clear()  # children are numbered block by block: none comes back

    def row(self, table: str, *cells: str) -> None:
        self.writers[table].writerow(cells)

    def person(self, child: str) -> None:
        if child not in self.people:
            self.people.add(child)
            self.row("ssd_person", child)

    def add(self, kind: str, rows: Sequence[Sequence[str]]) -> None:
        write = {"referral": self.referral, "child-protection": self.section47, "looked-after": self.looked_after,
                 "missing-episode": self.missing}.get(kind)
        for row in rows if write else ():
            self.person(row[2])
            write(row)

    def due(self, authority: str, anchor: int, months: int) -> int:
        """The system's due date ``months`` after ``anchor``: a day early where the system counts day 1."""
        early = AUTHORITIES.index(authority) % 4 == _EASTBY if authority in AUTHORITIES else False
        return self.months(anchor, months) - (1 if early else 0)

    def referral(self, row: Sequence[str]) -> None:
        rid, _, child, team, _, nfa, referral, _, start, done = row[:10]
        self.row("ssd_cin_episodes", rid, child, _when(referral), "Y" if nfa == "true" else "N", team)
        if start or done:
            self.row("ssd_cin_assessments", f"{rid}-A", child, rid, _when(start), _when(done))

    def section47(self, row: Sequence[str]) -> None:
        rid, _, child, team, authority, not_required, plan, strategy, _, icpc, plan_start, reviews, end = row[:13]
        target = row[13]
        self.row("ssd_s47_enquiry", rid, child, _when(strategy), "Y" if not_required == "true" else "N", team)
        if not_required == "true":
            return  # no conference was needed, so none was arranged
        plan_id = f"{rid}-CPP" if plan == "true" else ""
        self.row("ssd_initial_cp_conference", f"{rid}-ICPC", rid, child, plan_id, _when(target), _when(icpc),
                 ("Y" if plan == "true" else "N") if icpc else "")
        if not plan_id:
            return
        self.row("ssd_cp_plans", plan_id, f"{rid}-ICPC", child, _when(plan_start), _when(end))
        anchor, months = date.fromisoformat(plan_start).toordinal(), 3
        held = _days(reviews)
        for n, day in enumerate(held, 1):
            self.row("ssd_cp_reviews", f"{plan_id}-{n}", child, plan_id, _when(cell(self.due(authority, anchor, months))),
                     _when(cell(day)))
            anchor, months = day, 6
        if not end:  # the next review, scheduled
            self.row("ssd_cp_reviews", f"{plan_id}-{len(held) + 1}", child, plan_id,
                     _when(cell(self.due(authority, anchor, months))), "")

    def looked_after(self, row: Sequence[str]) -> None:
        rid, _, child, _, authority, long_term, became, placement, reviews, visits, ceased = row[:11]
        start = date.fromisoformat(became).toordinal()
        end = date.fromisoformat(ceased).toordinal() if ceased else None
        placement_id = f"{rid}-P1"
        # Some periods of care that have ended had two episodes (a change of legal status, the placement unchanged).
        split = start + ((end or start) - start) // 2
        if _some(rid, 3) and end is not None and start < split < end:
            self.row("ssd_cla_episodes", f"{rid}-E1", child, _when(became), _when(cell(split)), rid, placement_id,
                     _when(became))
            self.row("ssd_cla_episodes", f"{rid}-E2", child, _when(cell(split)), _when(ceased), rid, placement_id,
                     _when(became))
        else:
            self.row("ssd_cla_episodes", f"{rid}-E1", child, _when(became), _when(ceased), rid, placement_id,
                     _when(became))
        self.row("ssd_cla_placement", placement_id, _when(placement), "U4" if long_term == "true" else "U6", rid,
                 _when(ceased), child)
        held = _days(reviews)
        dues = [self.working_target(authority, start, 20)]
        for day in held:
            dues.append(self.due(authority, day, 3 if len(dues) == 1 else 6))
        if held and _some(rid, 7):  # a review arranged, then cancelled: it does not count
            self.row("ssd_cla_reviews", f"{rid}-RX", rid, _when(cell(dues[0])), _when(cell(held[0] - 3)), "Y")
        for n, day in enumerate(held, 1):
            self.row("ssd_cla_reviews", f"{rid}-R{n}", rid, _when(cell(dues[n - 1])), _when(cell(day)), "N")
        if not ceased:
            self.row("ssd_cla_reviews", f"{rid}-R{len(held) + 1}", rid, _when(cell(dues[len(held)])), "", "")
        for n, day in enumerate(_days(visits), 1):
            self.row("ssd_cla_visits", f"{rid}-V{n}", rid, child, _when(cell(day)), "Y")

    def missing(self, row: Sequence[str]) -> None:
        rid, _, child, _, _, returned, interview = row[:7]
        back = datetime.fromisoformat(returned)
        offered = "Y" if interview else "N"
        self.row("ssd_missing", rid, child, _when((back.date() - timedelta(days=1)).isoformat()), _when(returned),
                 offered, offered)


def load_database(directory: Path, url: str, batch: int = 10_000) -> dict[str, int]:
    """Load the SSD tables written in ``directory`` into the database at ``url``: into the tables already there
    (an SSD deployed from its DDL, or a test schema built from its definitions), creating those that are not
    with the columns written. Returns the rows loaded per table."""
    from ._database import open_for_loading

    import sqlalchemy as sa

    counts = {}
    with open_for_loading(url) as connection:
        inspector = sa.inspect(connection)
        for table, columns in TABLES.items():
            if not inspector.has_table(table):
                sa.Table(table, sa.MetaData(), *(sa.Column(name, _type(kind), primary_key=i == 0)
                                                 for i, (name, kind) in enumerate(columns))).create(connection)
            target = sa.table(table, *(sa.column(name) for name, _ in columns))
            dated = {name for name, kind in columns if kind == "DATETIME"}
            counts[table] = 0
            with (directory / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                chunk: list[dict[str, Any]] = []
                for cells in reader:
                    chunk.append({name: (datetime.strptime(cell, DATETIME_FORMAT) if name in dated else cell)
                                  if cell else None for name, cell in zip(header, cells)})
                    if len(chunk) >= batch:
                        connection.execute(target.insert(), chunk)
                        counts[table] += len(chunk)
                        chunk = []
                if chunk:
                    connection.execute(target.insert(), chunk)
                    counts[table] += len(chunk)
    return counts


def _type(kind: str) -> Any:
    import sqlalchemy as sa

    if kind == "DATETIME":
        return sa.DateTime()
    length = int(kind[kind.index("(") + 1:-1])
    if kind.startswith("NCHAR"):  # NCHAR is SQL Server's; elsewhere CHAR holds the same
        return sa.CHAR(length).with_variant(sa.NCHAR(length), "mssql")
    return sa.Unicode(length)  # NVARCHAR on SQL Server, VARCHAR elsewhere
