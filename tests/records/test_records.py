"""Record loaders: YAML, JSON, CSV and Excel, with bad rows located and the rest still read."""

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from compliance.errors import InputError
from compliance.records import (Record, RecordCheck, load_records, measured_text, read_records, records_csv,
                                records_from_text)
from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary

from conftest import FIXTURES, ROOT

RECORDS = FIXTURES / "records"


def test_bundled_examples_load():
    records = load_records([ROOT / "examples" / "inspections.yaml"])
    by_id = {r.id: r for r in records}
    harrow = by_id["harrow-2017-sif"]
    assert harrow.attributes["framework"] == "SIF"
    assert harrow.first("ofsted_published") == date(2017, 3, 31)
    assert "report_received" not in harrow.events  # not in the public record, so not invented


def test_csv_reads_good_rows_and_locates_bad_ones():
    records, problems = read_records([RECORDS / "tracker.csv"])
    assert [r.id for r in records] == ["northby-2019-ilacs", "southby-2019-ilacs", "eastby-2026-ilacs"]
    southby = records[1]
    assert southby.attributes["lscb_review"] is False  # "no" in a yes/no column
    assert southby.events["report_published"] == (date(2020, 1, 29),)
    located = [(p.file, p.line, p.column, p.field) for p in problems]
    assert located == [
        (str(RECORDS / "tracker.csv"), 5, 6, "report_received"),
        (str(RECORDS / "tracker.csv"), 6, 4, "framework"),
    ]
    assert "'2018-13-05' is not a date" in problems[0].message
    assert "YYYY-MM-DD" in problems[0].hint


def test_xlsx_reads_dates_from_cells_and_names_the_column_letter():
    records, problems = read_records([RECORDS / "tracker.xlsx"])
    assert [r.id for r in records] == ["northby-2019-ilacs", "southby-2019-ilacs", "westby-2018-ilacs"]
    assert records[0].events["report_received"] == (date(2019, 12, 12),)
    assert "# lead officer" not in records[0].attributes  # a column for people, left alone
    assert records[0].recorded == {"report_received", "ofsted_published", "report_published", "action_plan_sent"}
    assert records[2].events["report_received"] == (date(2018, 12, 5),)  # text '05/12/2018': day first, never May
    assert len(problems) == 1
    p = problems[0]
    assert (p.line, p.column, p.field) == (5, "F", "report_received")
    # 43439 in a cell not formatted as a date: Excel's serial for 5 December 2018 (days since 30 Dec 1899).
    assert p.message == "43439 looks like an Excel date serial for 2018-12-05: format the column as a date"


def test_json_records():
    records = load_records([RECORDS / "inspections.json"])
    assert records[1].events["report_published"] == (date(2020, 1, 29),)
    assert records[0].attributes == {"authority": "Northby", "framework": "ILACS", "lscb_review": False}


def test_repeated_event_dates_are_sorted():
    text = "id,kind,became_looked_after,cla_review\nc1,looked-after,2024-01-02,2024-06-01;2024-01-25\n"
    record = records_from_text(text, "csv")[0]
    assert record.events["cla_review"] == (date(2024, 1, 25), date(2024, 6, 1))


def test_duplicate_record_ids_are_reported():
    records, problems = read_records([RECORDS / "inspections.json", RECORDS / "inspections.json"])
    assert len(records) == 2
    assert all("duplicate record id" in p.message for p in problems) and len(problems) == 2


def test_unknown_event_in_yaml_points_at_its_line():
    text = ("records:\n  - id: a\n    kind: inspection\n    events:\n"
            "      report_recieved: 2019-01-01\n")
    with pytest.raises(InputError) as exc:
        records_from_text(text)
    p = exc.value.problems[0]
    assert p.line == 5 and "unknown event 'report_recieved'" in p.message and "report_received" in p.hint


