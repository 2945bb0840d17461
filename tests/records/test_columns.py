"""Reading record CSV files as columns: the same cells accepted and refused as records/_readers.py, streamed."""

from __future__ import annotations

from datetime import date

from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary


def read(tmp_path, text, block=1 << 20):
    path = tmp_path / "records.csv"
    path.write_text(text, encoding="utf-8")
    problems = []
    batches = list(read_batches([path], load_vocabulary(), problems, block_bytes=block))
    return batches, problems


def test_dates_lists_and_times_become_sorted_columns(tmp_path):
    batches, problems = read(tmp_path, "id,kind,icpc,rcpc\n"
                                       "c1,child-protection,2023-08-31,2024-05-30;2023-11-30\n"
                                       "c2,child-protection,2023-09-01,\n")
    assert not problems
    [batch] = batches
    rcpc = batch.event("rcpc")
    assert rcpc.counts.tolist() == [2, 0]
    assert [date.fromordinal(d) for d in rcpc.days.tolist()] == [date(2023, 11, 30), date(2024, 5, 30)]
    times, _ = read(tmp_path, "id,kind,returned_from_missing\nm1,missing-episode,2024-03-01T22:15\n"
                              "m2,missing-episode,2024-03-02\n")
    column = times[0].event("returned_from_missing")
    assert column.seconds.tolist() == [22 * 3600 + 15 * 60, -1]


def test_a_bad_cell_is_reported_with_row_and_column_and_the_rest_read(tmp_path):
    batches, problems = read(tmp_path, "id,kind,referral,referral_nfa\n"
                                       "r1,referral,2022-05-20,false\n"
                                       "r2,referral,05/20/2022,false\n"
                                       "r3,referral,2022-05-21,perhaps\n"
                                       "r4,referral,2022-05-22,true\n")
    assert [b.ids.to_pylist() for b in batches] == [["r1", "r4"]]
    assert sorted((p.line, p.column, p.field) for p in problems) == [(3, 3, "referral"), (4, 4, "referral_nfa")]
    assert all(p.file.endswith("records.csv") for p in problems)


def test_duplicate_ids_across_chunks_keep_the_first(tmp_path):
    batches, problems = read(tmp_path, "id,kind,referral\nr1,referral,2022-05-20\nr2,referral,2022-05-21\n"
                                       "r1,referral,2022-05-22\n", block=48)
    assert sorted(i for b in batches for i in b.ids.to_pylist()) == ["r1", "r2"]
    assert [(p.line, p.field) for p in problems] == [(4, "id")]
    assert "duplicate record id 'r1'" in problems[0].message


def test_short_rows_and_blank_lines_are_read_as_records_py_reads_them(tmp_path):
    batches, problems = read(tmp_path, "id,kind,referral,referral_decision\n"
                                       "r1,referral,2022-05-20\n\n"
                                       "r2,referral,2022-05-21,2022-05-23,extra\n")
    assert not problems
    assert sorted(i for b in batches for i in b.ids.to_pylist()) == ["r1", "r2"]


def test_a_file_without_id_or_kind_is_refused_at_the_header(tmp_path):
    batches, problems = read(tmp_path, "ref,kind\nr1,referral\n")
    assert batches == [] and problems[0].line == 1 and "no id column" in problems[0].message
