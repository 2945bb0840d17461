"""`compliance track`: a file of events replayed day by day, on either engine."""

from __future__ import annotations

import pytest

from conftest import ENGINES, ROOT

EXAMPLE = str(ROOT / "examples" / "inspection-events.csv")






@pytest.mark.parametrize("engine", ENGINES)
def test_the_example_file_day_by_day(run_cli, engine):
    code, out, err = run_cli("track", EXAMPLE, "--as-of", "2026-11-20", "--engine", engine)
    assert (code, err) == (1, "")  # something is late or overdue
    lines = out.splitlines()
    # The inspection ended Fri 1 May 2026, so the report cannot come before: the duties open, due by their
    # earliest possible deadlines (30 working days, 4 and 25 May skipped: Tue 16 Jun; 70: Tue 11 Aug).
    assert lines[:4] == [
        "2026-05-01",
        "  opened   example-heath-2026-ilacs  la-publish-report        due by 2026-06-16 at the earliest (30 working "
        "days from report_received, not yet recorded)",
        "  opened   example-heath-2026-ilacs  la-publish-statement     due by 2026-08-11 at the earliest (70 working "
        "days from report_received, not yet recorded)",
        "  opened   example-heath-2026-ilacs  la-send-action-plan      due by 2026-08-11 at the earliest (70 working "
        "days from report_received, not yet recorded)",
    ]
    assert "2026-08-07" in lines and (
        "  overdue  example-fen-2026-fv       fv-priority-draft-plan   missed its deadline of 2026-08-06") in lines
    assert ("  closed   example-fen-2026-fv       fv-priority-draft-plan   late: draft_action_plan_sent on "
            "2026-08-10, 2 working days (4 days) after 2026-08-06") in lines
    assert ("  closed   example-heath-2026-ilacs  la-publish-report        met: report_published on 2026-07-10, "
            "deadline 2026-07-13") in lines
    assert lines[-4:] == [
        "Open as of 2026-11-20: 3 (2 due, 1 overdue)",
        "  OVERDUE  example-heath-2026-ilacs  la-publish-statement     deadline 2026-09-08, overdue by 53 "
        "working days (73 days)",
        "  DUE      example-vale-2026-ilacs   la-publish-statement     deadline 2027-01-12, 34 working days "
        "(53 days) left",
        "  DUE      example-vale-2026-ilacs   la-send-action-plan      deadline 2027-01-12, 34 working days "
        "(53 days) left",
    ]