def test_single_event_given_twice_is_an_error():
    text = "id,kind,report_received\nx,inspection,2019-01-01;2019-01-02\n"
    with pytest.raises(InputError) as exc:
        records_from_text(text, "csv")
    assert "happens once" in exc.value.problems[0].message


def test_date_times_are_kept_for_hour_clocks():
    text = "id,kind,returned_from_missing,return_interview\nm1,missing-episode,2024-01-05T18:30,2024-01-08\n"
    record = records_from_text(text, "csv")[0]
    assert record.events["returned_from_missing"] == (datetime(2024, 1, 5, 18, 30),)
    assert record.events["return_interview"] == (date(2024, 1, 8),)


def test_a_misspelt_column_stops_the_whole_file_once_with_did_you_mean():
    text = "id,kind,framework,report_recieved,# team\nx,inspection,ILACS,2019-01-01,North\ny,inspection,SIF,,\n"
    with pytest.raises(InputError) as exc:
        records_from_text(text, "csv")
    (problem,) = exc.value.problems
    assert "did you mean the event 'report_received'" in problem.hint
    assert (problem.line, problem.column) == (1, 4) and "no row of this file was checked" in problem.message


def test_a_column_in_other_capitals_is_told_the_name_it_spells(tmp_path):
    # Letter by letter 'Referral_NFA' is nearer the event 'referral' than the attribute it spells in capitals.
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,Referral_NFA,referral\nr1,referral,no,2024-01-02\n", encoding="utf-8")
    [problem] = read_records([path])[1]
    assert problem.hint.startswith("did you mean the attribute 'referral_nfa'? ")
    columnar = []
    assert list(read_batches([path], load_vocabulary(), columnar)) == []
    assert [p.hint for p in columnar] == [problem.hint]


def test_a_header_in_a_persons_words_is_told_the_column_whose_name_and_description_hold_them(tmp_path):
    """Found by hand: 'Date referral received' was asked "did you mean the event 'panel_report_received'?", nearer
    letter by letter than referral ("Referral received by children's social care"), the column meant."""
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,Date referral received,Assessment start date,Date assessment authorised\n"
                    "r1,referral,01/03/2024,04/03/2024,\n", encoding="utf-8")
    problems = read_records([path])[1]
    assert [p.hint.split("?")[0] for p in problems] == [
        "did you mean the event 'referral'", "did you mean the event 'assessment_start'",  # not core_assessment_start
        "did you mean the event 'assessment_completed'"]  # "Assessment completed (authorised)"
    columnar = []
    assert list(read_batches([path], load_vocabulary(), columnar)) == []
    assert [p.hint for p in columnar] == [p.hint for p in problems]


def test_a_column_name_holding_a_character_that_shows_nothing_names_it(tmp_path):
    """'refer\u200bral' (a zero width space, from a web page) printed as it is: the column and the name suggested,
    'referral', looked the same. Both readers say it in the same words (found by a probe)."""
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,refer\u200bral\nr1,referral,2024-01-02\n", encoding="utf-8")
    [problem] = read_records([path])[1]
    assert problem.message == ("unknown column 'refer\\u200bral', which holds U+200B (zero width space), a character "
                               "that shows nothing: no row of this file was checked")
    assert problem.field == "refer\\u200bral" and problem.hint.startswith("delete the U+200B")
    assert "did you mean the event 'referral'" in problem.hint and str(problem).isascii()
    columnar = []
    assert list(read_batches([path], load_vocabulary(), columnar)) == []
    assert [(p.message, p.field, p.hint) for p in columnar] == [(problem.message, problem.field, problem.hint)]


