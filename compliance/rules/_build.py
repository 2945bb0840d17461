"""Building a Rule from one validated YAML mapping: periods, windows, extensions, recurrences and tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..calendars import Period, parse_period
from ..errors import InputError
from ._model import Caveat, Extension, HolderEnded, Recurrence, Rule, RuleTest, Source, Step, Window

def read_period(raw: Any, path: tuple[Any, ...] = ("period",)) -> Period:
    if isinstance(raw, str):
        try:
            return parse_period(raw)
        except InputError as exc:
            raise FieldError(path, exc.problems[0].message, exc.problems[0].hint) from None
    base = parse_period(f"{raw['amount']} {raw['unit']}") if raw.get("amount", 0) > 0 else Period(
        raw.get("amount", 0), raw["unit"])
    return Period(base.amount, base.unit, raw.get("counting", "excluding"), bool(raw.get("roll", False)))


class FieldError(Exception):
    """A field that passed the schema but is still unusable; ``path`` is relative to the rule."""

    def __init__(self, path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.path, self.message, self.hint = path, message, hint


def _date(value: Any, path: tuple[Any, ...]) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    raise FieldError(path, f"{value!r} is not a date", "write dates as YYYY-MM-DD, e.g. 2013-04-15")


def _window(raw: dict[str, Any] | None, path: tuple[Any, ...]) -> Window:
    raw = raw or {}
    return Window(_date(raw.get("from"), path + ("from",)), _date(raw.get("to"), path + ("to",)))


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _when(raw: dict[str, Any] | None) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    return tuple((name, tuple(value) if isinstance(value, list) else (value,)) for name, value in (raw or {}).items())


def build_rule(raw: dict[str, Any], file: str, line: int | None) -> Rule:
    when = _when(raw.get("when"))
    ext = raw.get("extension")
    extension = None
    if ext:
        extension = Extension(
            ext["event"],
            read_period(ext["period"], ("extension", "period")) if "period" in ext else None,
            read_period(ext["adds"], ("extension", "adds")) if "adds" in ext else None,
            ext.get("after_deadline", "ignored"),
        )
    rec = raw.get("recurrence")
    recurrence = None
    if rec:
        recurrence = Recurrence(
            tuple(
                Step(read_period(s["period"], ("recurrence", "then", i, "period")), s.get("times"),
                     read_period(s["while_within"], ("recurrence", "then", i, "while_within"))
                     if "while_within" in s else None, _when(s.get("when")))
                for i, s in enumerate(rec["then"])
            ),
            rec.get("until"),
        )
    src = raw["source"]
    bounds = raw.get("trigger_bounds") or {}
    tests = tuple(
        RuleTest(
            str(t.get("name", f"test {i + 1}")),
            _date(t["as_of"], ("tests", i, "as_of")),  # type: ignore[arg-type]
            t["record"],
            tuple(t["expect"] if isinstance(t["expect"], list) else [t["expect"]]),
        )
        for i, t in enumerate(raw.get("tests") or [])
    )
    return Rule(
        id=raw["id"],
        duty=raw.get("duty", raw["id"]),
        title=raw["title"],
        kind=raw["kind"],
        duty_holder=raw["duty_holder"],
        applies_to=raw["applies_to"],
        trigger=raw["trigger"],
        completion=raw["completion"],
        period=read_period(raw["period"]),
        in_force=_window(raw.get("in_force"), ("in_force",)),
        source=Source(src["citation"], src.get("url"), src.get("verification", "unverified"), src.get("wording")),
        when=when,
        no_earlier_than=_names(bounds.get("no_earlier_than")),
        no_later_than=_names(bounds.get("no_later_than", raw.get("trigger_bound"))),
        trigger_optional=bool(raw.get("trigger_optional", False)),
        extension=extension,
        recurrence=recurrence,
        caveats=tuple(Caveat(_window(c, ("caveats", i)), c["note"], _when(c.get("when")))
                      for i, c in enumerate(raw.get("caveats") or [])),
        holder_ended=HolderEnded(_date(ended["on"], ("duty_holder_ended", "on")),  # type: ignore[arg-type]
                                 ended["note"])
        if (ended := raw.get("duty_holder_ended")) else None,
        ends_with=raw.get("until"),
        calendar=raw.get("calendar", "england-and-wales"),
        notes=raw.get("notes"),
        tests=tests,
        file=file,
        line=line,
    )
