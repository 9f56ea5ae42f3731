"""The operator's full backup: every table of the schema, parents first, as one JSON Lines file each plus
`manifest.json`, and back into an empty database migrated to the same revision.

The backup holds raw survey answers and password hashes: it goes to the server's disk only (a directory of mode
0700, files of mode 0600) and is never offered for download. An import checks all it can before it writes
anything (manifest, file names, checksums, row counts, columns, every value's type, foreign keys), then writes in
one transaction: all of it or nothing. Rows are streamed both ways, never a whole table in memory."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import sort_tables_and_constraints
from sqlalchemy.types import TypeDecorator

from coaction.extensions import cache, db

FORMAT = "coaction-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 16 << 20
MAX_LINE_BYTES = 64 << 20  # one row; a kept survey import file (12 MB at most) is 16 MB in base64
BATCH = 2000
# Tables that a fresh `db upgrade` already fills (network_state's one row): an import replaces their rows.
SEEDED_BY_MIGRATIONS = frozenset({"network_state"})
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}\.jsonl")
SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """A refusal, with a message for the operator that names the file, table, line or column."""


class Bar(Protocol):
    def update(self, n_steps: int) -> None: ...


Progress = Callable[[str, int], AbstractContextManager[Bar]]


class _NoBar:
    def update(self, n_steps: int) -> None:
        pass


def no_progress(label: str, length: int) -> AbstractContextManager[Bar]:
    return contextlib.nullcontext(_NoBar())


# -- Values: how each column type is read, written to a line and read back ------------------------------------


@dataclass(frozen=True)
class Codec:
    """`kind` names the column's type in the manifest; `storage` is the type read and written (what the database
    holds, not what a model makes of it); `decode` raises ValueError saying what it expected."""

    kind: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]
    storage: sa.types.TypeEngine


class JSONText(TypeDecorator):
    """A PostgreSQL JSON column read and written as its text: the stored text survives, and SQL NULL stays apart
    from JSON null."""

    impl = sa.Text
    cache_ok = True

    def column_expression(self, column):
        return sa.cast(column, sa.Text)

    def bind_expression(self, bindvalue):
        return sa.cast(bindvalue, sa.JSON)


def codec_for(column: sa.Column, dialect: str) -> Codec:
    stored = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(stored, sa.Enum):  # before String, which it is
        return Codec("enum", str, _enum_decoder(stored.enums), sa.String(stored.length))
    if isinstance(stored, sa.JSON):
        return Codec("json", str, _decode_json, JSONText() if dialect == "postgresql" else sa.Text())
    if isinstance(stored, sa.Boolean):
        return Codec("boolean", bool, _decode_boolean, stored)
    if isinstance(stored, sa.Integer):
        bits = 16 if isinstance(stored, sa.SmallInteger) else 64 if isinstance(stored, sa.BigInteger) else 32
        return Codec("integer", int, _integer_decoder(bits), stored)
    if isinstance(stored, sa.Float):  # before Numeric, which it is
        return Codec("float", _encode_float, _decode_float, stored)
    if isinstance(stored, sa.Numeric):
        return Codec("decimal", str, _decode_decimal, sa.Numeric(stored.precision, stored.scale, asdecimal=True))
    if isinstance(stored, sa.DateTime):
        if stored.timezone:
            return Codec("datetime_utc", _encode_utc, _decode_utc, stored)
        return Codec("datetime", datetime.isoformat, _decode_naive, stored)
    if isinstance(stored, sa.Date):
        return Codec("date", date.isoformat, _parser(date.fromisoformat, "a date (YYYY-MM-DD)"), stored)
    if isinstance(stored, sa.Time):
        return Codec("time", time.isoformat, _parser(time.fromisoformat, "a time (HH:MM:SS)"), stored)
    if isinstance(stored, sa.LargeBinary):
        return Codec("bytes", _encode_bytes, _decode_bytes, stored)
    if isinstance(stored, sa.String):
        return Codec("text", str, _text_decoder(stored.length, nul_allowed=dialect != "postgresql"), stored)
    raise BackupError(f"table {column.table.name}: column {column.name} is of type {stored!r}, unknown to the backup")


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"expected {what}")


def _enum_decoder(allowed: list[str]) -> Callable[[Any], str]:
    def decode(value: Any) -> str:
        _expect(isinstance(value, str) and value in allowed, "one of " + ", ".join(allowed))
        return value

    return decode


def _decode_json(value: Any) -> str:
    _expect(isinstance(value, str), "a JSON document as text")
    try:
        json.loads(value, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise ValueError("expected a JSON document as text") from error
    return value


def _decode_boolean(value: Any) -> bool:
    _expect(isinstance(value, bool), "true or false")
    return value


def _integer_decoder(bits: int) -> Callable[[Any], int]:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def decode(value: Any) -> int:
        _expect(
            isinstance(value, int) and not isinstance(value, bool) and low <= value <= high, f"a {bits}-bit integer"
        )
        return value

    return decode


def _encode_float(value: float) -> float | str:
    value = float(value)
    return value if math.isfinite(value) else repr(value)  # 'nan', 'inf', '-inf': JSON has no such numbers


def _decode_float(value: Any) -> float:
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    _expect(isinstance(value, int | float) and not isinstance(value, bool), "a number")
    return float(value)


def _decode_decimal(value: Any) -> Decimal:
    _expect(isinstance(value, str), "a decimal number as text")
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise ValueError("expected a decimal number as text") from error


def _encode_utc(value: datetime) -> str:
    # SQLite keeps no offset: the schema's aware columns hold UTC there (coaction.core.types.UTCDateTime)
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()


def _decode_utc(value: Any) -> datetime:
    parsed = _parser(datetime.fromisoformat, "a date and time with a UTC offset")(value)
    _expect(parsed.tzinfo is not None, "a date and time with a UTC offset")
    return parsed.astimezone(UTC)


def _decode_naive(value: Any) -> datetime:
    parsed = _parser(datetime.fromisoformat, "a date and time without an offset")(value)
    _expect(parsed.tzinfo is None, "a date and time without an offset")
    return parsed


def _parser(parse: Callable[[str], Any], what: str) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        _expect(isinstance(value, str), what)
        try:
            return parse(value)
        except ValueError as error:
            raise ValueError(f"expected {what}") from error

    return decode


def _encode_bytes(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _decode_bytes(value: Any) -> bytes:
    _expect(isinstance(value, str), "bytes in base64")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as error:
        raise ValueError("expected bytes in base64") from error


def _text_decoder(length: int | None, *, nul_allowed: bool) -> Callable[[Any], str]:
    what = f"text of at most {length} characters" if length else "text"

    def decode(value: Any) -> str:
        _expect(isinstance(value, str) and (length is None or len(value) <= length), what)
        _expect(nul_allowed or "\x00" not in value, "text without NUL characters (PostgreSQL stores none)")
        return value

    return decode


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# -- The schema ----------------------------------------------------------------------------------------------


def dependency_order(metadata: sa.MetaData | None = None) -> tuple[list[sa.Table], frozenset[sa.ForeignKeyConstraint]]:
    """Every table of the schema, parents first, and the foreign keys no order of tables satisfies (a table that
    refers to itself, tables that refer to each other in a cycle): their columns are written once every row is in."""
    tables = (metadata or db.metadata).sorted_tables  # with a cycle, SQLAlchemy warns and orders the rest
    cyclic = {fkc for table, fkcs in sort_tables_and_constraints(tables) if table is None for fkc in fkcs}
    own = {fkc for table in tables for fkc in table.foreign_key_constraints if fkc.referred_table is table}
    return tables, frozenset(cyclic | own)


def storage_table(table: sa.Table, columns: list[sa.Column], codecs: list[Codec]) -> sa.Table:
    """The table with these columns as stored: no model types, constraints or defaults in the way."""
    stored = [
        sa.Column(column.name, codec.storage, primary_key=column.primary_key, autoincrement=False)
        for column, codec in zip(columns, codecs, strict=True)
    ]
    return sa.Table(table.name, sa.MetaData(), *stored)


def database_revision(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    if len(heads) > 1:
        raise BackupError(f"the database has several alembic heads ({', '.join(heads)}): merge them first")
    return heads[0] if heads else None


def code_revision() -> str | None:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


# -- Export --------------------------------------------------------------------------------------------------


def export_all(directory: Path, *, progress: Progress = no_progress) -> dict:
    """Write every table and the manifest (last) into DIRECTORY, a new or empty directory; returns the manifest."""
    tables, _deferred = dependency_order()
    with db.engine.connect() as connection:
        begin_snapshot(connection)
        revision = database_revision(connection)
        head = code_revision()
        if revision is None or revision != head:
            raise BackupError(
                f"the database is at revision {revision or 'none'}, the code at {head}: "
                "run `flask --app wsgi db upgrade` first"
            )
        prepare_directory(directory)
        created_at = datetime.now(UTC).isoformat()
        entries = [export_table(connection, table, directory, progress) for table in tables]
        connection.rollback()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at,
        "alembic_revision": revision,
        "source_dialect": db.engine.dialect.name,
        "tables": entries,
    }
    with create_private(directory / MANIFEST) as out:
        out.write(json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n")
    return manifest


def begin_snapshot(connection: Connection) -> None:
    """One consistent view of every table while the app keeps writing."""
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")  # pysqlite begins only before writes; WAL keeps this reader's snapshot


def prepare_directory(directory: Path) -> None:
    if directory.exists() or directory.is_symlink():
        if not directory.is_dir():
            raise BackupError(f"{directory} is not a directory")
        if any(directory.iterdir()):
            raise BackupError(f"{directory} is not empty: export into a new or empty directory")
    else:
        directory.mkdir(mode=0o700, parents=True)
    directory.chmod(0o700)


@contextlib.contextmanager
def create_private(path: Path) -> Iterator[BinaryIO]:
    """A new file only its owner reads: never an existing one, never through a symbolic link."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        yield out


