"""The one CSV writer: cells a spreadsheet shows as typed, whichever list separator it splits lines on."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from compliance.records import csv_cell, csv_line


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
