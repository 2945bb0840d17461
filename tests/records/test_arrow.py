"""Arrow arrays read straight from their buffers."""

from __future__ import annotations

import pyarrow as pa

from compliance.records import _arrow


def test_a_byte_is_looked_for_in_the_cells_of_the_array_and_no_others_its_buffer_holds():
    # A slice shares its whole table's buffer: a ' in a cell outside it is not in it.
    cells = pa.array(["ab", "c'd", "ef"])
    assert _arrow.holds_byte(cells, ord("'")) and _arrow.holds_byte(cells.slice(1, 1), ord("'"))
    assert not _arrow.holds_byte(cells.slice(0, 1), ord("'")) and not _arrow.holds_byte(cells.slice(2), ord("'"))
    assert not _arrow.holds_byte(pa.array([], pa.string()), ord("'"))
    assert not _arrow.holds_byte(pa.array(["", None]), ord("'"))