def export_table(connection: Connection, table: sa.Table, directory: Path, progress: Progress) -> dict:
    dialect = connection.dialect.name
    codecs = [codec_for(column, dialect) for column in table.columns]
    stored = storage_table(table, list(table.columns), codecs)
    total = connection.scalar(sa.select(sa.func.count()).select_from(stored))
    # Primary-key order, strings by code point on both databases, so that equal data make equal files.
    key = list(stored.primary_key.columns) or list(stored.columns)
    order = [c.collate("C") if dialect == "postgresql" and isinstance(c.type, sa.String) else c for c in key]
    digest, rows, file_name = hashlib.sha256(), 0, f"{table.name}.jsonl"
    with create_private(directory / file_name) as out, progress(f"Exporting {table.name}", total) as bar:
        result = connection.execute(sa.select(stored).order_by(*order).execution_options(yield_per=BATCH))
        for chunk in result.partitions():
            lines = b"".join(encode_row(row, codecs) for row in chunk)
            out.write(lines)
            digest.update(lines)
            rows += len(chunk)
            bar.update(len(chunk))
    return {
        "name": table.name,
        "file": file_name,
        "columns": [{"name": c.name, "type": codec.kind} for c, codec in zip(table.columns, codecs, strict=True)],
        "rows": rows,
        "sha256": digest.hexdigest(),
    }


