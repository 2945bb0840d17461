"""A file whose dates show they run the other way from how they are read: the dates read either way are named in one
warning, since each may be a month or more out."""

from __future__ import annotations

from compliance.records import load_mapped, load_mapping, read_records
from compliance.records._date_order import DateOrder

HEADER = "id,kind,team,referral,assessment_start,assessment_completed\n"


def test_a_tracker_written_month_first_names_the_dates_read_day_first(tmp_path):
    """Found by hand: 3/25/2024 on one row was refused, and 3/1/2024 on the next read as 3 January: the referral of 1
    March was overdue by 58 working days, with no word that the file writes the month first."""
    path = tmp_path / "referrals.csv"
    path.write_text(HEADER + "R1,referral,A,3/25/2024,3/26/2024,\n"
                             "R2,referral,A,3/1/2024,3/4/2024,4/10/2024\n"
                             "R3,referral,A,2024-03-01,13/03/2024,\n", encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["R2", "R3"]
    assert [p.field for p in problems if not p.warning] == ["referral", "assessment_start"]  # R1's month 25 and 26
    [warning] = [p for p in problems if p.warning]
    # Only R2's count: R1 was not read, R3's 13/03/2024 reads one way alone and its 2024-03-01 has the year first.
    assert (warning.file, warning.line, warning.column) == (str(path), 3, 4)
    assert warning.message == (
        "'3/25/2024' at row 2 can only be month first, yet 3 date(s) of this file that read either way were read day "
        "first: '3/1/2024' (row 3) as 3 January 2024, '3/4/2024' (row 3) as 3 April 2024 and '4/10/2024' (row 3) as 4 "
        "October 2024")
    assert warning.hint == ("if the file writes dates month first, each of those is wrong, and so is any finding on "
                            "it: write every date as YYYY-MM-DD, which is never read the other way, and check again")


def test_a_tracker_whose_dates_all_read_day_first_is_not_warned_of(tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text(HEADER + "R1,referral,A,25/03/2024,26/03/2024,\nR2,referral,A,3/1/2024,3/4/2024,\n",
                    encoding="utf-8")
    records, problems = read_records([path])
    assert len(records) == 2 and problems == []


def test_one_slip_among_dates_written_day_first_is_refused_alone(tmp_path):
    # 25/03 and 26/03 can only be day first; 3/27/2024, a slip, only month first: the file is day first.
    path = tmp_path / "referrals.csv"
    path.write_text(HEADER + "R1,referral,A,25/03/2024,26/03/2024,\nR2,referral,A,3/1/2024,3/27/2024,\n"
                             "R3,referral,A,3/1/2024,3/4/2024,\n", encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["R1", "R3"]
    assert [(p.line, p.field, p.warning) for p in problems] == [(3, "assessment_start", False)]


def test_a_mapping_reading_the_month_first_names_the_dates_a_day_first_one_shows_wrong(tmp_path):
    mapping = tmp_path / "referrals.yaml"
    mapping.write_text('mapping: us-referrals\nformat: table\nkind: referral\ndate_formats: ["%m/%d/%Y"]\n'
                       'id: "{Ref}"\nevents:\n  referral: Received\n', encoding="utf-8")
    path = tmp_path / "referrals.csv"
    path.write_text("Ref,Received\nCR1,25/3/2024\nCR2,3/1/2024\nCR3,03/03/2024\n", encoding="utf-8")
    records, problems = load_mapped([path], load_mapping(str(mapping)))
    assert [r.id for r in records] == ["CR2", "CR3"]  # 03/03/2024 is the same day either way
    [warning] = [p for p in problems if p.warning]
    assert (warning.line, warning.column) == (3, 2)
    assert warning.message == ("'25/3/2024' at row 2 can only be day first, yet 1 date(s) of this file that read "
                               "either way were read month first: '3/1/2024' (row 3) as 1 March 2024")


def test_past_three_dates_the_rest_are_counted_and_a_cell_of_several_dates_is_seen_whole():
    order = DateOrder()
    order.see("13/03/2024", 2, "D")
    assert order.warning("f.csv") is None  # nothing shows the other order
    order.see("1/2/2024; 2/3/2024", 3, "D")
    order.kept(True)
    order.see("3/4/2024", 4, "D")
    order.kept(False)  # its row was not read
    order.see("5/6/2024.", 5, "D")  # not a date: said by the reader, not here
    order.see("4/5/2024", 6, "E")
    order.see("6/7/2024", 6, "F")
    order.kept(True)
    assert order.warning("f.csv") is None  # still nothing the other way
    order.see("12/31/2024", 7, "D")
    order.kept(False)
    assert order.warning("f.csv") is None  # one date each way alone: a slip, either of them
    order.see("1/30/2024", 8, "D")
    order.kept(False)
    assert order.warning("f.csv").message == (
        "'12/31/2024' at row 7 can only be month first, yet 4 date(s) of this file that read either way were read day "
        "first: '1/2/2024' (row 3) as 1 February 2024, '2/3/2024' (row 3) as 2 March 2024, '4/5/2024' (row 6) as 4 May "
        "2024 and 1 more")


def test_a_day_month_or_year_of_nought_is_a_date_not_read_not_a_fault_of_the_tool(tmp_path):
    # 0/5/2024 and 01/02/0000 are shaped as dates either way, but neither way is a date: they were taken for dates
    # read either way (date(2024, 5, 0): ValueError), and check and kpi stopped with an internal error.
    from compliance.records.columns import read_batches
    from compliance.rules import load_vocabulary

    path = tmp_path / "referrals.csv"
    path.write_text(HEADER + "R1,referral,A,0/5/2024,,\nR2,referral,A,01/02/0000,,\nR3,referral,A,5/0/2024,,\n"
                             "R4,referral,A,2024-03-01,,\n", encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["R4"]
    assert [(p.line, p.field, p.warning) for p in problems] == [(2, "referral", False), (3, "referral", False),
                                                              (4, "referral", False)]
    found = []
    batches = list(read_batches([path], load_vocabulary(), found))
    assert [i for b in batches for i in b.ids.to_pylist()] == ["R4"]
    assert [(p.line, p.field, p.warning) for p in found] == [(2, "referral", False), (3, "referral", False),
                                                           (4, "referral", False)]
