"""Rows of related tables gathered by record: a table's rows for one record, with the rows of each table joined to it.

A kind of record comes from one table (a CIN episode; a looked-after period, whose episodes share its CLA
id), joined on the tables' own keys with the tables that point at it (its assessments; its reviews,
visits and placements). From a database, one query per kind of record reads every table in a single
sorted stream (``UNION ALL`` ordered by the record's key), so each record's rows arrive together, memory
stays flat, and one cursor serves databases that allow only one at a time (SQL Server without MARS,
DuckDB). From CSV files, one per table, the joined tables are held in memory by key (only the columns read)
and the main table is read in file order. Both give the same rows, so the same records.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from ..errors import InputError, Problem
from ._csv import CELL_LIMIT, read_csv_rows, too_long
from ._database import Database, shown_bytes, undecodable
from ._readers import long_row


@dataclass(frozen=True)
class TablePart:
    """One table read for a kind of record: what identifies its rows, what links them to the record, what to read."""

    table: str
    #: The column that identifies a row (its primary key): named in messages, and ordering rows of equal date.
    key: str
    #: The main table: the column whose value is the record (its key, or a shared id such as a CLA id).
    #: A joined table: the column that holds that value.
    link: str
    #: A date column that orders the rows of one record ("the first", "the last").
    order: str | None = None
    #: The other columns read.
    columns: tuple[str, ...] = ()
    #: Which columns hold dates (a NULL standing in for one is typed as a date/time in the query).
    dates: frozenset[str] = frozenset()

    def read(self) -> tuple[str, ...]:
        """Every column read from the table, each once: key, link, order, then the others."""
        return tuple(dict.fromkeys(c for c in (self.key, self.link, self.order, *self.columns) if c))


@dataclass(frozen=True)
class Related:
    """The tables one kind of record is read from: its own, then those joined to it."""

    main: TablePart
    joins: tuple[TablePart, ...] = ()

    @property
    def parts(self) -> tuple[TablePart, ...]:
        return (self.main, *self.joins)


@dataclass
class Row:
    """One row's values by column, and where it is: a file and line, or a database and the row's key."""

    values: dict[str, Any]
    file: str
    line: int | None = None
    #: A database row's name ("ssd_cin_assessments cina_assessment_id='A7'"); a CSV row's columns by name.
    label: str | None = None
    columns: dict[str, int] | None = None
    #: Why a CSV row could not be read (cells past its header): its record is then left out whole (csv_groups).
    refused: Problem | None = None

    def where(self, column: str | None) -> tuple[str, int | None, Any]:
        """(file, line, column) to locate a problem with ``column`` of this row."""
        if self.columns is not None:
            return self.file, self.line, self.columns.get(column or "")
        return self.file, self.line, self.label


@dataclass
class Group:
    """One record's rows: the main table's (usually one), then each joined table's, by table name."""

    key: Any
    rows: dict[str, list[Row]] = field(default_factory=dict)


# -- from a database --------------------------------------------------------------------------------------

def _labels(related: Related) -> list[tuple[int, str, str]]:
    """(part, column, label) for every column of the query, each label unique and not one of the two fixed ones."""
    out: list[tuple[int, str, str]] = []
    used = {"record_key", "part"}
    for i, part in enumerate(related.parts):
        for column in part.read():
            if i and column == part.link and column not in part.columns:
                continue  # a joined table's link holds the record's key, which every row already has
            label = column if column not in used else f"{part.table}_{column}"
            while label in used:
                label += "_"
            used.add(label)
            out.append((i, column, label))
    return out


