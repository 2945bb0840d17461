"""The rows of a workbook's data sheets, written as the sheets' XML; openpyxl writes the rest of the workbook.

A cell object per value made the findings workbook of 100,000 inspection records take 84 s (2.6 million cells, each
a WriteOnlyCell given a named style, then serialised element by element). Here a row is written as one string of
its cells (``Cells.render``), as openpyxl wrote them: the same types (inline text, numbers, dates as serial numbers
in a date format, true and false), the same named styles, the same row heights. A value seen before in its column,
or a run of values seen before in columns that go together (a rule, its duty and its citation), is written once.

A rendered row holds placeholders for its number and its style indexes, so any process can render it: ``check``'s
workers render each finding's row as they find it, and the process writing the workbook only numbers the rows in
order (``numbered``). openpyxl saves the workbook with each data sheet's header only, every look the rows use
registered as a named style first; the rows are then put into each data sheet's part as the zip is copied,
compressed a piece at a time on every core while the next rows are numbered (zlib lets go of the interpreter as it
compresses).

Text is made safe as every other cell is (``spreadsheet_safe``: no formula runs, control characters written as
escapes), then held to what XML and Excel allow: a lone surrogate, U+FFFE or U+FFFF (which no XML can hold)
written as its escape too, and at most 32,767 characters (Excel counts them in UTF-16 units).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from itertools import chain
from operator import itemgetter, or_
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

from ..records import excel_column, spreadsheet_safe

if TYPE_CHECKING:
    import zipfile

#: Excel holds at most 32,767 characters (UTF-16 code units) in a cell.
EXCEL_MAX_CELL = 32_767
#: Text cut where it is longer, with an ellipsis: the cut is visible, and escaping cannot take it past Excel's limit
#: in ordinary text.
MAX_CELL = 32_000
_MAX_HEIGHT = 409  # points: Excel's tallest row
# Characters no XML document can hold that spreadsheet_safe leaves (it escapes the C0 and C1 controls).
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_ROWS_PER_CHUNK = 2_000
#: zlib's level for a data sheet. Measured on the 268 MB Findings sheet of 100,000 inspection records: level 6 (the
#: zip default, openpyxl's) 2.3 s and 21.2 MB, level 3 0.9 s and 26.9 MB, level 1 0.8 s and 31.3 MB. The sheet is
#: compressed after every finding is in, so this time is added to the run's.
_LEVEL = 3
# Text values of at most this length are remembered per column with their XML; longer ones (the working) are
# nearly always unique.
_REMEMBERED = 256
_MAX_REMEMBERED = 100_000  # values remembered in a column: then it starts again


class Look(NamedTuple):
    """How a cell looks: the key of one of the workbook's named styles."""

    fill: str | None = None
    colour: str | None = None
    bold: bool = False
    wrap: bool = False
    number_format: str | None = None
    horizontal: str | None = None


class Styled(NamedTuple):
    """A value in a look of its own (a status in its colour, a share as a percentage), not its column's."""

    value: Any
    look: Look


class SheetColumn(NamedTuple):
    """What writing a column's cells needs: how plain values, dates and date-times look in it, and its wrapping."""

    plain: Look
    date: Look
    date_time: Look
    #: Characters a line of wrapped text holds (0: the column does not wrap, its text never makes a row taller).
    per_line: int = 0
    #: Values shown as another value in a look of their own (a status as its name, in its colour).
    named: Mapping[Any, Styled] | None = None


def cell_text(value: str) -> str:
    """Text as a cell holds it: cut past ``MAX_CELL`` with an ellipsis, safe to open, within Excel's limit and XML's
    characters (each character XML cannot hold written as its escape, as spreadsheet_safe writes a control)."""
    if len(value) > MAX_CELL:
        value = value[:MAX_CELL] + "…"
    value = spreadsheet_safe(value)
    if not value.isascii() and _NOT_XML.search(value):
        value = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if len(value) > EXCEL_MAX_CELL // 2 and len(value.encode("utf-16-le")) > 2 * EXCEL_MAX_CELL:
        value = value.encode("utf-16-le")[:2 * EXCEL_MAX_CELL].decode("utf-16-le", "ignore")
    return value


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _number(value: Any) -> str | None:
    """A number as openpyxl writes it (16 significant digits); None for NaN and infinity, which Excel cannot hold."""
    if isinstance(value, int) and -10 ** 15 < value < 10 ** 15:
        return str(int(value))
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return "%.16g" % value