def test_a_kind_that_is_not_text_is_said_so_not_shown_in_pythons_words(tmp_path):
    """kind: ["referral"] was "unknown record kind ['referral'] (did you mean 'referral'?)" (found by a probe)."""
    path = tmp_path / "records.json"
    path.write_text('{"records": [{"id": "a", "kind": ["referral"]}, {"id": "b", "kind": 7}, '
                    '{"id": "c", "kind": "referral"}]}', encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["c"]
    assert [(p.field, p.message) for p in problems] == [("kind", "the record's kind must be text, not a list"),
                                                        ("kind", "the record's kind must be text, not a number")]
    assert problems[0].hint.startswith("write its kind as one name: one of care-proceedings")


def test_a_refused_header_names_every_fault_at_once_and_stands_for_every_row(tmp_path, run_cli):
    # A council's header, ID, Kind, Framework, Report Received: one run names all four, not two a run; and the
    # file's three rows (a totals row too) are counted as three rows not read, not one.
    path = tmp_path / "tracker.csv"
    path.write_text("ID,Kind,Framework,Report Received\nh1,inspection,ILACS,03/12/2024\n"
                    "h2,inspection,SIF,04/12/2024\n,,,\nTotal,,,2\n", encoding="utf-8")
    records, problems = read_records([path])
    assert records == [] and [(p.column, p.field, p.rows) for p in problems] == [
        (None, None, 3), (3, "Framework", 3), (4, "Report Received", 3)]
    assert "write id for 'ID', kind for 'Kind'" in problems[0].hint
    assert "did you mean the event 'report_received'" in problems[2].hint
    code, out, _ = run_cli("check", str(path), "--as-of", "2025-03-31")
    assert code == 2 and "no record could be checked: 3 rows could not be read" in out


def test_missing_file_and_unknown_type(tmp_path):
    records, problems = read_records([tmp_path / "nope.csv", tmp_path])
    assert records == [] and len(problems) == 2


def test_a_json_number_python_refuses_to_read_is_a_problem_at_its_record(tmp_path):
    """Found by tests/test_fuzz.py: more than 4,300 digits was a ValueError traceback; then it left out every record
    of the file. The record whose id it is is named by its place in the file, the one after it read."""
    path = tmp_path / "records.json"
    path.write_text('{"records": [{"id": ' + "9" * 5000 + ', "kind": "inspection"},\n'
                    '             {"id": "ok", "kind": "inspection", "framework": "ILACS"}]}')
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ok"] and [str(p) for p in problems] == [
        f"{path}:1:21: id: the 1st record: invalid JSON: a number of 5000 digits is too long to read (write it in "
        "quotes if it is text (an id, a team), or leave it out)"]


def test_not_a_spreadsheet(tmp_path):
    fake = tmp_path / "tracker.xlsx"
    fake.write_text("this is not a workbook")
    _, problems = read_records([fake])
    assert "cannot open as an Excel workbook" in problems[0].message


cells = st.one_of(st.text(max_size=15), st.sampled_from(["2019-12-12", "2019-02-30", "", "yes", "ILACS", "1;2"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=6))
def test_arbitrary_csv_never_crashes(tmp_path, rows):
    import csv

    path = tmp_path / "fuzz.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "kind", "framework", "report_received", "report_published"][: len(rows[0])])
        writer.writerows(rows)
    records, problems = read_records([path])
    assert all(p.file == str(path) for p in problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.dates(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20))
def test_arbitrary_yaml_documents_never_crash(tmp_path, doc):
    import yaml

    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump({"records": [doc]} if not isinstance(doc, list) else doc))
    records, problems = read_records([path])
    assert all(p.file == str(path) for p in problems)


@pytest.mark.parametrize("name", ["records.yaml", "records.json"])
def test_a_byte_that_is_not_utf_8_in_yaml_or_json_is_located(tmp_path, name):
    from compliance.records import read_records

    path = tmp_path / name
    path.write_bytes(b'{"records": [\n  {"id": "a", "kind": "inspection",\n   "attributes": {"authority": "Caf\xe9"}}]}\n')
    records, problems = read_records([path])
    assert records == [] and [(p.line, p.column) for p in problems] == [(3, 36)]  # 3 spaces, "attributes": {"authority": "Caf is 35 characters
    assert "byte 0xe9 is not UTF-8" in problems[0].message