def query(related: Related, dialect: Any) -> str:
    """The one SQL query that reads a kind of record, written for ``dialect``.

    Each table is a branch of a ``UNION ALL``: its own columns, NULL in the others' (typed, where no branch
    before has typed the column, as PostgreSQL needs), the record's key (a joined table's link to it), and the
    part it is. Sorted by key and part, each record's rows come together, its main row first.
    """
    import sqlalchemy as sa

    layout = _labels(related)
    tables = [sa.table(p.table, *(sa.column(c) for c in p.read())) for p in related.parts]
    main = related.main
    branches = []
    for i, (part, table) in enumerate(zip(related.parts, tables)):
        # A joined table's rows by their own link, not joined to the main table's: one whose record is not
        # there, or that names none, comes too, to be reported (a row never read is said).
        record_key = _record_key(table.c[main.link] if i == 0 else table.c[part.link], dialect)
        columns = [record_key.label("record_key"), sa.literal_column(str(i)).label("part")]
        for j, column, label in layout:
            if j == i:
                columns.append(table.c[column].label(label))
            elif j < i:
                columns.append(sa.null().label(label))
            else:
                kind = sa.DateTime() if column in related.parts[j].dates else sa.Unicode()
                columns.append(sa.cast(sa.null(), kind).label(label))
        branch = sa.select(*columns).select_from(table)
        branches.append(branch)
    statement: Any = branches[0] if len(branches) == 1 else sa.union_all(*branches)
    statement = statement.order_by(sa.literal_column("record_key"), sa.literal_column("part"))
    text = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    # One branch to a paragraph, for whoever approves it; the database reads the same text.
    return re.sub(r"\s+(UNION ALL|ORDER BY)\s+", r"\n\1\n", text.replace(" \nFROM", "\nFROM")).replace(
        "\nORDER BY\n", "\nORDER BY ")


#: A collation that orders text by its bytes, as Python compares it, where the database's own may not (SQL Server's
#: default ignores case and trailing spaces; a SQLite column may be NOCASE; PostgreSQL follows the locale).
_EXACT = {"mssql": "Latin1_General_BIN2", "postgresql": "C", "sqlite": "BINARY"}


#: What a link is trimmed of, from a file as from a database: spaces, tabs and line breaks an export left round it.
KEY_BLANKS = " \t\n\x0b\x0c\r"
#: KEY_BLANKS written in each database's SQL (SQL Server before 2017 can trim only spaces: see _record_key).
_BLANKS_SQL = {"sqlite": "char(" + ", ".join(str(ord(c)) for c in KEY_BLANKS) + ")",
               "postgresql": " || ".join(f"chr({ord(c)})" for c in KEY_BLANKS),
               "duckdb": " || ".join(f"chr({ord(c)})" for c in KEY_BLANKS)}


#: Where a floating-point value is written with its fraction (1.0), how each database names a value's type as such.
_FLOAT_TYPE = {"sqlite": ("real",), "duckdb": ("DOUBLE", "FLOAT")}


def _whole_as_integer(column: Any, dialect: Any) -> Any:
    """A link as text, a floating-point one holding a whole number written as that integer ("1", not "1.0"), as an
    INTEGER key is: pandas' ``to_sql`` makes an id column with a gap in it DOUBLE, and its rows then matched no
    row of the table they link to. (PostgreSQL and SQL Server write a whole float without its fraction.)"""
    import sqlalchemy as sa

    # DuckDB binds every branch and refuses to compare text with a number: cast, the cast never evaluated for a
    # column of text (its type's test is false). SQLite compares them without complaint.
    number = sa.cast(column, sa.Double) if dialect.name == "duckdb" else column
    whole = sa.cast(number, sa.BigInteger)
    # In that order: a value past BIGINT's range is never cast (DuckDB refuses; SQLite would saturate).
    is_whole = sa.and_(sa.func.typeof(column).in_(_FLOAT_TYPE[dialect.name]), number > -9.0e18, number < 9.0e18,
                       number == whole)
    return sa.case((is_whole, sa.cast(whole, sa.Unicode)), else_=sa.cast(column, sa.Unicode))


def _record_key(column: Any, dialect: Any) -> Any:
    """A link as the record's key: as text (an INTEGER id and the TEXT that names it are one key), trimmed of
    KEY_BLANKS and an empty one NULL, as a CSV file's link is read; ordered exactly, so rows the database holds
    equal come together only when Python finds them equal too."""
    import sqlalchemy as sa

    text = _whole_as_integer(column, dialect) if dialect.name in _FLOAT_TYPE else sa.cast(column, sa.Unicode)
    blanks = _BLANKS_SQL.get(dialect.name)
    if blanks is None:  # SQL Server: TRIM(... FROM ...) needs 2017; LTRIM and RTRIM take spaces alone
        trimmed = sa.func.ltrim(sa.func.rtrim(text))
    else:
        trimmed = (sa.func.btrim if dialect.name == "postgresql" else sa.func.trim)(text, sa.literal_column(blanks))
    key = sa.func.nullif(trimmed, "")
    exact = _EXACT.get(dialect.name)
    return sa.collate(key, exact) if exact else key