def encode_row(row: sa.Row, codecs: list[Codec]) -> bytes:
    values = [None if value is None else codec.encode(value) for value, codec in zip(row, codecs, strict=True)]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode() + b"\n"


# -- Import --------------------------------------------------------------------------------------------------


@dataclass
class ForeignKey:
    """One foreign key of a table being checked: its columns, the referred table's key set, and for a deferred
    one the values seen (with their first line), checked once every table is read."""

    columns: tuple[str, ...]
    target: tuple[str, tuple[str, ...]]
    deferred: bool
    seen: dict[tuple, int] = field(default_factory=dict)


@dataclass
class TablePlan:
    table: sa.Table
    stored: sa.Table
    codecs: list[Codec]
    file: str
    rows: int
    sha256: str
    deferred: list[str]  # columns of self-referencing or cyclic foreign keys, written after every row


def import_all(directory: Path, *, progress: Progress = no_progress, max_line_bytes: int = MAX_LINE_BYTES) -> dict:
    """Restore the backup in DIRECTORY into this empty database at the backup's revision; returns its manifest.
    Refuses with a BackupError, having written nothing, when anything is wrong."""
    manifest = read_manifest(directory)
    revision = manifest["alembic_revision"]
    with db.engine.connect() as connection:
        check_target(connection, revision)
    tables, deferred = dependency_order()
    plans = plan_import(manifest, tables, deferred, directory, db.engine.dialect.name)
    verify_files(directory, plans, max_line_bytes, progress)
    check_rows(directory, plans, deferred, max_line_bytes, progress)
    with db.engine.begin() as connection:
        check_target(connection, revision)  # again, inside the transaction that writes
        write_rows(connection, directory, plans, max_line_bytes, progress)
        if connection.dialect.name == "postgresql":
            reset_sequences(connection, tables)
    cache.clear()  # cached pages and figures are of the database before
    return manifest


