"""A database URL as a record source: read-only, streamed, its password never shown, its faults one clear message."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from ssd_databases import needs, postgres_server

from compliance.errors import InputError
from compliance.records import is_database_url, load_mapping, shown_url, show_sql
from compliance.records._database import Database, _first_lines, parse_url, scrub


@pytest.mark.parametrize("text, url", [("postgresql://reader@db/ssd", True), ("sqlite:///ssd.db", True),
                                       ("mssql+pyodbc://reader@dsn", True), ("tracker.csv", False),
                                       ("C:\\records\\tracker.csv", False), ("folder/x://y.csv", False),
                                       # Mistyped, a slash short: refused as a URL, not looked for as a file
                                       ("postgresql:/reader@db/ssd", True), ("Sqlite:ssd.db", True)])
def test_a_url_is_told_from_a_file(text, url):
    assert is_database_url(text) is url


@pytest.mark.parametrize("given", ["postgresql://reader:Sekr1t-pw@db/ssd", "postgresql://reader@db/ssd?password=Sekr1t-pw",
                                   "mssql+pyodbc://reader@dsn?odbc_connect=DSN%3Dssd%3BUID%3Dr%3BPWD%3DSekr1t-pw",
                                   "mssql+pyodbc://reader@dsn?PWD=Sekr1t-pw",
                                   # The connection string's key spelt out, or with a space, as ODBC allows
                                   "mssql+pyodbc:///?odbc_connect=DRIVER%3Dx%3BPassword%3DSekr1t-pw",
                                   "mssql+pyodbc:///?odbc_connect=DRIVER%3Dx%3BPWD+%3D+Sekr1t-pw"])
def test_a_url_holding_a_password_is_refused_without_showing_it(given):
    needs("sqlalchemy")
    with pytest.raises(InputError) as caught:
        parse_url(given)
    assert "holds a password" in str(caught.value) and "COMPLIANCE_DB_PASSWORD" in str(caught.value)
    assert "Sekr1t-pw" not in str(caught.value)
    assert "Sekr1t-pw" not in shown_url(given)


@pytest.mark.parametrize("given, shown", [
    # A password typed as it is: "/", "?", "@", "#", ":" and spaces in it (the "/" or "?" showed all of it, the "@"
    # the part after it).
    ("postgresql://reader:se/cret@db/ssd", "postgresql://reader:***@db/ssd"),
    ("postgresql://reader:pa?ss@db/ssd", "postgresql://reader:***@db/ssd"),
    ("postgresql://reader:p@ss@db/ssd", "postgresql://reader:***@db/ssd"),
    ("postgresql://reader:a@b/c?d:e@db:5432/ssd?sslmode=require",
     "postgresql://reader:***@db:5432/ssd?sslmode=require"),
    ("postgresql://reader:p#s s:w@db/ssd", "postgresql://reader:***@db/ssd"),
    ("postgresql://:se/cret@db/ssd", "postgresql://:***@db/ssd"),
    ("mssql+pyodbc://reader:se/cret@dsn", "mssql+pyodbc://reader:***@dsn"),
    # Not valid URLs: the "@" left out, a slash too many or too few, the scheme in capitals.
    ("postgresql://reader:se/cret", "postgresql://reader:***"),
    ("postgresql://reader:secret/db/ssd", "postgresql://reader:***"),
    ("postgresql:///reader:se/cret@db/ssd", "postgresql:///reader:***@db/ssd"),
    ("postgresql:/reader:se/cret@db/ssd", "postgresql:/reader:***@db/ssd"),
    ("postgresql:reader:se/cret@db/ssd", "postgresql:reader:***@db/ssd"),
    ("POSTGRESQL://reader:se/cret@db/ssd", "postgresql://reader:***@db/ssd"),
    # An ODBC connection string's password in the host, plain or encoded.
    ("mssql+pyodbc://reader@dsn;PWD=se/cret;APP=x", "mssql+pyodbc://reader@dsn;PWD=***"),
    ("mssql+pyodbc://reader@dsn;Password%3Dse/cret", "mssql+pyodbc://reader@dsn;Password%3D***"),
])
def test_no_part_of_a_password_is_shown_however_the_url_is_typed(given, shown):
    problem = refused(given)
    assert problem.file == shown
    for part in ("se/cret", "secret", "cret", "pa?ss", "ss@", "p#s", "a@b/c"):
        assert part not in str(problem)


@pytest.mark.parametrize("given", ["postgresql://db:5432/ssd", "postgresql://reader@[::1]:5432/ssd",
                                   "postgresql://reader@db/ssd?options=a:b@c", "sqlite:///C:/SSD/ssd.db",
                                   "mssql+pyodbc://@ssd_dsn"])
def test_a_url_with_no_password_is_read_and_shown_as_typed(given):
    needs("sqlalchemy")
    parse_url(given)
    assert shown_url(given) == given


def test_a_file_path_with_a_colon_and_an_at_is_read_and_shown_with_the_part_between_blanked():
    # Read as it is (a file has no password), but shown as a password typed in a URL would be: a message is no place
    # to guess which.
    needs("sqlalchemy")
    parse_url("sqlite:///C:/Users/jo@council/ssd.db")
    assert shown_url("sqlite:///C:/Users/jo@council/ssd.db") == "sqlite:///C:***@council/ssd.db"


def test_a_password_that_is_also_the_user_name_leaves_the_user_name_shown(monkeypatch):
    """Blanked, the user name told the password was the same."""
    monkeypatch.setenv("PGPASSWORD", "reader")
    monkeypatch.setenv("COMPLIANCE_DB_PASSWORD", "db")
    assert shown_url("postgresql://reader@db/ssd") == "postgresql://reader@db/ssd"
    assert scrub('password authentication failed for user "reader" at db', ("reader", "db")) == \
        'password authentication failed for user "reader" at db'


def test_a_kind_of_database_not_read_here_is_refused():
    needs("sqlalchemy")
    with pytest.raises(InputError, match="'mysql' databases are not read here"):
        parse_url("mysql://reader@db/ssd")


def refused(given: str):
    """The one problem ``parse_url`` refuses ``given`` with."""
    needs("sqlalchemy")
    with pytest.raises(InputError) as caught:
        parse_url(given)
    [problem] = caught.value.problems
    return problem


@pytest.mark.parametrize("given, name", [("sqlite:///ssd.db?mode=rwc", "SQLite"),
                                         ("duckdb:///ssd.duckdb?access_mode=read_write", "DuckDB")])
def test_options_in_the_url_of_a_file_are_refused_since_it_is_opened_read_only_anyway(given, name):
    # They were passed over, and SQLAlchemy printed its own warning with a path into its source.
    problem = refused(given)
    assert problem.message.startswith(f"{name} files are opened read-only, whatever the URL asks, so it takes no "
                                      "options (?")
    assert problem.hint == f"leave out what follows ?: {given.partition('?')[0]}"
    assert parse_url(given, reading=False).query  # compliance synth --database loads it: its options are its own


@pytest.mark.parametrize("given, meant", [("sqlite://ssd/ssd.sqlite3", "sqlite:///ssd/ssd.sqlite3"),
                                          ("duckdb://ssd.duckdb", "duckdb:///ssd.duckdb")])
def test_a_file_url_with_two_slashes_says_the_url_meant(given, meant):
    # Its first part was taken for a host: "ssd.sqlite3: no such database file", of a path that was right.
    problem = refused(given)
    assert problem.message.startswith("a file's URL has three slashes before a relative path")
    assert problem.hint == meant


def test_a_missing_database_file_is_not_created(tmp_path):
    needs("sqlalchemy")
    for kind in ("sqlite", "duckdb"):
        with pytest.raises(InputError, match="no such database file"), Database(f"{kind}:///{tmp_path / 'nope.db'}"):
            pass
    assert not list(tmp_path.iterdir())


def test_a_missing_driver_names_the_extra_to_install():
    needs("sqlalchemy")
    with pytest.raises(InputError) as caught, Database("postgresql+pg8000://reader@127.0.0.1:1/ssd"):
        pass
    assert "pip install 'statutory-timelines[postgres]'" in str(caught.value)


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_an_embedded_database_is_opened_read_only(tmp_path, kind):
    sa = needs("sqlalchemy")
    if kind == "duckdb":
        needs("duckdb_engine")
    path = tmp_path / f"ssd.{kind}"
    engine = sa.create_engine(f"{kind}:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (a INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1), (2), (3)")
    engine.dispose()
    before = path.read_bytes()
    with Database(f"{kind}:///{path}", chunk=2) as db:
        assert list(db.stream("SELECT a FROM t ORDER BY a")) == [(1,), (2,), (3,)]
        with pytest.raises(InputError, match="cannot read"), db.errors("cannot read"):
            db._connection.exec_driver_sql("INSERT INTO t VALUES (4)")
    assert path.read_bytes() == before


def test_postgresql_is_read_in_one_read_only_transaction_from_a_server_side_cursor(monkeypatch):
    url, password = postgres_server()
    monkeypatch.setenv("PGPASSWORD", password)
    with Database(url, chunk=10) as db:
        settings = next(db.stream("SELECT current_setting('transaction_read_only'), "
                                  "current_setting('transaction_isolation')"))
        assert settings == ("on", "repeatable read")
        rows = db.stream("SELECT n FROM generate_series(1, 35) AS n ORDER BY n")
        assert next(rows) == (1,)
        # While the stream is open, the server holds its cursor: rows come ten at a time, not all at once.
        cursors = db._connection.exec_driver_sql("SELECT count(*) FROM pg_cursors").scalar()
        assert cursors == 1 and [r[0] for r in rows] == list(range(2, 36))
        with pytest.raises(InputError, match="read-only transaction"), db.errors("cannot read"):
            db._connection.exec_driver_sql("CREATE TABLE intruder (a int)")


def test_a_failed_connection_says_why_without_the_password(monkeypatch):
    url, _ = postgres_server()
    monkeypatch.setenv("PGPASSWORD", "Wrong-Sekr1t-Password")
    with pytest.raises(InputError) as caught, Database(url):
        pass
    text = str(caught.value)
    assert "cannot connect" in text and "password authentication failed" in text
    assert "Wrong-Sekr1t-Password" not in text and "PGPASSWORD, ~/.pgpass or COMPLIANCE_DB_PASSWORD" in text


LOST = ("cannot read: the connection to the database was lost (terminating connection due to administrator "
        "command)")


def test_a_connection_lost_while_reading_is_said_so_for_that_query_and_every_later_one(monkeypatch):
    """The queries after the one the loss stopped said "cannot read: ;", with the hint to check SELECT permissions."""
    sa = needs("sqlalchemy")
    url, password = postgres_server()
    monkeypatch.setenv("PGPASSWORD", password)
    admin = sa.create_engine(sa.engine.make_url(url).set(drivername="postgresql+psycopg", password=password or None),
                             isolation_level="AUTOCOMMIT")
    with Database(url, chunk=10) as db:
        [(pid,)] = db.stream("SELECT pg_backend_pid()")
        rows = db.stream("SELECT n FROM generate_series(1, 1000) AS n")
        next(rows)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        said = []
        for query in (lambda: list(rows), lambda: list(db.stream("SELECT 1"))):
            with pytest.raises(InputError) as caught, db.apart():
                query()
            said += caught.value.problems
    admin.dispose()
    assert [p.message for p in said] == [LOST, LOST]
    assert all(p.hint.startswith("run it again; if the connection is lost again") for p in said)


def test_a_connection_lost_is_said_so_by_every_query_after_it_in_the_drivers_words(tmp_path):
    # As SQLAlchemy gives it on any server: the driver's error with connection_invalidated, then, for each query
    # after, its own PendingRollbackError, whose words were only a link to its documentation.
    sa = needs("sqlalchemy")
    sqlite3.connect(tmp_path / "t.db").close()
    with Database(f"sqlite:///{tmp_path / 't.db'}") as db:
        list(db.stream("SELECT 1"))
        with pytest.raises(InputError) as first, db.errors("cannot read"):
            raise sa.exc.OperationalError("SELECT 1", {}, Exception("terminating connection due to administrator "
                                                                     "command"), connection_invalidated=True)
        db._connection.invalidate()  # as SQLAlchemy does on such an error
        with pytest.raises(InputError) as later, db.errors("cannot read"):
            db._connection.exec_driver_sql("SELECT 1")
    assert [str(first.value.problems[0].message), str(later.value.problems[0].message)] == [LOST, LOST]


def test_a_message_of_sqlalchemy_keeps_its_words_without_the_link_to_its_documentation():
    assert _first_lines("Can't reconnect until invalid transaction is rolled back.  Please rollback() fully before "
                        "proceeding (Background on this error at: https://sqlalche.me/e/21/8s2b)") == \
        "Can't reconnect until invalid transaction is rolled back.  Please rollback() fully before proceeding"
    assert _first_lines("no such table: t\n[SQL: SELECT a FROM t]\n(Background on this error at: "
                        "https://sqlalche.me/e/21/e3q8)") == "no such table: t; [SQL: SELECT a FROM t]"


def test_every_message_has_the_passwords_blanked(monkeypatch):
    monkeypatch.setenv("COMPLIANCE_DB_PASSWORD", "Sekr1t-one")
    monkeypatch.setenv("PGPASSWORD", "Sekr1t-two")
    assert scrub("login Sekr1t-one failed; Sekr1t-two too") == "login *** failed; *** too"


def test_a_short_password_is_blanked_where_it_stands_alone_not_inside_words(monkeypatch):
    """Blanked inside words, a password of one letter spelt itself out: 'conn***ction r***fus***d' (found by a probe
    with PGPASSWORD=e)."""
    monkeypatch.delenv("COMPLIANCE_DB_PASSWORD", raising=False)
    monkeypatch.setenv("PGPASSWORD", "e")
    assert scrub("connection refused; password=e, user e_1") == "connection refused; password=***, user ***_1"


def test_show_sql_connects_to_nothing_and_names_how_the_database_is_kept_read_only():
    needs("sqlalchemy")
    mapping = load_mapping("ssd")
    text = show_sql("postgresql://reader@db.invalid/ssd", mapping)  # the host does not exist: never contacted
    assert text.startswith("-- The queries `compliance check` runs on postgresql://reader@db.invalid/ssd")
    assert "READ ONLY, REPEATABLE READ" in text and "5 in all" in text and text.count(";\n") == 5
    assert "SQL Server has no read-only transaction" in show_sql("mssql+pyodbc://reader@dsn", mapping)


def test_compliance_does_not_import_sqlalchemy():
    code = ("import sys, compliance, compliance.records, compliance.reports, compliance.nightly; "
            "print('sqlalchemy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_a_sqlite_database_with_text_dates_is_read_as_it_is(tmp_path):
    path = tmp_path / "t.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (d DATETIME)")
        connection.execute("INSERT INTO t VALUES ('2023-03-01 00:00:00.000')")
    connection.close()
    needs("sqlalchemy")
    with Database(f"sqlite:///{path}") as db:
        assert list(db.stream("SELECT d FROM t")) == [("2023-03-01 00:00:00.000",)]


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_a_file_that_is_no_database_is_said_so_with_no_talk_of_hosts_or_passwords(tmp_path, kind):
    needs("sqlalchemy")
    if kind == "duckdb":
        needs("duckdb_engine")
    path = tmp_path / "ssd.db"
    path.write_text("id,kind\nr1,referral\n" * 200, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        with Database(f"{kind}:///{path}") as db:
            db.missing({"ssd_cin_episodes": {"cine_referral_id"}})
    [problem] = exc.value.problems
    assert "database" in problem.hint and "no other program holds it open" in problem.hint
    assert "host" not in problem.hint and "password" not in problem.hint


@pytest.mark.parametrize("kind, other", [("sqlite", "duckdb"), ("duckdb", "sqlite")])
def test_a_database_file_given_as_the_other_kind_is_named_for_what_it_is(tmp_path, kind, other):
    """A SQLite file given as duckdb:/// had DuckDB fetch an extension from the internet to read it (and fail)."""
    sa = needs("sqlalchemy")
    needs("duckdb_engine")
    path = tmp_path / "ssd.db"
    engine = sa.create_engine(f"{other}:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (a INTEGER)")
    engine.dispose()
    with pytest.raises(InputError) as caught, Database(f"{kind}:///{path}"):
        pass
    [problem] = caught.value.problems
    assert problem.message == f"is a {'SQLite' if other == 'sqlite' else 'DuckDB'} file, not a " \
                              f"{'SQLite' if kind == 'sqlite' else 'DuckDB'} one"
    assert problem.hint == f"give it as {other}:///{path}"