def database_groups(db: Database, related: Related, report: Report | None = None) -> Iterator[Group]:
    """Each record's rows from the database, in the order of the records' keys.

    A cell holding bytes that are not text (SQLite keeps whatever a program wrote in a TEXT column) is a problem at
    its table, row key and column, and its record is left out, as a bad value in any of its rows leaves it out; the
    other records are read. The problems go to ``report``; without one, they are raised together as one InputError
    once every other record has been yielded.
    """
    layout = _labels(related)
    positions = [[(column, 2 + n) for n, (j, column, _) in enumerate(layout) if j == i]
                 for i in range(len(related.parts))]
    unread: list[Problem] = []
    left_out = report or unread.append
    group: Group | None = None
    spoilt: list[Problem] = []  # the bad cells of the group being gathered
    for row in db.stream(query(related, db.dialect)):
        key, part_number = row[0], int(row[1])
        part = related.parts[part_number]
        values = {column: row[n] for column, n in positions[part_number]}
        found = Row(values, db.shown, label=f"{part.table} {part.key}={_shown(values.get(part.key))}")
        # A joined row whose key no main row has is a group of its own, with no main row: an orphan, reported.
        # A row with no key at all belongs with no other.
        if group is None or key is None or key != group.key:
            if group is not None and not spoilt:
                yield group
            for problem in spoilt:
                left_out(problem)
            group, spoilt = Group(key, {p.table: [] for p in related.parts}), []
        group.rows[part.table].append(found)
        if (key.__class__ is str and not key.isascii() and part.link not in values
                and (byte := undecodable(key)) is not None):
            # A link read apart from the values (it groups the rows) has its bytes looked at here.
            spoilt.append(_not_text(Row({**values, part.link: key}, found.file, label=found.label), part,
                                    related.main, key, part.link, byte))
            continue
        for column, value in values.items():
            kind = value.__class__
            if kind is str and value.isascii() and len(value) <= CELL_LIMIT or kind not in _LOOKED_INTO:
                continue  # the usual cell (short ASCII text, a number, a date, NULL), passed over in C
            fault = _cell_fault(found, part, related.main, key, column, value)
            if fault is not None:
                spoilt.append(fault)
                break
    if group is not None and not spoilt:
        yield group
    for problem in spoilt:
        left_out(problem)
    if unread:
        raise InputError(*unread)


#: The types of cell ``_cell_fault`` looks into: text, and the binary data a BLOB is read as.
_LOOKED_INTO = frozenset((str, bytes, bytearray, memoryview))


def _cell_fault(row: Row, part: TablePart, main: TablePart, key: Any, column: str, value: Any) -> Problem | None:
    """The problem of a cell its record cannot be read with, or None: bytes that are not UTF-8 text, a BLOB, or more
    than a CSV file's cell may hold (CELL_LIMIT: a 2,000,000-character team named a 2 MB calendar file)."""
    if value.__class__ is str:
        if value.isascii() or (byte := undecodable(value)) is None:
            return _too_long(row, part, main, key, column) if len(value) > CELL_LIMIT else None
        return _not_text(row, part, main, key, column, byte)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _blob(row, part, main, key, column, bytes(value))
    return None


def _whose(part: TablePart, main: TablePart, key: Any) -> str:
    return ("its record" if part is main and main.link == main.key else
            f"the record it belongs to ({main.link} {_shown(key)})")


def _field(part: TablePart, main: TablePart, column: str) -> str:
    return column if part is main else f"{part.table}.{column}"


def _too_long(row: Row, part: TablePart, main: TablePart, key: Any, column: str) -> Problem:
    return Problem(f"{too_long()}, so {_whose(part, main, key)} was not read", file=row.file, column=row.label,
                   field=_field(part, main, column), hint="shorten it in the system the SSD is filled from")


def _blob(row: Row, part: TablePart, main: TablePart, key: Any, column: str, value: bytes) -> Problem:
    """A BLOB is refused, even one whose bytes are UTF-8: a program that stores text as binary data may store
    anything so, and text is what every column read holds (a TEXT cell's bytes that are not UTF-8 are refused
    too, ``_not_text``)."""
    return Problem(f"{_blob_literal(value)} holds binary data (a BLOB), not text, so {_whose(part, main, key)} was "
                   "not read", file=row.file, column=row.label, field=_field(part, main, column),
                   hint=f"store it as text (in SQLite, CAST({column} AS TEXT) reads a BLOB of UTF-8 bytes as text)")