def test_what_events_imply_is_taken_where_the_record_does_not_say_and_said():
    record = Record("c", "child-protection", {}, {"icpc": "2023-08-31", "rcpc": ["2023-11-30"]})
    assert record.attributes["cp_plan"] is True
    assert record.implied == {"cp_plan": "cp_plan taken as yes: the record has rcpc"}
    assert record.given_attributes == {"icpc_not_required": False} and record.conflicts == {}
    # Given, it is kept; given the opposite, kept and the contradiction said.
    given = Record("c", "child-protection", {"cp_plan": True}, {"rcpc": ["2023-11-30"]})
    assert "cp_plan" not in given.implied and given.conflicts == {}
    # A value may imply an event: a plan is made only at an initial conference.
    assert given.implied == {"icpc": "icpc taken as happened, on a date the record does not give: cp_plan is yes"}
    contrary = Record("c", "child-protection", {"cp_plan": False}, {"rcpc": ["2023-11-30"]})
    assert contrary.attributes["cp_plan"] is False and "check the record" in contrary.conflicts["cp_plan"]
    # Two implications that disagree leave it unknown.
    torn = Record("c", "child-protection", {"icpc_not_required": True}, {"rcpc": ["2023-11-30"]})
    assert "cp_plan" not in torn.attributes and "left unknown" in torn.conflicts["cp_plan"]
    # An attribute's default may be implied, to flag a record that says otherwise: a conference held was needed. An
    # event the record does not give is named by what shows it, never as one the record has.
    held = Record("c", "child-protection", {"icpc_not_required": True}, {"strategy_discussion": "2023-08-01",
                                                                       "icpc": "2023-08-31"})
    assert held.attributes["icpc_not_required"] is True and held.conflicts["icpc_not_required"] == (
        "icpc_not_required is yes, but the record has icpc, which implies icpc_not_required no: icpc_not_required is "
        "taken as the record gives it; check the record.")
    shown = Record("c", "child-protection", {"icpc_not_required": True, "cp_plan": True}, {})
    assert shown.conflicts["icpc_not_required"].startswith(
        "icpc_not_required is yes, but cp_plan is yes, which shows icpc, which implies icpc_not_required no")
    assert Record("c", "child-protection", {}, {"icpc": "2023-08-31"}).conflicts == {}


def test_implied_events_chain_and_an_unknown_one_implies_nothing():
    record = Record("k", "complaint", {}, {"complaint_received": "2023-04-20", "la_response": "2023-09-01"})
    assert set(record.implied) == {"panel_report_received", "panel_report_sent", "panel_held", "panel_requested"}
    assert record.happened("panel_held") and not record.events.get("panel_held")
    unknown = Record("k", "complaint", {}, {"stage2_response": "unknown", "complaint_received": "2023-04-20"})
    assert unknown.implied == {}
    # An unknown one that a dated event shows happened is implied, and implies in turn: the chain went on without
    # the report when its receipt was unknown, and the panel's report was called overdue though the council had
    # answered it (the batch engine read it as missing data, as here).
    through = Record("k", "complaint", {}, {"panel_held": "2023-09-04", "panel_report_received": "unknown",
                                            "la_response": "2023-09-28"})
    assert set(through.implied) == {"panel_report_received", "panel_report_sent", "panel_requested"}
    # Review conferences imply a plan, and a plan the conference that made it.
    chained = Record("c", "child-protection", {}, {"strategy_discussion": "2023-08-01", "rcpc": ["2023-11-30"]})
    assert set(chained.implied) == {"cp_plan", "icpc"} and chained.implied["icpc"].endswith(
        "the record has rcpc, which implies cp_plan yes")  # (cp_plan is the record's word only where it gives it)


