"""Timeliness runs: stream record files (or mapped extracts) through an engine into KPI tallies.

Only the tallies are kept, never the findings, so memory stays flat however many records there are. The tallies
count the records read too (each batch as it passes, or each chunk of records), for the rows' not-applicable counts.
The vectorised engine (engines/batch.py) is the default; the native and durable engines give the same counts
a record at a time.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from ..engines import RuleNames, evaluate
from ..errors import InputError, Problem
from ..records import DEFAULT_ENCODING, Mapping, Record, drawn_on, read_mapped, read_records, redrawn_warning
from ..rules import Rule, RuleSet
from ._beside import beside
from ._kpi import Tally

if TYPE_CHECKING:
    from ..records.columns import RecordBatch

ENGINES = ("batch", "native", "durable")
#: Records built one by one (a mapped extract, a database) go to the vectorised engine this many at a time: plenty
#: for its arrays, and few enough that memory stays flat however large the tables (a record is a few hundred
#: bytes of Python objects, where a CSV column batch is a few bytes a cell).
RECORD_CHUNK = 20_000


def duties_for(ruleset: RuleSet, mapping: Mapping | None) -> list[Rule]:
    """The rules to measure: all of them, or those an extract read through ``mapping`` can answer."""
    return mapping.duties(ruleset) if mapping else list(ruleset)


def _mapped_records(paths: Sequence[str | Path], mapping: Mapping, ruleset: RuleSet, problems: list[Problem],
                    encoding: str, extract_date: date | None, as_of: date) -> Iterator[Record]:
    # A database is asked only for what the duties measured need.
    rules = duties_for(ruleset, mapping)
    for rec, found in read_mapped(paths, mapping, ruleset.vocabulary, encoding=encoding, extract_date=extract_date,
                                  rules=rules, as_of=as_of):
        problems.extend(found)
        if rec is not None:
            yield rec


def _drawn(batches: Iterable[RecordBatch], extract_date: date | None, problems: list[Problem]
           ) -> Iterator[RecordBatch]:
    """The batches, as drawn on ``extract_date`` when it is given, with a warning for each file's records that say
    another day (records.drawn_on)."""
    said: dict[tuple[str | None, date], int] = {}
    for batch in batches:
        if extract_date is not None:
            if batch.extract_date is not None and batch.extract_date != extract_date:
                said[(batch.source, batch.extract_date)] = said.get((batch.source, batch.extract_date), 0) + len(batch)
            batch.extract_date = extract_date
        yield batch
    problems.extend(redrawn_warning(own, extract_date, count, file)
                    for (file, own), count in said.items() if extract_date)


def _named(items: Iterable[Any], rules: RuleSet, problems: list[Problem], known: RuleSet) -> Iterator[Any]:
    """The batches (or records), with a warning for each name they give that no rule in use has, once per file: a
    recorded deadline of such a rule is not compared, and nothing is measured on a record for such a duty
    (engines.check_targets); a problem for a duty measured that no rule of ``known`` (or bundled) has. A record is
    counted whatever it names: what it names changes no count, in every engine."""
    from ..records.columns import RecordBatch

    names = RuleNames(rules, known)
    for item in items:
        file = item.source if isinstance(item, RecordBatch) else item.origin()[0]
        problems += names.target_warnings(item.targets, file)
        problems += names.measured_warnings(item.kind, item.measured, file)
        problems += names.mistyped_problems(item.measured, file)
        if not isinstance(item, RecordBatch):
            if names.unknown_targets(item.targets):
                item = item.with_targets({k: v for k, v in item.targets.items() if k in names.names})
            slips = names.mistyped(item.measured)
            if slips:  # measured for the other names alone, as a batch reads it; evaluate() would refuse it
                item = item.with_measured(frozenset(k for k in item.measured if k not in slips))
        yield item


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _count_beside(batches: Iterable[Any], evaluate: Callable[[Iterable[Any]], Iterable[Any]],
                  tallies: Sequence[Tally]) -> None:
    """Evaluate and count each batch in a second thread while the next ones are read: numpy and pyarrow let go of
    the interpreter in their loops, so reading and evaluating share two cores. One batch waits between them, so
    that neither stops for the other when a batch takes one of them longer (three are held at most: 5% faster than
    handing each over only once the one before is counted); a failure on either side stops both and is raised here."""
    def count(given: Iterator[Any]) -> None:
        for result in evaluate(given):
            for tally in tallies:
                tally.add_batch(result)

    beside(batches, count, name="kpi-count", waiting=1)


def tally_files(paths: Sequence[str | Path], ruleset: RuleSet, as_of: date, tallies: Sequence[Tally], *,
                engine: str = "batch", mapping: Mapping | None = None, chunk: int | None = None,
                encoding: str = DEFAULT_ENCODING, extract_date: date | None = None) -> list[Problem]:
    """Evaluate every record in ``paths`` (CSV files in ``encoding``) and add the findings to each tally; return
    the problems found. ``extract_date`` is the day the files were drawn, where they do not say."""
    # numpy and pyarrow take a third of a second to import: only here, where they are used.
    from ..engines.batch import evaluate_batches
    from ..records.columns import (
        DEFAULT_CHUNK_ROWS,
        SeenIds,
        batches_from_records,
        read_batches,
        unique_records,
    )

    records_chunk = chunk or RECORD_CHUNK
    chunk = chunk or DEFAULT_CHUNK_ROWS
    if engine not in ENGINES:
        raise InputError(Problem(f"unknown engine {engine!r}", field="engine", hint="one of: " + ", ".join(ENGINES)))
    rules = RuleSet(duties_for(ruleset, mapping), ruleset.vocabulary, ruleset.files)
    problems: list[Problem] = []
    # Where a repeated record's first was read, when its records name no row: the one source, or the mapping's name.
    source_name = str(paths[0]) if len(paths) == 1 else (mapping.name if mapping else "")
    if engine == "batch":
        if mapping is None:
            # Only the columns a rule or the grouping reads are parsed and checked, with those that imply them.
            vocab = ruleset.vocabulary
            needed = {name for rule in rules
                      for name in vocab.implying(rule.applies_to, rule.events | rule.attributes_read)}
            needed.update(d for tally in tallies for d in tally.dimensions)
            batches = _named(_drawn(read_batches(paths, vocab, problems, columns=needed, encoding=encoding),
                                    extract_date, problems), rules, problems, ruleset)
        else:
            seen = SeenIds()
            mapped = _mapped_records(paths, mapping, ruleset, problems, encoding, extract_date, as_of)
            batches = (batch for records in _chunks(_named(mapped, rules, problems, ruleset), records_chunk)
                       for batch in batches_from_records(unique_records(records, seen, source_name, problems),
                                                         records_chunk))
        _count_beside(batches, lambda given: evaluate_batches(given, rules, as_of, counting=True), tallies)
        return problems
    if mapping is None:
        records, found = read_records(paths, ruleset.vocabulary, encoding=encoding)
        problems.extend(found)
        if extract_date is not None:
            records, redrawn = drawn_on(records, extract_date)
            problems.extend(redrawn)
        source: Iterable[Record] = _named(records, rules, problems, ruleset)
    else:
        seen = SeenIds()
        mapped = _named(_mapped_records(paths, mapping, ruleset, problems, encoding, extract_date, as_of), rules, problems,
                        ruleset)
        source = (r for records in _chunks(mapped, records_chunk)
                  for r in unique_records(records, seen, source_name, problems))
    for records in _chunks(source, records_chunk):
        findings = evaluate(records, rules, as_of, engine=engine, explain=False)
        for tally in tallies:
            if isinstance(tally, Tally):  # the records read, as the vectorised engine's batches give them
                tally.add_records(records, rules)
            tally.add_findings(findings)
    return problems