def _blob_literal(value: bytes, width: int = 24) -> str:
    """Binary data as SQL writes it (X'FFFE20'), its first ``width`` bytes."""
    return f"X'{value[:width].hex().upper()}'" + ("..." if len(value) > width else "")


def _not_text(row: Row, part: TablePart, main: TablePart, key: Any, column: str, byte: int) -> Problem:
    """The problem of a cell holding ``byte``, which is not UTF-8, in a row of the record ``key``: the bytes shown,
    and the text they make in Windows-1252, what a program that does not write UTF-8 most often writes here."""
    value = row.values[column]
    raw = value.encode("utf-8", "surrogateescape")
    try:
        meant = raw.decode("cp1252")
    except UnicodeDecodeError:
        meant = None
    whose = _whose(part, main, key)
    fix = "store the text as UTF-8 in the system the SSD is filled from"
    if meant is not None:
        fix += f": in Windows-1252, as it was probably written, it reads {meant!r}"
        ident = row.values.get(part.key)
        if len(value) <= 60 and undecodable(ident) is None and ident is not None:
            literal = str(ident) if isinstance(ident, int) else "'" + str(ident).replace("'", "''") + "'"
            quoted = meant.replace("'", "''")
            fix += f" (UPDATE {part.table} SET {column} = '{quoted}' WHERE {part.key} = {literal})"
    return Problem(f"{shown_bytes(value)} holds byte 0x{byte:02X}, which is not UTF-8 text, so {whose} was not read",
                   file=row.file, column=row.label, field=_field(part, main, column), hint=fix)


def _shown(value: Any) -> str:
    if undecodable(value) is not None:
        return shown_bytes(value)  # a key holding a byte that is not text: never a lone surrogate in a message
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _blob_literal(bytes(value))  # a key that is a BLOB: as SQL writes it, not Python's b'...'
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:60] + "...")  # a key past a cell's limit names its row without filling the screen
    return "NULL" if value is None else repr(value if isinstance(value, str) else str(value))