def test_a_url_scheme_in_capitals_is_the_same_scheme():
    """URL schemes are not case-sensitive (RFC 3986): SQLITE:/// was refused as a kind of database not read here."""
    needs("sqlalchemy")
    assert parse_url("SQLITE:///ssd.db").get_backend_name() == "sqlite"
    assert parse_url("PostgreSQL://reader@db/ssd").get_driver_name() == "psycopg"


def test_a_folder_given_as_the_database_file_is_said_to_be_a_folder(tmp_path):
    needs("sqlalchemy")
    (tmp_path / "ssd.db").mkdir()
    with pytest.raises(InputError) as caught, Database(f"sqlite:///{tmp_path / 'ssd.db'}"):
        pass
    [problem] = caught.value.problems
    assert problem.message == "is a folder, not a SQLite database file" and problem.rows == 0
    assert problem.hint == f"name the database file in it: sqlite:///{tmp_path / 'ssd.db' / 'ssd.db'}, say"


def test_text_that_is_not_utf8_in_a_sqlite_cell_is_kept_aside_not_a_failed_query(tmp_path):
    """A Windows-1252 byte in one TEXT cell failed the whole query at its row: every row after it was lost."""
    needs("sqlalchemy")
    from compliance.records._database import shown_bytes, undecodable

    path = tmp_path / "t.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (k TEXT, team TEXT)")
        connection.execute("INSERT INTO t VALUES ('R1', 'Front Door'), ('R2', CAST(X'436166E9205465616D' AS TEXT)), "
                           "('R3', 'Café Team')")
    connection.close()
    with Database(f"sqlite:///{path}") as db:
        rows = list(db.stream("SELECT k, team FROM t ORDER BY k"))
    assert [k for k, _ in rows] == ["R1", "R2", "R3"]
    assert [undecodable(team) for _, team in rows] == [None, 0xE9, None]  # UTF-8's é is text
    assert shown_bytes(rows[1][1]) == "'Caf\\xe9 Team'"
    assert shown_bytes("x" * 100 + "\udce9" + "y" * 100) == "'..." + "x" * 30 + "\\xe9" + "y" * 29 + "...'"


