"""A plan for people: every deadline the dates given start, as a table, JSON, Markdown or an iCalendar file.

Renderers only: each deadline, status and working comes from the engine's findings (engines._plan), never
worked out here.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Sequence

from ..calendars import day_of, get_calendar
from ..engines import PLAN_ID, Plan, PlanEntry, PlanStep
from ..errors import CalendarRangeError, InputError, Problem, one_line, printable
from ..rules import Rule
from ._formats import iso_text, json_text, md_text
from ._ics import PRODID, escape_text, event_uid, fold, uri_value

PLAN_FORMATS = ("table", "json", "md", "ics")
#: A reminder goes off at this time of day, ``--remind`` working days before the deadline.
REMIND_AT = time(9, 0)


def _day(d: date | None) -> str:
    if d is None:
        return "-"
    if isinstance(d, datetime):
        return d.strftime("%a %d %b %Y %H:%M")
    return d.strftime("%a %d %b %Y")


def _iso(d: date | None) -> str | None:
    """A date or a London date-time as written in an event's UID (without its offset, so UIDs stay as they were)."""
    if d is None:
        return None
    return d.isoformat(timespec="minutes") if isinstance(d, datetime) else d.isoformat()


def _value(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def _conditions_text(conditions: Sequence[tuple[str, Sequence[Any]]]) -> str:
    """Conditions in words: "framework is SIF or ILACS; lscb_review is true"."""
    return "; ".join(f"{name} is {' or '.join(_value(a) for a in allowed)}" for name, allowed in conditions)


def _given_text(plan: Plan) -> str:
    """What the user gave: each event with its dates, then each attribute."""
    parts = [f"{name} {', '.join(_day(d) for d in dates)}" for name, dates in plan.record.events.items()]
    parts += [f"{name} unknown" for name in _unknown(plan)]
    parts += [f"{name} {_value(value)}" for name, value in plan.record.attributes.items()]
    return "; ".join(parts) or "no dates"


def _unknown(plan: Plan) -> list[str]:
    """The events given as unknown: they have happened, or may have, on a date not known."""
    return [name for name in plan.events if not plan.record.records(name)]


def _not_given(plan: Plan, event: str) -> str:
    return f"{event} unknown" if not plan.record.records(event) else f"{event} not given"


def _clock(rule: Rule) -> str:
    """How the duty's clock runs, in words: the period, from which event, and how it recurs."""
    counting = " beginning with" if rule.period.counting == "including" else " from"
    text = f"{rule.period}{counting} {rule.trigger}"
    if rule.recurrence:
        conditional = False
        for step in rule.recurrence.steps:
            words = f"at most {step.period} after the previous one"
            if step.times:
                words += f" ({step.times} time{'s' if step.times != 1 else ''})"
            if step.while_within:
                words += f" while within {step.while_within} of {rule.trigger}"
            if step.when:  # a step for some records only: say which, and that the next is for the others
                words += " where " + " and ".join(
                    f"{name} is {' or '.join('yes' if v is True else 'no' if v is False else str(v) for v in values)}"
                    for name, values in step.when)
            text += (", otherwise " if conditional else ", then ") + words
            conditional = bool(step.when)
    if rule.until:  # a recurring duty's end, or a duty done once's (stage 1 ends when stage 2 starts)
        text += f", until {rule.until}"
    return text


def _step_label(entry: PlanEntry, step: PlanStep) -> str:
    return entry.rule.id + (f" #{step.finding.occurrence}" if entry.rule.recurrence else "")


def _status(plan: Plan, entry: PlanEntry, step: PlanStep) -> str:
    """Where the deadline stands on the dates given: the plan knows only what the user has told it."""
    f, completion, trigger = step.finding, entry.rule.completion, entry.rule.trigger
    if step.projected:
        words = f"if #{f.occurrence - 1} is held on its deadline"
    elif f.status == "missing_data" and f.deadline is not None and f.on_bound:
        # The trigger's date is not known, but a date given bounds it, as `check` says from the same facts.
        words = f"at the {f.on_bound} ({_not_given(plan, trigger)})"
    elif f.status == "missing_data" and f.deadline is not None:
        words = f"whether met is not known ({_not_given(plan, completion)})"
    elif step.uncounted:
        # No event it waits for is missing, so "until X is known" would be false: the engine's reason, as check's.
        words = f.reason or "the deadline cannot be counted"
    elif f.status == "missing_data":
        words = "no deadline until " + " and ".join(f"{n} is known" for n in f.needs)
    elif f.status == "met":
        words = f"met ({completion} {_day(f.completed_date)})"
    elif f.status == "late":
        words = f"late by {f.late_by} ({completion} {_day(f.completed_date)})"
    elif f.status == "overdue":
        words = f"overdue by {f.late_by}; no {completion} given"
    else:
        words = f"{f.time_left} left"
    if f.on_bound and f.status != "missing_data" and not step.projected:
        words += f"; the deadline at the {f.on_bound} ({_not_given(plan, trigger)})"
    if entry.state == "conditional":
        words += f"; only if {_conditions_text(entry.assumed)}"
    return words


def _rows(plan: Plan) -> list[tuple[PlanEntry, PlanStep]]:
    return [(e, s) for e in plan.entries if e.state in ("scheduled", "conditional") for s in e.steps]


def _heading(plan: Plan) -> list[str]:
    kind = plan.record.kind
    article = "an" if kind[0] in "aeiou" else "a"
    lines = [f"Plan for {article} {kind} record as of {_day(plan.as_of)}: {_given_text(plan)}"]
    if plan.asked_as_of:
        lines.append(f"Reckoned as of {_day(plan.as_of)}, the latest date given, not {_day(plan.asked_as_of)}: "
                     "the plan supposes that what you gave has happened by then.")
    return lines


def to_table(plan: Plan) -> str:
    """The deadlines soonest first, then each duty's working, source and what it depends on."""
    lines = _heading(plan) + [""]
    rows = _rows(plan)
    if rows:
        table = [("DEADLINE", "DUTY", "WHAT", "STATUS")]
        # A rule pack's title may hold an escape code: escaped before the widths are taken, so the columns line up.
        table += [(_day(s.finding.deadline), _step_label(e, s), one_line(e.rule.title), _status(plan, e, s))
                  for e, s in rows]
        widths = [max(len(r[i]) for r in table) for i in range(3)]
        for row in table:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[3])
        lines.append("")
    else:
        lines.append("No deadline starts from the dates given.")
        lines.append("")
    for entry in plan.entries:
        if entry.state in ("scheduled", "conditional"):
            lines.extend(_entry_lines(plan, entry))
    waiting = [e for e in plan.entries if e.state == "waiting"]
    if waiting:
        lines.append("Starts when something else happens:")
        for e in waiting:
            only = f" (only if {_conditions_text(e.assumed)})" if e.assumed else ""
            lines.append(f"  {e.rule.id}: {e.rule.title}: starts when {e.rule.trigger} happens; "
                         f"{_clock(e.rule)}{only}. {e.rule.source.citation} [{e.rule.source.verification}]")
        lines.append("")
    excluded = [e for e in plan.entries if e.state == "not_applicable"]
    if excluded:
        lines.append("Not applicable:")
        for e in excluded:
            lines.append(f"  {e.rule.id}: {e.reason}")
            lines += [f"    Check: {check}" for check in e.checks]
        lines.append("")
    # The values given (authority=...) and the rule packs' text are shown escaped: an escape code is not obeyed.
    return "\n".join(map(one_line, lines)).rstrip("\n") + "\n"


