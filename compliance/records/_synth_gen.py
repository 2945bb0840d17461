"""The synthetic caseload itself: children, their referrals and every later event, drawn with numpy a block at a time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Sequence

import numpy as np

from ..calendars.arrays import add_months, day_tables
from ._synth_layouts import AUTHORITIES, COLUMNS, TEAMS, SynthSummary, Writer, cell, dates_text, dmy, iso
from ._synth_ssd import SSDWriter

BLOCK = 20_000


class _Days:
    """Working-day arithmetic on ordinals for the generator."""

    def __init__(self) -> None:
        self.t = day_tables("england-and-wales")

    def add_wd(self, days: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The n-th working day after each day (n >= 1 each)."""
        return self.t.working[self.t.rank[days - self.t.first] + n - 1]


def _holiday_weeks(start: int, end: int) -> np.ndarray:
    """Days in the week before each weekday bank holiday: where counting working days goes wrong."""
    t = day_tables("england-and-wales")
    days = np.arange(start, end + 1, dtype=np.int64)
    weekday = (days % 7 != 6) & (days % 7 != 0)
    closed = days[weekday & ~t.is_working_day(days)]
    near = (closed[:, None] - np.arange(0, 10)[None, :]).ravel()
    return np.unique(near[(near >= start) & (near <= end)])


#: How each council's case-management system sets the ICPC target (15 working days from the strategy
#: discussion), by its place in AUTHORITIES: the second's holiday list lacks the 2022 State Funeral and has
#: the 2020 early May holiday on its usual date (Mon 4 May, not Fri 8 May); the third counts the strategy
#: discussion as day 1; the others are right. A census return is one council's, with the second's system.
#: ``compliance kpi`` and ``check`` find each mistake.
_LACKS_FUNERAL, _DAY_ONE = 1, 2
_SYSTEM_CLOSED = frozenset({date(2020, 5, 4).toordinal()})
_SYSTEM_OPEN = frozenset({date(2022, 9, 19).toordinal(), date(2020, 5, 8).toordinal()})


def system_target(authority: str, strategy: int, working_days: int = 15) -> int:
    """The target the council's own system records ``working_days`` after day ``strategy`` (the ICPC's 15 from
    the strategy discussion; a looked-after review's 20 from the day the child became looked after)."""
    convention = AUTHORITIES.index(authority) % 4 if authority in AUTHORITIES else 0
    tables = day_tables("england-and-wales")
    if convention == _DAY_ONE:
        return int(tables.working[tables.rank[strategy - 1 - tables.first] + working_days - 1])
    if convention != _LACKS_FUNERAL:
        return int(tables.working[tables.rank[strategy - tables.first] + working_days - 1])
    day, count = strategy, 0
    while count < working_days:
        day += 1
        working = bool(tables.is_working_day(np.array([day]))[0])
        if (working and day not in _SYSTEM_CLOSED) or day in _SYSTEM_OPEN:
            count += 1
    return day


class _Block:
    """One block of children and every record they generate."""

    def __init__(self, rng: np.random.Generator, first_child: int, n: int, start: int, end: int,
                 authorities: Sequence[str], pool: np.ndarray, days: _Days) -> None:
        self.rng, self.first_child, self.n = rng, first_child, n
        self.start, self.end, self.pool, self.days = start, end, pool, days
        self.authority = np.asarray(authorities)[rng.integers(0, len(authorities), n)]

    def child_id(self, i: int) -> str:
        return f"C{self.first_child + i:07d}"

    def when(self, n: int) -> np.ndarray:
        """Referral days: 70% across the period, 30% in the weeks before bank holidays."""
        uniform = self.rng.integers(self.start, self.end + 1, n)
        holiday = self.pool[self.rng.integers(0, self.pool.size, n)] if self.pool.size else uniform
        return np.where(self.rng.random(n) < 0.3, holiday, uniform)

    def delay(self, n: int, on_time: tuple[int, int], late: tuple[int, int], p_late: float,
              p_never: float) -> tuple[np.ndarray, np.ndarray]:
        """Working-day delays: mostly within ``on_time``, some in ``late``, some never done (-1)."""
        r = self.rng.random(n)
        value = np.where(r < p_late, self.rng.integers(late[0], late[1] + 1, n),
                         self.rng.integers(on_time[0], on_time[1] + 1, n))
        return value, r > 1 - p_never