def test_a_query_failing_on_a_column_s_type_names_the_column_not_file_locking(tmp_path):
    """Dates held as INTEGER (20240103) in DuckDB: the hint was about locked files, and DuckDB's quotation of the
    query ("LINE 1: SELECT ... ^") ran into the one-line message."""
    sa = needs("sqlalchemy")
    needs("duckdb_engine")
    path = tmp_path / "ssd.duckdb"
    engine = sa.create_engine(f"duckdb:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (started INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (20240103)")
    engine.dispose()
    with Database(f"duckdb:///{path}") as db, pytest.raises(InputError) as caught:
        list(db.stream("SELECT started FROM t UNION ALL SELECT CAST(NULL AS TIMESTAMP)"))
    [problem] = caught.value.problems
    assert problem.message.startswith("cannot read: Conversion Error: Unimplemented type for cast (INTEGER -> "
                                      "TIMESTAMP) when casting from source column started")
    assert "LINE" not in problem.message and "^" not in problem.message
    assert problem.hint.startswith("column started is INTEGER, which the query cannot read as TIMESTAMP: store it")
    assert "no other program holds it open" not in problem.hint
    assert problem.rows == 0  # a query, not a row: never "1 row could not be read"


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_a_database_file_this_login_may_not_read_is_said_so(tmp_path, monkeypatch, kind):
    """Found by hand: a SQLite file of mode 600 read by another login said "cannot connect: unable to open database
    file", with a hint about DuckDB and programs holding it open."""
    needs("sqlalchemy")
    path = tmp_path / "ssd.db"
    path.write_bytes(b"SQLite format 3\x00" if kind == "sqlite" else b"\x00" * 8 + b"DUCK")
    real_open = type(path).open

    def refused(self, *args, **kwargs):  # the login's permission, faked: root reads any file
        if self == path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(path), "open", refused)
    with pytest.raises(InputError) as caught, Database(f"{kind}:///{path}"):
        pass
    [problem] = caught.value.problems
    assert (problem.file, problem.message, problem.rows) == (str(path), "cannot read: Permission denied", 0)
    assert problem.hint == "check the permissions: this login must be able to read the file"