def read_manifest(directory: Path) -> dict:
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a directory")
    if not (directory / MANIFEST).exists() and not (directory / MANIFEST).is_symlink():
        raise BackupError(f"{directory} has no {MANIFEST}: not a backup, or an export that did not finish")
    with open_backup_file(directory, MANIFEST) as source:
        data = source.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise BackupError(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES:,} bytes: refused")
    try:
        manifest = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BackupError(f"{MANIFEST} is not valid JSON: {error}") from error
    _require(isinstance(manifest, dict) and manifest.get("format") == FORMAT, "is not a CoAction backup's manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{MANIFEST}: format version {manifest.get('format_version')!r} is unknown "
            f"(this version of CoAction reads version {FORMAT_VERSION})"
        )
    _require(isinstance(manifest.get("alembic_revision"), str), "has no alembic_revision")
    _require(isinstance(manifest.get("tables"), list), "has no list of tables")
    for number, entry in enumerate(manifest["tables"], start=1):
        where = f"table entry {number}"
        _require(isinstance(entry, dict) and isinstance(entry.get("name"), str), f"{where} has no name")
        where = f"table {entry['name']}"
        _require(isinstance(entry.get("file"), str), f"{where} has no file name")
        _require(type(entry.get("rows")) is int and entry["rows"] >= 0, f"{where} has no row count")
        _require(isinstance(entry.get("sha256"), str) and SHA256.fullmatch(entry["sha256"]), f"{where}: no sha256")
        columns = entry.get("columns")
        _require(
            isinstance(columns, list)
            and all(isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("type"), str)
                    for c in columns),
            f"{where} has no list of columns with their types",
        )  # fmt: skip
    return manifest


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise BackupError(f"{MANIFEST} {problem}")


def open_backup_file(directory: Path, name: str) -> BinaryIO:
    """A regular file of the backup's own directory, for reading: never through a symbolic link."""
    path = directory / name
    try:
        info = os.lstat(path)
    except FileNotFoundError as error:
        raise BackupError(f"{name} is missing from {directory}") from error
    if stat.S_ISLNK(info.st_mode):
        raise BackupError(f"{name} is a symbolic link: refused (a backup's files are its own)")
    if not stat.S_ISREG(info.st_mode):
        raise BackupError(f"{name} is not a regular file: refused")
    try:  # O_NOFOLLOW and a second look: the file may have been swapped since
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise BackupError(f"{name} cannot be opened: {error.strerror}") from error
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise BackupError(f"{name} is not a regular file: refused")
    return os.fdopen(descriptor, "rb")