def test_nothing_late_or_overdue_exits_0(run_cli, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("date,record,kind,event,framework\n2026-10-01,a,inspection,report_received,ILACS\n"
                    "2026-10-05,a,,report_published,\n", encoding="utf-8")
    code, out, err = run_cli("track", str(path), "--as-of", "2026-10-20")
    assert (code, err) == (0, "")
    assert "  closed   a  la-publish-report     met: report_published on 2026-10-05, deadline 2026-11-12" in out
    # 20 October 2026 to 12 January 2027: 84 days; working days 8 in October, 21 in November, 21 in December
    # (less Christmas Day and the Boxing Day substitute), 7 in January (less New Year's Day).
    assert out.splitlines()[-3:] == [
        "Open as of 2026-10-20: 2 (2 due, 0 overdue)",
        "  DUE      a  la-publish-statement  deadline 2027-01-12, 57 working days (84 days) left",
        "  DUE      a  la-send-action-plan   deadline 2027-01-12, 57 working days (84 days) left",
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_later_review_is_said_to_run_from_the_previous_review(run_cli, tmp_path, engine):
    path = tmp_path / "events.csv"
    path.write_text("date,record,kind,event\n2024-07-01,lac,looked-after,became_looked_after\n"
                    "2024-07-22,lac,,cla_review\n2024-12-01,lac,,cla_review\n", encoding="utf-8")
    code, out, err = run_cli("track", str(path), "--as-of", "2025-03-01", "--engine", engine)
    assert (code, err) == (1, "")  # review 2 was late
    lines = out.splitlines()
    # SI 2010/959 reg 33: the first review within 20 working days of Mon 1 Jul 2024 (2-5, 8-12, 15-19, 22-26 July
    # are 19, so Mon 29 Jul); the second within 3 months of the first, held Mon 22 Jul: Tue 22 Oct 2024; later ones
    # within 6 months of the one before, held Sun 1 Dec 2024: Sun 1 Jun 2025. Each later one runs from the
    # previous review, never from became_looked_after (1 Jul).
    assert "  opened   lac  cla-review     due by 2024-07-29 (20 working days from became_looked_after on " \
           "2024-07-01)" in lines
    assert "  opened   lac  cla-review #2  due by 2024-10-22 (3 months from the previous cla_review on " \
           "2024-07-22)" in lines
    assert "  opened   lac  cla-review #3  due by 2025-06-01 (6 months from the previous cla_review on " \
           "2024-12-01)" in lines
    assert "became_looked_after on 2024-07-22" not in out and "became_looked_after on 2024-12-01" not in out


def test_a_later_visit_whose_period_is_not_known_is_due_at_the_earliest_from_the_previous_visit(run_cli, tmp_path):
    # SI 2010/959 reg 28(2): placed Mon 2 Jan 2023, visited every 6 weeks in the first year, the tenth visit on
    # Mon 22 Jan 2024, after the first year. placement_until_18 is not given, so the next is due within 6 weeks
    # (Mon 4 Mar 2024) or 3 months (Mon 22 Apr 2024) of that visit: at the earliest 4 March.
    visits = ["2023-01-09", "2023-02-20", "2023-04-03", "2023-05-15", "2023-06-26", "2023-08-07", "2023-09-18",
              "2023-10-30", "2023-12-11", "2024-01-22"]
    path = tmp_path / "events.csv"
    path.write_text("date,record,kind,event\n2023-01-02,v,looked-after,placement_start\n"
                    + "".join(f"{day},v,,visit\n" for day in visits), encoding="utf-8")
    code, out, err = run_cli("track", str(path), "--as-of", "2024-03-01")
    assert (code, err) == (0, "")
    assert ("  opened   v  cla-visit #11  due by 2024-03-04 at the earliest (6 weeks from the previous visit on "
            "2024-01-22)") in out.splitlines()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_log_shows_an_extension_moving_a_deadline(run_cli, tmp_path, engine):
    path = tmp_path / "events.csv"
    path.write_text("date,record,kind,event\n2022-09-09,c,complaint,complaint_received\n"
                    "2022-09-20,c,,stage1_extended\n2025-04-01,cp,care-proceedings,care_application_issued\n"
                    "2025-10-10,cp,,care_extension\n", encoding="utf-8")
    code, out, err = run_cli("track", str(path), "--as-of", "2025-10-15", "--engine", engine)
    assert (code, err) == (1, "")  # the complaint is overdue
    lines = out.splitlines()
    # Complaint (SI 2006/1738 reg 14): 10 working days from Fri 9 Sep 2022, the State Funeral on Mon 19 Sep
    # skipped, end Mon 26 Sep; extended in time on Tue 20 Sep to 20 working days: Sep 27-30 and Oct 3-7 make 19,
    # so Mon 10 Oct, and overdue from Tue 11 Oct.
    assert lines[:6] == [
        "2022-09-09",
        "  opened   c   complaint-stage1       due by 2022-09-26 (10 working days from complaint_received on "
        "2022-09-09)",
        "2022-09-20",
        "  extended c   complaint-stage1       stage1_extended recorded: deadline moves from 2022-09-26 to 2022-10-10",
        "2022-10-11",
        "  overdue  c   complaint-stage1       missed its deadline of 2022-10-10",
    ]
    # Care proceedings (Children Act 1989 s.32): 26 weeks beginning with Tue 1 Apr 2025 end Mon 29 Sep (issue + 181
    # days); extended on Fri 10 Oct, after they ran out, so 8 weeks from the grant (s.32(8)): Fri 5 Dec 2025.
    assert lines[6:12] == [
        "2025-04-01",
        "  opened   cp  care-proceedings-26wk  due by 2025-09-29 (26 weeks from care_application_issued on "
        "2025-04-01)",
        "2025-09-30",
        "  overdue  cp  care-proceedings-26wk  missed its deadline of 2025-09-29",
        "2025-10-10",
        "  extended cp  care-proceedings-26wk  care_extension recorded: deadline moves from 2025-09-29 to "
        "2025-12-05; no longer overdue, due by 2025-12-05",
    ]
    # The summary agrees with the log: 15 Oct to 5 Dec 2025 is 51 days.
    assert "  DUE      cp  care-proceedings-26wk  deadline 2025-12-05, 51 days" in out


def test_a_duty_missed_until_its_end_is_closed_on_the_day_it_ended(run_cli, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("date,record,kind,event\n2023-03-01,c,complaint,complaint_received\n"
                    "2023-04-03,c,,stage2_start\n2023-04-20,c,,stage2_response\n", encoding="utf-8")
    code, out, err = run_cli("track", str(path), "--as-of", "2023-12-31")
    assert (code, err) == (1, "")  # stage 1 was missed
    # Stage 1 (SI 2006/1738 reg 14): received Wed 1 Mar 2023, due Wed 15 Mar (2-3, 6-10, 13-15 March). Stage 2 on
    # Mon 3 Apr ends it: 19 days (16 in March, 3 in April), 13 working days (16-17, 20-24, 27-31 March, 3 April).
    # Stage 2 (reg 17) answered Thu 20 Apr, 11 working days after 3 Apr (4-6, 11-14, 17-20; Easter skipped), well
    # within 25: met, so nothing is left open.
    assert ("  closed   c  complaint-stage1  missed: the duty ended on 2023-04-03, 13 working days (19 days) after "
            "its deadline of 2023-03-15") in out.splitlines()
    assert out.splitlines()[-1] == "Nothing open as of 2023-12-31."


def test_output_file_is_written(run_cli, tmp_path):
    target = tmp_path / "today.txt"
    code, out, _ = run_cli("track", EXAMPLE, "--as-of", "2026-11-20", "--output", str(target))
    assert code == 1 and out == ""
    assert target.read_text(encoding="utf-8").startswith("2026-05-01\n")


@pytest.mark.parametrize("name", ["changes.csv", "changes.xlsx", "changes.json", "changes.xls"])
def test_an_output_named_as_a_table_is_refused_before_anything_is_read(run_cli, tmp_path, name):
    # The replay is text, a change a line: changes.csv held it, and Excel showed each line in one cell of column A.
    target = tmp_path / name
    code, out, err = run_cli("track", EXAMPLE, "--as-of", "2026-11-20", "--output", str(target))
    assert code == 2 and out == "" and not target.exists()
    assert f"track writes text, a change a line: it writes no {target.suffix} file (give a file name ending .txt)" in err


def test_bad_rows_stop_the_replay_with_file_row_and_column(run_cli, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("date,record,kind,event\n2026-10-05,a,inspection,report_received\n"
                    "2026-10-01,a,,report_published\n2026-10-06,a,,report_publish\n", encoding="utf-8")
    code, out, err = run_cli("track", str(path), "--as-of", "2026-11-20")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"error: {path}:3:1: date: 2026-10-01 is before 2026-10-05 on row 2: events must be in date order "
        "(sort the rows by date)",
        f"error: {path}:4:4: event: unknown event 'report_publish' for inspection records (did you mean "
        "'report_published'?)",
        "2 problem(s) in the events: nothing was tracked, since a replay is only as good as its first bad row.",
    ]


@pytest.mark.parametrize("name", ["events.xlsx", "events.csv"])
def test_a_workbook_is_told_that_track_reads_csv_only(run_cli, tmp_path, name):
    # Not "give the workbook its .xlsx name": track reads no workbook, whatever its name (check does).
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["date", "record", "kind", "event"])
    book.active.append(["2026-10-05", "a", "inspection", "report_received"])
    book.save(tmp_path / name)
    code, out, err = run_cli("track", str(tmp_path / name), "--as-of", "2026-11-20")
    assert code == 2 and out == ""
    assert err.splitlines()[0] == (
        f"error: {tmp_path / name}: track reads CSV files only, and this is a zip file (an Excel workbook?), not "
        "CSV text (save the sheet as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) and give that file)")
    assert ".xlsx name" not in err
    if name == "events.csv":  # check reads workbooks: there the fix is the name
        _, _, err = run_cli("check", str(tmp_path / name))
        assert "(give the workbook its .xlsx name, or save it as CSV UTF-8)" in err


def test_events_after_the_as_of_date(run_cli):
    code, out, err = run_cli("track", EXAMPLE, "--as-of", "2026-10-01")
    assert code == 2 and out == ""
    assert err.splitlines()[0] == (f"error: {EXAMPLE}:17: date: the event is dated 2026-10-05, after the as-of "
                                   "date 2026-10-01 (give a later --as-of (the default is today))")


def test_help_has_a_worked_example(run_cli, capsys):
    with pytest.raises(SystemExit) as done:
        run_cli("track", "--help")
    assert done.value.code == 0
    assert "compliance track examples/inspection-events.csv --as-of 2026-11-20" in capsys.readouterr().out