def _entry_lines(plan: Plan, entry: PlanEntry) -> list[str]:
    rule = entry.rule
    first = entry.steps[0].finding
    by = _day(entry.next_deadline)
    lines = [f"{rule.title} ({rule.id}): by {by}"]
    done = plan.events.get(rule.completion)
    lines.append(f"    Clock: {_clock(rule)}; done when {rule.completion}"
                 + (f" ({done[0].lower() + done[1:]})" if done else "") + ".")
    if entry.assumed:
        lines.append(f"    Only if {_conditions_text(entry.assumed)} (not given).")
    elif rule.when:
        lines.append(f"    Applies because {_conditions_text(rule.when)}.")
    for step in entry.steps:
        f = step.finding
        if rule.recurrence:
            label = f"#{f.occurrence} by {_day(f.deadline)}"
            label += " (projected: if the one before is held on its deadline)" if step.projected else ""
            lines.append(f"    {label}")
        for line in (f.assumptions if not step.projected else ()) + step.working:
            lines.append(f"      {line}" if rule.recurrence else f"    {line}")
        if step.uncounted and f.reason:
            because = f.reason[:1].upper() + f.reason[1:] + "."
            lines.append(f"      {because}" if rule.recurrence else f"    {because}")
    if entry.extended is not None and rule.extension is not None:
        ext = rule.extension
        how = f"{ext.period} in all" if ext.period else f"each adds {ext.adds}"
        lines.append(f"    If {ext.event} is recorded: {how}; one extension makes the deadline {_day(entry.extended)}.")
    written = {line for step in entry.steps for line in step.working}
    lines += [f"    Check: {check}" for check in entry.checks if check not in written]
    for warning in first.warnings:
        lines.append(f"    Note: {warning}")
    lines.append(f"    Source: {rule.source.citation} [{rule.source.verification}]"
                 + (f" {rule.source.url}" if rule.source.url else ""))
    lines.append("")
    return lines