def missing(db: Database, related: Sequence[Related]) -> list[Problem]:
    """A problem for each table or column the reads need that the database does not have."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for r in related:
        for part in r.parts:
            wanted[part.table].update(part.read())
    out = []
    for table, column, alike, elsewhere in db.missing(wanted):  # each names no row (rows=0 below): a table unread
        if alike is not None and column is not None:
            out.append(Problem(f"table {table} has no column {column}, but has one named {alike!r}, which PostgreSQL "
                               "tells apart by the case of its name", file=db.shown, field=f"{table}.{column}",
                               hint=f"rename it {column}, or read the table through a view that names it so"))
        elif alike is not None:
            out.append(Problem(f"there is no table {table}, but there is one named {alike!r}, which PostgreSQL tells "
                               "apart by the case of its name", file=db.shown, field=table,
                               hint=f"rename it {table}, or make a view named {table} of it"))
        elif column is None and elsewhere is not None:
            out.append(Problem(f"there is no table {table} in the schema read, but there is one in {elsewhere}",
                               file=db.shown, field=table,
                               hint=_default_schema(db.kind, table, elsewhere, db.url.username)))
        elif column is None:
            out.append(Problem(f"there is no table {table}", file=db.shown, field=table,
                               hint="check the database is the SSD and the login's default schema (PostgreSQL: its "
                                    "search_path; DuckDB and SQLite: main) is the one holding its tables"))
        else:
            out.append(Problem(f"table {table} has no column {column}", file=db.shown, field=f"{table}.{column}",
                               hint="check the SSD version: the mapping follows the SSD's published definitions"))
    for problem in out:
        problem.rows = 0
    return out


def _default_schema(kind: str, table: str, elsewhere: str, login: str | None) -> str:
    """How to have the tables in ``elsewhere`` read by ``login`` (the URL's user), a table being read by its name
    alone."""
    schema = elsewhere.rpartition(".")[2]
    if kind == "duckdb":  # a file has no logins: main is read
        return (f"DuckDB reads the schema main: make a view of each SSD table there (CREATE VIEW main.{table} AS "
                f"SELECT * FROM {elsewhere}.{table}), or move the tables there")
    login = login or "the_login"
    if kind == "postgresql":  # ahead of the schemas it reads now, which stay
        return (f"put {schema} in the login's search_path (ALTER ROLE {login} SET search_path = {schema}, \"$user\", "
                "public)")
    return f"make {schema} the login's default schema (ALTER USER [{login}] WITH DEFAULT_SCHEMA = [{schema}])"


# -- from CSV files, one per table -----------------------------------------------------------------------

Report = Callable[[Problem], None]


#: Cells read as empty: NULL is how SQL Server Management Studio writes an empty (NULL) cell in its CSV exports, read
#: as the database gives it. Said nowhere: it is no fault of the file, and the same table read from the database says
#: nothing of its NULLs either. A record file's own CSV reader keeps NULL as written.
_NULLS = frozenset({"", "NULL"})
_UNQUOTED_HINT = ("export the table again with cells that hold a comma in quotes (in SQL Server Management Studio: "
                  "Tools, Options, Query Results, SQL Server, Results to Grid, \"Quote strings containing list "
                  "separators when saving .csv results\"), or put such a cell in quotes (\"Smith, J\")")


def _loose(name: str) -> str:
    """A column name as a person reads it: case and runs of spaces aside (as a table mapping's columns are matched)."""
    return " ".join(name.split()).casefold()


def _csv_rows(path: Path, part: TablePart, report: Report, refuse: Report, encoding: str) -> Iterator[Row] | None:
    """The rows of one table's CSV file; None, with a problem to ``refuse``, when it is empty or its header lacks a
    column the read needs."""
    def problem(message: str, line: int | None, column: Any, fld: str | None, hint: str | None = None,
                warning: bool = False) -> None:
        report(Problem(message, file=str(path), line=line, column=column, field=fld, hint=hint, warning=warning))

    rows = read_csv_rows(path, problem, encoding)
    first = next(rows, None)
    if first is None:
        refuse(Problem("the file is empty", file=str(path), line=1, hint="the first row names the columns"))
        return None
    header_line, header = first
    index = {str(name).strip(): j for j, name in enumerate(header) if str(name).strip()}
    # Matched as the database matches them, and as table mappings match theirs, case and spaces aside: SQL Server's
    # exports (SSMS) keep the case the columns were made with (CINE_REFERRAL_ID). The name as written comes first.
    written = {_loose(name): name for name in reversed(list(index))}
    index.update({c: index[written[_loose(c)]] for c in part.read() if c not in index and _loose(c) in written})
    absent = [c for c in part.read() if c not in index]
    if absent:
        # A near miss among the columns no read takes (not cine_referral_date for a missing cine_referral_id).
        taken = {index[c] for c in part.read() if c in index}
        spare = [loose for loose, name in written.items() if index[name] not in taken]
        close = difflib.get_close_matches(_loose(absent[0]), spare, n=1, cutoff=0.8)
        refuse(Problem(f"the header row has no column {absent[0]!r}", file=str(path), line=header_line,
                       field=absent[0], hint=(f"did you mean {written[close[0]]!r}? " if close else "")
                       + f"the {part.table} table's columns read here: " + ", ".join(part.read())))
        return None
    wanted = [(c, index[c]) for c in part.read()]
    labels = {c: j + 1 for c, j in wanted}
    links = {part.link}

    def generate() -> Iterator[Row]:
        for line, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            long = long_row(cells, len(header))
            if long:
                # SQL Server Management Studio quotes no cell by default: a comma in a JSON outcome or a team's name
                # moved every cell after it one column on (a team '"CP_CONFERENCE_FLAG": "Y"}'). Its link, which comes
                # before such cells in the SSD's tables, names the record to leave out.
                link = dict(wanted)[part.link]
                key = cells[link].strip(KEY_BLANKS) if link < len(cells) else ""
                values = {**dict.fromkeys(part.read()), part.link: None if key in _NULLS else key}
                yield Row(values, str(path), line, columns=labels,
                          refused=Problem(long[1], file=str(path), line=line, column=long[0] + 1, hint=_UNQUOTED_HINT))
                continue
            values = {}
            for column, j in wanted:
                cell = cells[j] if j < len(cells) else ""
                # A link is trimmed as the database query trims it (_record_key), so both find the same record.
                cell = cell.strip(KEY_BLANKS) if column in links else cell.strip()
                values[column] = None if cell in _NULLS else cell
            yield Row(values, str(path), line, columns=labels)

    return generate()


def csv_groups(files: dict[str, Path], related: Related, report: Report, encoding: str,
               refuse: Report | None = None) -> Iterator[Group]:
    """Each record's rows from CSV files named after their tables, in the order the main table gives them.

    Nothing is yielded when a table's file is missing, empty or lacks a column: its records would otherwise look as
    if nothing in that table had happened. That problem goes to ``refuse`` (by default ``report``), the others to
    ``report``. A record with a row that could not be read is left out, said at that row.
    """
    for group in _csv_groups(files, related, report, encoding, refuse or report):
        refused = [(table, problem) for table, rows in group.rows.items() for row in rows
                   if (problem := row.refused) is not None]
        if not refused:
            yield group
            continue
        # Read without the row, its record would look as if what the row holds never happened (a review held, made
        # missed), so it is left out, as the database route leaves out a record with a bad cell.
        main = related.main
        for table, problem in refused:
            whole = table == main.table and main.link == main.key  # the row is the record
            report(problem if whole or not group.rows[main.table] else
                   replace(problem, message=f"{problem.message}; so the record it belongs to ({main.link} "
                                            f"{_shown(group.key)}) was not read"))
        if not group.rows[main.table]:  # rows naming no record: the others are said as such
            rest = {table: [row for row in rows if row.refused is None] for table, rows in group.rows.items()}
            if any(rest.values()):
                yield Group(group.key, rest)


def _csv_groups(files: dict[str, Path], related: Related, report: Report, encoding: str,
                refuse: Report) -> Iterator[Group]:
    absent = [p.table for p in related.parts if p.table not in files]
    if absent:
        refuse(Problem(f"no file for the table {absent[0]} among the files given", field=absent[0],
                       hint=f"give {absent[0]}.csv with the others"))
        return
    joined: dict[str, dict[Any, list[Row]]] = {}
    unlinked: list[tuple[TablePart, Row]] = []  # joined rows that name no record
    for part in related.joins:
        rows = _csv_rows(files[part.table], part, report, refuse, encoding)
        if rows is None:
            return
        index: dict[Any, list[Row]] = defaultdict(list)
        for row in rows:
            if row.values[part.link] is not None:
                index[row.values[part.link]].append(row)
            else:
                unlinked.append((part, row))
        joined[part.table] = index
    main = related.main
    rows = _csv_rows(files[main.table], main, report, refuse, encoding)
    if rows is None:
        return
    if main.link == main.key:  # a row is a record: streamed, not held
        for row in rows:
            key = row.values[main.link]
            group = Group(key, {main.table: [row]})
            for part in related.joins:
                group.rows[part.table] = list(joined[part.table].pop(key, [])) if key is not None else []
            yield group
        yield from _orphans(related, joined, unlinked)
        return
    groups: dict[Any, list[Row]] = {}
    alone: list[Row] = []
    order: list[Any] = []
    for row in rows:
        key = row.values[main.link]
        if key is None:
            order.append(len(alone))
            alone.append(row)
        elif key in groups:
            groups[key].append(row)
        else:
            groups[key] = [row]
            order.append((key,))
    for item in order:
        if isinstance(item, tuple):
            key = item[0]
            group = Group(key, {main.table: groups.pop(key)})
        else:
            key = None
            group = Group(None, {main.table: [alone[item]]})
        for part in related.joins:
            group.rows[part.table] = list(joined[part.table].pop(key, [])) if key is not None else []
        yield group
    yield from _orphans(related, joined, unlinked)


def _orphans(related: Related, joined: dict[str, dict[Any, list[Row]]],
             unlinked: list[tuple[TablePart, Row]]) -> Iterator[Group]:
    """The joined rows no main row took, each key's a group with no main row, then each row that names no record
    (a group of its own): reported, as from a database."""
    for part in related.joins:
        for key, rows in joined[part.table].items():
            yield Group(key, {p.table: rows if p is part else [] for p in related.parts})
    for part, row in unlinked:
        yield Group(None, {p.table: [row] if p is part else [] for p in related.parts})
