"""The one CSV writer: cells a spreadsheet shows as typed, whichever list separator it splits lines on."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from hypothesis import given, settings, strategies as st

from compliance.errors import printable
from compliance.records import csv_cell, csv_line
from compliance.records._tables import unguarded


@pytest.mark.parametrize("value, cell", [
    ("plain", "plain"),
    ("a,b", '"a,b"'),
    ('say "hi"', '"say ""hi"""'),
    ("two\nlines", '"two\nlines"'),
    ("=1+2", "'=1+2"),
    ("x;=1+1;y", "x;'=1+1;y"),  # a ";" reader starts a cell after each ";"
    ("x; @SUM(1)", "x; '@SUM(1)"),
    ('x;"=1', '"x;""\'=1"'),
    ("a\n-1+1", "\"a\n'-1+1\""),  # and after a line break, which ends its line
    ("2024-01-01;2024-02-01", "2024-01-01;2024-02-01"),
    ("esc\x1b[31m", "esc\\x1b[31m"),
    ("\x9b=1", "\\x9b=1"),
    ("'=1", "''=1"), ("x;'-1", "x;''-1"),  # a ' before a formula character gets one more: reading takes one off
    ("it's", "it's"), ("'quoted'", "'quoted'"),
    (None, ""), (True, "true"), (False, "false"), (-5, "-5"), (1.5, "1.5"),
    (date(2025, 1, 17), "2025-01-17"), (datetime(2025, 1, 17, 9, 30), "2025-01-17T09:30"),
    (("a", "b"), "a | b"),
])
def test_a_cell(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize("separator", [",", ";"])
def test_no_reader_of_either_separator_starts_a_cell_with_a_formula(separator):
    hostile = ["=1+1", "x;=1+1;y", "a,=b", "; -x", "\t=1", " @x", "q\"=;=1", "l1\n=2", "@", "x;;+1"]
    text = csv_line(hostile) + csv_line(reversed(hostile))
    for row in csv.reader(io.StringIO(text), delimiter=separator):
        for cell in row:
            assert not cell.lstrip(" \n\"")[:1] in ("=", "+", "-", "@", "\t"), (separator, cell)


@pytest.mark.parametrize("cell, value", [
    ("'-HAM-1", "-HAM-1"), ("'+HAM-2", "+HAM-2"), ("'=1+1", "=1+1"), ("'@x", "@x"), ("'\tx", "\tx"),
    ("' =x", " =x"), ("'\n=x", "\n=x"),
    ("a;'=b", "a;=b"), ("x\n'=y", "x\n=y"), ('x;" \'@1', 'x;" @1'), ("'\n\n'=x", "\n\n=x"),
    ("''=1", "'=1"), ("x;''-1", "x;'-1"),
    # no guard the writer puts: left as they are
    ("'x", "'x"), ("it's", "it's"), ("'", "'"), ("a'=b", "a'=b"), (" '=x", " '=x"), ("2024-01-01;'x", "2024-01-01;'x"),
])
def test_a_guarded_cell_is_read_as_the_value_it_was_made_from(cell, value):
    assert unguarded(cell) == value


def test_a_workbook_cell_has_only_its_first_guard_taken_off():
    # spreadsheet_safe guards a workbook cell first alone: Excel splits no cell at a ";".
    assert unguarded("'-1;'=2", inner=False) == "-1;'=2"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("'=+-@;\n\t \"ax,")), max_size=12))
def test_every_cell_the_writer_makes_is_read_back_as_its_value(value):
    [cell] = next(csv.reader(io.StringIO(csv_line([value])))) or [""]
    assert unguarded(cell) == printable(value)