def _generate_block(block: _Block, as_of: int, out: Writer) -> None:
    rng, days = block.rng, block.days
    n = block.n
    # Referrals: one per child, a quarter with a second.
    extra = rng.random(n) < 0.25
    owner = np.concatenate([np.arange(n), np.nonzero(extra)[0]])
    m = owner.size
    referral = block.when(m)
    # A child's second referral is a week or more from its first: two on one day, or assessments begun on one day,
    # would be one row twice in an Annex A list (whose records are named by the child and the date).
    first = referral[owner[n:]]
    close = np.abs(referral[n:] - first) < 7
    referral[n:][close] = first[close] + 7
    decision_wd, no_decision = block.delay(m, (1, 1), (2, 4), 0.12, 0.03)
    decision_wd = np.where(rng.random(m) < 0.15, 0, decision_wd)  # same-day decisions
    decision = np.where(decision_wd == 0, referral, days.add_wd(referral, np.maximum(decision_wd, 1)))
    nfa = rng.random(m) < 0.3
    start_wd = rng.integers(0, 4, m)
    assess_start = np.where(start_wd == 0, referral, days.add_wd(referral, np.maximum(start_wd, 1)))
    done_wd, never = block.delay(m, (8, 45), (46, 80), 0.1, 0.03)
    completed = days.add_wd(referral, done_wd)
    wt2010 = referral < date(2013, 4, 15).toordinal()
    initial_wd, initial_never = block.delay(m, (2, 10), (11, 20), 0.12, 0.03)
    initial = days.add_wd(referral, initial_wd)
    core = wt2010 & ~nfa & (rng.random(m) < 0.3)
    core_wd, core_never = block.delay(m, (10, 35), (36, 50), 0.12, 0.05)
    core_done = days.add_wd(initial, core_wd)
    s47 = ~nfa & (rng.random(m) < 0.22)
    rows: list[list[str]] = []
    annex3: list[list[str]] = []
    annex4: list[list[str]] = []
    teams = TEAMS["referral"]
    team = rng.integers(0, len(teams), m)
    # Drawn for every referral, as they always were (the same seed gives the same files), read for the child's first.
    gender = np.where(rng.random(m) < 0.5, "a) Male", "b) Female")
    birth = referral - rng.integers(0, 17 * 365, m)

    def seen(d: int) -> int | None:
        return d if d <= as_of else None

    for i in range(m):
        c = int(owner[i])
        r = int(referral[i])
        if r > as_of:
            continue
        child = block.child_id(c)
        rid = f"{child}-R{int(i >= n) + 1}"
        is_nfa = bool(nfa[i])
        cells = {"referral": r, "referral_decision": None if no_decision[i] else seen(int(decision[i]))}
        if not is_nfa:
            if wt2010[i]:
                cells["initial_assessment_completed"] = None if initial_never[i] else seen(int(initial[i]))
                if core[i] and cells["initial_assessment_completed"] is not None:
                    cells["core_assessment_start"] = int(initial[i])
                    cells["core_assessment_completed"] = None if core_never[i] else seen(int(core_done[i]))
            else:
                cells["assessment_start"] = seen(int(assess_start[i]))
                cells["assessment_completed"] = None if never[i] else seen(int(completed[i]))
        row = [rid, "referral", child, teams[team[i]], str(block.authority[c]), "true" if is_nfa else "false"]
        row += [cell(cells.get(e)) for e in COLUMNS["referral"][1:]]
        rows.append(row)
        if out.census is not None:
            out.census.referral(child, int(birth[c]), "1" if gender[c] == "a) Male" else "2", r, is_nfa,
                                cells.get("assessment_start"), cells.get("assessment_completed"))
        if out.layout == "annex-a":
            annex3.append([child, gender[c], dmy(int(birth[c])), dmy(r), "a) Yes" if is_nfa else "b) No",
                           teams[team[i]]])
            if cells.get("assessment_start") is not None:
                annex4.append([child, gender[c], dmy(int(birth[c])), dmy(cells["assessment_start"]), "a) Yes",
                               cell(cells.get("assessment_completed"), dmy), teams[team[i]]])
    if out.layout in ("records", "ssd"):
        out.records("referral", rows)
    elif out.layout == "annex-a":
        out.annex("list3", annex3)
        out.annex("list4", annex4)
    _child_protection(block, referral[s47], owner[s47], as_of, out)
    _looked_after(block, as_of, out)
    _complaints(block, as_of, out)
    _missing(block, as_of, out)


