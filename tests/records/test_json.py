"""A JSON file of records read a record at a time: a key given twice, NaN, a number too long for Python or nesting too
deep is one problem at its record, which is left out, and the other records are read; a syntax error says how many
records were read before it."""

from __future__ import annotations

import json

from compliance.records import read_records
from compliance.rules import load_vocabulary

VOCABULARY = load_vocabulary()


def read(tmp_path, text):
    path = tmp_path / "records.json"
    path.write_text(text, encoding="utf-8")
    records, problems = read_records([path], VOCABULARY)
    return [r.id for r in records], [(p.line, p.column, p.field, p.message) for p in problems]


def test_each_bad_record_is_one_problem_at_its_record_and_the_others_are_read(tmp_path):
    # Nesting 5,000 deep is more than YAML reads too: with no positions from YAML, each problem gives the first line
    # and column of its record, found from where json read it.
    deep = "[" * 5000 + "]" * 5000
    ids, problems = read(tmp_path, (
        '[\n'
        ' {"id": "a", "kind": "inspection",'
        ' "events": {"report_received": "2024-12-03", "report_received": "2024-12-04"}},\n'
        ' {"id": "b", "kind": "inspection", "framework": NaN},\n'
        f'  {{"id": "c", "kind": "inspection", "notes": {deep}}},\n'
        ' {"id": "d", "kind": "inspection", "authority": ' + "7" * 4400 + '},\n'
        ' {"id": "ok", "kind": "inspection", "framework": "ILACS"}\n'
        ']\n'))
    assert ids == ["ok"]
    assert problems == [
        (2, 2, "report_received", "record 'a': invalid JSON: duplicate key 'report_received'"),
        (3, 2, "framework", "record 'b': invalid JSON: NaN is not a JSON value"),
        (4, 3, None, "the 3rd record: invalid JSON: nested too deeply to read"),
        (5, 2, "authority", "record 'd': invalid JSON: a number of 4400 digits is too long to read")]


def test_where_yaml_reads_the_text_each_problem_is_at_its_value(tmp_path):
    ids, problems = read(tmp_path, (
        '{"records": [\n'
        '  {"id": "a", "kind": "inspection",\n'
        '   "kind": "inspection"},\n'
        '  {"id": "b", "kind": "inspection", "authority": ' + "7" * 4400 + '},\n'
        '  {"id": "ok", "kind": "inspection", "framework": "ILACS"}]}\n'))
    assert ids == ["ok"]
    assert problems == [
        (3, 4, "kind", "duplicate key 'kind' (first given at line 2)"),
        (4, 50, "authority", "record 'b': invalid JSON: a number of 4400 digits is too long to read")]


def test_a_syntax_error_says_how_many_records_were_read_before_it(tmp_path):
    ids, problems = read(tmp_path, (
        '[{"id": "a", "kind": "inspection", "framework": "ILACS"},\n'
        ' {"id": "b" "kind": "inspection"},\n'
        ' {"id": "c", "kind": "inspection", "framework": "ILACS"}]\n'))
    assert ids == ["a"] and problems == [
        (2, 13, None, "invalid JSON: Expecting ',' delimiter: the file was not read from line 2 on (read before it: 1 "
                      "record)")]


def test_a_syntax_error_before_the_records_or_after_them_says_what_was_read(tmp_path):
    ids, problems = read(tmp_path, '{"extract": 1,, "records": [{"id": "a", "kind": "inspection"}]}')
    assert ids == [] and problems == [
        (1, 15, None, "invalid JSON: Expecting property name enclosed in double quotes: no record of this file was "
                      "read")]
    ids, problems = read(tmp_path, '[{"id": "a", "kind": "inspection", "framework": "ILACS"}] x')
    assert ids == ["a"] and problems == [
        (1, 59, None, "invalid JSON: Extra data: the file was not read from line 1 on (read before it: 1 record)")]


def test_a_fault_in_the_documents_own_object_leaves_its_records_read(tmp_path):
    # "records" given twice: the first list is read, as the first of two keys is kept in a record; a value of the
    # document's own too deep for json is said at its line even where YAML cannot read the text.
    ids, problems = read(tmp_path, (
        '{"records": [{"id": "a", "kind": "inspection", "framework": "ILACS"}],\n'
        ' "records": [{"id": "b"}],\n'
        ' "source": ' + "[" * 5000 + "]" * 5000 + '}\n'))
    assert ids == ["a"] and problems == [
        (3, 12, "source", "invalid JSON: nested too deeply to read"),
        (2, 2, "records", "invalid JSON: duplicate key 'records'"),
        (3, 12, "source", "unknown key 'source': nothing under it is read")]


def test_a_whole_number_id_written_with_a_point_is_the_number_it_is(tmp_path):
    # pandas writes an id column with a gap in it as floats: 1234 as 1234.0. The record was '1234.0', so neither its
    # own system's 1234 nor the same record given as 1234 elsewhere was the same id; 12.5 is kept as written.
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"id": 1234.0, "kind": "referral", "events": {"referral": "2024-01-05"}},
                                {"id": 1e3, "kind": "referral"}, {"id": 12.5, "kind": "referral"},
                                {"id": 1234, "kind": "referral"}]), encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["1234", "1000", "12.5"]
    assert [p.message for p in problems] == ["duplicate record id '1234' (first at " + f"{path}:1)"]