@pytest.mark.parametrize("suffix, text", [
    (".csv", "id,kind,icpc,rcpc\nc,child-protection,2023-08-31,2023-11-30\n"),
    (".yaml", "records:\n  - {id: c, kind: child-protection, events: {icpc: 2023-08-31, rcpc: [2023-11-30]}}\n"),
])
def test_every_reader_applies_what_events_imply_and_writes_back_only_what_was_given(tmp_path, suffix, text):
    path = tmp_path / f"records{suffix}"
    path.write_text(text, encoding="utf-8")
    [record] = load_records([path])
    assert record.attributes["cp_plan"] is True and "cp_plan" in record.implied
    assert "cp_plan" not in record.to_dict()["attributes"]
    assert "cp_plan" not in records_csv([record]).splitlines()[0].split(",")  # the attribute, not cp_plan_start


def test_yaml_and_json_records_say_when_their_extract_was_drawn_and_what_it_measures_on_them():
    text = ("records:\n  - id: s1\n    kind: child-protection\n    extract_date: 2025-03-31\n"
            "    measured: [icpc-15wd]\n    events: {s47_start: 2025-03-01}\n")
    [record] = records_from_text(text, "yaml")
    assert record.extract_date == date(2025, 3, 31) and record.measured == frozenset({"icpc-15wd"})
    [same] = records_from_text('[{"id": "s1", "kind": "child-protection", "extract_date": "31/03/2025", '
                               '"measured": "icpc-15wd", "events": {"s47_start": "2025-03-01"}}]', "json")
    assert (same.extract_date, same.measured) == (record.extract_date, record.measured)
    with pytest.raises(InputError) as exc:
        records_from_text("- {id: s1, kind: child-protection, extract_date: 2025-03-31T10:00}\n", "yaml")
    assert exc.value.problems[0].field == "extract_date" and exc.value.problems[0].line == 1


def test_csv_text_with_a_quote_that_never_closes_is_refused_at_its_row():
    """The csv module would read the rows after the quote into its cell without a word, as from a file."""
    with pytest.raises(InputError) as exc:
        records_from_text('id,kind,referral\nr1,referral,2024-01-02\nr2,referral,"2024-01-03\nr3,referral,2024-01-04\n',
                          "csv")
    [problem] = exc.value.problems
    assert (problem.line, problem.column, problem.field) == (3, 3, "referral") and "never closes" in problem.message


def test_csv_text_with_lines_ended_by_carriage_returns_reads_as_a_file_would():
    assert [r.id for r in records_from_text("id,kind\rr1,referral\rr2,referral\r", "csv")] == ["r1", "r2"]


def test_a_records_duties_measured_are_names_never_one_string_read_as_its_letters():
    with pytest.raises(InputError, match="not a collection of rule ids"):
        Record("c1", "child-protection", measured="icpc-15wd")
    assert Record("c1", "child-protection", measured=["icpc-15wd"]).measured == frozenset({"icpc-15wd"})


@pytest.mark.parametrize("measured", [None, frozenset(), frozenset({"icpc-15wd"}), frozenset({"rcpc", "icpc-15wd"})])
def test_the_duties_measured_are_written_as_they_are_read_back_none_included(measured):
    # Empty is every duty of the kind; `none` alone is no duty (a kind an extract answers none for).
    text = measured_text(measured)
    assert RecordCheck.measured(text, lambda *args: pytest.fail(str(args))) == measured


def test_a_record_says_the_file_and_row_it_was_read_from():
    records, _ = read_records([RECORDS / "tracker.csv"])
    assert records[1].origin() == (str(RECORDS / "tracker.csv"), 3)
    assert Record("a", "inspection", source="sqlite:///ssd.db:ssd_cin_episodes").origin() == (
        "sqlite:///ssd.db:ssd_cin_episodes", None)
    assert Record("a", "inspection").origin() == (None, None)


