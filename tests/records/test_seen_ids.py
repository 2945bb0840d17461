"""Duplicate record ids, found by the numpy hash table against a plain Python set (an independent method)."""

from __future__ import annotations

import random

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