def check_target(connection: Connection, revision: str) -> None:
    """The database must be migrated to the backup's revision (which the code must be at too) and hold nothing."""
    current, head = database_revision(connection), code_revision()
    if revision != head:
        raise BackupError(
            f"the backup is of revision {revision}, this code's schema is {head}: restore it with the code of "
            f"revision {revision} into a new database (`flask --app wsgi db upgrade`), then upgrade that database"
        )
    if current is None:
        raise BackupError("the database is not migrated: run `flask --app wsgi db upgrade` on a new database first")
    if current != revision:
        raise BackupError(
            f"the database is at revision {current}, the backup at {revision}: "
            "make a new database and run `flask --app wsgi db upgrade` on it"
        )
    filled = [
        table.name
        for table in db.metadata.sorted_tables
        if table.name not in SEEDED_BY_MIGRATIONS
        and connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
    ]
    if filled:
        raise BackupError(
            f"the database is not empty ({', '.join(filled[:5])}{', ...' if len(filled) > 5 else ''} have rows): "
            "import only into a new database, made with `flask --app wsgi db upgrade`"
        )


def plan_import(
    manifest: dict, tables: list[sa.Table], deferred: frozenset, directory: Path, dialect: str
) -> list[TablePlan]:
    """Match the manifest's tables and columns with the schema's; the plans come in dependency order."""
    known = {table.name: table for table in tables}
    entries: dict[str, dict] = {}
    for entry in manifest["tables"]:
        name, file_name = entry["name"], entry["file"]
        if name not in known:
            raise BackupError(f"{MANIFEST}: unknown table {name!r} (the database has no such table)")
        if name in entries:
            raise BackupError(f"{MANIFEST}: table {name} is listed twice")
        if not FILE_NAME.fullmatch(file_name):
            raise BackupError(
                f"{MANIFEST}: table {name}: file name {file_name!r} is refused: it must be a plain file name "
                "(letters, digits, '_', '-', '.', ending in .jsonl) inside the backup's directory"
            )
        if any(other["file"] == file_name for other in entries.values()):
            raise BackupError(f"{MANIFEST}: table {name}: file {file_name} belongs to another table too")
        entries[name] = entry
    missing = [name for name in known if name not in entries]
    if missing:
        raise BackupError(f"{MANIFEST}: the backup has no table {', '.join(missing)}")
    return [plan_table(table, entries[table.name], deferred, dialect) for table in tables]


def plan_table(table: sa.Table, entry: dict, deferred: frozenset, dialect: str) -> TablePlan:
    codecs = {column.name: codec_for(column, dialect) for column in table.columns}
    listed = [column["name"] for column in entry["columns"]]
    if len(set(listed)) != len(listed):
        raise BackupError(f"{MANIFEST}: table {table.name}: a column is listed twice")
    for column in entry["columns"]:
        codec = codecs.get(column["name"])
        if codec is None:
            raise BackupError(f"{MANIFEST}: table {table.name}: unknown column {column['name']!r}")
        if codec.kind != column["type"]:
            raise BackupError(
                f"{MANIFEST}: table {table.name}: column {column['name']} is {column['type']!r} in the backup, "
                f"{codec.kind!r} in the database"
            )
    absent = [name for name in codecs if name not in listed]
    if absent:
        raise BackupError(f"{MANIFEST}: table {table.name}: column {', '.join(absent)} missing from the backup")
    late = [e.parent for fkc in table.foreign_key_constraints if fkc in deferred for e in fkc.elements]
    if any(not column.nullable for column in late):
        raise BackupError(f"table {table.name}: a self-referencing foreign key that may not be null cannot be restored")
    ordered = [codecs[name] for name in listed]  # the file's order
    stored = storage_table(table, [table.c[name] for name in listed], ordered)
    return TablePlan(table, stored, ordered, entry["file"], entry["rows"], entry["sha256"], [c.name for c in late])


def read_lines(source: BinaryIO, name: str, max_line_bytes: int, digest) -> Iterator[tuple[int, bytes]]:
    number = 0
    while line := source.readline(max_line_bytes + 1):
        number += 1
        if len(line) > max_line_bytes:
            raise BackupError(f"{name} line {number} is longer than {max_line_bytes:,} bytes: refused")
        digest.update(line)
        yield number, line


