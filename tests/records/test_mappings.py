"""Column mappings: Annex A lists (CSV and XLSX) and the CIN census XML become records, bad rows reported.

Expected outcomes are counted by hand from the fixtures in tests/fixtures/casework/.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from compliance.engines import evaluate
from compliance.errors import InputError
from compliance.records import Record, available_mappings, load_mapped, load_mapping, records_csv
from compliance.records import records_from_text
from compliance.rules import load_rules

from conftest import FIXTURES, ROOT

CASEWORK = FIXTURES / "casework"


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def outcomes(records, rules, mapping, as_of):
    return {(f.record, f.rule, f.occurrence): (f.status, f.deadline)
            for f in evaluate(records, mapping.duties(rules), as_of)}


def test_annex_a_list5_csv_with_a_bad_date_and_a_bad_code(rules):
    mapping = load_mapping("annex-a-list5")
    records, problems = load_mapped([CASEWORK / "annex-a-list5.csv"], mapping)
    # Row 5 has 31/02/2022; row 6 says "Perhaps" where yes or no is wanted: both reported, once each.
    assert [(p.line, p.column) for p in problems] == [(5, 4), (6, 5)]
    assert "'31/02/2022' is not a date" in problems[0].message and "DD/MM/YYYY" in (problems[0].hint or "")
    assert problems[1].field == "Was an Initial Child Protection Conference deemed unnecessary?"
    assert str(problems[0]).startswith(str(CASEWORK / "annex-a-list5.csv") + ":5:4:")
    assert [r.id for r in records] == ["NB1001-S47-2020-12-16", "NB1002-S47-2020-12-16", "NB1003-S47-2022-06-02",
                                       "NB1006-S47-2022-06-01"]
    assert [r.id for r in mapping.duties(rules)] == ["icpc-15wd"]
    assert outcomes(records, rules, mapping, date(2022, 12, 31)) == {
        ("NB1001-S47-2020-12-16", "icpc-15wd", 1): ("met", date(2021, 1, 11)),
        ("NB1002-S47-2020-12-16", "icpc-15wd", 1): ("late", date(2021, 1, 11)),
        ("NB1003-S47-2022-06-02", "icpc-15wd", 1): ("not_applicable", None),
        ("NB1006-S47-2022-06-01", "icpc-15wd", 1): ("overdue", date(2022, 6, 24)),
    }


def test_annex_a_list4_xlsx_reads_excel_dates_and_reports_a_text_cell(rules):
    mapping = load_mapping("annex-a-list4")
    records, problems = load_mapped([CASEWORK / "annex-a-list4.xlsx"], mapping)
    assert [(p.line, p.column, p.field) for p in problems] == [(4, "D", "Continuous Assessment Start Date")]
    found = outcomes(records, rules, mapping, date(2022, 12, 31))
    assert found[("NB3001-A-2022-05-20", "assessment-45wd-from-start", 1)] == ("met", date(2022, 7, 26))
    assert found[("NB3002-A-2022-05-20", "assessment-45wd-from-start", 1)] == ("late", date(2022, 7, 26))
    # 45 working days from Thu 1 Dec 2022 skip 26 and 27 Dec and 2 Jan: Tue 7 Feb 2023.
    assert found[("NB3004-A-2022-12-01", "assessment-45wd-from-start", 1)] == ("due", date(2023, 2, 7))
    # List 4 has no referral date: the Working Together clock shows only its latest possible deadline.
    assert found[("NB3001-A-2022-05-20", "assessment-45wd", 1)] == ("missing_data", date(2022, 7, 26))


def test_one_day_written_three_ways_in_an_id_is_one_record(tmp_path):
    """22/03/2024 00:00 is read as the day 22/03/2024 is, so its id is that day's: the same assessment, reported as
    a repeat, not counted twice."""
    path = tmp_path / "list4.csv"
    path.write_text("Child Unique ID,Continuous Assessment Start Date,Continuous Assessment Date of Authorisation,"
                    "Allocated Team\n" + "".join(f"K1,{start},31/05/2024,T\n" for start in
                                                 ("22/03/2024", "22/03/2024 00:00", "2024-03-22")), encoding="utf-8")
    records, problems = load_mapped([path], load_mapping("annex-a-list4"))
    assert [r.id for r in records] == ["K1-A-2024-03-22"]
    assert [(p.line, p.message) for p in problems] == [
        (line, "duplicate record id 'K1-A-2024-03-22' (first at " + f"{path}:2)") for line in (3, 4)]


def test_an_event_counted_since_another_names_one_the_mapping_reads(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("mapping: m\ntitle: M\nformat: table\nrecords:\n  - kind: looked-after\n    id: '{ID}'\n"
                    "    events:\n      visit: {column: Visit, since: placement}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert caught.value.problems[0].message == ("visit counts since 'placement', which is not an event this mapping "
                                                "reads for looked-after records")
    path.write_text("mapping: m\ntitle: M\nformat: table\nrecords:\n  - kind: looked-after\n    id: '{ID}'\n"
                    "    attributes:\n      child: {column: Child, since: visit}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert caught.value.problems[0].message == "since is for events; 'child' is among the attributes"


@pytest.mark.parametrize("field, message", [
    ("events:\n      visit: {column: Visit, recent_years: 0}",
     "recent_years for 'visit' must be a whole number of years from 1 to 100, not 0"),
    ("events:\n      visit: {column: Visit, recent_years: six}",
     "recent_years for 'visit' must be a whole number of years from 1 to 100, not 'six'"),
    ("events:\n      visit: {column: Visit, recent_years: true}",
     "recent_years for 'visit' must be a whole number of years from 1 to 100, not true"),
    ("attributes:\n      child: {column: Child, recent_years: 6}", "recent_years is for events; 'child' is among the "
                                                                     "attributes"),
])
def test_a_table_keeping_recent_rows_says_how_many_years_of_an_event(tmp_path, field, message):
    path = tmp_path / "m.yaml"
    path.write_text("mapping: m\ntitle: M\nformat: table\nrecords:\n  - kind: looked-after\n    id: '{ID}'\n"
                    f"    {field}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert caught.value.problems[0].message == message


def test_cin_census_xml_streams_children_into_three_kinds_of_record(rules):
    mapping = load_mapping("cin-census")
    records, problems = load_mapped([CASEWORK / "cin-census.xml"], mapping)
    [problem] = problems
    assert (problem.line, problem.field) == (48, "Assessments/AssessmentAuthorisationDate")
    assert "'2022-08-31X' is not a date" in problem.message
    assert sorted(r.id for r in records) == ["NB2001-CPP-2022-06-16", "NB2001-R-2022-05-20", "NB2001-S47-2022-05-25",
                                             "NB2002-R-2022-11-01"]
    found = outcomes(records, rules, mapping, date(2023, 3, 31))
    assert found[("NB2001-R-2022-05-20", "assessment-45wd", 1)] == ("met", date(2022, 7, 26))
    # S47ActualStartDate Wed 25 May 2022: 15 working days, skipping 2 and 3 June, end Fri 17 June.
    assert found[("NB2001-S47-2022-05-25", "icpc-15wd", 1)] == ("met", date(2022, 6, 17))
    assert found[("NB2001-CPP-2022-06-16", "rcpc", 1)] == ("met", date(2022, 9, 16))
    assert found[("NB2001-CPP-2022-06-16", "rcpc", 2)] == ("met", date(2023, 3, 15))
    assert found[("NB2002-R-2022-11-01", "assessment-45wd", 1)] == ("not_applicable", None)


def test_mapped_records_round_trip_through_the_record_csv_layout(rules):
    mapping = load_mapping("cin-census")
    records, _ = load_mapped([CASEWORK / "cin-census.xml"], mapping)
    again = records_from_text(records_csv(records), "csv")
    assert [(r.id, dict(r.attributes), dict(r.events), dict(r.targets), r.extract_date, r.measured) for r in again] == [
        (r.id, dict(r.attributes), dict(r.events), dict(r.targets), r.extract_date, r.measured) for r in records]
    assert {r.extract_date for r in again} == {date(2023, 3, 31)}  # the census's ReferenceDate
    assert {r.measured for r in again} == {None, frozenset({"icpc-15wd"}), frozenset({"rcpc"})}


@pytest.mark.parametrize("extract, mapping, given", [("cin-census.xml", "cin-census", ()),
                                                     ("annex-a-list5.csv", "annex-a-list5",
                                                      ("--extract-date", "2022-06-10"))])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_mapped_records_checked_give_the_findings_the_extract_gives_through_its_mapping(run_cli, tmp_path, extract,
                                                                                       mapping, given, suffix):
    """The day the extract was drawn and the duties measured on each record are written with the records, so an
    open duty falling due after that day is still not in the extract, and a duty the extract measures on another
    record is still not this one's: the same findings, years later, and none for a duty the mapping cannot answer
    (the census holds no referral decision: 76 findings "not recorded" were added)."""
    out = tmp_path / f"records{suffix}"
    code, _, err = run_cli("map", str(CASEWORK / extract), "--mapping", mapping, *given, "--output", str(out),
                           "--skip-bad-rows")
    assert out.exists(), err

    def findings(*args):
        _, text, _ = run_cli("check", *args, "--as-of", "2026-01-01", "--format", "json")
        return json.loads(text)["findings"]

    direct = findings(str(CASEWORK / extract), "--mapping", mapping, *given)
    again = findings(str(out))
    assert [{k: v for k, v in f.items() if k != "source"} for f in again] == \
        [{k: v for k, v in f.items() if k != "source"} for f in direct]
    # NB1006's conference fell due on 24 June 2022, after the list was drawn: not in it, years later too.
    assert any(f["status"] == "missing_data" and "not in this extract" in f.get("reason", "") for f in again) == \
        bool(given)



OWN_MAPPING = """mapping: own
kind: inspection
date_formats: ["%d/%m/%Y"]
id: "{Ref}"
attributes:
  framework:
    column: Type
    values: {"ILACS focused visit": ILACS-focused-visit, ILACS: ILACS}
  priority_actions:
    column: Priority
    values: {"Yes": true, "No": false}