_EPOCH = datetime(1899, 12, 30)


def _serial(value: date) -> str:
    """A date or date-time as Excel's serial number, as openpyxl writes it: days since 30 December 1899 (one fewer
    before 1 March 1900, for the 29 February 1900 Excel counts), the time of day as a fraction."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise TypeError(f"{value!r}: Excel holds no time zone; give the local time")
        moment = value
    else:
        moment = datetime(value.year, value.month, value.day)
    days = (moment - _EPOCH).days
    if 0 < days <= 60:
        days -= 1
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 10 ** 6
    return _number(days + seconds / 86_400) or ""


def lines_needed(text: str, per_line: int) -> int:
    """The lines wrapped text takes in a column holding ``per_line`` characters a line: each line of it one, and one
    more for each ``per_line`` characters past the first."""
    parts = text.split("\n")
    return len(parts) + sum((n - 1) // per_line for n in map(len, parts) if n > per_line)


def row_height(lines: int) -> int:
    """Points for a row of ``lines`` lines of wrapped text: a spreadsheet does not grow a row for text a program
    wrote."""
    return min(15 * lines + 2, _MAX_HEIGHT)


# A rendered cell is written short, so that the rows of a long run take less memory and less time to send from the
# worker processes: control characters, which no rendered text holds (``spreadsheet_safe`` writes them as escapes; a
# tab and a line break stay, so they are not used), stand for the row's number, each look's style index, and the
# markup every cell repeats. ``numbered`` writes them out.
#: What stands for the row's number.
_ROW = b"\x00"
#: The markup every cell repeats, and what stands for it.
_MARKUP = ((b"\x1a", b'<c r="'), (b"\x1b", b'" s="'), (b"\x1c", b'" t="inlineStr"><is><t>'),
           (b"\x1d", b"</t></is></c>"), (b"\x1e", b'" t="n"><v>'), (b"\x1f", b"</v></c>"))
_CELL, _STYLE, _TEXT, _TEXT_END, _NUMBER, _NUMBER_END = (code.decode() for code, _ in _MARKUP)
#: What stands for each look's style index.
_PLACEHOLDERS = [bytes([b]) for b in (*range(1, 9), *range(11, 26))]


class Cells:
    """Rows of values written as a sheet's cells, with placeholders for the row number and the style indexes, so
    that any process can write them (a worker of ``check``) and the one that writes the workbook only numbers the
    rows (``numbered``).

    ``looks`` is every look a cell can have: each column's plain, date and date-time looks, its named values' and
    ``extra`` (the looks of ``Styled`` values); a placeholder stands for each, in this order, the same in every
    process. A value seen before in its column is written once.
    """

    def __init__(self, columns: Sequence[SheetColumn], extra: Iterable[Look] = (),
                 together: Iterable[tuple[int, int]] = ()) -> None:
        self.columns = list(columns)
        looks = [look for c in columns for look in (c.plain, c.date, c.date_time)]
        looks += [styled.look for c in columns if c.named for styled in c.named.values()]
        self.looks: list[Look] = list(dict.fromkeys([*looks, *extra]))
        if len(self.looks) > len(_PLACEHOLDERS):
            raise ValueError(f"a sheet of {len(self.looks)} looks: at most {len(_PLACEHOLDERS)}")
        self._place = {look: (_PLACEHOLDERS[k].decode(), 1 << k) for k, look in enumerate(self.looks)}
        self._starts = [f"{_CELL}{excel_column(j)}\x00{_STYLE}" for j in range(len(columns))]
        self._text: list[dict[str, tuple[str, int, int]]] = [{} for _ in columns]
        self._other: list[dict[Any, tuple[str, int, int]]] = [{} for _ in columns]
        # Runs of columns written together, remembered by their values: columns whose values go together (a rule,
        # its duty and its citation), so a row is a few look-ups. Every other column is a run of its own. Values
        # that are equal are written alike in a run (1 and 1.0 are: both "1"), so it must hold no true or false
        # (True == 1, but a cell of its own type): refused where first met.
        runs = sorted(together)
        self._segments: list[tuple[int, int, dict[Any, tuple[str, int, int]], Callable[[Any], Any] | None]] = []
        j = 0
        for start, stop in [*runs, (len(columns), len(columns))]:
            if start < j or stop > len(columns) or stop <= start + 1 and start < len(columns):
                raise ValueError(f"columns {start} to {stop}: runs must be in order, apart, of two columns or more")
            self._segments += [(k, k + 1, {}, None) for k in range(j, start)]
            if stop > start:
                self._segments.append((start, stop, {}, itemgetter(*range(start, stop))))
            j = stop

    def render(self, values: Sequence[Any]) -> tuple[bytes, int, int]:
        """A row's cells (UTF-8, with placeholders), the looks they use (bit k: ``looks[k]``), and the lines of its
        tallest wrapped text. An empty value (None or "") writes no cell."""
        width = len(self.columns)
        if len(values) != width:
            values = [*values[:width], *[None] * (width - len(values))]
        one = self._one
        done_all = []
        add = done_all.append
        for start, stop, seen, take in self._segments:
            if take is None:
                add(one(start, values[start]))
                continue
            run = take(values)
            done = seen.get(run)
            if done is None:
                if any(type(value) is bool for value in run):
                    raise ValueError(f"{run}: true and false (equal to 1 and 0) cannot be in a run of columns")
                parts = [one(j, value) for j, value in zip(range(start, stop), run)]
                done = ("".join(p[0] for p in parts), reduce(or_, (p[1] for p in parts)), max(p[2] for p in parts))
                if len(seen) > _MAX_REMEMBERED:
                    seen.clear()
                seen[run] = done
            add(done)
        cells, looks, heights = zip(*done_all)
        return "".join(cells).encode("utf-8"), reduce(or_, looks), max(heights)

    def _one(self, j: int, value: Any) -> tuple[str, int, int]:
        """The cell of ``value`` in column ``j`` ("" for none), its look's bit, and the lines its text takes."""
        kind = type(value)
        if kind is not str and isinstance(value, str):  # text of a kind of its own: as text
            value, kind = str(value), str
        if kind is str:
            if not value:
                return "", 0, 1
            done = self._text[j].get(value)
            if done is None:
                column = self.columns[j]
                if column.named is not None and value in column.named:
                    styled = column.named[value]
                    done = self._cell(j, styled.value, styled.look)
                else:
                    done = self._cell(j, value, column.plain)
                    if column.per_line:
                        done = (done[0], done[1], lines_needed(value, column.per_line))
                if len(value) <= _REMEMBERED:
                    if len(self._text[j]) > _MAX_REMEMBERED:
                        self._text[j].clear()
                    self._text[j][value] = done
            return done
        if value is None or value == "":
            return "", 0, 1
        key = (kind, value)
        done = self._other[j].get(key)
        if done is None:
            column = self.columns[j]
            if kind is Styled:
                done = self._cell(j, value.value, value.look)
            elif isinstance(value, datetime):
                done = self._cell(j, value, column.date_time)
            elif isinstance(value, date):
                done = self._cell(j, value, column.date)
            else:
                done = self._cell(j, value, column.plain)
            if len(self._other[j]) > _MAX_REMEMBERED:
                self._other[j].clear()
            self._other[j][key] = done
        return done

    def _cell(self, j: int, value: Any, look: Look) -> tuple[str, int, int]:
        """The cell of ``value`` in column ``j``, in ``look``; that look's bit; one line."""
        tail, bit = self._tail(value, look)
        return self._starts[j] + tail, bit, 1

    def _tail(self, value: Any, look: Look) -> tuple[str, int]:
        """A cell after its reference: its style, type and value, and the end of the element; and its look's bit."""
        place = self._place.get(look)
        if place is None:
            raise ValueError(f"{look} is not one of this sheet's looks")
        s, bit = place
        if isinstance(value, str):
            text = _escape(cell_text(value))
            if text[:1].isspace() or text[-1:].isspace():
                return f'{s}" t="inlineStr"><is><t xml:space="preserve">{text}{_TEXT_END}', bit
            return f"{s}{_TEXT}{text}{_TEXT_END}", bit
        if value is None or value == "":
            return f'{s}" t="n"/>', bit
        if isinstance(value, bool):
            return f'{s}" t="b"><v>{int(value)}{_NUMBER_END}', bit
        if isinstance(value, (int, float, Decimal)):
            number = _number(value)
            return (f"{s}{_NUMBER}{number}{_NUMBER_END}" if number is not None else f'{s}" t="n"/>'), bit
        if isinstance(value, date):
            return f"{s}{_NUMBER}{_serial(value)}{_NUMBER_END}", bit
        raise ValueError(f"Cannot convert {value!r} to Excel")

    def looks_in(self, used: int) -> list[Look]:
        """The looks whose bits are set in ``used``, in order."""
        return [look for k, look in enumerate(self.looks) if used >> k & 1]

    def styles(self, style_ids: Mapping[Look, int]) -> list[tuple[bytes, bytes]]:
        """Each placeholder and what it stands for: the style index of its look (where the workbook has one)."""
        return [(_PLACEHOLDERS[k], str(style_ids[look]).encode()) for k, look in enumerate(self.looks)
                if look in style_ids]