def _step_dict(step: PlanStep) -> dict[str, Any]:
    f = step.finding
    return {"occurrence": f.occurrence, "deadline": iso_text(f.deadline), "trigger_date": iso_text(f.trigger_date),
            "period": f.period, "status": "projected" if step.projected else f.status, "projected": step.projected,
            "on_bound": f.on_bound,
            "completed_date": iso_text(f.completed_date), "days_left": None if step.projected else f.days_left,
            "working_days_left": None if step.projected else f.working_days_left,
            "days_late": None if step.projected else f.days_late,
            "working_days_late": None if step.projected else f.working_days_late,
            "provisional": f.provisional, "approximate": f.approximate,
            "skipped": [{"date": d, "reason": r} for d, r in f.skipped or ()],
            "reason": f.reason, "assumptions": [] if step.projected else list(f.assumptions),
            "working": list(step.working),
            "warnings": list(f.warnings)}


def _entry_dict(entry: PlanEntry) -> dict[str, Any]:
    rule = entry.rule
    return {
        "rule": rule.id, "duty": rule.duty, "title": rule.title, "kind": rule.kind, "state": entry.state,
        "duty_holder": rule.duty_holder, "trigger": rule.trigger, "completion": rule.completion,
        "period": str(rule.period), "counting": rule.period.counting, "calendar": rule.calendar,
        "clock": _clock(rule), "next_deadline": iso_text(entry.next_deadline),
        "conditions": [{"attribute": n, "allowed": list(a)} for n, a in rule.when],
        "only_if": [{"attribute": n, "allowed": list(a)} for n, a in entry.assumed],
        "reason": entry.reason, "checks": list(entry.checks), "if_extended": iso_text(entry.extended),
        "extension_event": rule.extension.event if rule.extension else None,
        "citation": rule.source.citation, "verification": rule.source.verification, "source_url": rule.source.url,
        "deadlines": [_step_dict(s) for s in entry.steps],
    }


def to_json(plan: Plan) -> str:
    doc = {
        "kind": plan.record.kind, "as_of": plan.as_of.isoformat(),
        "asked_as_of": plan.asked_as_of.isoformat() if plan.asked_as_of else None,
        "given": {"events": {k: [iso_text(d) for d in v] for k, v in plan.record.events.items()},
                  "unknown": _unknown(plan), "attributes": dict(plan.record.attributes)},
        "duties": [_entry_dict(e) for e in plan.entries],
    }
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _md(text: str) -> str:
    """Text for the plan's Markdown: an escape code written as the table writes it (\\x1b), so whoever gave it
    sees it there too, then as Markdown text."""
    return md_text(printable(text))


def to_markdown(plan: Plan) -> str:
    # Every text through _md: values given on the command line (authority=, id=) may hold Markdown, raw HTML or
    # escape codes.
    heading = _heading(plan)
    out = ["# " + _md(heading[0]), ""] + [_md(line) if line else line for line in heading[1:]]
    rows = _rows(plan)
    if rows:
        out += ["| Deadline | Duty | What | Status | Source |", "|---|---|---|---|---|"]
        for e, s in rows:
            out.append("| " + " | ".join(_md(x) for x in (
                _day(s.finding.deadline), _step_label(e, s), e.rule.title, _status(plan, e, s),
                f"{e.rule.source.citation} ({e.rule.source.verification})")) + " |")
        out.append("")
    for entry in plan.entries:
        if entry.state in ("scheduled", "conditional"):
            lines = _entry_lines(plan, entry)
            out.append(f"## {_md(lines[0])}")
            out.append("")
            out += [f"- {_md(line.strip())}" for line in lines[1:] if line.strip()]
            out.append("")
    waiting = [e for e in plan.entries if e.state == "waiting"]
    if waiting:
        out += ["## Starts when something else happens", ""]
        for e in waiting:
            only = f" (only if {_conditions_text(e.assumed)})" if e.assumed else ""
            out.append(f"- **{e.rule.id}**: {_md(e.rule.title)}: {_md(_clock(e.rule))}{_md(only)}. "
                       f"{_md(e.rule.source.citation)} ({e.rule.source.verification})")
        out.append("")
    excluded = [e for e in plan.entries if e.state == "not_applicable"]
    if excluded:
        out += ["## Not applicable", ""]
        for e in excluded:
            out.append(f"- **{e.rule.id}**: {_md(e.reason or '')}")
            out += [f"  - Check: {_md(check)}" for check in e.checks]
        out.append("")
    # As the table: the heading quotes the values given, and a Markdown file is often read with `cat`.
    return "\n".join(map(one_line, out))


