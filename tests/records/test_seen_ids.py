"""Duplicate record ids, found by the numpy hash table against a plain Python set (an independent method)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.records._seen_ids import SeenIds


def test_repeats_within_a_chunk_and_across_files_name_the_file_first_seen_in():
    seen = SeenIds()
    a, b = seen.file_number("a.csv"), seen.file_number("b.csv")
    repeat, first = seen.add(["x", "y", "x", "z", "y"], a)
    assert repeat.tolist() == [False, False, True, False, True] and first == ["a.csv", "a.csv"]
    repeat, first = seen.add(["zz", "x", "q", "a much longer id than before", "zz", "é-1", "é-1"], b)
    assert repeat.tolist() == [False, True, False, False, True, False, True]
    assert first == ["a.csv", "b.csv", "b.csv"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="AB1é-", min_size=1, max_size=6), max_size=300), max_size=8))
def test_the_same_repeats_as_a_python_set(chunks):
    seen, known = SeenIds(), set()
    n = seen.file_number("f.csv")
    for ids in chunks:
        repeat, _ = seen.add(ids, n)
        expected = []
        for rid in ids:
            expected.append(rid in known)
            known.add(rid)
        assert repeat.tolist() == expected
    assert len(seen) == len(known)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="AB1é-", min_size=1, max_size=6), max_size=400),
       st.lists(st.text(alphabet="AB1é-", min_size=1, max_size=6), max_size=60),
       st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=12))
def test_ids_in_ascending_order_then_out_of_it_the_same_repeats_as_a_python_set(ascending, later, sizes):
    """Sorted ids need no table until one comes out of order; then every id read before is found in it."""
    _same_as_a_set(sorted(set(ascending), key=lambda i: i.encode()) + later, sizes)


def _same_as_a_set(ids: list[str], sizes: list[int]) -> None:
    """Read ``ids`` in chunks of ``sizes`` (in turn), from two files in turn: each chunk's repeats, and the file each
    repeat was first read in, are what a dict of the ids read (to the file each came from) says."""
    seen, first_file = SeenIds(), dict[str, str]()
    files = [seen.file_number("a.csv"), seen.file_number("b.csv")]
    start, k = 0, 0
    while start < len(ids):
        chunk = ids[start:start + sizes[k % len(sizes)]]
        number = files[k % 2]
        repeat, first = seen.add(chunk, number)
        expected, named = [], []
        for rid in chunk:
            expected.append(rid in first_file)
            if rid in first_file:
                named.append(first_file[rid])
            first_file.setdefault(rid, seen.files[number])
        assert repeat.tolist() == expected and first == named
        start += len(chunk)
        k += 1
    assert len(seen) == len(first_file)


def test_a_few_ids_in_order_then_one_again_is_a_repeat():
    seen = SeenIds()
    n = seen.file_number("f.csv")
    assert not seen.add(["a", "b", "c"], n)[0].any()
    assert not seen.add(["d", "e"], n)[0].any()
    assert seen.add(["b"], n)[0].tolist() == [True]
    assert seen.add(["e", "f", "a"], n)[0].tolist() == [True, False, True]
    assert len(seen) == 6


def test_a_table_that_grows_many_times_keeps_every_id():
    rnd = random.Random(3)
    seen, known = SeenIds(), set()
    n = seen.file_number("f.csv")
    for _ in range(40):
        ids = [f"C{rnd.randrange(40_000):0{rnd.randrange(3, 9)}d}-R{rnd.randrange(3)}" for _ in range(rnd.randrange(1, 4000))]
        repeat, _ = seen.add(ids, n)
        expected = []
        for rid in ids:
            expected.append(rid in known)
            known.add(rid)
        assert repeat.tolist() == expected
    seen.expect(100_000)  # making room keeps what is there
    assert seen.add(sorted(known)[:5], n)[0].all()


@pytest.mark.parametrize("in_order, most", [(False, 16), (True, 4)])
def test_an_id_costs_its_tag_its_slot_and_its_compressed_bytes(monkeypatch, in_order, most):
    """Past the ids kept as they are (8 MB; 1 MB here), an id costs about 13 bytes, under 16, and under 28 at the
    peak while the table grows: memory grows little with the records (the table of whole ids this replaced held
    24 bytes an id and peaked at 53). Ids in ascending order cost their compressed bytes alone: no table."""
    import tracemalloc

    import pyarrow as pa

    from compliance.records import _seen_ids

    monkeypatch.setattr(_seen_ids, "_PLAIN_BYTES", 1 << 20)
    n = 600_000
    order = list(range(n)) if in_order else random.Random(5).sample(range(n), n)
    ids = [f"C{i:07d}-R{1 + i % 3}" for i in order]
    chunks = [pa.array(ids[s:s + 50_000], type=pa.string()) for s in range(0, n, 50_000)]
    tracemalloc.start()
    try:
        seen = SeenIds()
        number = seen.file_number("f.csv")
        base = tracemalloc.get_traced_memory()[0]
        for chunk in chunks:
            assert not seen.add(chunk, number)[0].any()
        held, peak = (m - base for m in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
    assert held < most * n and peak < 28 * n
    assert sum(run.compressed for run in seen._runs) >= 10


def test_a_tag_that_matches_is_confirmed_or_refuted_by_the_ids_read_back(monkeypatch):
    """Every tag the same (one comparison in 65,536 for two ids, forced here): each id is compared with the ids in
    its probe path, read back from their compressed chunks, and only the same id is a repeat."""
    import numpy as np

    from compliance.records import _seen_ids

    monkeypatch.setattr(_seen_ids, "_PLAIN_BYTES", 1 << 16)
    monkeypatch.setattr(_seen_ids, "_LOW", np.uint64(0))
    seen = SeenIds()
    number = seen.file_number("f.csv")
    for start in range(0, 60_000, 10_000):
        assert not seen.add([f"C{i:07d}-R1" for i in range(start, start + 10_000)], number)[0].any()
    assert any(run.compressed for run in seen._runs)
    again = ["C0000005-R1", "C0059999-R1", "C0060000-R1", "C0000005-R1", "C0000005-R2"]
    repeat, first = seen.add(again, seen.file_number("g.csv"))
    assert repeat.tolist() == [True, True, False, True, False] and first == ["f.csv", "f.csv", "f.csv"]


def test_more_rows_than_the_ids_can_be_numbered_is_a_clear_error(monkeypatch):
    from compliance.errors import InputError
    from compliance.records import _seen_ids

    monkeypatch.setattr(_seen_ids, "_MOST_ROWS", 5)
    seen = SeenIds()
    number = seen.file_number("f.csv")
    assert not seen.add(["a", "b", "c"], number)[0].any()
    with pytest.raises(InputError, match="split the records"):
        seen.add(["d", "e", "f"], number)


def test_ids_compressed_across_their_bytes_read_back_as_they_were():
    import numpy as np
    import pyarrow as pa

    from compliance.records._seen_ids import _Run, fixed_width

    ids = ["C0000001-R1", "x", "", "Zoë-7", "C0000002-R12", "C0000001-R1"]
    keys = fixed_width(pa.array(ids))
    run = _Run(0, keys, 0, np.zeros(0, dtype=np.int32))
    run.compress()
    assert run.compressed and run.keys().tolist() == keys.tolist()
    assert [k.decode() for k in run.keys()] == ids


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B1", "é-"]), st.sampled_from([1, 3, 9, 20, 70, 400])),
                max_size=300),
       st.lists(st.integers(min_value=1, max_value=90), min_size=1, max_size=8))
def test_ids_of_many_widths_the_same_repeats_and_first_files_as_a_python_set(parts, sizes):
    """Ids from 1 byte to 800, read a width at a time within each chunk: still every repeat, and the file
    each was first read in."""
    _same_as_a_set([base * times for base, times in parts], sizes)


def test_one_long_id_among_short_ones_pads_only_itself():
    """One id of 1,000 characters among 90,000 of 11: padding every id to its width took some 360 MB at the
    peak (4,000 bytes an id); each width apart, under 200 bytes an id."""
    import tracemalloc

    import pyarrow as pa

    n = 90_000
    ids = [f"C{i:07d}-R1" for i in range(n)]
    ids[40_000] = "C" + "x" * 999
    chunk = pa.array(ids, type=pa.string())
    tracemalloc.start()
    try:
        seen = SeenIds()
        number = seen.file_number("f.csv")
        base = tracemalloc.get_traced_memory()[0]
        repeat, _ = seen.add(chunk, number)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert not repeat.any() and peak < 200 * n
    assert seen.add(pa.array([ids[40_000], ids[39_999], "C0040000-R9"]), number)[0].tolist() == [True, True, False]
