"""Values shown to a person: control characters and bidirectional controls and marks escaped, never obeyed."""

from __future__ import annotations

import pytest

from compliance.errors import Problem, one_line, printable, quoted, shown

# Each reorders or hides the text around it: the overrides and isolates, and the marks (left-to-right,
# right-to-left and the Arabic letter mark), with which an id could seem to read as another.
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
        "\u061c"]


@pytest.mark.parametrize("character", BIDI)
def test_bidirectional_controls_and_marks_are_shown_as_escapes(character):
    escaped = f"\\u{ord(character):04x}"
    assert printable(f"C1{character}23") == f"C1{escaped}23"
    assert one_line(f"C1{character}23") == f"C1{escaped}23"


def test_text_in_a_right_to_left_script_is_kept_as_written():
    assert printable("فريق الشمال") == one_line("فريق الشمال") == "فريق الشمال"


def test_line_breaks_are_escaped_on_one_line_and_kept_by_printable():
    assert one_line("a\nb\tc\u2028d\x1b") == "a\\nb\\tc\\u2028d\\x1b"
    assert printable("a\nb\tc\x1b") == "a\nb\tc\\x1b"


def test_a_file_name_that_is_not_utf8_is_kept_in_a_problem_as_the_escape_of_its_byte():
    # Python keeps byte 0xE9 of a file name as "\udce9": written into JSON, CSV or a workbook, it failed the run.
    from compliance.errors import Problem

    assert Problem("bad", file="/data/caf\udce9.csv", line=2).file == "/data/caf\\xe9.csv"
    assert Problem("bad", file="half\ud800").file == "half\\ud800"
    assert Problem("bad", file="Café.csv").file == "Café.csv"


@pytest.mark.parametrize("given, shown", [
    ("host=db user=reader password=s3cret", "host=db user=reader password=***"),
    ("Driver={ODBC};Server=x;UID=u;PWD=p@ss/1;", "Driver={ODBC};Server=x;UID=u;PWD=***;"),
    ("postgresql//reader:s3/cr@t@db/ssd", "postgresql//reader:***@db/ssd"),
    ("trackers/team=north.csv", "trackers/team=north.csv"),
    ("/home/jo@example/tracker.csv", "/home/jo@example/tracker.csv"),
    ("host=db user=r passwd=s3cret", "host=db user=r passwd=***"),
    ("Password%3Ds3cret;x", "Password%3D***;x"),
    ("reader:s3cret@db/ssd", "reader:***@db/ssd"),
    ("host=db password='s3 cret' user=r", "host=db password=*** user=r"),
])
def test_a_password_in_what_was_given_as_a_file_is_never_shown(given, shown):
    """A connection string, or a URL mistyped so that it reads as a path, given where a file goes: "no such file"
    echoed it, password and all, into cron mail and logs."""
    problem = Problem("no such file", file=given, hint="check the path")
    assert problem.file == shown and "s3" not in str(problem) and "p@ss" not in str(problem)


def test_a_value_of_a_thousand_characters_is_shown_whole_and_a_longer_one_by_its_start_and_length():
    # An id may be 1,000 characters; a cell may hold a million: a note pasted into a date's cell.
    assert shown("C" * 1000) == "'" + "C" * 1000 + "'"
    assert quoted("C" * 1000) == "'" + "C" * 1000 + "'"
    note = "2021-10-20 " + "seen at home; " * 70_000  # 11 + 14 x 70,000 = 980,011 characters
    assert shown(note) == "'2021-10-20 seen at home; seen at home; s'... (980,011 characters)"
    assert quoted("\t" + note) == "'\\t2021-10-20 seen at home; seen at home; '... (980,012 characters)"
    assert quoted(45000) == "45000" and shown(45000) == "45000"


def test_a_field_a_file_names_past_the_limit_is_cut_as_a_value_is():
    # A JSON record with a key of 100,000 characters put the whole key in the field of its problem: 100 KB a line.
    problem = Problem("unknown field", file="records.json", line=1, field="x" * 100_000)
    assert problem.field == "x" * 40 + "... (100,000 characters)"
    assert len(str(problem)) < 200
    assert Problem("unknown field", field="y" * 1_000).field == "y" * 1_000  # up to the limit, as it is