def _child_protection(block: _Block, referral: np.ndarray, owner: np.ndarray, as_of: int, out: Writer) -> None:
    rng, days = block.rng, block.days
    m = referral.size
    strategy = days.add_wd(referral, rng.integers(1, 6, m))
    not_required = rng.random(m) < 0.3
    icpc_wd, icpc_never = block.delay(m, (5, 15), (16, 25), 0.2, 0.04)
    icpc = days.add_wd(strategy, icpc_wd)
    plan = ~not_required & ~icpc_never & (rng.random(m) < 0.85)
    length = rng.integers(3, 25, m)
    teams = TEAMS["child-protection"]
    team = rng.integers(0, len(teams), m)
    rows, annex5, annex7 = [], [], []
    for i in range(m):
        s = int(strategy[i])
        if s > as_of:
            continue
        c = int(owner[i])
        child = block.child_id(c)
        rid = f"{child}-S47-{i + 1}"
        held = None if (not_required[i] or icpc_never[i] or icpc[i] > as_of) else int(icpc[i])
        has_plan = bool(plan[i]) and held is not None
        reviews: list[int] = []
        end = None
        if has_plan:
            end_day = int(add_months(np.array([held]), int(length[i]))[0])
            anchor, months = held, 3
            while True:
                due = int(add_months(np.array([anchor]), months)[0])
                slip = int(rng.integers(1, 25)) if rng.random() < 0.1 else -int(rng.integers(0, 15))
                nxt = due + slip
                if nxt > end_day or nxt > as_of:
                    break
                reviews.append(nxt)
                anchor, months = nxt, 6
            end = end_day if end_day <= as_of else None
            if end is not None and reviews and rng.random() < 0.5:
                end = reviews[-1]
        row = [rid, "child-protection", child, teams[team[i]], str(block.authority[c]),
               "true" if not_required[i] else "false", "true" if has_plan else "false", iso(s), iso(s),
               cell(held), cell(held if has_plan else None), dates_text(reviews), cell(end)]
        rows.append(row)
        # A census return is one council's: its system is the one that lacks the State Funeral.
        target = system_target(AUTHORITIES[_LACKS_FUNERAL] if out.census is not None else str(block.authority[c]), s)
        row.append(cell(target))
        if out.census is not None:
            out.census.section47(child, int(referral[i]), s, target, bool(not_required[i]), held, end, reviews,
                                 has_plan)
        if out.layout == "annex-a":
            annex5.append([child, "", "", dmy(s), "a) Yes" if not_required[i] else "b) No", cell(held, dmy),
                           "a) Yes" if has_plan else "b) No", teams[team[i]]])
            if has_plan:
                annex7.append([child, "", "", dmy(held), dmy(reviews[-1]) if reviews else "", cell(end, dmy),
                               teams[team[i]]])
    if out.layout in ("records", "ssd"):
        out.records("child-protection", rows)
    elif out.layout == "annex-a":
        out.annex("list5", annex5)
        out.annex("list7", annex7)