def test_a_mapping_or_rule_pack_read_as_records_says_what_it_is(tmp_path):
    # A folder of records read whole took a mapping and the local targets beside the tracker for records.
    folder = tmp_path / "tracker"
    folder.mkdir()
    for name in ("inspections.yaml", "local-targets.yaml", "own-columns.yaml"):
        (folder / name).write_bytes((ROOT / "examples" / name).read_bytes())
    records, problems = read_records(sorted(folder.glob("*.yaml")))
    assert records and [(p.file.rsplit("/", 1)[-1], p.hint.split(":")[0]) for p in problems] == [
        ("local-targets.yaml", "this is a rule pack, not records"),
        ("own-columns.yaml", "this is a column mapping, not records")]
    assert "--add-rules" in problems[0].hint and "--mapping" in problems[1].hint


def test_a_json_escape_of_half_a_character_is_a_problem_at_its_field_and_the_other_records_are_read(tmp_path):
    # JSON may escape a lone surrogate ("\ud800"), which is no text: no output could be written with it (exit 3
    # "internal error" before). Refused like a byte that is not text in a CSV cell: the record is left out.
    path = tmp_path / "records.json"
    path.write_text('[{"id": "a\\ud800", "kind": "inspection", "framework": "ILACS"},'
                    ' {"id": "b", "kind": "inspection", "framework": "ILACS", "authority": "North\\udc80by"},'
                    ' {"id": "c", "kind": "inspection", "framework": "ILACS", "events": {"report\\udfff": "2024-01-02"}},'
                    ' {"id": "d", "kind": "inspection", "framework": "ILACS"}]', encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["d"]
    assert [(p.field, p.message.split(" holds")[0]) for p in problems] == [
        ("id", "'a\\ud800'"), ("authority", "record 'b': 'North\\udc80by'"), ("report?", "record 'c': 'report\\udfff'")]
    assert all("half of a character" in p.message and "pair" in p.hint for p in problems)
    assert all(str(p).isascii() for p in problems)


def test_a_yaml_value_that_cannot_be_read_leaves_out_its_record_only(tmp_path, run_cli):
    # A key given twice, a tag (on a list or a plain value), a number too long for Python: each a problem where it is,
    # its record left out, every one said in the same run, and the valid record after them checked. Before, the first
    # left out the whole file.
    path = tmp_path / "records.yaml"
    path.write_text("records:\n"
                    "  - id: d1\n"
                    "    kind: inspection\n"
                    "    events: {report_received: 2024-12-03, report_received: 2025-12-03}\n"
                    "  - id: d2\n"
                    "    id: d3\n"
                    "    kind: inspection\n"
                    "  - id: !!python/object/apply:os.system [true]\n"
                    "    kind: inspection\n"
                    "  - {id: n, kind: inspection, authority: " + "9" * 4400 + "}\n"
                    "  - {id: t, kind: inspection, authority: !local North}\n"
                    "  - id: ok3\n"
                    "    kind: inspection\n"
                    "    framework: ILACS\n"
                    "    events: {report_received: 2024-12-03}\n", encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ok3"]
    assert [(p.line, p.column, p.field, p.message[:40]) for p in problems] == [
        (4, 43, "report_received", "duplicate key 'report_received' (first g"),
        (6, 5, "id", "duplicate key 'id' (first given at line "),
        (8, 9, "id", "unsupported YAML tag tag:yaml.org,2002:p"),
        (10, 42, "authority", f"'{'9' * 39}"),
        (11, 42, "authority", "unsupported YAML tag !local"), ]  # a tag on a plain value, as on a list
    assert problems[3].message.endswith("(4,400 characters) is not a valid value: a number of 4,400 digits is too long "
                                        "to read")
    code, out, err = run_cli("check", str(path), "--as-of", "2025-01-10")
    assert code == 2 and "ok3" in out and "5 problem(s) in the records: the rows they name were left out" in err


def test_a_yaml_syntax_error_stops_the_file_where_it_is_and_says_how_many_records_were_read(tmp_path):
    # The records wholly before it are read (the text up to the line of the record it is in, read again); the
    # problem says from which line nothing was. Where no record can be read so, it says that.
    path = tmp_path / "records.yaml"
    path.write_text("records:\n"
                    "  - {id: a, kind: inspection, framework: ILACS}\n"
                    "  - id: b\n"
                    "    kind: inspection\n"
                    "    framework: ILACS\n"
                    "  - id: c\n"
                    "    kind: [inspection\n"
                    "  - id: d\n", encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["a", "b"] and [(p.line, p.message.split(": ", 2)[-1]) for p in problems] == [
        (8, "the file was not read from line 6 on (read before it: 2 records)")]
    path.write_text("[{id: a, kind: inspection},\n {id: b, kind: inspection\n", encoding="utf-8")
    records, problems = read_records([path])
    assert records == [] and [(p.line, p.message.rsplit(": ", 1)[-1]) for p in problems] == [
        (3, "no record of this file was read")]  # a list in brackets cut short is no YAML
    path.write_text("records:\n  - {id: a, kind: inspection, framework: ILACS}\nsource: [\n", encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["a"] and [(p.line, p.message.split(": ", 2)[-1]) for p in problems] == [
        (4, "the file was not read from line 3 on (read before it: 1 record)")]


@pytest.mark.parametrize("name, text", [
    ("tracker.json", '{"records": [{"id": "a", "kind": "inspection", "events": {"report_received": "2024-12-03"}}],\n'
                     ' "more_records": [{"id": "b", "kind": "inspection", "events": {"report_received": "2024-12-03"}}]}'),
    ("tracker.yaml", "records:\n  - id: a\n    kind: inspection\n    events: {report_received: 2024-12-03}\n"
                     "more_records:\n  - id: b\n    kind: inspection\n"),
])
def test_records_under_a_key_beside_records_are_a_problem_at_that_key_never_dropped_unsaid(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["a"]
    problem, = problems
    assert (problem.line, problem.field, problem.warning) == (2 if name.endswith(".json") else 5, "more_records", False)
    assert problem.message == "unknown key 'more_records': nothing under it is read"
    assert problem.hint == "did you mean 'records'? a record file holds one list of records, under `records:`"


def test_a_key_beside_records_holding_no_records_is_only_said(tmp_path):
    path = tmp_path / "export.yaml"
    path.write_text("exported: 2025-03-31\nrecords:\n  - id: a\n    kind: inspection\n", encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["a"]
    assert [(p.line, p.field, p.warning, p.message) for p in problems] == [
        (1, "exported", True, "unknown key 'exported': nothing under it is read")]


def test_an_id_written_as_a_number_in_yaml_is_kept_as_written():
    """0x1F read as 31, 12.50 as 12.5, and +12 as 12, then refused as a repeat of the record 12: a record read from
    YAML and from its CSV tracker had two ids, and two histories in the nightly report."""
    text = "records:\n" + "".join(f"  - id: {rid}\n    kind: inspection\n" for rid in ("0x1F", "12.50", "+12", "12"))
    assert [r.id for r in records_from_text(text)] == ["0x1F", "12.50", "+12", "12"]


def test_a_database_given_without_a_mapping_of_its_tables_is_no_row_not_read(tmp_path):
    """Found by hand: `check sqlite:///ssd.sqlite3` said "no record could be checked: 1 row could not be read", of a
    database whose rows were never looked at."""
    from compliance.records import load_mapping, read_mapped

    url = f"sqlite:///{tmp_path / 'ssd.sqlite3'}"
    [problem] = read_records([url])[1]
    assert (problem.message, problem.rows) == ("a database is read through a mapping of its tables", 0)
    [(_, [mapped])] = list(read_mapped([url], load_mapping("annex-a-list5")))
    assert (mapped.message, mapped.rows) == ("the annex-a-list5 mapping reads files, not a database", 0)
