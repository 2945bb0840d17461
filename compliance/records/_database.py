"""A database as a record source: a URL opened read-only through SQLAlchemy, its password kept out of sight.

``sqlite:///ssd.db``, ``duckdb:///ssd.duckdb``, ``postgresql://reader@host/ssd`` and
``mssql+pyodbc://reader@dsn`` are read through SQLAlchemy and the database's driver, optional extras
imported only when a URL is read. A URL that carries a password is refused, since it would sit in shell
history and process lists: the password comes from the driver's own places (PGPASSWORD or ~/.pgpass, an
ODBC DSN, Windows authentication) or from ``COMPLIANCE_DB_PASSWORD``, and is blanked from every message a
driver gives. Opened read-only where the driver can: SQLite and DuckDB files read-only, PostgreSQL in one
read-only repeatable-read transaction (every table as of one moment); SQL Server has no read-only
transaction, so there the login's permissions decide. Rows come from a server-side cursor a chunk at a
time, so memory stays flat however large the tables.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Iterator

from ..errors import PASSWORD_KEY, InputError, Problem
from ._csv import ESCAPED

#: The environment variable that gives the password when the driver has no place of its own for it.
PASSWORD_VARIABLE = "COMPLIANCE_DB_PASSWORD"
#: Rows fetched from the server at a time.
CHUNK_ROWS = 5_000
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
#: A kind of database read here before a ":" and no "//" (postgresql:/reader@host/ssd, a slash short): a URL
#: mistyped, refused as one with its password blanked, not looked for as a file and shown whole.
_MISTYPED = re.compile(r"(?i)(sqlite|duckdb|postgres(ql)?|mssql)(\+[\w-]*)?:(?!//)")
#: The kinds of database read, each with the extra that installs its driver and the driver SQLAlchemy is told
#: to use when the URL names none (SQLAlchemy's own default for PostgreSQL changed between versions).
KINDS = {
    "sqlite": ("sql", None),
    "duckdb": ("duckdb", None),
    "postgresql": ("postgres", "psycopg"),
    "mssql": ("mssql", "pyodbc"),
}
_TITLES = {"sqlite": "SQLite", "duckdb": "DuckDB", "postgresql": "PostgreSQL", "mssql": "SQL Server"}
#: How SQLite's TEXT reaches Python. SQLite keeps whatever bytes a program wrote in a TEXT cell, and one that is not
#: UTF-8 (a Windows-1252 "é") failed the whole query at its row with the default ``str``: every record of that kind
#: after it was lost. Kept aside as a lone surrogate instead (errors="surrogateescape", as a CSV file is read), the
#: row is reported at its cell by the reader (``undecodable``) and the others are read. ``str`` itself, called from
#: C: no Python frame per cell (0.07 s in 86,000 rows).
_SQLITE_TEXT = partial(str, encoding="utf-8", errors="surrogateescape")


def is_database_url(text: str | os.PathLike[str]) -> bool:
    """Whether a record source names a database (``scheme://...``) rather than a file."""
    return isinstance(text, str) and (_URL.match(text) or _MISTYPED.match(text)) is not None


def undecodable(value: Any) -> int | None:
    """The first byte of a text value that was not UTF-8 in the database (kept aside by ``_SQLITE_TEXT``), or None."""
    if value.__class__ is not str or value.isascii():
        return None  # the usual cell, seen in C
    bad = ESCAPED.search(value)
    return None if bad is None else ord(bad.group()) - 0xDC00


def shown_bytes(value: str, width: int = 60) -> str:
    """A text value holding bytes that are not UTF-8, quoted, each such byte written as Python writes a byte
    (``'Caf\\xe9 Team'``): never a lone surrogate, which no terminal or file can take. A long value is cut round its
    first bad byte."""
    bad = ESCAPED.search(value)
    if len(value) > width and bad is not None:
        start = max(0, bad.start() - width // 2)
        value = ("..." if start else "") + value[start:start + width] + ("..." if start + width < len(value) else "")
    return "'" + ESCAPED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", value) + "'"


def _in_wal_mode(path: Path) -> bool:
    """Whether a SQLite file is in WAL mode (bytes 18 and 19 of its header are 2): its readers must be able to create
    the -shm and -wal files beside it."""
    try:
        with path.open("rb") as file:
            header = file.read(20)
    except OSError:
        return False
    return header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"


def _secrets() -> list[str]:
    """Every password this process could hand a driver, to blank from anything shown."""
    return [v for v in (os.environ.get(PASSWORD_VARIABLE), os.environ.get("PGPASSWORD")) if v]


def scrub(text: str, names: tuple[str | None, ...] = ()) -> str:
    """``text`` with every password this process knows replaced by ``***`` where it stands alone (not inside a longer
    word): a password of one letter, blanked everywhere, spelt itself out ("conn***ction r***fus***d"). One that is
    also the URL's user or host name (``names``) is left: those are shown anyway, and blanked they told the match."""
    for secret in _secrets():
        if secret not in names:
            text = re.sub(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", "***", text)
    return text


def _refuse(text: str, message: str, hint: str) -> InputError:
    """A URL, or the file it names, refused: a problem naming no row (rows=0), since no row of it was read."""
    return InputError(Problem(message, file=shown_url(text), hint=hint, rows=0))


#: A port after a host's ":": anything else there (postgresql://reader:secret/host/ssd, the "@" left out) may be a
#: password.
_PORT = re.compile(r"\d{0,5}(?=[/?]|$)")


def shown_url(text: str) -> str:
    """The URL as it may be shown: all that could be a password in it, however typed, replaced by ``***`` (such a URL
    is refused anyway), and a query that names one, even encoded (an ODBC connection string), left out whole."""
    scheme = _URL.match(text) or _MISTYPED.match(text)
    if scheme is None:
        return scrub(text)
    rest = _blanked(text[scheme.end():], files=scheme.group().lower().startswith(("sqlite", "duckdb")))
    return scrub(text[:scheme.end()] + rest, _user_and_host(rest))


def _blanked(rest: str, files: bool) -> str:
    """A URL after its scheme with all that could be a password replaced by ``***``. Passwords are typed unencoded
    ("/", "?" and "@" in them), so all from the user's ":" to the last "@" goes, not only up to a "/", "?" or "@"
    (postgresql://reader:se/cret@host showed the password); without an "@", all after a ":" that is no port."""
    colon, at = rest.find(":"), rest.find("@")
    if 0 <= colon < at:
        rest = rest[:colon + 1] + "***" + rest[rest.rfind("@"):]
    else:
        # A file's path may start with a drive (sqlite:///C:/ssd.db); a server's first part is its host.
        start = re.match(r"(\[[^\]]*\])?[^/?:@]*:" if files else r"/*(\[[^\]]*\])?[^/?:@]*:", rest)
        if start and not _PORT.match(rest, start.end()):
            rest = rest[:start.end()] + "***"
    base, mark, query = rest.partition("?")
    if mark and _names_password(query):
        rest = base + "?***"
    if _names_password(rest):  # in the host or path: an ODBC connection string (mssql+pyodbc://dsn;PWD=...)
        key = PASSWORD_KEY.search(rest)
        rest = rest[:key.end()] + "***" if key else "***"
    return rest


def _user_and_host(rest: str) -> tuple[str, str]:
    """The user and host names a URL (after its scheme) shows."""
    user, at, host = rest.lstrip("/").rpartition("@")
    return user.partition(":")[0], re.split(r"[/?:]", host.lstrip("["), maxsplit=1)[0]


def _names_password(text: str) -> bool:
    """Whether part of a URL gives a password, even encoded once or twice (an ODBC connection string)."""
    from urllib.parse import unquote_plus

    return PASSWORD_KEY.search(unquote_plus(unquote_plus(text))) is not None


def _sqlalchemy(kind: str | None = None, reading: bool = True) -> Any:
    try:
        import sqlalchemy
    except ImportError:
        extra = KINDS.get(kind or "", ("sql", None))[0]
        raise InputError(Problem(f"{'reading' if reading else 'loading'} a database needs SQLAlchemy and the "
                                 "database's driver, which are not installed",
                                 field="records" if reading else "database",
                                 hint=f"pip install 'statutory-timelines[{extra}]'")) from None
    return sqlalchemy


def parse_url(text: str, reading: bool = True) -> Any:
    """The SQLAlchemy URL for ``text``, refused if it holds a password or names a kind of database not read here;
    ``reading``: opened to be read (read-only), not loaded (``compliance synth --database``)."""
    sa = _sqlalchemy(reading=reading)
    scheme = _URL.match(text)
    if scheme is None:
        raise _refuse(text, "a database URL has :// after the kind of database",
                      "e.g. postgresql://reader@host/ssd, sqlite:///ssd.db, duckdb:///ssd.duckdb or "
                      "mssql+pyodbc://reader@dsn")
    # A URL's scheme is not case-sensitive (RFC 3986): SQLITE:/// is sqlite:///
    text = scheme.group().lower() + text[scheme.end():]
    try:
        url = sa.engine.make_url(text)
    except Exception:  # noqa: BLE001 - SQLAlchemy's ArgumentError, and ValueError for a bad port
        raise _refuse(text, "not a database URL SQLAlchemy can read",
                      "e.g. postgresql://reader@host/ssd, sqlite:///ssd.db, duckdb:///ssd.duckdb or "
                      "mssql+pyodbc://reader@dsn") from None
    kind = url.get_backend_name()
    if kind not in KINDS:
        raise _refuse(text, f"{kind!r} databases are not read here", "one of: " + ", ".join(
            f"{k}://" for k in KINDS))
    rest = text[scheme.end():]
    # SQLAlchemy finds no password in postgresql:///reader:pw@host/ssd (a slash too many) or mssql+pyodbc://dsn;PWD=pw,
    # which the driver would then have shown in its message; a file's path may hold ":" and "@" as it likes.
    if url.password is not None or _names_password(rest) or (kind in _SERVERS and _blanked(rest, False) != rest):
        raise _refuse(text, "the URL holds a password, which would be seen in the shell's history and the list of "
                            "running processes, so it was not used",
                      f"take the password out of the URL and set {PASSWORD_VARIABLE}, or use the driver's own "
                      "place for it (PGPASSWORD or ~/.pgpass for PostgreSQL, a DSN or Windows authentication for "
                      "SQL Server)")
    if kind in ("sqlite", "duckdb") and url.host:
        # Two slashes make the path's first part a host: sqlite://ssd/ssd.db named the file ssd.db, not ssd/ssd.db.
        path = "/".join(p for p in (url.host, url.database) if p)
        raise _refuse(text, "a file's URL has three slashes before a relative path (four before an absolute one); "
                            f"with two, {url.host!r} is read as a host", shown_url(f"{kind}:///{path}"))
    if reading and kind in ("sqlite", "duckdb") and url.query:
        # A file is always opened read-only, its own way (reading_note): options in the URL would be passed over, and
        # SQLAlchemy warns of them in its own words.
        name = {"sqlite": "SQLite", "duckdb": "DuckDB"}[kind]
        raise _refuse(text, f"{name} files are opened read-only, whatever the URL asks, so it takes no options "
                            f"(?{'&'.join(url.query)})",
                      f"leave out what follows ?: {shown_url(text.partition('?')[0])}")
    if url.get_driver_name() == url.get_backend_name() and KINDS[kind][1]:
        url = url.set(drivername=f"{kind}+{KINDS[kind][1]}")
    return url


def check_database_url(text: str) -> None:
    """Refuse, before any work, a URL that holds a password or names a database not read here (or when SQLAlchemy
    is not installed); whether the database can be reached is found when it is opened."""
    parse_url(text)


def dialect_of(text: str) -> Any:
    """The SQLAlchemy dialect a URL's queries are written in, without connecting (for ``--show-sql``)."""
    url = parse_url(text)
    try:
        return url.get_dialect()()
    except Exception as exc:  # noqa: BLE001 - a dialect whose package is missing (duckdb-engine)
        raise _driver_missing(text, url.get_backend_name(), exc) from None


def reading_note(text: str) -> str:
    """How a database is kept read-only while it is read, in words for its administrator."""
    kind = parse_url(text).get_backend_name()
    return {
        "sqlite": "The SQLite file is opened read-only (mode=ro, PRAGMA query_only).",
        "duckdb": "The DuckDB file is opened read-only.",
        "postgresql": "All the queries run in one READ ONLY, REPEATABLE READ transaction (every table as of one "
                      "moment), as application_name statutory-timelines.",
        "mssql": "SQL Server has no read-only transaction: give the login SELECT on these tables and nothing else "
                 "(db_datareader on the SSD's schema is more than enough).",
    }[kind]


#: Servers, where a login may be granted only some columns of a table: theirs are found in the catalogue.
_SERVERS = ("postgresql", "mssql")


def checking_note(text: str) -> str:
    """How the tables and columns are checked to be there before anything is read, in words for its administrator."""
    if parse_url(text).get_backend_name() in _SERVERS:
        return ("Before them it checks each table and its columns are there, in the catalogue (so SELECT on the "
                "columns below is all the login needs).")
    return ("Before them it checks each table and its columns are there: the catalogue's list of tables, then "
            "SELECT * FROM the table WHERE 1 = 0 (no row is read).")


def _driver_missing(text: str, kind: str, exc: BaseException) -> InputError:
    return _refuse(text, f"the driver for {_TITLES.get(kind, kind)} is not installed ({scrub(str(exc))})",
                   f"pip install 'statutory-timelines[{KINDS.get(kind, ('sql', None))[0]}]'")


class Database:
    """One database opened read-only for one run: a single transaction, queries streamed a chunk at a time."""

    def __init__(self, text: str, chunk: int = CHUNK_ROWS, reading: bool = True) -> None:
        self.text = text
        self.shown = shown_url(text)
        self.url = parse_url(text, reading)
        self.kind = self.url.get_backend_name()
        self._names = (self.url.username, self.url.host)  # shown anyway: not blanked if also the password (scrub)
        self.chunk = chunk
        self._engine: Any = None
        self._connection: Any = None
        self._lost: str | None = None  # why the connection was lost, once it was

    @property
    def dialect(self) -> Any:
        return self._engine.dialect if self._engine is not None else dialect_of(self.text)

    def __enter__(self) -> "Database":
        sa = _sqlalchemy(self.kind)
        with self.errors("cannot connect"):
            try:
                self._engine = sa.create_engine(self._connect_url(), **self._engine_options())
            except ImportError as exc:
                raise _driver_missing(self.text, self.kind, exc) from None
            connection = self._engine.connect()
            if self.kind == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ",
                                                          postgresql_readonly=True)
            elif self.kind == "sqlite":
                connection.exec_driver_sql("PRAGMA query_only = ON")
            # Every query of the run, the list of tables included, is in the one transaction begun by the first.
            self._connection = connection
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._connection is not None:
            try:
                self._connection.rollback()  # nothing was written; end the read-only transaction
                self._connection.close()
            except Exception:  # noqa: BLE001 - a connection already lost has nothing to give back
                pass
        if self._engine is not None:
            self._engine.dispose()
        self._connection = self._engine = None

    def _connect_url(self) -> Any:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password and self.kind in ("postgresql", "mssql"):
            return self.url.set(password=password)
        return self.url

    def _engine_options(self) -> dict[str, Any]:
        if self.kind == "sqlite":
            path = self._file()
            import sqlite3
            from urllib.parse import quote

            uri = f"file:{quote(str(path.resolve()))}?mode=ro"

            def connect() -> Any:
                connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
                connection.text_factory = _SQLITE_TEXT
                return connection

            return {"creator": connect}
        if self.kind == "duckdb":
            self._file()
            # A file of another kind (a SQLite file given as duckdb:///) would have DuckDB fetch an extension from
            # the internet to read it: nothing is fetched, and the file is refused as not DuckDB's.
            return {"connect_args": {"read_only": True, "config": {"autoinstall_known_extensions": False,
                                                                    "autoload_known_extensions": False}}}
        return self._network_options()

    def _network_options(self) -> dict[str, Any]:
        if self.kind == "postgresql":
            return {"connect_args": {"application_name": "statutory-timelines", "connect_timeout": 15}}
        return {}

    def _file(self) -> Path:
        """An embedded database's file, which must exist: opening a missing one would create it, empty."""
        name = self.url.database
        if not name or name == ":memory:":
            raise _refuse(self.text, "names no database file", f"e.g. {self.kind}:///path/to/ssd.db")
        path = Path(name)
        if path.is_dir():
            raise InputError(Problem(f"is a folder, not a {_TITLES[self.kind]} database file", file=str(path),
                                     hint=f"name the database file in it: {self.kind}:///{path / 'ssd.db'}, say",
                                     rows=0))
        if not path.is_file():
            raise InputError(Problem("no such database file", file=str(path), hint="check the path", rows=0))
        try:
            with path.open("rb"):
                pass
        except OSError as exc:  # else the driver says only "unable to open database file"
            raise InputError(Problem(f"cannot read: {exc.strerror or exc}", file=str(path),
                                     hint="check the permissions: this login must be able to read the file", rows=0)
                             ) from None
        other = {"duckdb": "sqlite", "sqlite": "duckdb"}[self.kind]
        if _file_kind(path) == other:
            raise _refuse(self.text, f"is a {_TITLES[other]} file, not a {_TITLES[self.kind]} one",
                          f"give it as {other}:///{path}")
        return path

    @contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Turn the driver's errors into one located message, with every password blanked. It names no row (rows=0):
        a query that failed, or a database not reached, is not "1 row could not be read"."""
        sa = _sqlalchemy(self.kind)
        try:
            yield
        except sa.exc.DBAPIError as exc:
            detail = scrub(str(exc.orig) if exc.orig is not None else str(exc), self._names)
            if exc.connection_invalidated and self._connection is not None:
                self._lost = _first_lines(detail)
                raise self._lost_problem(doing) from None
            raise InputError(Problem(f"{doing}: {_first_lines(detail)}", file=self.shown,
                                     hint=_data_hint(exc, detail) or self._hint(doing), rows=0)) from None
        except sa.exc.SQLAlchemyError as exc:
            if self._connection is not None and self._connection.invalidated:
                # SQLAlchemy's words after a lost connection ("Can't reconnect until invalid transaction is rolled
                # back") were all a link to its documentation: every later kind said "cannot read: ;".
                raise self._lost_problem(doing) from None
            raise InputError(Problem(f"{doing}: {_first_lines(scrub(str(exc), self._names))}", file=self.shown,
                                     hint=self._hint(doing), rows=0)) from None

    def _lost_problem(self, doing: str) -> InputError:
        """The connection lost while reading (the server restarted, the session ended): said for each query after."""
        why = f" ({self._lost})" if self._lost else ""
        return InputError(Problem(f"{doing}: the connection to the database was lost{why}", file=self.shown,
                                  hint="run it again; if the connection is lost again, ask the database's "
                                       "administrator whether the server restarted or a time limit ended the "
                                       "session", rows=0))

    def _hint(self, doing: str) -> str:
        """What to check when the database, not a value in it, is at fault."""
        if self.kind == "sqlite" and _in_wal_mode(self._file()):
            name = self._file().name
            return (f"the file is in SQLite's WAL mode, whose readers create {name}-shm and {name}-wal beside it: its "
                    "folder must let this login write them (or read a copy of the file, or have its owner set PRAGMA "
                    "journal_mode=DELETE)")
        if self.kind in ("sqlite", "duckdb"):
            # A file has no host, login or password: it is locked, not a database of this kind, or not the SSD.
            return (f"check the file is a {_TITLES.get(self.kind, self.kind)} database holding the tables as the "
                    "mapping expects, and that no other program holds it open for writing"
                    + (" (DuckDB lets one program write at a time)" if self.kind == "duckdb" else ""))
        if doing == "cannot connect":
            where = {"postgresql": "PGPASSWORD, ~/.pgpass or ", "mssql": "a DSN, Windows authentication or "}
            return (f"check the host, database and user; the password comes from {where.get(self.kind, '')}"
                    f"{PASSWORD_VARIABLE}")
        return "check the login may read the SSD tables (SELECT on them) and the tables are as the mapping expects"

    @contextmanager
    def apart(self) -> Iterator[None]:
        """Queries whose failure leaves the transaction open for the next: inside a savepoint (PostgreSQL ends the
        whole transaction at an error, SQL Server may); DuckDB, which has none, begins a new transaction on its
        read-only file; SQLite goes on as it is."""
        savepoint = None
        if self.kind in ("postgresql", "mssql"):
            with self.errors("cannot read"):
                savepoint = self._connection.begin_nested()
        try:
            yield
        except InputError:
            with self.errors("cannot read"):
                if savepoint is not None:
                    savepoint.rollback()
                elif self.kind == "duckdb":
                    self._connection.rollback()
            raise
        if savepoint is not None:
            with self.errors("cannot read"):
                savepoint.commit()

    def stream(self, sql: str) -> Iterator[tuple[Any, ...]]:
        """The rows of one query, fetched ``chunk`` at a time from a server-side cursor where there is one."""
        with self.errors("cannot read"):
            result = self._connection.exec_driver_sql(sql, execution_options={"stream_results": True,
                                                                              "max_row_buffer": self.chunk})
            try:
                while rows := result.fetchmany(self.chunk):
                    for row in rows:
                        yield tuple(row)
            finally:
                result.close()

    def missing(self, wanted: dict[str, set[str]]) -> list[tuple[str, str | None, str | None, str | None]]:
        """(table, None, alike, elsewhere) for each table not there, with the name of one there that differs only in
        case (else None) and another schema holding the table (else None); (table, column, alike, None) for each column
        not in its table, alike in the same way."""
        sa = _sqlalchemy(self.kind)
        out: list[tuple[str, str | None, str | None, str | None]] = []
        with self.errors("cannot read the list of tables"):
            inspector = sa.inspect(self._connection)
            # DuckDB's driver finds a table in any schema, where a query naming the table alone reads only the
            # default schema's: asked of that schema, a table elsewhere is missing, not a failed query.
            schema = inspector.default_schema_name if self.kind == "duckdb" else None
            names: list[str] | None = None
            for table, columns in wanted.items():
                alike = None
                if not inspector.has_table(table, schema=schema):
                    if names is None:  # a view stands in for a table (the hint for a name in another case)
                        names = [*inspector.get_table_names(schema=schema), *inspector.get_view_names(schema=schema)]
                    alike = next((n for n in names if n.lower() == table.lower()), None)
                    # SQLite, DuckDB and SQL Server find a table whatever the case of its name; PostgreSQL does
                    # not, unless it was made with the name unquoted (so in lower case).
                    if alike is None or self.kind == "postgresql":
                        out.append((table, None, alike, None if alike else self._elsewhere(inspector, table, schema)))
                        continue
                have = self._columns(inspector, table, alike, schema)
                for column in sorted(columns):
                    alike = next((c for c in have if c.lower() == column.lower()), None)
                    # As with tables: PostgreSQL reads a column named in another case only if made unquoted.
                    if alike is None or (self.kind == "postgresql" and alike != column):
                        out.append((table, column, alike, None))
        return out

    def _elsewhere(self, inspector: Any, table: str, schema: str | None) -> str | None:
        """The other schema holding a table not found (``_schema_holding``), so that the message says where it is; None
        where the catalogue cannot be searched, in a savepoint on a server, whose failure ends no transaction."""
        savepoint = self._connection.begin_nested() if self.kind in _SERVERS else None
        try:
            found = _schema_holding(inspector, table, schema)
        except Exception:  # noqa: BLE001 - the message is then as it was
            if savepoint is not None:
                savepoint.rollback()
            return None
        if savepoint is not None:
            savepoint.commit()
        return found

    def _columns(self, inspector: Any, table: str, alike: str | None, schema: str | None) -> list[str]:
        """The names of a table's columns: on a server, from its catalogue, since a login may be granted only the
        columns it reads and so refused a query of the others; from a file (SQLite, DuckDB: no grants, and DuckDB's
        driver cannot read its catalogue), the names a query of the table gives (no rows are read)."""
        if self.kind in _SERVERS:
            return [str(c["name"]) for c in inspector.get_columns(alike or table, schema=schema)]
        sa = _sqlalchemy(self.kind)
        probe = sa.select(sa.text("*")).select_from(sa.table(table)).where(sa.false())
        return [str(c) for c in self._connection.execute(probe).keys()]


def _schema_holding(inspector: Any, table: str, schema: str | None) -> str | None:
    """A schema other than the one read that holds ``table`` (the SSD's script makes ssd_development), or None."""
    read = schema or inspector.default_schema_name
    for name in inspector.get_schema_names():
        # DuckDB names a schema after its file ("ssd.main"), its own schemas "system.main" and "temp.main".
        own = name.rpartition(".")[2]
        if own == read or own.lower() in _SYSTEM_SCHEMAS or name.startswith(("system.", "temp.")):
            continue
        if inspector.has_table(table, schema=name):
            return str(name)
    return None


#: Schemas of the database's own, never the SSD's.
_SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "sys", "guest"})


def given_as_url(path: Path) -> str | None:
    """How to give a SQLite or DuckDB file that was given as a path (a new user's first try), as its bytes say it is;
    None for any other file."""
    kind = _file_kind(path)
    if kind is None:
        return None
    return f"it is a {_TITLES[kind]} database: give it as the URL {kind}:///{path}, with --mapping ssd for the SSD"


def _file_kind(path: Path) -> str | None:
    """"sqlite" or "duckdb" as a database file's first bytes say (each format's own mark), else None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    return "sqlite" if head.startswith(b"SQLite format 3\x00") else "duckdb" if head[8:12] == b"DUCK" else None


#: Where DuckDB and PostgreSQL quote the query back under their message ("LINE 4: ... ssd_cin_... AS cina_asse..."
#: then a caret under the place): half a line of SQL, cut anywhere, that says nothing to the reader of a one-line
#: message; the rest of the message is kept.
_QUOTED_SQL = re.compile(r"^(LINE \d+:|\s*\^\s*$)")


#: SQLAlchemy's link to its own documentation, at the end of its message's line.
_BACKGROUND = re.compile(r"\s*\(Background on this error at: \S*\)")


def _first_lines(text: str) -> str:
    """A driver's message on one line, without SQLAlchemy's link to its own documentation or the SQL quoted back."""
    lines = [line.strip() for line in _BACKGROUND.sub("", text).splitlines()
             if line.strip() and not _QUOTED_SQL.match(line)]
    return "; ".join(lines[:3])


#: A value the query could not turn into the type asked for: DuckDB's "Unimplemented type for cast (INTEGER ->
#: TIMESTAMP) when casting from source column cina_assessment_start_date", PostgreSQL's "UNION types timestamp
#: without time zone and integer cannot be matched" or "invalid input syntax for type timestamp".
_CAST = re.compile(r"\((?P<have>[\w ]+?) -> (?P<want>[\w ]+?)\)(?:.*?source column \"?(?P<column>\w+))?", re.S)
_DATA_WORDS = re.compile(r"(?i)\bcast\b|conversion|decode|invalid input syntax|types .* cannot be matched|"
                         r"out of range|datatype mismatch")


def _data_hint(exc: Any, detail: str) -> str | None:
    """The hint for a query that failed on the data (a column of another type than the mapping reads, text that
    is not text), not on the file, the server or the login: what is wrong with which column. None for the others,
    whose hint is the database's (``Database._hint``): told a type cast failed, the hint had been about locked
    files."""
    import sqlalchemy as sa

    if not isinstance(exc, sa.exc.DataError) and not _DATA_WORDS.search(detail):
        return None
    if "decode" in detail.lower():
        return ("a text column holds bytes that are not text in the database's encoding: store them as UTF-8 text "
                "(the column is named in the message)")
    cast = _CAST.search(detail)
    if cast and cast.group("column"):
        return (f"column {cast.group('column')} is {cast.group('have')}, which the query cannot read as "
                f"{cast.group('want')}: store it as the SSD defines it (DATETIME for a date, NVARCHAR for a code), or "
                "read the table through a view that converts it")
    return ("a column holds values of another type than the mapping reads (a date held as a number, say): check the "
            "types of the tables' columns against the SSD's definitions, or read a table through a view that "
            "converts them")


@contextmanager
def open_for_loading(text: str) -> Iterator[Any]:
    """A connection that may write, in one transaction, for ``compliance synth`` filling a test database with
    synthetic SSD tables: the same rules for the URL and its password, and the same care with messages."""
    db = Database(text, reading=False)
    sa = _sqlalchemy(db.kind)
    with db.errors("cannot load the tables"):
        try:
            engine = sa.create_engine(db._connect_url(), **db._network_options())
        except ImportError as exc:
            raise _driver_missing(text, db.kind, exc) from None
        try:
            with engine.begin() as connection:
                yield connection
        finally:
            engine.dispose()
