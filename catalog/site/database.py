"""data/spacecraft-catalog.sqlite: the data package's tables in one SQLite database, for SQL and Datasette.

Each table of exports.TABLES is a table of the same name and columns (Table Schema's integer and
boolean are INTEGER, booleans 0 and 1; every other type TEXT, as the CSV writes it: ISO 8601
dates, instants and durations), with its primary key, its foreign keys (REFERENCES, checked by
``PRAGMA foreign_key_check``) and an index on each foreign key. Each column's description is a
comment in its table's CREATE statement, so ``sqlite_master`` (and Datasette) shows what it holds.
The text is the API's, unchanged: the CSV's spreadsheet rule (a quote before ``=``...) is for
spreadsheets, not for SQL.

The same input gives the same bytes: the database is made in a temp file by the standard library's
sqlite3 in a fixed order of statements (fixed page size, rows in the tables' order, no timestamps),
then VACUUMed, so its layout and the header's change counter depend on the data only. (The header
names the SQLite library's version: another SQLite may write other bytes for the same data.)
"""
from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar


class Field(Protocol):
    """A column as exports.Column has it (this module reads, never imports, exports: it imports this one)."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def description(self) -> str: ...


class Table(Protocol):
    """A table as exports.Table has it: its name, columns and keys."""

    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> tuple[Field, ...]: ...

    @property
    def primary_key(self) -> tuple[str, ...]: ...

    @property
    def foreign_keys(self) -> tuple[tuple[str | tuple[str, ...], str, str | tuple[str, ...]], ...]: ...

T = TypeVar("T", bound=Table)

PAGE_SIZE = 4096
MEDIA_TYPE = "application/vnd.sqlite3"
_SQL_TYPES = {"integer": "INTEGER", "boolean": "INTEGER"}  # every other Table Schema type is TEXT
_BOOLEANS = {"true": 1, "false": 0, None: None}


def database(tables: Sequence[T], rows: Callable[[T], Iterable[tuple[Any, ...]]]) -> bytes:
    """The SQLite database of these tables, filled with rows(table), as bytes."""
    with tempfile.TemporaryDirectory(prefix="catalog-sqlite-") as folder:
        path = Path(folder) / "catalog.sqlite"
        db = sqlite3.connect(path, isolation_level=None)
        try:
            # A new file written in one transaction, each index made after its rows: the same statements
            # give the same pages (no VACUUM needed), and a temporary file needs no journal.
            for pragma in (f"page_size = {PAGE_SIZE}", "journal_mode = OFF", "synchronous = OFF"):
                db.execute(f"PRAGMA {pragma}")
            db.execute("BEGIN")
            for table in tables:
                db.execute(create_table(table))
                marks = ", ".join("?" * len(table.columns))
                db.executemany(f"INSERT INTO {_name(table.name)} VALUES ({marks})", _values(table, rows(table)))
                for statement in create_indexes(table):
                    db.execute(statement)
            db.execute("COMMIT")
        finally:
            db.close()
        return path.read_bytes()


def create_table(table: Table) -> str:
    """CREATE TABLE with the columns (each commented with its description), the primary and foreign keys."""
    lines = [f"  {_name(c.name)} {_SQL_TYPES.get(c.type, 'TEXT')}, -- {_comment(c.description)}"
             for c in table.columns]
    lines.append(f"  PRIMARY KEY ({_names(table.primary_key)})")
    for field, resource, ref in table.foreign_keys:
        lines[-1] += ","
        lines.append(f"  FOREIGN KEY ({_names(field)}) REFERENCES {_name(resource)} ({_names(ref)})")
    return f"CREATE TABLE {_name(table.name)} (\n" + "\n".join(lines) + "\n)"


def create_indexes(table: Table) -> Iterator[str]:
    """An index on each foreign key: joins and "which rows point at this one" stay fast."""
    for field, _, _ in table.foreign_keys:
        fields = (field,) if isinstance(field, str) else field
        yield (f"CREATE INDEX {_name(table.name + '_' + '_'.join(fields))} "
               f"ON {_name(table.name)} ({_names(fields)})")


def _values(table: Table, rows: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    """Rows with booleans as 0 and 1 (the rows give them as the CSV's "true" and "false")."""
    flags = [n for n, c in enumerate(table.columns) if c.type == "boolean"]
    if not flags:
        return rows
    return (tuple(_BOOLEANS[v] if n in flags else v for n, v in enumerate(row)) for row in rows)


def _name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _names(fields: str | Iterable[str]) -> str:
    return ", ".join(map(_name, (fields,) if isinstance(fields, str) else fields))


def _comment(text: str) -> str:
    return " ".join(text.split())  # one line: a comment runs to the end of its line