def _uncounted_text(plan: Plan) -> str | None:
    """What an iCalendar file of the plan leaves out because the engine could not count its deadline, and why;
    None when it leaves nothing out for that reason."""
    left_out = plan.uncounted()
    if not left_out:
        return None
    return "Not in this calendar: " + "; ".join(f"{_step_label(e, s)}: {s.finding.reason}" for e, s in left_out)


#: The attributes that say whom a plan is for: plans for different children, or authorities, are different records.
#: A team is not one of them: a case reallocated to another team is still the same child's.
_WHOM = ("authority", "child")


def _whom(plan: Plan) -> list[tuple[str, str]]:
    """The identifying attributes given (``_WHOM``), as (name, value), in that order."""
    attributes = plan.record.attributes
    return [(name, str(attributes[name])) for name in _WHOM if attributes.get(name)]


def _who(plan: Plan) -> str | None:
    """Whom the plan is for, as a calendar names it: the authority and the child (``Haringey, child C001``,
    ``Child C001``), else the id it was given."""
    whom = dict(_whom(plan))
    parts = [whom["authority"]] if "authority" in whom else []
    parts += [f"{'child' if parts else 'Child'} {whom['child']}"] if "child" in whom else []
    if parts:
        return ", ".join(parts)
    return None if plan.record.id == PLAN_ID else plan.record.id


def _plan_uid(plan: Plan, entry: PlanEntry, step: PlanStep) -> str:
    """Stable across runs, so importing an updated plan updates its events instead of adding more.

    With the record's id (``id=``), the UID is the nightly report's for that record, duty and occurrence,
    whatever the dates: a corrected date moves the event. Without one, it is the kind, duty, the event that starts
    the clock and that event's date, and whom the plan is for (authority, child): adding a completion date, or
    another event, keeps every deadline's UID, and another child's plan never takes this one's events.
    """
    f = step.finding
    if plan.record.id != PLAN_ID:
        return event_uid(plan.record.id, entry.rule.duty, f.occurrence)
    start = f"{entry.rule.trigger}={_iso(plan.record.first(entry.rule.trigger) or f.trigger_date)}"
    # The authority as it always was (a plan without a child keeps the UIDs a calendar has from it); the child named,
    # so a child whose identifier is another plan's authority is not taken for it.
    whom = "".join(f"/{value}" if name == "authority" else f"/{name}={value}" for name, value in _whom(plan))
    return event_uid(f"plan/{plan.record.kind}/{start}{whom}", entry.rule.duty, f.occurrence)


def _summary_text(plan: Plan, entry: PlanEntry, step: PlanStep) -> str:
    """"Haringey: publish the inspection report": what to do, for whom, in the calendar's own line."""
    title = entry.rule.title
    if entry.rule.recurrence:
        title += f" #{step.finding.occurrence}"
    if step.finding.on_bound:
        title += f" (at the {step.finding.on_bound})"
    elif step.projected:
        title += " (projected)"
    who = _who(plan)
    if who is None:
        return title
    # "Publish the ..." reads "Haringey: publish the ..."; an initialism (LSCB, SEND) keeps its capitals.
    lowered = title[:1].lower() + title[1:] if title[1:2].islower() else title
    return f"{who}: {lowered}"