def test_a_sqlite_file_s_hint_speaks_of_sqlite_not_duckdb(tmp_path):
    path = tmp_path / "plain.sqlite3"
    path.write_bytes(b"not a database at all")
    assert "DuckDB" not in Database(f"sqlite:///{path}")._hint("cannot read the list of tables")


def test_a_sqlite_file_in_wal_mode_that_cannot_be_opened_names_the_folder_it_needs(tmp_path):
    """A WAL database on a read-only share could not be opened, and the hint spoke of programs holding it open:
    its readers must create the -shm and -wal files beside it."""
    wal, plain = tmp_path / "wal.sqlite3", tmp_path / "plain.sqlite3"
    for path, mode in ((wal, "WAL"), (plain, "DELETE")):
        with sqlite3.connect(path) as db:
            db.execute(f"PRAGMA journal_mode={mode}")
            db.execute("CREATE TABLE t (x)")
        db.close()
    assert Database(f"sqlite:///{wal}")._hint("cannot read the list of tables") == (
        "the file is in SQLite's WAL mode, whose readers create wal.sqlite3-shm and wal.sqlite3-wal beside it: its "
        "folder must let this login write them (or read a copy of the file, or have its owner set PRAGMA "
        "journal_mode=DELETE)")
    assert "no other program holds it open" in Database(f"sqlite:///{plain}")._hint("cannot read the list of tables")


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_a_database_file_given_as_a_path_is_told_the_url_to_give(tmp_path, kind):
    """Found by hand: `check ssd/ssd.sqlite3 --mapping ssd` said only that the mapping reads a database, not .sqlite3,
    and without --mapping, that .sqlite3 is an unknown file type: the URL that reads it was named nowhere."""
    from compliance.records import read_mapped, read_records

    path = tmp_path / f"ssd.{'sqlite3' if kind == 'sqlite' else 'duckdb'}"
    path.write_bytes(b"SQLite format 3\x00" if kind == "sqlite" else b"\x00" * 8 + b"DUCK" + b"\x00" * 4)
    hint = f"it is a {'SQLite' if kind == 'sqlite' else 'DuckDB'} database: give it as the URL {kind}:///{path}, " \
           "with --mapping ssd for the SSD"
    [(_, [mapped])] = list(read_mapped([path], load_mapping("ssd")))
    assert mapped.message.startswith("the ssd mapping reads a database, or its tables as .csv files, not .")
    assert mapped.hint == hint
    _, [unmapped] = read_records([path])
    assert unmapped.message.startswith("unknown file type .") and unmapped.hint == hint
    other = tmp_path / "notes.db"
    other.write_text("not a database", encoding="utf-8")
    assert read_records([other])[1][0].hint == "give a .yaml, .json, .csv or .xlsx file"