def _looked_after(block: _Block, as_of: int, out: Writer) -> None:
    rng, days = block.rng, block.days
    chosen = np.nonzero(rng.random(block.n) < 0.06)[0]
    m = chosen.size
    became = block.when(m)
    long_term = rng.random(m) < 0.3
    stay = rng.integers(20, 5 * 365, m)
    teams = TEAMS["looked-after"]
    team = rng.integers(0, len(teams), m)
    rows, annex8, court = [], [], []
    for i in range(m):
        b = int(became[i])
        if b > as_of:
            continue
        c = int(chosen[i])
        child = block.child_id(c)
        leave = b + int(stay[i])
        ceased = leave if leave <= as_of else None
        horizon = min(leave, as_of)
        first = int(days.add_wd(np.array([b]), np.array([int(rng.integers(10, 21)) if rng.random() > 0.1
                                                          else int(rng.integers(21, 30))]))[0])
        reviews = []
        anchor, step = first, 3
        while anchor <= horizon:
            reviews.append(anchor)
            due = int(add_months(np.array([anchor]), step)[0])
            anchor = due + (int(rng.integers(1, 20)) if rng.random() < 0.08 else -int(rng.integers(0, 10)))
            step = 6
        visits = []
        anchor = b + (int(rng.integers(1, 8)) if rng.random() > 0.1 else int(rng.integers(8, 15)))
        while anchor <= horizon:
            visits.append(anchor)
            gap = 91 if (long_term[i] and anchor - b > 365) else 42
            anchor += (gap - int(rng.integers(0, 14))) if rng.random() > 0.08 else gap + int(rng.integers(1, 15))
        rows.append([f"{child}-LA-{iso(b)}", "looked-after", child, teams[team[i]], str(block.authority[c]),
                     "true" if long_term[i] else "false", iso(b), iso(b), dates_text(reviews), dates_text(visits),
                     cell(ceased)])
        if out.layout == "annex-a":
            annex8.append([child, "", "", dmy(b), dmy(b), dmy(reviews[-1]) if reviews else "",
                           dmy(visits[-1]) if visits else "", cell(ceased, dmy), teams[team[i]]])
        if rng.random() < 0.4:
            issued = b + int(rng.integers(-10, 30))
            if issued <= as_of:
                late = rng.random() < 0.3
                disposed = issued + (int(rng.integers(182, 300)) if late else int(rng.integers(100, 182)))
                extension = [issued + 150] if late and rng.random() < 0.5 and issued + 150 <= as_of else []
                court.append([f"{child}-CP-{iso(issued)}", "care-proceedings", child, "Court Team",
                              str(block.authority[c]), iso(issued), dates_text(extension),
                              cell(disposed if disposed <= as_of else None)])
    if out.layout in ("records", "ssd"):
        out.records("looked-after", rows)
        out.records("care-proceedings", court)
    elif out.layout == "annex-a":
        out.annex("list8", annex8)