events:
  report_received: Received
  draft_action_plan_sent: Draft plan sent
  action_plan_sent: Plan sent
  report_published: Published
"""


def checked(run_cli, *args):
    """(exit code, findings, the counts, n/a and 0 left out) of `check ... --format json`. Not the n/a: records
    map wrote say which duties are measured on them, and check lists the others as n/a, where check --mapping
    leaves the duties the extract cannot answer out altogether."""
    code, out, err = run_cli("check", *args, "--format", "json")
    doc = json.loads(out)
    findings = [{k: v for k, v in f.items() if k != "source"} for f in doc["findings"]]
    return code, findings, {k: v for k, v in doc["summary"].items() if k != "not_applicable" and v}, err


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_mapped_column_blank_in_every_row_is_written_so_the_duty_stays_overdue(run_cli, tmp_path, suffix):
    """Probe P1: map left out an event column no row filled in (a new tracker, nothing done yet), so check of what
    it wrote read the event as not recorded: MISSING DATA where check --mapping says OVERDUE, exit 0 for 1.

    A focused visit with priority actions, its report received Mon 2 June 2025: the draft plan is due 20 working
    days on, Mon 30 June; the plan 70 working days on (August's bank holiday the 25th skipped), Tue 9 Sept. Both
    columns are blank in every row: by 20 Nov 2026 both are overdue. The report was published on 1 July, in time."""
    (tmp_path / "own.yaml").write_text(OWN_MAPPING, encoding="utf-8")
    extract = tmp_path / "own.csv"
    extract.write_text("Ref,Type,Priority,Received,Draft plan sent,Plan sent,Published\n"
                       "FV-1,ILACS focused visit,Yes,02/06/2025,,,01/07/2025\n", encoding="utf-8")
    records = tmp_path / f"records{suffix}"
    code, _, err = run_cli("map", str(extract), "--mapping", str(tmp_path / "own.yaml"), "--output", str(records))
    assert code == 0, err
    direct = checked(run_cli, str(extract), "--mapping", str(tmp_path / "own.yaml"), "--as-of", "2026-11-20")
    again = checked(run_cli, str(records), "--as-of", "2026-11-20")
    assert direct[0] == again[0] == 1
    assert direct[1] == again[1] and direct[2] == again[2] == {"overdue": 2, "met": 1}
    assert {(f["rule"], f["status"], f["deadline"]) for f in again[1]} == {
        ("fv-priority-draft-plan", "overdue", "2025-06-30"), ("fv-priority-action-plan", "overdue", "2025-09-09"),
        ("la-publish-report", "met", "2025-07-14")}


def test_annex_a_list5_with_its_conference_column_blank_is_judged_alike_mapped_or_read_through_the_mapping(
        run_cli, tmp_path):
    """Probe P1 with a bundled mapping: no conference held yet in any row. NB1001's strategy discussion was on Wed
    16 Dec 2020: 15 working days, skipping Christmas, Boxing Day (the 28th) and New Year's Day, end Mon 11 Jan
    2021. NB1006's on Wed 1 June 2022: skipping 2 and 3 June, Fri 24 June. NB1003's conference was not needed."""
    extract = tmp_path / "list5.csv"
    rows = (CASEWORK / "annex-a-list5.csv").read_text(encoding="utf-8").splitlines()
    blanked = [",".join(cell if j != 5 else "" for j, cell in enumerate(row.split(",")))
               for row in rows[1:] if row.split(",")[0] in ("NB1001", "NB1003", "NB1006")]
    extract.write_text("\n".join([rows[0], *blanked]) + "\n", encoding="utf-8")
    given = ("--extract-date", "2022-12-31", "--as-of", "2022-12-31")
    records = tmp_path / "records.csv"
    code, _, err = run_cli("map", str(extract), "--mapping", "annex-a-list5", *given[:2], "--output", str(records))
    assert code == 0, err
    assert records.read_text(encoding="utf-8").splitlines()[0].endswith(",icpc")
    direct = checked(run_cli, str(extract), "--mapping", "annex-a-list5", *given)
    again = checked(run_cli, str(records), "--as-of", "2022-12-31")
    assert direct[:3] == again[:3]
    assert again[0] == 1 and again[2] == {"overdue": 2}
    assert {(f["record"], f["deadline"]) for f in again[1]} == {("NB1001-S47-2020-12-16", "2021-01-11"),
                                                               ("NB1006-S47-2022-06-01", "2022-06-24")}


def test_a_mapped_cell_saying_unknown_is_missing_data_and_map_writes_it_so(run_cli, tmp_path):
    """This page's promise (docs/mappings.md: "unknown means it happened on a day not known") was refused as "'unknown'
    is not a date". FV-2's plan was sent on a day not known: missing data naming it, never overdue; its draft plan,
    blank, is overdue (due Mon 30 June 2025), as FV-1's."""
    (tmp_path / "own.yaml").write_text(OWN_MAPPING, encoding="utf-8")
    extract = tmp_path / "own.csv"
    extract.write_text("Ref,Type,Priority,Received,Draft plan sent,Plan sent,Published\n"
                       "FV-1,ILACS focused visit,Yes,02/06/2025,,,01/07/2025\n"
                       "FV-2,ILACS focused visit,Yes,02/06/2025,,Unknown,01/07/2025\n", encoding="utf-8")
    records = tmp_path / "records.csv"
    code, _, err = run_cli("map", str(extract), "--mapping", str(tmp_path / "own.yaml"), "--output", str(records))
    assert code == 0, err
    assert records.read_text(encoding="utf-8").splitlines()[2].endswith(",2025-06-02,2025-07-01,,unknown")
    direct = checked(run_cli, str(extract), "--mapping", str(tmp_path / "own.yaml"), "--as-of", "2026-11-20")
    again = checked(run_cli, str(records), "--as-of", "2026-11-20")
    assert direct[:3] == again[:3]
    assert {(f["record"], f["rule"]): f["status"] for f in again[1] if f["rule"].startswith("fv-")} == {
        ("FV-1", "fv-priority-draft-plan"): "overdue", ("FV-1", "fv-priority-action-plan"): "overdue",
        ("FV-2", "fv-priority-draft-plan"): "overdue", ("FV-2", "fv-priority-action-plan"): "missing_data"}


def test_an_event_a_record_does_not_hold_is_written_unknown_and_read_back_so():
    """A record whose source holds an event column but not for this record (its cell said unknown, or the column
    is another kind's) is written ``unknown`` there: blank, it would read back as not happened."""
    vocab = load_rules().vocabulary
    held = Record("a", "inspection", {"framework": "ILACS"}, {"report_received": "2024-12-03"},
                  recorded=frozenset({"report_received", "report_published"}))
    other = Record("b", "inspection", {"framework": "ILACS"}, {"report_received": "2024-12-03"},
                   recorded=frozenset({"report_received", "action_plan_sent"}))
    text = records_csv([held, other], vocab)
    header, first, second = text.splitlines()
    assert header == "id,kind,framework,report_received,report_published,action_plan_sent"
    assert first == "a,inspection,ILACS,2024-12-03,,unknown" and second == "b,inspection,ILACS,2024-12-03,unknown,"
    assert [r.recorded for r in records_from_text(text, "csv")] == [held.recorded, other.recorded]


def test_every_bundled_mapping_loads_against_the_vocabulary():
    names = set(available_mappings())
    assert {"annex-a-list3", "annex-a-list4", "annex-a-list5", "annex-a-list7", "annex-a-list8", "cin-census"} <= names
    for name in names:
        assert load_mapping(name).specs


@pytest.mark.parametrize("given, said", [
    ("nosuch.yaml", "no mapping file 'nosuch.yaml' (no such file)"),
    ("council/list5.yml", "no mapping file 'council/list5.yml' (no such file)"),
    ("annex-a-list9", "no mapping called 'annex-a-list9'"),
])
def test_a_mapping_file_not_there_is_said_to_be_missing_not_unnamed(given, said):
    """"no mapping called 'nosuch.yaml'" read as if the tool did not know the name (found by a probe)."""
    with pytest.raises(InputError) as exc:
        load_mapping(given)
    [problem] = exc.value.problems
    assert problem.message == said and "annex-a-list5" in problem.hint


def test_a_folder_given_as_the_mapping_is_said_to_be_a_folder_naming_the_files_in_it(tmp_path):
    # It was "no mapping file '...' (no such file)", of a folder that is there.
    (tmp_path / "list5.yaml").write_text("mapping: x\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_mapping(tmp_path)
    [problem] = exc.value.problems
    assert problem.message == f"{str(tmp_path)!r} is a folder, not a mapping file"
    assert problem.hint == "give the mapping's file: list5.yaml"


def test_a_folder_named_as_a_bundled_mapping_leaves_the_bundled_mapping_read(tmp_path, monkeypatch):
    # The README's synth --layout ssd writes to ssd/, then gives --mapping ssd beside it: that was 'a folder'.
    (tmp_path / "ssd").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_mapping("ssd").name == "ssd"


def test_a_mapping_file_not_in_utf_8_is_said_so_where_its_first_such_byte_is(tmp_path):
    # Windows-1252's e acute (0xe9) as the 11th character of line 2; it was Python's "'utf-8' codec can't decode byte
    # 0xe9 in position 23: invalid continuation byte", with no line.
    path = tmp_path / "council.yaml"
    path.write_bytes(b"mapping: council\ntitle: Caf\xe9 list\n")
    with pytest.raises(InputError) as exc:
        load_mapping(path)
    [problem] = exc.value.problems
    assert (problem.file, problem.line, problem.column) == (str(path), 2, 11)
    assert problem.message == "byte 0xe9 is not UTF-8 text"
    assert problem.hint == "save the mapping file as UTF-8, as YAML files must be"


def test_a_mapping_naming_an_unknown_event_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("mapping: bad\nkind: referral\nid: \"{ID}\"\nevents:\n  referal: Date of Referral\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_mapping(path)
    [problem] = exc.value.problems
    assert problem.line == 5 and "unknown event 'referal'" in problem.message


@pytest.mark.parametrize("template", ["{}", "{Child Unique ID", "Child Unique ID", "{ID}}"])
def test_an_id_template_naming_no_column_is_refused_when_the_mapping_is_loaded(tmp_path, template):
    """Such an id is one constant: every row after the first would be reported as a duplicate of it."""
    path = tmp_path / "bad.yaml"
    path.write_text(f"mapping: bad\nkind: referral\nid: {template!r}\nevents:\n  referral: Date of Referral\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_mapping(str(path))
    problem = exc.value.problems[0]
    assert problem.field == "id" and problem.line == 3 and "names no column" in problem.message


def test_map_writes_nothing_when_rows_cannot_be_read_unless_told_to_skip_them(run_cli, tmp_path):
    # A records file is checked later, maybe by someone else: written without the bad rows it would not say so, and
    # `check` on it would exit 0 with them lost.
    out = tmp_path / "records.csv"
    args = ("map", str(CASEWORK / "annex-a-list5.csv"), "--mapping", "annex-a-list5", "--output", str(out))
    code, _, err = run_cli(*args)
    assert code == 2 and not out.exists()
    assert "annex-a-list5.csv:5:4:" in err and "nothing written: 2 rows could not be read" in err
    assert "--skip-bad-rows" in err
    code, _, err = run_cli(*args, "--skip-bad-rows")
    assert code == 0
    assert "annex-a-list5.csv:5:4:" in err and "4 record(s) read" in err
    code, table, _ = run_cli("check", str(out), "--as-of", "2022-12-31")
    assert "NB1006-S47-2022-06-01" in table and code == 1


def test_map_writes_nothing_when_no_row_can_be_read_even_told_to_skip_them(run_cli, tmp_path):
    # With every row left out, --skip-bad-rows wrote a file of headers over last night's records, with exit code 0.
    rows = (CASEWORK / "annex-a-list5.csv").read_text(encoding="utf-8").splitlines()
    extract = tmp_path / "list5.csv"
    extract.write_text("\n".join([rows[0], *(row.replace("16/12/2020", "16/13/2020") for row in rows[1:3])]) + "\n",
                       encoding="utf-8")
    out = tmp_path / "records.csv"
    out.write_text("id,kind\nNB1001-S47-2020-12-16,child-protection\n", encoding="utf-8")
    code, written, err = run_cli("map", str(extract), "--mapping", "annex-a-list5", "--output", str(out),
                                 "--skip-bad-rows")
    assert (code, written) == (2, "")
    assert err.splitlines()[-1] == ("nothing written: 2 rows could not be read, and no record was read through "
                                    "annex-a-list5: fix the rows and map again")
    assert out.read_text(encoding="utf-8") == "id,kind\nNB1001-S47-2020-12-16,child-protection\n"


def test_kpi_command_reads_the_census_through_its_mapping(run_cli):
    code, out, err = run_cli("kpi", str(CASEWORK / "cin-census.xml"), "--mapping", "cin-census",
                             "--as-of", "2023-03-31", "--format", "csv")
    assert code == 2 and "2022-08-31X" in err
    rows = {line.split(",")[0]: line for line in out.splitlines()[1:]}
    assert rows["rcpc"].startswith("rcpc,100.0,2,2,0,0")


CHILD = ("<Child><ChildIdentifiers><LAchildID>{id}</LAchildID></ChildIdentifiers>"
         "<CINdetails><CINreferralDate>2022-05-20</CINreferralDate></CINdetails></Child>\n")


def census(tmp_path, *parts):
    path = tmp_path / "census.xml"
    path.write_text('<?xml version="1.0"?>\n<Message><Header><CollectionDetails><ReferenceDate>2023-03-31'
                    '</ReferenceDate></CollectionDetails></Header><Children>\n' + "".join(parts)
                    + "</Children></Message>\n", encoding="utf-8")
    return path


def test_elements_nested_40000_deep_stop_the_file_at_their_line_and_keep_the_children_before(tmp_path):
    """Issue 12: 40,000 nested elements outside <Child> (280 KB) took 99 s; now the file stops at depth 100."""
    path = census(tmp_path, CHILD.format(id="NB1"), "<a>" * 40_000 + "</a>" * 40_000 + "\n", CHILD.format(id="NB2"))
    records, problems = load_mapped([path], load_mapping("cin-census"))
    assert [r.id for r in records] == ["NB1-R-2022-05-20"]
    [problem] = problems
    assert (problem.file, problem.line) == (str(path), 4)
    assert "nested more than 100 deep" in problem.message and "the rest of the file was not read" in problem.message


def test_a_child_of_more_than_10000_elements_is_skipped_and_the_next_is_read(tmp_path):
    huge = ("<Child><ChildIdentifiers><LAchildID>BIG</LAchildID></ChildIdentifiers>"
            + "<CINdetails><CINreferralDate>2022-05-20</CINreferralDate></CINdetails>" * 6_000 + "</Child>\n")
    path = census(tmp_path, huge, CHILD.format(id="NB2"))
    records, problems = load_mapped([path], load_mapping("cin-census"))
    assert [r.id for r in records] == ["NB2-R-2022-05-20"]
    [problem] = problems
    assert problem.line == 3 and "more than 10,000 elements, so it was skipped" in problem.message


def test_a_child_holding_megabytes_of_text_is_skipped(tmp_path):
    huge = "<Child><ChildIdentifiers><LAchildID>" + "x" * 3_000_000 + "</LAchildID></ChildIdentifiers></Child>\n"
    path = census(tmp_path, huge, CHILD.format(id="NB2"))
    records, problems = load_mapped([path], load_mapping("cin-census"))
    assert [r.id for r in records] == ["NB2-R-2022-05-20"]
    [problem] = problems
    assert problem.line == 3 and "characters of text, so it was skipped" in problem.message


def test_an_entity_declaration_is_refused_before_anything_expands(tmp_path):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path = tmp_path / "census.xml"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY l0 "lol">{laughs}]>\n<Message><Children>'
                    + CHILD.format(id="&l9;") + "</Children></Message>\n", encoding="utf-8")
    records, problems = load_mapped([path], load_mapping("cin-census"))
    assert records == []
    [problem] = problems
    assert problem.line == 2 and "declares the entity 'l0'" in problem.message


@pytest.mark.parametrize("change, message", [
    # Found by tests/test_fuzz.py: each was a TypeError or AttributeError traceback.
    (('date_formats: ["%d/%m/%Y", "%Y-%m-%d"]', "date_formats: 1"), "date_formats must be a list of formats"),
    (("kind: child-protection", "kind: [child-protection]"), "unknown record kind ['child-protection']"),
    (("events:\n", "events: [a, b]\nrecorded_deadlines:\n"), "events must map names to columns or paths"),
    (("  icpc: Date of Initial Child Protection Conference", "  icpc: {columns: 5}"),
     "the column of 'icpc' must be a name, or a list of names"),
    (("  icpc: Date of Initial Child Protection Conference", "  icpc: {column: A, 0: x}"),
     "unknown key 0 in the source of 'icpc'"),
])
def test_a_mapping_of_the_wrong_shape_is_a_located_problem(tmp_path, change, message):
    problem, _ = refused_when_changed(tmp_path, "annex-a-list5", *change)
    assert message in str(problem) and problem.file == str(tmp_path / "mapping.yaml") and problem.line


def refused_when_changed(tmp_path, name, old, new):
    """The one problem loading a bundled mapping with ``old`` changed to ``new`` raises, and the text changed."""
    text = available_mappings()[name].read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mapping.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    [problem] = caught.value.problems
    return problem, text.replace(old, new, 1)


def test_a_census_in_an_encoding_python_cannot_read_is_a_located_problem(tmp_path):
    path = tmp_path / "census.xml"
    path.write_text('<?xml version="1.0" encoding="TF-8"?>\n<Message/>\n', encoding="utf-8")
    records, problems = load_mapped([path], load_mapping("cin-census"))
    assert records == [] and len(problems) == 1 and "cannot read the file's encoding" in problems[0].message


CENSUS = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header><CollectionDetails><Collection>CIN</Collection><ReferenceDate>{reference}</ReferenceDate>
  </CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>C1</LAchildID></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2023-03-01</CINreferralDate><ReferralNFA>false</ReferralNFA>
        <Assessments><AssessmentActualStartDate>2023-03-02</AssessmentActualStartDate></Assessments>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2023-01-09</CINreferralDate><ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def test_a_census_ends_at_its_reference_date(tmp_path, rules):
    path = tmp_path / "census.xml"
    path.write_text(CENSUS.format(reference="2023-03-31"), encoding="utf-8")
    mapping = load_mapping("cin-census")
    records, problems = load_mapped([path], mapping)
    assert problems == [] and {r.extract_date for r in records} == {date(2023, 3, 31)}
    found = {(f.record, f.rule): f for f in evaluate(records, mapping.duties(rules), date(2026, 1, 15))}
    # Referral Wed 1 Mar 2023, open at the census date (Fri 31 Mar): 45 working days, 22 in March, 18 in April
    # (Good Friday 7 and Easter Monday 10 Apr out), then 2-5 May and Tue 9 May (1 and 8 May out): Tue 9 May,
    # after the census was drawn: not in this extract, not overdue by hundreds of working days.
    open_ = found[("C1-R-2023-03-01", "assessment-45wd")]
    assert (open_.status, open_.deadline, open_.unrecorded) == ("missing_data", date(2023, 5, 9),
                                                               ("assessment_completed",))
    assert "not in this extract" in open_.reason and "2023-03-31" in open_.reason
    # Referral Mon 9 Jan 2023: 45 working days end Mon 13 Mar 2023, before the census date, with no
    # authorisation by it: overdue as of 31 Mar, 14-17, 20-24, 27-31 Mar being 14 working days (18 days).
    overdue = found[("C1-R-2023-01-09", "assessment-45wd")]
    assert (overdue.status, overdue.deadline, overdue.working_days_late, overdue.days_late) == (
        "overdue", date(2023, 3, 13), 14, 18)


def test_the_extract_date_can_be_given_and_a_bad_header_date_is_a_located_problem(tmp_path):
    path = tmp_path / "census.xml"
    path.write_text(CENSUS.format(reference="31st March"), encoding="utf-8")
    records, problems = load_mapped([path], load_mapping("cin-census"))
    [problem] = problems
    assert problem.line == 3 and "'31st March' is not a date" in problem.message and "--extract-date" in problem.hint
    assert {r.extract_date for r in records} == {None}
    records, problems = load_mapped([path], load_mapping("cin-census"), extract_date=date(2023, 3, 31))
    assert problems == [] and {r.extract_date for r in records} == {date(2023, 3, 31)}
    # An Annex A list holds no date: the mapping says the user gives it.
    assert load_mapping("annex-a-list4").extract_date == "given"
    list5, _ = load_mapped([CASEWORK / "annex-a-list5.csv"], load_mapping("annex-a-list5"),
                           extract_date=date(2021, 6, 30))
    assert {r.extract_date for r in list5} == {date(2021, 6, 30)}


def test_a_table_mapping_cannot_read_its_extract_date_from_a_header(tmp_path):
    text = (available_mappings()["annex-a-list5"]).read_text(encoding="utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_text(text.replace("extract_date: given", "extract_date: Header/Date"), encoding="utf-8")
    with pytest.raises(InputError, match="a table has no header to read the extract's date from"):
        load_mapping(path)


@pytest.mark.parametrize("records, message, line", [
    ("  - kind: referral\n    key: r_id\n    id: '{r_id}'\n", "each kind of record read from tables names its table", 5),
    ("  - kind: referral\n    table: referrals\n    key: r_id\n    id: '{r_id}'\n    events:\n"
     "      referral: assessments.start\n", "'assessments.start' is not a column of referrals", 10),
    ("  - kind: referral\n    table: referrals\n    key: r_id\n    id: '{r_id}'\n    join:\n"
     "      assessments: {on: r_id, key: a_id, skip_if: {cancelled: Y}}\n",
     "skip_if maps a column to true (a yes-or-no flag", 10),
    # The codes that leave a row out, alone, say nothing of the others: a cancelled review marked T was held.
    ("  - kind: referral\n    table: referrals\n    key: r_id\n    id: '{r_id}'\n    join:\n"
     "      assessments: {on: r_id, key: a_id, skip_if: {cancelled: [Y, y, '1']}}\n",
     "or to each of its codes, true for a row not to count and false for one that counts", 10),
    ("  - kind: referral\n    table: referrals; DROP TABLE x\n    key: r_id\n    id: '{r_id}'\n",
     "each kind of record read from tables names its table", 6),
])
def test_a_mapping_of_tables_is_checked_where_it_is_written(tmp_path, records, message, line):
    path = tmp_path / "bad.yaml"
    path.write_text(f"mapping: bad\ntitle: Bad\nformat: tables\nrecords:\n{records}", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    problem = caught.value.problems[0]
    assert message in problem.message and problem.line == line, str(problem)


def test_a_census_that_does_not_say_when_it_was_drawn_is_judged_with_a_warning(tmp_path):
    path = tmp_path / "census.xml"
    path.write_text('<?xml version="1.0"?>\n<Message><Children>\n' + CHILD.format(id="NB1")
                    + "</Children></Message>\n", encoding="utf-8")
    records, problems = load_mapped([path], load_mapping("cin-census"))
    assert [r.id for r in records] == ["NB1-R-2022-05-20"] and records[0].extract_date is None
    [warning] = problems
    assert warning.warning and "the day it was drawn is not known" in warning.message
    assert "--extract-date" in warning.hint


def test_an_extract_date_given_over_the_censuss_own_is_taken_with_a_warning(tmp_path):
    path = census(tmp_path, CHILD.format(id="NB1"))
    records, problems = load_mapped([path], load_mapping("cin-census"), extract_date=date(2024, 1, 1))
    assert records[0].extract_date == date(2024, 1, 1)
    [warning] = problems
    assert warning.warning and warning.line == 2
    assert "the file says it was drawn on 2023-03-31; --extract-date 2024-01-01 is taken instead" in warning.message


def test_an_xml_file_that_holds_no_child_is_a_problem_not_an_empty_census(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?>\n<foo><bar/></foo>\n', encoding="utf-8")
    records, problems = load_mapped([path], load_mapping("cin-census"))
    assert records == []
    [problem] = problems
    assert not problem.warning and "no <Child> element (its outermost is <foo>)" in problem.message


def test_an_annex_a_header_in_other_case_or_spacing_is_the_same_column(tmp_path):
    """Templates of different years write "Allocated team" or "Allocated  Team"; a name nowhere near is still
    refused, naming the likeliest column."""
    source = FIXTURES / "casework" / "annex-a-list5.csv"
    header, rest = source.read_text(encoding="utf-8").split("\n", 1)
    loose = tmp_path / "list5.csv"
    loose.write_text(header.lower().replace(" ", "  ") + "\n" + rest, encoding="utf-8")
    mapping = load_mapping("annex-a-list5")
    expected, _ = load_mapped([source], mapping)
    found, _ = load_mapped([loose], mapping)
    assert [r.to_dict() for r in found] == [r.to_dict() for r in expected] and found
    wrong = tmp_path / "wrong.csv"
    first = header.split(",")[0]
    wrong.write_text(header.replace(first, first[:-2], 1) + "\n" + rest, encoding="utf-8")
    _, problems = load_mapped([wrong], mapping)
    assert f"no column {first!r}" in problems[0].message and f"is {first[:-2].strip()!r} it?" in problems[0].hint


def test_an_excel_serial_in_a_mapped_date_column_is_named_as_the_day_it_would_be(tmp_path):
    source = FIXTURES / "casework" / "annex-a-list5.csv"
    path = tmp_path / "list5.csv"
    path.write_text(source.read_text(encoding="utf-8").replace("16/12/2020", "44181", 1), encoding="utf-8")
    _, problems = load_mapped([path], load_mapping("annex-a-list5"))
    assert "'44181' looks like an Excel date serial for 2020-12-16: format the column as a date" in problems[0].message


@pytest.mark.parametrize("duties", ["[]", "['']", "icpc-15wd"])
def test_a_mapping_whose_duties_measure_nothing_is_refused(tmp_path, duties):
    """An empty list would read the records for no duty at all (and a record layout cannot say "none")."""
    path = tmp_path / "bad.yaml"
    path.write_text(f"mapping: bad\nkind: referral\nid: \"{{ID}}\"\nduties: {duties}\nevents:\n"
                    "  referral: Date of Referral\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_mapping(str(path))
    assert exc.value.problems[0].field == "duties" and exc.value.problems[0].line == 4


def test_map_warns_of_an_extract_that_holds_no_date_of_its_own(run_cli, tmp_path):
    args = ("map", str(CASEWORK / "annex-a-list5.csv"), "--mapping", "annex-a-list5", "--skip-bad-rows", "--output")
    _, _, err = run_cli(*args, str(tmp_path / "a.csv"))
    assert "hold no date of their own and no --extract-date was given" in err
    _, _, err = run_cli(*args, str(tmp_path / "b.csv"), "--extract-date", "2022-06-10")
    assert "hold no date" not in err and "extract_date" in (tmp_path / "b.csv").read_text(encoding="utf-8")


def test_a_referral_with_two_assessments_reads_the_first_whole_and_says_the_second_is_not_measured(tmp_path, rules):
    # Taken field by field, the first assessment's start and the second's authorisation made one assessment of
    # two: "late by 109 working days", when the first was never authorised and the second took nine.
    (tmp_path / "ssd_cin_episodes.csv").write_text(
        "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_nfa,cine_referral_team\n"
        "R1,P1,2024-01-08 00:00:00.000,N,Front Door\n", encoding="utf-8")
    (tmp_path / "ssd_cin_assessments.csv").write_text(
        "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,cina_assessment_auth_date\n"
        "A2,P1,R1,2024-06-03 00:00:00.000,2024-06-14 00:00:00.000\n"
        "A1,P1,R1,2024-01-10 00:00:00.000,\n", encoding="utf-8")
    mapping = load_mapping("ssd")
    paths = [tmp_path / "ssd_cin_episodes.csv", tmp_path / "ssd_cin_assessments.csv"]
    [record], problems = load_mapped(paths, mapping)
    assert record.events == {"referral": (date(2024, 1, 8),), "assessment_start": (date(2024, 1, 10),)}
    [warning] = [p for p in problems if p.warning]
    # At the second row in date order, A2's: line 2 of its file.
    assert (warning.file, warning.line, warning.column) == (str(paths[1]), 2, 4)
    assert warning.message == ("this record has 2 ssd_cin_assessments rows giving assessment_start or "
                               "assessment_completed: only the first is read, so the other is not measured (a "
                               "referral record holds one of each)")
    found = outcomes([record], rules, mapping, date(2025, 3, 31))
    # 45 working days from Mon 8 Jan 2024: 17 left in January, 21 in February, Fri 1 and 4-8 March, Mon 11 March;
    # from Wed 10 Jan: 15, 21, 6, then 11-13 March. Neither has a bank holiday; both open a year on.
    assert found[("R-R1", "assessment-45wd", 1)] == ("overdue", date(2024, 3, 11))
    assert found[("R-R1", "assessment-45wd-from-start", 1)] == ("overdue", date(2024, 3, 13))


def test_a_census_episode_with_two_assessments_reads_the_first_whole_and_says_the_second_is_not_measured(
        tmp_path, rules):
    path = tmp_path / "census.xml"
    path.write_text(CENSUS.format(reference="2023-03-31").replace(
        "<Assessments><AssessmentActualStartDate>2023-03-02</AssessmentActualStartDate></Assessments>",
        "<Assessments><AssessmentActualStartDate>2022-05-23</AssessmentActualStartDate></Assessments>"
        "<Assessments><AssessmentActualStartDate>2022-09-01</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2022-12-20</AssessmentAuthorisationDate></Assessments>").replace(
        "2023-03-01", "2022-05-20"), encoding="utf-8")
    mapping = load_mapping("cin-census")
    records, problems = load_mapped([path], mapping)
    [warning] = problems
    # At the first of them: the census's elements are located by their first line.
    assert warning.warning and warning.field == "Assessments/AssessmentActualStartDate" and warning.line == 10
    assert warning.message.startswith("this record has 2 <Assessments> elements giving assessment_start or "
                                      "assessment_completed: only the first is read")
    found = outcomes(records, rules, mapping, date(2023, 3, 31))
    # From Fri 20 May 2022: 7 working days to 31 May, then June less the Jubilee (Thu 2 and Fri 3), 1-22 July and
    # Mon 25, Tue 26 July; from Mon 23 May: 6, June's 19, Fri 1 July, 4-22 July, then 25-27 July. Never authorised.
    assert found[("C1-R-2022-05-20", "assessment-45wd", 1)] == ("overdue", date(2022, 7, 26))
    assert found[("C1-R-2022-05-20", "assessment-45wd-from-start", 1)] == ("overdue", date(2022, 7, 27))


@pytest.mark.parametrize("change, key, hint", [
    (("attributes:", "atributes:"), "atributes", "did you mean 'attributes'?"),
    (("events:", "event:"), "event", "did you mean 'events'?"),
    (("mapping: annex-a-list5", "mapping: annex-a-list5\ndate_format: ['%d/%m/%Y']"), "date_format",
     "did you mean 'date_formats'?"),
])
def test_a_misspelt_key_in_a_mapping_is_refused_where_it_is_written(tmp_path, change, key, hint):
    # Passed over, `atributes:` turned 40 conferences deemed unnecessary into 40 overdue ones, and `event:` read
    # records for no duty at all, with nothing to show and exit code 0.
    problem, text = refused_when_changed(tmp_path, "annex-a-list5", *change)
    assert problem.message == f"unknown key {key!r} in the mapping" and problem.hint == hint
    lines = text.splitlines()
    assert (problem.line, problem.column) == (lines.index(next(x for x in lines if x.startswith(key))) + 1, 1)


def test_a_misspelt_key_in_one_kind_of_record_is_refused(tmp_path):
    problem, text = refused_when_changed(tmp_path, "ssd", "    recorded_deadlines:\n      icpc",
                                         "    recorded_deadline:\n      icpc")
    assert problem.message == "unknown key 'recorded_deadline' in a kind of record"
    assert problem.hint == "did you mean 'recorded_deadlines'?"
    assert problem.line == text.splitlines().index("    recorded_deadline:") + 1


@pytest.mark.parametrize("written, fault", [
    ("%Q", "cannot be read: 'Q' is a bad directive in format '%Q'"),
    ("%d/%m", "does not hold a whole date (day, month and year)"),
])
def test_a_date_format_that_cannot_read_a_date_is_refused_when_the_mapping_is_loaded(tmp_path, written, fault):
    problem, _ = refused_when_changed(tmp_path, "annex-a-list5", 'date_formats: ["%d/%m/%Y", "%Y-%m-%d"]',
                                      f'date_formats: ["{written}"]')
    assert problem.message == f"the date format {written!r} {fault}" and problem.field == "date_formats"


def test_a_date_format_with_a_utc_offset_is_a_whole_date(tmp_path):
    text = (available_mappings()["annex-a-list5"]).read_text(encoding="utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_text(text.replace('date_formats: ["%d/%m/%Y", "%Y-%m-%d"]', 'date_formats: ["%Y-%m-%dT%H:%M:%S%z"]'),
                    encoding="utf-8")
    assert load_mapping(path).date_formats == ("%Y-%m-%dT%H:%M:%S%z",)


def test_a_mapping_that_says_the_month_comes_first_reads_no_date_day_first(tmp_path):
    # Before, the rows its format read were month first (11/07/2023: 7 November) and the others silently day first.
    text = (available_mappings()["annex-a-list5"]).read_text(encoding="utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_text(text.replace('date_formats: ["%d/%m/%Y", "%Y-%m-%d"]', 'date_formats: ["%m/%d/%Y"]'),
                    encoding="utf-8")
    records, problems = load_mapped([CASEWORK / "annex-a-list5.csv"], load_mapping(path))
    refused = [p for p in problems if p.message.endswith("is not a date")]
    assert refused and all(p.hint == "this mapping reads dates as MM/DD/YYYY" for p in refused)
    assert all(int(p.message[1:3]) > 12 for p in refused)  # a day, where the month was said to be


def test_a_code_mapped_to_a_value_the_attribute_cannot_take_is_refused_at_the_mapping(tmp_path):
    # It was reported at each of the 40 cells that held the code, as if the extract were wrong.
    problem, text = refused_when_changed(tmp_path, "annex-a-list5", '"a) Yes": true', '"a) Yes": maybe')
    assert problem.message == ("'a) Yes' maps to 'maybe', which icpc_not_required cannot be: 'maybe' is not yes or "
                               "no")
    assert problem.field == "icpc_not_required" and problem.line == text.splitlines().index("  icpc_not_required:") + 2


def test_a_day_written_as_a_mappings_extract_date_is_refused_with_what_to_write(tmp_path):
    problem, _ = refused_when_changed(tmp_path, "annex-a-list5", "extract_date: given", "extract_date: 2025-03-31")
    assert problem.message.startswith("extract_date says where the day an extract was drawn comes from, not the day")
    assert problem.hint == "write extract_date: given, and --extract-date 2025-03-31 when the extract is read"


def test_a_mapped_file_separated_by_semicolons_is_said_to_be_so(tmp_path):
    """A mapped CSV file saved by an Excel that separates cells with semicolons was told only that its header row has
    no column 'Date action plan sent to Ofsted', which the user could see it had."""
    path = tmp_path / "own.csv"
    path.write_text("Inspection ref;Local authority;Type of inspection;Priority actions?;Date final report received;"
                    "Date report published on website;Date action plan sent to Ofsted\n"
                    "HAM-2024-ILACS;Hamley;ILACS;;03/12/2024;14/01/2025;10/03/2025\n", encoding="utf-8")
    records, problems = load_mapped([path], load_mapping(ROOT / "examples" / "own-columns.yaml"))
    assert records == [] and [(p.line, p.field) for p in problems] == [(1, "Date action plan sent to Ofsted")]
    assert problems[0].hint.startswith("its columns are separated by semicolons, as Excel saves every kind of CSV")
    assert problems[0].hint.endswith("save it as an Excel Workbook (.xlsx) and give that, which is read as it is")


def test_a_date_at_midnight_the_formats_do_not_read_is_a_day_as_the_ones_they_read(tmp_path):
    """An export writing a date column as 2025-04-03 00:00:00, which the mapping's formats do not read, was read as a
    return at midnight exactly: the interview at 10:00 three days later was late by 10 hours, where the same day
    written 03/04/2025 00:00, which they read, was a day (met, approximate). Both are the day now."""
    (tmp_path / "missing.yaml").write_text(
        "mapping: missing\nformat: table\nkind: missing-episode\ndate_formats: ['%d/%m/%Y %H:%M', '%d/%m/%Y']\n"
        "id: '{Episode}'\nevents:\n  returned_from_missing: Returned\n  return_interview: Interview\n",
        encoding="utf-8")
    path = tmp_path / "missing.csv"
    path.write_text("Episode,Returned,Interview\nE1,2025-04-03 00:00:00,06/04/2025 10:00\n"
                    "E2,03/04/2025 00:00,06/04/2025 10:00\nE3,2025-04-03 14:30:00,06/04/2025 10:00\n"
                    "E4,2025-04-02T23:00Z,06/04/2025 10:00\n", encoding="utf-8")
    records, problems = load_mapped([path], load_mapping(tmp_path / "missing.yaml"))
    assert problems == []
    # 23:00 UTC on 2 April, with its offset, is an instant: midnight in London (BST), not the day.
    assert [r.first("returned_from_missing") for r in records] == [
        date(2025, 4, 3), date(2025, 4, 3), datetime(2025, 4, 3, 14, 30), datetime(2025, 4, 3, 0, 0)]
    # 72 hours from the day ends with Sun 6 April: met, approximate; from 14:30 on the 3rd, at 14:30 on the 6th: met.
    found = {f.record: f for f in evaluate(records, load_rules(), date(2025, 10, 1)) if f.status != "not_applicable"}
    assert [(found[i].status, found[i].approximate) for i in ("E1", "E2", "E3")] == [
        ("met", True), ("met", True), ("met", False)]