def numbered(rows: Iterable[tuple[bytes, int]], styles: Sequence[tuple[bytes, bytes]],
             first: int = 2) -> Iterator[bytes]:
    """The ``<row>`` elements of rendered rows (cells, lines of the tallest wrapped text) from row ``first`` on, with
    their numbers and style indexes, a few thousand rows to a piece."""
    chunk: list[bytes] = []
    n = first
    for cells, lines in rows:
        r = str(n).encode()
        if lines > 1:
            chunk.append(b'<row r="%s" ht="%d" customHeight="1">' % (r, row_height(lines)))
        else:
            chunk.append(b'<row r="%s">' % r)
        chunk.append(cells.replace(_ROW, r))
        chunk.append(b"</row>")
        n += 1
        if len(chunk) >= 3 * _ROWS_PER_CHUNK:
            yield _written_out(b"".join(chunk), styles)
            chunk = []
    if chunk:
        yield _written_out(b"".join(chunk), styles)


def _written_out(data: bytes, styles: Sequence[tuple[bytes, bytes]]) -> bytes:
    """Rows with each placeholder of a style index or of markup written out."""
    for placeholder, index in (*styles, *_MARKUP):
        data = data.replace(placeholder, index)
    return data


# -- the zip --------------------------------------------------------------------------------------------------