def check_file(plan: TablePlan, digest, rows: int) -> None:
    if digest.hexdigest() != plan.sha256:
        raise BackupError(
            f"{plan.file}: its sha256 does not match the manifest's (damaged, or changed since the export)"
        )
    if rows != plan.rows:
        raise BackupError(f"{plan.file}: {rows} rows, the manifest says {plan.rows}")


def verify_files(directory: Path, plans: list[TablePlan], max_line_bytes: int, progress: Progress) -> None:
    """Checksums and row counts of every file before any of them is parsed."""
    with progress("Verifying checksums", len(plans)) as bar:
        for plan in plans:
            digest, rows = hashlib.sha256(), 0
            with open_backup_file(directory, plan.file) as source:
                for rows, _line in read_lines(source, plan.file, max_line_bytes, digest):  # noqa: B007
                    pass
            check_file(plan, digest, rows)
            bar.update(1)


def decoded_rows(directory: Path, plan: TablePlan, max_line_bytes: int) -> Iterator[tuple[int, dict]]:
    """The file's rows as values of the storage types; the checksum is checked again at the end, as the file is
    read once more after verify_files."""
    digest, rows = hashlib.sha256(), 0
    columns = list(plan.stored.columns)
    with open_backup_file(directory, plan.file) as source:
        for rows, line in read_lines(source, plan.file, max_line_bytes, digest):  # noqa: B007
            yield rows, decode_line(plan, columns, rows, line)
    check_file(plan, digest, rows)


