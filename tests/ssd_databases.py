"""The Standard Safeguarding Dataset in real databases, for the tests: its tables built from the SSD's published
definitions (tests/data/ssd/ssd-tables.yaml, extracted from data-to-insight/ssd-data-model) and filled by
`compliance synth --layout ssd`.

SQLite and DuckDB run in-process. PostgreSQL is a server: the one .ci/run starts, named by
COMPLIANCE_TEST_POSTGRES (a URL without a password, of a role that may create databases and roles) and
COMPLIANCE_TEST_POSTGRES_PASSWORD. Without one the PostgreSQL tests skip, saying so; in CI (CI=true) that is a
failure, since CI starts one.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

DEFINITIONS = Path(__file__).resolve().parent / "data" / "ssd" / "ssd-tables.yaml"
IN_CI = os.environ.get("CI") == "true"


def definitions() -> dict[str, Any]:
    return yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8"))


def needs(module: str) -> Any:
    """A database library the SSD tests need: installed with the test extra; missing, a skip (in CI, a failure)."""
    if IN_CI:
        return __import__(module)
    return pytest.importorskip(module, reason=f"{module} is not installed: pip install '.[test]'")


def column_type(field: dict[str, Any]) -> Any:
    """The SQLAlchemy type of a column as the SSD declares it (SQL Server's DDL, its length included)."""
    sa = needs("sqlalchemy")
    declared = (field.get("sqlserver") or field["type"]).upper()
    length = int(declared[declared.index("(") + 1:-1]) if "(" in declared else 255
    base = declared.split("(")[0]
    if base == "DATETIME":
        return sa.DateTime()
    if base == "FLOAT":
        return sa.Float()
    if base == "NCHAR":
        return sa.CHAR(length).with_variant(sa.NCHAR(length), "mssql")
    if base in ("NVARCHAR", "VARCHAR"):
        return sa.Unicode(length)
    raise AssertionError(f"a type the SSD tables were not seen to use: {declared}")


def schema() -> Any:
    """The SSD's tables as SQLAlchemy metadata: every column of every table the ssd mapping reads, with its key."""
    sa = needs("sqlalchemy")
    metadata = sa.MetaData()
    for table, fields in definitions()["tables"].items():
        sa.Table(table, metadata, *(sa.Column(f["name"], column_type(f), primary_key=bool(f.get("primary_key")))
                                    for f in fields))
    return metadata


def create(url: str, password: str | None = None) -> None:
    """Create the SSD's tables, empty, in the database at ``url``."""
    sa = needs("sqlalchemy")
    target = sa.engine.make_url(url)
    if password:
        target = target.set(password=password)
    if target.get_backend_name() == "postgresql":
        target = target.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(target)
    try:
        with engine.begin() as connection:
            schema().create_all(connection)
    finally:
        engine.dispose()


def fill(directory: Path, url: str, children: int, seed: int, password: str | None = None) -> None:
    """Build the SSD's tables at ``url`` and fill them with synthetic children, as `synth --layout ssd` does."""
    from compliance.records.synth import write_extracts

    create(url, password)
    with pytest.MonkeyPatch.context() as patch:
        if password:
            patch.setenv("COMPLIANCE_DB_PASSWORD", password)
        write_extracts(directory, children, seed, layout="ssd", database=url)


def postgres_server() -> tuple[str, str]:
    """The test server's URL (no password in it) and its password; a skip (in CI, a failure) without one."""
    url = os.environ.get("COMPLIANCE_TEST_POSTGRES")
    if not url:
        why = ("no PostgreSQL server for the tests: set COMPLIANCE_TEST_POSTGRES (a URL without a password) and "
               "COMPLIANCE_TEST_POSTGRES_PASSWORD, as .ci/run does")
        if IN_CI:
            pytest.fail(why + "; CI starts one, so this is a failure")
        pytest.skip(why)
    needs("psycopg")
    return url, os.environ.get("COMPLIANCE_TEST_POSTGRES_PASSWORD", "")


@dataclass(frozen=True)
class PostgresSSD:
    """A database of the test server holding the SSD, and a role that may only read it."""

    url: str  #: the reader's URL, without its password
    password: str  #: the reader's password
    owner_url: str
    owner_password: str


@contextmanager
def postgres_ssd(directory: Path, children: int, seed: int) -> Iterator[PostgresSSD]:
    """A fresh database on the test server with the SSD filled with synthetic children, read by a role of its own
    that may only SELECT; both dropped afterwards."""
    sa = needs("sqlalchemy")
    url, password = postgres_server()
    server = sa.engine.make_url(url).set(drivername="postgresql+psycopg", password=password or None)
    suffix = secrets.token_hex(4)
    database, reader, reader_password = f"ssd_test_{suffix}", f"ssd_reader_{suffix}", secrets.token_urlsafe(16)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
        connection.exec_driver_sql(f"CREATE ROLE {reader} LOGIN PASSWORD '{reader_password}'")
    owner = f"postgresql://{server.username}@{server.host}:{server.port or 5432}/{database}"
    try:
        fill(directory, owner, children, seed, password)
        grants = sa.create_engine(server.set(database=database), isolation_level="AUTOCOMMIT")
        with grants.connect() as connection:
            connection.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {reader}')
            connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {reader}")
            connection.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
        grants.dispose()
        reader_url = owner.replace(f"://{server.username}@", f"://{reader}@", 1)
        yield PostgresSSD(reader_url, reader_password, owner, password)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {reader}")
        admin.dispose()