_END = b"</sheetData>"


def with_rows(workbook: bytes, parts: Mapping[str, Callable[[], Iterable[bytes]]]) -> bytes:
    """``workbook`` (a zip) with the rows each of ``parts`` gives put at the end of that part's ``<sheetData>``.

    Every other part is copied as it is, in the same order. A sheet part of more than 2 GiB needs the zip's
    64-bit sizes, which some readers dislike: they are used only when the sheet turns out that large.
    """
    try:
        return _copy(workbook, parts, zip64=False)
    except _TooLarge:
        return _copy(workbook, parts, zip64=True)
    except RuntimeError as error:  # zipfile's own check, for a part whose compressed size is the one too large
        if "force_zip64" not in str(error):
            raise
        return _copy(workbook, parts, zip64=True)


class _TooLarge(Exception):
    """A part passed the 2 GiB a zip holds without its 64-bit sizes."""


def _copy(workbook: bytes, parts: Mapping[str, Callable[[], Iterable[bytes]]], zip64: bool) -> bytes:
    import io
    import zipfile  # (and what it imports: a few milliseconds of every command's start, for a workbook only)

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        missing = set(parts) - set(source.namelist())
        if missing:
            raise ValueError(f"the workbook has no part {sorted(missing)[0]}")
        for info in source.infolist():
            body = source.read(info)
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            if info.filename in parts:  # the level ZipFile.open(entry) compresses at (public from Python 3.13)
                setattr(entry, "compress_level" if hasattr(entry, "compress_level") else "_compresslevel", _LEVEL)
            entry.external_attr = info.external_attr
            if info.filename not in parts:
                target.writestr(entry, body)
                continue
            head, end, tail = body.partition(_END)
            if not end or _END in tail:
                raise ValueError(f"{info.filename}: not one <sheetData> to add rows to")
            _stream(target, entry, zip64, [head], parts[info.filename](), [end + tail])
    return out.getvalue()