def decode_line(plan: TablePlan, columns: list[sa.Column], number: int, line: bytes) -> dict:
    where = f"{plan.file} line {number}"
    try:
        values = json.loads(line.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BackupError(f"{where}: not valid JSON ({error})") from error
    if not isinstance(values, list) or len(values) != len(columns):
        raise BackupError(f"{where}: expected a list of {len(columns)} values, one for each of the manifest's columns")
    row = {}
    for column, codec, value in zip(columns, plan.codecs, values, strict=True):
        if value is None:
            if not plan.table.c[column.name].nullable:
                raise BackupError(f"{where}: column {column.name} is null, and it may not be")
            row[column.name] = None
            continue
        try:
            row[column.name] = codec.decode(value)
        except ValueError as error:
            shown = json.dumps(value, ensure_ascii=False)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise BackupError(f"{where}: column {column.name}: {error}, not {shown}") from error
    return row


def check_rows(
    directory: Path, plans: list[TablePlan], deferred: frozenset, max_line_bytes: int, progress: Progress
) -> None:
    """Every value of every row, and every foreign key against the keys the backup holds; the referred keys are
    kept in memory (the tables that are referred to, not the big ones such as the survey answers)."""
    referred = {
        (fkc.referred_table.name, tuple(e.column.name for e in fkc.elements))
        for plan in plans
        for fkc in plan.table.foreign_key_constraints
    }
    keys: dict[tuple[str, tuple[str, ...]], set] = {}
    checks: list[tuple[TablePlan, ForeignKey]] = []
    with progress("Checking rows", sum(plan.rows for plan in plans)) as bar:
        for plan in plans:
            kept = [target for target in referred if target[0] == plan.table.name]
            for target in kept:
                keys[target] = set()
            foreign = [
                ForeignKey(
                    tuple(e.parent.name for e in fkc.elements),
                    (fkc.referred_table.name, tuple(e.column.name for e in fkc.elements)),
                    fkc in deferred,
                )
                for fkc in plan.table.foreign_key_constraints
            ]
            checks += [(plan, fk) for fk in foreign if fk.deferred]
            number = 0
            for number, row in decoded_rows(directory, plan, max_line_bytes):
                if number % BATCH == 0:
                    bar.update(BATCH)
                for target in kept:
                    keys[target].add(tuple(row[name] for name in target[1]))
                for fk in foreign:
                    value = tuple(row[name] for name in fk.columns)
                    if None in value:
                        continue
                    if fk.deferred:
                        fk.seen.setdefault(value, number)
                    elif value not in keys[fk.target]:
                        raise dangling(plan, number, fk, value)
            bar.update(number % BATCH)
    for plan, fk in checks:
        for value, number in fk.seen.items():
            if value not in keys[fk.target]:
                raise dangling(plan, number, fk, value)


def dangling(plan: TablePlan, number: int, fk: ForeignKey, value: tuple) -> BackupError:
    shown = ", ".join(map(str, value))
    return BackupError(
        f"{plan.file} line {number}: column {', '.join(fk.columns)} = {shown} points to no row of {fk.target[0]}"
    )


def write_rows(
    connection: Connection, directory: Path, plans: list[TablePlan], max_line_bytes: int, progress: Progress
) -> None:
    for plan in plans:
        if plan.table.name in SEEDED_BY_MIGRATIONS:
            connection.execute(sa.delete(plan.stored))
        with progress(f"Restoring {plan.table.name}", plan.rows) as bar:
            batch: list[dict] = []
            for number, row in decoded_rows(directory, plan, max_line_bytes):
                batch.append(row | dict.fromkeys(plan.deferred))
                if len(batch) == BATCH:
                    insert_batch(connection, plan, batch, number)
                    bar.update(len(batch))
                    batch = []
            if batch:
                insert_batch(connection, plan, batch, plan.rows)
                bar.update(len(batch))
    for plan in plans:
        if plan.deferred:
            restore_deferred(connection, directory, plan, max_line_bytes)


def insert_batch(connection: Connection, plan: TablePlan, batch: list[dict], last: int) -> None:
    try:
        connection.execute(sa.insert(plan.stored), batch)
    except SQLAlchemyError as error:
        raise refused(plan, last - len(batch) + 1, last, error) from error


def restore_deferred(connection: Connection, directory: Path, plan: TablePlan, max_line_bytes: int) -> None:
    """The self-referencing (or cyclic) columns, now that every row they may point to is in."""
    key = [column.name for column in plan.stored.primary_key.columns]
    statement = (
        sa.update(plan.stored)
        .where(*[plan.stored.c[name] == sa.bindparam(f"key_{name}") for name in key])
        .values({name: sa.bindparam(f"new_{name}") for name in plan.deferred})
    )
    batch: list[dict] = []
    number = 0
    for number, row in decoded_rows(directory, plan, max_line_bytes):
        if any(row[name] is not None for name in plan.deferred):
            batch.append({f"key_{n}": row[n] for n in key} | {f"new_{n}": row[n] for n in plan.deferred})
        if len(batch) == BATCH:
            update_batch(connection, plan, statement, batch, number)
            batch = []
    if batch:
        update_batch(connection, plan, statement, batch, number)


def update_batch(connection: Connection, plan: TablePlan, statement, batch: list[dict], last: int) -> None:
    try:
        connection.execute(statement, batch)
    except SQLAlchemyError as error:
        raise refused(plan, None, last, error) from error


def refused(plan: TablePlan, first: int | None, last: int, error: SQLAlchemyError) -> BackupError:
    reason = " ".join(str(getattr(error, "orig", None) or error).split())[:400]
    lines = f"lines {first}–{last}" if first else f"up to line {last}"
    return BackupError(f"table {plan.table.name} ({plan.file} {lines}): the database refused the rows: {reason}")


def reset_sequences(connection: Connection, tables: list[sa.Table]) -> None:
    """PostgreSQL hands out new ids from sequences the imported ids went past: move each to its table's largest."""
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = connection.scalar(
                sa.select(sa.func.pg_get_serial_sequence(preparer.format_table(table), column.name))
            )
            if sequence:
                largest = sa.func.max(column)
                connection.execute(
                    sa.select(sa.func.setval(sequence, sa.func.coalesce(largest, 1), largest.is_not(None)))
                )