def _complaints(block: _Block, as_of: int, out: Writer) -> None:
    if out.layout not in ("records", "ssd"):  # the SSD has no complaints, but its children are the same
        return
    rng, days = block.rng, block.days
    chosen = np.nonzero(rng.random(block.n) < 0.015)[0]
    rows = []
    for c in chosen.tolist():
        received = int(block.when(1)[0])
        if received > as_of:
            continue
        child = block.child_id(c)
        cells: dict[str, int | None] = {"complaint_received": received}

        def wd(start: int, low: int, high: int) -> int:
            return int(days.add_wd(np.array([start]), np.array([int(rng.integers(low, high + 1))]))[0])

        extended = rng.random() < 0.1
        if extended:
            cells["stage1_extended"] = wd(received, 5, 9)
        cells["stage1_response"] = wd(received, 3, 20 if extended else 10) if rng.random() > 0.12 else wd(received, 11, 25)
        if rng.random() < 0.15:
            cells["stage2_start"] = cells["stage1_response"] + int(rng.integers(5, 21))
            long = rng.random() < 0.2
            if long:
                cells["stage2_extended"] = wd(cells["stage2_start"], 10, 20)
            cells["stage2_response"] = wd(cells["stage2_start"], 15, 65 if long else 25) if rng.random() > 0.15 \
                else wd(cells["stage2_start"], 26, 70)
            if rng.random() < 0.25:
                cells["panel_requested"] = wd(cells["stage2_response"], 5, 20)
                cells["panel_held"] = wd(cells["panel_requested"], 15, 30) if rng.random() > 0.2 \
                    else wd(cells["panel_requested"], 31, 40)
                cells["panel_report_sent"] = wd(cells["panel_held"], 2, 5) if rng.random() > 0.2 \
                    else wd(cells["panel_held"], 6, 8)
                cells["panel_report_received"] = cells["panel_report_sent"] + int(rng.integers(0, 3))
                cells["la_response"] = wd(cells["panel_report_received"], 5, 15) if rng.random() > 0.2 \
                    else wd(cells["panel_report_received"], 16, 20)
        row = [f"{child}-COMPLAINT-{iso(received)}", "complaint", child, "Complaints", str(block.authority[c])]
        row += [cell(cells.get(e) if (cells.get(e) or as_of + 1) <= as_of else None) for e in COLUMNS["complaint"]]
        rows.append(row)
    out.records("complaint", rows)


def _missing(block: _Block, as_of: int, out: Writer) -> None:
    if out.layout not in ("records", "ssd"):
        return
    rng = block.rng
    chosen = np.nonzero(rng.random(block.n) < 0.05)[0]
    rows = []
    for c in chosen.tolist():
        child = block.child_id(c)
        for episode in range(int(rng.integers(1, 4))):
            returned = int(block.when(1)[0])
            if returned > as_of:
                continue
            timed = rng.random() < 0.8
            minute = int(rng.integers(0, 24 * 60))
            back = date.fromordinal(returned)
            r = rng.random()
            hours = int(rng.integers(2, 72)) if r < 0.7 else int(rng.integers(73, 200)) if r < 0.95 else None
            if timed:
                back_at = f"{back.isoformat()}T{minute // 60:02d}:{minute % 60:02d}"
                seen_at = None
                if hours is not None:
                    t = datetime(back.year, back.month, back.day) + timedelta(minutes=minute + hours * 60)
                    seen_at = t.strftime("%Y-%m-%dT%H:%M") if t.date().toordinal() <= as_of else None
            else:
                back_at = back.isoformat()
                seen_at = None
                if hours is not None:
                    d = back + timedelta(days=hours // 24)
                    seen_at = d.isoformat() if d.toordinal() <= as_of else None
            rows.append([f"{child}-MISSING-{episode + 1}-{back.isoformat()}", "missing-episode", child,
                         "Missing and Exploitation", str(block.authority[c]), back_at, seen_at or ""])
    out.records("missing-episode", rows)


def generate(target: Path, children: int, seed: int, start: date, end: date, layout: str, authorities: int,
             limit: int | None) -> SynthSummary:
    """Write the extracts into ``target``, a block of children at a time, each block seeded on its own."""
    days = _Days()
    s, e = start.toordinal(), end.toordinal()
    pool = _holiday_weeks(s, e)
    names = AUTHORITIES[:authorities]
    out = Writer(target, layout, limit, end)
    if layout == "ssd":
        out.ssd = SSDWriter(target, system_target, lambda day, n: int(add_months(np.array([day]), n)[0]))
        out.summary.files.extend(out.ssd.files)
    try:
        for number, first in enumerate(range(0, children, BLOCK)):
            if out.full():
                break
            rng = np.random.default_rng([seed, number])
            block = _Block(rng, first + 1, min(BLOCK, children - first), s, e, names, pool, days)
            _generate_block(block, e, out)
            out.block_done()
    finally:
        out.close()
    return out.summary