def _stream(target: zipfile.ZipFile, entry: zipfile.ZipInfo, zip64: bool, head: list[bytes], rows: Iterable[bytes],
            tail: list[bytes]) -> None:
    """Write one part: ``head``, ``rows``, ``tail``, compressed on every core while the next rows are numbered in
    this thread (``_Deflating``)."""
    import zipfile

    def sized() -> Iterator[bytes]:
        size = 0
        for data in chain(head, rows, tail):
            size += len(data)
            if size > zipfile.ZIP64_LIMIT and not zip64:
                raise _TooLarge
            yield data

    # The part is closed (its last pieces asked for) before the threads are let go.
    with _Deflating(_LEVEL) as deflating, target.open(entry, "w", force_zip64=zip64) as handle:
        # zipfile has no way in for another compressor: its writer's (a private attribute, the same from Python
        # 3.6 to 3.14) is replaced, and zipfile still counts the sizes and the CRC of what it is given.
        if getattr(handle, "_compressor", None) is not None:
            handle._compressor = deflating
        handle.writelines(sized())


class _Deflating:
    """A raw deflate stream made a piece at a time in a pool of threads (zlib lets go of the interpreter as it
    compresses), as pigz makes one: each piece compressed on its own and ended on a byte (a sync flush), so the
    pieces joined in order, then an empty last block, are one stream. A whole sheet took 0.9 s in one thread after
    the last finding came in; the pieces (a few megabytes each) make it some 0.3% larger."""

    def __init__(self, level: int) -> None:
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        from ..engines import available_cores

        self._level = level
        threads = max(1, available_cores())
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="xlsx-deflate")
        self._pending: deque[Any] = deque()
        self._ahead = 2 * threads  # pieces in hand at most: memory stays a few pieces' worth

    def __enter__(self) -> _Deflating:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _piece(self, data: bytes) -> bytes:
        import zlib

        compressor = zlib.compressobj(self._level, zlib.DEFLATED, -zlib.MAX_WBITS)
        return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)

    def compress(self, data: bytes) -> bytes:
        """The stream's next bytes: those of the pieces done, in order (waiting for the oldest only when too many
        are in hand)."""
        try:
            self._pending.append(self._pool.submit(self._piece, data))
        except RuntimeError:  # Python is exiting (which stops every pool) while a thread still writes: here, then
            from concurrent.futures import Future

            here: Future[bytes] = Future()
            here.set_result(self._piece(data))
            self._pending.append(here)
        done = []
        while self._pending and (self._pending[0].done() or len(self._pending) > self._ahead):
            done.append(self._pending.popleft().result())
        return b"".join(done)

    def flush(self) -> bytes:
        """The rest of the stream: every piece still in hand, then the last block (empty)."""
        import zlib

        done = [future.result() for future in self._pending]
        self._pending.clear()
        return b"".join(done) + zlib.compressobj(self._level, zlib.DEFLATED, -zlib.MAX_WBITS).flush()
