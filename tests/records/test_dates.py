"""Dates in trackers: ISO, the UK's day-first DD/MM/YYYY (never month first) and the way council papers write
dates ("14 December 2018"); Excel serials refused with a hint.

Both CSV readers (records/_readers.py, and the vectorised records/columns.py) must accept and refuse the
same cells with the same words, so each cell below is read by both.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from compliance.records import parse_event_date, read_records
from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary

# Each cell and the date a person reading it in England means (worked by hand, not by the code).
ACCEPTED = [
    ("2025-09-05", date(2025, 9, 5)),
    ("05/09/2025", date(2025, 9, 5)),  # 5 September: day first
    ("5/9/2025", date(2025, 9, 5)),
    ("1/12/2024", date(2024, 12, 1)),
    ("31/01/2024", date(2024, 1, 31)),
    ("29/02/2024", date(2024, 2, 29)),
    (" 05/09/2025 ", date(2025, 9, 5)),
    ("05/09/2025 14:30", datetime(2025, 9, 5, 14, 30)),
    ("05/09/2025 14:30:15", datetime(2025, 9, 5, 14, 30, 15)),
    ("2025-09-05T14:30", datetime(2025, 9, 5, 14, 30)),
    ("2025-09-05 08:05", datetime(2025, 9, 5, 8, 5)),
    # As council papers write dates: 14 December 2018 was a Friday.
    ("14 December 2018", date(2018, 12, 14)),
    ("14 Dec 2018", date(2018, 12, 14)),
    ("14th December 2018", date(2018, 12, 14)),
    ("Friday 14 December 2018", date(2018, 12, 14)),
    ("Fri, 14 Dec. 2018", date(2018, 12, 14)),
    ("5 Sept 2025", date(2025, 9, 5)),
    ("5 SEPTEMBER 2025", date(2025, 9, 5)),
    ("1st March 2024 09:30", datetime(2024, 3, 1, 9, 30)),
]
# Each refused cell and the words the user sees.
REFUSED = [
    ("12/31/2024", "'12/31/2024' is not a date: there is no month 31 (dates are read day first, DD/MM/YYYY)"),
    ("05/09/25", "'05/09/25' is not a date: give the year in full, DD/MM/YYYY"),
    ("31/02/2024", "'31/02/2024' is not a date: day is out of range for month"),
    ("29/02/2023", "'29/02/2023' is not a date: day is out of range for month"),
    ("2025/09/05", "'2025/09/05' is not a date"),
    ("45901", "45901 looks like an Excel date serial for 2025-09-01: format the column as a date"),
    ("45901.5", "45901.5 looks like an Excel date-time serial for 2025-09-01 12:00: format the column as a date"),
    ("2019", "'2019' is not a date"),
    ("5 Sep 25", "'5 Sep 25' is not a date: give the year in full, 14 December 2018"),
    ("Monday 14 December 2018", "'Monday 14 December 2018' is not a date: 14 December 2018 is a Friday, not a Monday"),
    ("14 Decmber 2018", "'14 Decmber 2018' is not a date: 'Decmber' is not a month (did you mean December?)"),
    ("December 14, 2018", "'December 14, 2018' is not a date: write the day first, 14 December 2018"),
    ("30 February 2024", "'30 February 2024' is not a date: day is out of range for month"),
]


@pytest.mark.parametrize("cell, expected", ACCEPTED)
def test_accepted_cells(cell, expected):
    assert parse_event_date(cell) == expected
    assert type(parse_event_date(cell)) is type(expected)


@pytest.mark.parametrize("cell, message", REFUSED)
def test_refused_cells_say_why(cell, message):
    with pytest.raises(ValueError) as exc:
        parse_event_date(cell)
    assert str(exc.value) == message


def test_excel_serial_numbers_from_a_workbook_cell_are_hinted_at():
    # 45901 days after 30 December 1899 is Monday 1 September 2025 (Excel's day count, from its 1900 epoch).
    with pytest.raises(ValueError, match=r"^45901 looks like an Excel date serial for 2025-09-01"):
        parse_event_date(45901)
    with pytest.raises(ValueError, match=r"^45901.0 looks like an Excel date serial for 2025-09-01"):
        parse_event_date(45901.0)
    with pytest.raises(ValueError, match=r"^true is not a date$"):
        parse_event_date(True)


def _both_readers(tmp_path, cells):
    path = tmp_path / "dates.csv"
    rows = "".join(f'r{i},missing-episode,"{c}"\n' for i, c in enumerate(cells))
    path.write_text("id,kind,returned_from_missing\n" + rows, encoding="utf-8")
    records, problems = read_records([path])
    per_record = {r.id: r.events["returned_from_missing"][0] for r in records}
    batch_problems: list = []
    vectorised = {}
    for batch in read_batches([path], load_vocabulary(), batch_problems):
        column = batch.event("returned_from_missing")
        for rid, day, second in zip(batch.ids.to_pylist(), column.days.tolist(), column.seconds.tolist()):
            d = date.fromordinal(day)
            vectorised[rid] = d if second < 0 else datetime(d.year, d.month, d.day, second // 3600,
                                                            second % 3600 // 60, second % 60)
    return per_record, problems, vectorised, batch_problems


def test_both_csv_readers_accept_and_refuse_the_same_cells_with_the_same_words(tmp_path):
    cells = [c for c, _ in ACCEPTED] + [c for c, _ in REFUSED]
    per_record, problems, vectorised, batch_problems = _both_readers(tmp_path, cells)
    expected = {f"r{i}": d for i, (_, d) in enumerate(ACCEPTED)}
    assert per_record == expected
    assert vectorised == expected
    words = {(p.line, p.column, p.message, p.hint) for p in problems}
    assert words == {(p.line, p.column, p.message, p.hint) for p in batch_problems}
    assert {p.message for p in problems} == {m for _, m in REFUSED}
    assert all("DD/MM/YYYY" in p.hint and "YYYY-MM-DD" in p.hint for p in problems)


def test_a_whole_column_of_uk_dates_is_read_by_the_fast_path_too(tmp_path):
    """Many rows of DD/MM/YYYY (the shape of a real tracker), one bad among them, in both readers."""
    cells = [f"{d:02d}/{m:02d}/2024" for m in range(1, 13) for d in (1, 15, 28)] + ["30/02/2024"]
    per_record, problems, vectorised, batch_problems = _both_readers(tmp_path, cells)
    assert per_record == vectorised
    assert len(per_record) == 36 and per_record["r0"] == date(2024, 1, 1) and per_record["r35"] == date(2024, 12, 28)
    assert [(p.line, p.message) for p in problems] == [(38, "'30/02/2024' is not a date: day is out of range for month")]
    assert [(p.line, p.message) for p in batch_problems] == [(p.line, p.message) for p in problems]
