"""What ``compliance track`` prints: day by day the duties that opened, fell overdue, were extended, moved or closed,
then what is open."""

from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from ..engines import Finding, TrackerChange
from ..errors import one_line


def track_text(changes: Sequence[TrackerChange], open_now: Sequence[Finding], as_of: date) -> str:
    """The text ``compliance track`` prints: day by day what opened, fell overdue, was extended, moved or closed, then
    what is open."""
    shown = [c.finding for c in changes] + list(open_now)
    # An id from the event file may hold an escape code: padded as it is shown, escaped, so the columns line up.
    record = {f.record: one_line(f.record) for f in shown}
    width_record = max(map(len, record.values()), default=0)
    width_rule = max((len(_duty_name(f)) for f in shown), default=0)
    lines: list[str] = []
    day_shown = None
    for change in changes:
        if change.day != day_shown:
            lines.append(change.day.isoformat())
            day_shown = change.day
        f = change.finding
        lines.append(f"  {change.change:<8} {record[f.record]:<{width_record}}  {_duty_name(f):<{width_rule}}  "
                     f"{_change_text(change)}")
    if changes:
        lines.append("")
    due = sum(f.status == "due" for f in open_now)
    if open_now:
        lines.append(f"Open as of {as_of.isoformat()}: {len(open_now)} ({due} due, {len(open_now) - due} overdue)")
    else:
        lines.append(f"Nothing open as of {as_of.isoformat()}.")
    for f in open_now:
        margin = f"overdue by {f.late_by}" if f.status == "overdue" else f"{f.time_left} left"
        lines.append(f"  {f.status.upper():<8} {record[f.record]:<{width_record}}  {_duty_name(f):<{width_rule}}  "
                     f"deadline {_iso(f.deadline)}, {margin}")
    # A reason quotes the record's attribute values (framework is 'X', not ILACS): shown escaped too.
    return "\n".join(map(one_line, lines)) + "\n"


def _duty_name(f: Finding) -> str:
    return f.rule if f.occurrence == 1 else f"{f.rule} #{f.occurrence}"


def _deadline(f: Finding) -> str:
    """A finding's deadline, said to be the earliest possible where only a bound places its clock's start."""
    return _iso(f.deadline) + (" at the earliest" if f.on_bound == "earliest" else "")


def _iso(d: date | None) -> str:
    if d is None:
        return "-"
    return d.isoformat(timespec="minutes") if isinstance(d, datetime) else d.isoformat()


def _change_text(change: TrackerChange) -> str:
    f = change.finding
    if change.change == "opened":
        if f.occurrence > 1:
            # A recurring duty's later occurrence runs from the previous completion (the finding's trigger_date),
            # not from the rule's trigger event, as `check --explain` says ("within ... of the previous ...").
            start = f"{f.period} from the previous {f.completion_event} on {_iso(f.trigger_date)}"
        elif f.on_bound == "earliest" and f.status == "due":  # the clock's event is still to come
            return f"due by {_iso(f.deadline)} at the earliest ({f.period} from {f.trigger_event}, not yet recorded)"
        else:
            start = f"{f.period} from {f.trigger_event} on {_iso(f.trigger_date)}"
        if f.status != "due":
            return f"overdue since {_iso(f.deadline)}"
        # A later occurrence whose period rests on an attribute not given is due by the shortest period's end.
        return f"due by {_deadline(f)} ({start})"
    if change.change == "overdue":
        return f"missed its deadline of {_iso(f.deadline)}"
    if change.change in ("extended", "moved") and change.before is not None:
        cause = f"{change.event} recorded: " if change.event else ""
        moved = f"{cause}deadline moves from {_deadline(change.before)} to {_deadline(f)}"
        if change.change == "moved" and f.occurrence == 1 and f.on_bound != "earliest":
            moved += f" ({f.period} from {f.trigger_event} on {_iso(f.trigger_date)})"
        if change.before.status == "overdue" and f.status == "due":
            return f"{moved}; no longer overdue, due by {_iso(f.deadline)}"
        if change.before.status == "due" and f.status == "overdue":
            return f"{moved}; overdue since {_iso(f.deadline)}"
        return moved
    if change.outcome == "met" and f.completed_date is None:  # shown to have happened (implied), by the deadline
        return (f"met: {f.completion_event} happened by {_iso(change.day)}, its date not recorded; deadline "
                f"{_iso(f.deadline)}")
    if change.outcome == "met":
        return f"met: {f.completion_event} on {_iso(f.completed_date)}, deadline {_iso(f.deadline)}"
    if change.outcome == "late":
        return f"late: {f.completion_event} on {_iso(f.completed_date)}, {f.late_by} after {_iso(f.deadline)}"
    if change.outcome == "overdue" and f.ended_on is not None:
        return f"missed: the duty ended on {_iso(f.ended_on)}, {f.late_by} after its deadline of {_iso(f.deadline)}"
    if change.outcome == "ended":
        return "no longer required: the duty ended before this deadline"
    return f"{change.outcome.replace('_', ' ')}: {f.reason}"