def _alarm(f_deadline: date, entry: PlanEntry, remind: int, summary: str) -> list[str]:
    """A VALARM at 09:00 on the working day ``remind`` working days before the deadline, on the rule's calendar.

    The trigger is relative to the event's start (midnight of an all-day deadline, in the calendar's own time
    zone), which every calendar program reads; absolute triggers are UTC, and Outlook ignores them.
    """
    try:
        day = get_calendar(entry.rule.calendar).add_working_days(day_of(f_deadline), -remind)
    except CalendarRangeError:
        raise InputError(Problem(f"--remind {remind} working days before {day_of(f_deadline).isoformat()} falls "
                                 "before the years the calendar covers",
                                 hint="give a reminder a few working days before, e.g. --remind 5")) from None
    start = f_deadline if isinstance(f_deadline, datetime) else datetime.combine(f_deadline, time())
    before = start - datetime.combine(day, REMIND_AT)
    days, seconds = before.days, before.seconds
    text = f"-P{days}D" if days else "-P"
    if seconds:
        hours, minutes = divmod(seconds // 60, 60)
        text += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    words = f"{remind} working day{'s' if remind != 1 else ''} to go ({_day(day_of(f_deadline))}): {summary}"
    return ["BEGIN:VALARM", "ACTION:DISPLAY", f"TRIGGER:{text}", f"DESCRIPTION:{escape_text(words)}", "END:VALARM"]


def to_ics(plan: Plan, stamp: datetime, name: str | None = None, remind: int | None = None) -> str:
    """An iCalendar file (RFC 5545) with one event per deadline, for Outlook, Google or Apple calendars.

    All-day events for dates; a deadline with a time of day (the 72-hour clock) is a short event at that time.
    Each event is named for the record (``Haringey: publish the inspection report``) and describes the duty, the
    working that gave its date and the law; ``remind`` adds an alarm that many working days before.
    """
    dtstamp = (stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    who = _who(plan)
    named = plan.record.id not in (PLAN_ID, who)
    calname = name or ("Deadlines: " + (f"{who}" + (f" ({plan.record.id})" if named else "") if who
                                        else _given_text(plan)))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(calname)}"]
    left_out = _uncounted_text(plan)
    if left_out:
        # A calendar with a duty missing, or with no event at all, says which and why where its reader looks.
        lines.append(f"X-WR-CALDESC:{escape_text(left_out)}")
    for entry, step in _rows(plan):
        f = step.finding
        if f.deadline is None:
            continue
        summary = _summary_text(plan, entry, step)
        description = [f"{entry.rule.title} ({_step_label(entry, step)}), by {_day(f.deadline)}."]
        if who:
            description.append(f"Record: {who}" + (f" ({plan.record.id})" if named else "") + ".")
        description.append(f"Clock: {_clock(entry.rule)}; done when {entry.rule.completion}.")
        if entry.assumed:
            description.append(f"Only if {_conditions_text(entry.assumed)}.")
        if step.projected:
            description.append(f"Projected: assumes #{f.occurrence - 1} is held on its deadline.")
        else:
            description += f.assumptions  # a latest possible deadline says what it rests on
        description += [*step.working, f"Source: {entry.rule.source.citation} [{entry.rule.source.verification}]."]
        lines += ["BEGIN:VEVENT", f"UID:{_plan_uid(plan, entry, step)}",
                  f"DTSTAMP:{dtstamp.strftime('%Y%m%dT%H%M%SZ')}"]
        if isinstance(f.deadline, datetime):
            lines += [f"DTSTART:{f.deadline.strftime('%Y%m%dT%H%M%S')}",
                      f"DTEND:{(f.deadline + timedelta(minutes=30)).strftime('%Y%m%dT%H%M%S')}"]
        else:
            lines += [f"DTSTART;VALUE=DATE:{f.deadline.strftime('%Y%m%d')}",
                      f"DTEND;VALUE=DATE:{(day_of(f.deadline) + timedelta(days=1)).strftime('%Y%m%d')}"]
        lines += [f"SUMMARY:{escape_text(summary)}", f"DESCRIPTION:{escape_text(chr(10).join(description))}",
                  "TRANSP:TRANSPARENT"]
        url = uri_value(entry.rule.source.url)
        if url:
            lines.append(f"URL:{url}")
        if remind:
            lines += _alarm(f.deadline, entry, remind, summary)
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def render_plan(plan: Plan, fmt: str, stamp: datetime | None = None, remind: int | None = None) -> str:
    """A plan in one of PLAN_FORMATS; ``stamp`` is the run time iCalendar files carry, ``remind`` the working days
    before each deadline their alarms go off (iCalendar only)."""
    if fmt == "json":
        return to_json(plan)
    if fmt == "md":
        return to_markdown(plan)
    if fmt == "ics":
        return to_ics(plan, stamp or datetime.now(timezone.utc), remind=remind)
    return to_table(plan)
