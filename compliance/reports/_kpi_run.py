"""Timeliness runs: stream record files (or mapped extracts) through an engine into KPI tallies.

Only the tallies are kept, never the findings, so memory stays flat however many records there are.
The vectorised engine (engines/batch.py) is the default; the native and durable engines give the same counts
a record at a time.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from ..engines import evaluate
from ..errors import InputError, Problem
from ..records import DEFAULT_ENCODING, Mapping, Record, read_mapped, read_records
from ..rules import Rule, RuleSet
from ._kpi import Tally

if TYPE_CHECKING:
    from ..records.columns import RecordBatch

ENGINES = ("batch", "native", "durable")


def duties_for(ruleset: RuleSet, mapping: Mapping | None) -> list[Rule]:
    """The rules to measure: all of them, or those an extract read through ``mapping`` can answer."""
    return mapping.duties(ruleset) if mapping else list(ruleset)


def _mapped_records(paths: Sequence[str | Path], mapping: Mapping, ruleset: RuleSet,
                    problems: list[Problem], encoding: str, extract_date: date | None) -> Iterator[Record]:
    for rec, found in read_mapped(paths, mapping, ruleset.vocabulary, encoding=encoding, extract_date=extract_date):
        problems.extend(found)
        if rec is not None:
            yield rec


def _drawn(batches: Iterable[RecordBatch], extract_date: date | None) -> Iterator[RecordBatch]:
    """The batches, as drawn on ``extract_date`` when it is given."""
    for batch in batches:
        if extract_date is not None:
            batch.extract_date = extract_date
        yield batch


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


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

    chunk = chunk or DEFAULT_CHUNK_ROWS
    if engine not in ENGINES:
        raise InputError(Problem(f"unknown engine {engine!r}", field="engine", hint="one of: " + ", ".join(ENGINES)))
    rules = RuleSet(duties_for(ruleset, mapping), ruleset.vocabulary, ruleset.files)
    problems: list[Problem] = []
    if engine == "batch":
        if mapping is None:
            # Only the columns a rule or the grouping reads are parsed and checked, with those that imply them.
            vocab = ruleset.vocabulary
            needed = {name for rule in rules
                      for name in vocab.implying(rule.applies_to, rule.events | rule.attributes_read)}
            needed.update(d for tally in tallies for d in tally.dimensions)
            batches = _drawn(read_batches(paths, vocab, problems, columns=needed, encoding=encoding), extract_date)
        else:
            seen = SeenIds()
            mapped = _mapped_records(paths, mapping, ruleset, problems, encoding, extract_date)
            batches = (batch for records in _chunks(mapped, chunk)
                       for batch in batches_from_records(unique_records(records, seen, mapping.name, problems),
                                                         chunk))
        for result in evaluate_batches(batches, rules, as_of):
            for tally in tallies:
                tally.add_batch(result)
        return problems
    if mapping is None:
        records, found = read_records(paths, ruleset.vocabulary, encoding=encoding)
        problems.extend(found)
        source: Iterable[Record] = [r.with_extract_date(extract_date) for r in records] if extract_date else records
    else:
        seen = SeenIds()
        source = (r for records in _chunks(_mapped_records(paths, mapping, ruleset, problems, encoding, extract_date),
                                           chunk)
                  for r in unique_records(records, seen, mapping.name, problems))
    for records in _chunks(source, chunk):
        findings = evaluate(records, rules, as_of, engine=engine, explain=False)
        for tally in tallies:
            tally.add_findings(findings)
    return problems
