"""The operator's backup: every table out and back into an empty database with nothing lost, across SQLite and
PostgreSQL, and a damaged or hostile backup refused with a clear message, the database left empty."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from coaction import create_app
from coaction.backup.services import (
    MANIFEST,
    SEEDED_BY_MIGRATIONS,
    BackupError,
    codec_for,
    dependency_order,
    export_all,
    import_all,
)
from coaction.extensions import db
from tests.conftest import app_config

SYNTH = ["--orgs", "30", "--commitments", "40", "--reports", "80", "--responses", "300", "--activities", "10",
         "--participations", "20", "--decisions", "5", "--ties", "20"]  # fmt: skip


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def migrated_app(url: str):
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
    return app


def add_edge_rows() -> None:
    """What the demo and synth leave out: a child organisation made before its parent, a goal whose parent comes
    later, bytes that are not text, SQL NULL beside JSON null, the last digits of a float, a time with
    microseconds and a long text."""
    from coaction.audit.models import AuditEvent
    from coaction.goals.models import PlanGoal
    from coaction.travel.models import SurveyImport, TravelSurvey
    from tests.factories import make_organisation

    child = make_organisation(name="Förvaltningen för teknik", description="ö" * 200_000)
    parent = make_organisation(name="Koncernen AB", latitude=0.1 + 0.2, longitude=-17.123456789012345)
    child.parent_id = parent.id
    sub_goal = PlanGoal(plan_year=2031, focus_area="Energi", title="Delmål", position=1)
    db.session.add(sub_goal)
    db.session.flush()
    goal = PlanGoal(plan_year=2031, focus_area="Energi", title="Mål", position=0)
    db.session.add(goal)
    db.session.flush()
    sub_goal.parent_id = sub_goal.lineage_id = goal.id
    survey = db.session.scalars(sa.select(TravelSurvey)).first()
    db.session.add(SurveyImport(survey_id=survey.id, fingerprint="f" * 64, filename="svar.xlsx", status="done",
                                data=bytes(range(256)) * 3, problems=[{"rad": 1, "värde": 1.5e-300}]))  # fmt: skip
    db.session.add(AuditEvent(actor_label="test", action="json.null", changes=None))  # JSON null
    db.session.flush()
    db.session.execute(sa.insert(AuditEvent).values(actor_label="test", action="sql.null", changes=sa.null()))
    from coaction.activities.models import Activity

    activity = db.session.scalars(sa.select(Activity)).first()
    activity.starts_at, activity.ends_at = time(9, 30, 15, 123456), time(23, 59, 59)


@pytest.fixture(scope="module")
def rich_backup(tmp_path_factory) -> Path:
    """A SQLite database with the demo, synthetic data and the edge rows, exported with the command."""
    app = migrated_app(f"sqlite:///{tmp_path_factory.mktemp('backup-source') / 'coaction.sqlite3'}")
    for command in (["coaction", "demo"], ["coaction", "synth", *SYNTH]):
        result = invoke(app, *command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        add_edge_rows()
        db.session.commit()
    directory = tmp_path_factory.mktemp("backup") / "first"
    result = invoke(app, "coaction", "export-all", str(directory))
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    return directory


def manifest_of(directory: Path) -> dict:
    return json.loads((directory / MANIFEST).read_text())


def contents(manifest: dict) -> list[tuple]:
    """What must survive a round trip: each table's columns, row count and the checksum of its canonical rows."""
    return [(t["name"], json.dumps(t["columns"]), t["rows"], t["sha256"]) for t in manifest["tables"]]


def table_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def test_the_rich_backup_holds_what_the_round_trip_is_to_keep(rich_backup):
    manifest = manifest_of(rich_backup)
    rows = {table["name"]: table["rows"] for table in manifest["tables"]}
    assert rows["survey_response"] >= 300
    assert rows["organisation"] > 30 and rows["plan_goal"] > 2 and rows["user_account"] > 30
    assert [t["name"] for t in manifest["tables"]] == [t.name for t in db.metadata.sorted_tables]
    assert manifest["alembic_revision"] and manifest["format_version"] == 1
    organisations = [json.loads(line) for line in (rich_backup / "organisation.jsonl").read_text().splitlines()]
    columns = [c["name"] for c in entry(manifest, "organisation")["columns"]]
    by_id = {row[0]: dict(zip(columns, row, strict=True)) for row in organisations}
    assert any(row["parent_id"] and row["parent_id"] > row["id"] for row in by_id.values())  # the parent came later
    audit = (rich_backup / "audit_event.jsonl").read_text()
    assert '"json.null",null,null,null,"null"' in audit
    assert '"sql.null",null,null,null,null' in audit


@pytest.mark.db
def test_round_trip_into_empty_databases_loses_nothing(rich_backup, make_database, tmp_path):
    """SQLite → SQLite, and with PostgreSQL SQLite → PostgreSQL → SQLite: each export equals the first, table by
    table (rows and checksums), and on PostgreSQL a new row gets a new id."""
    on_postgres = bool(os.environ.get("TEST_DATABASE_URL"))
    targets = [make_database("backup_pg"), f"sqlite:///{tmp_path / 'back.sqlite3'}"] if on_postgres else [
        make_database("backup_copy")
    ]  # fmt: skip
    first, previous = manifest_of(rich_backup), rich_backup
    for number, url in enumerate(targets):
        app = migrated_app(url)
        result = invoke(app, "coaction", "import-all", str(previous))
        assert result.exit_code == 0, result.output
        assert (
            f"{sum(t['rows'] for t in first['tables'])} rows of {len(first['tables'])} tables restored" in result.output
        )
        again = tmp_path / f"export-{number}"
        result = invoke(app, "coaction", "export-all", str(again))
        assert result.exit_code == 0, result.output
        assert contents(manifest_of(again)) == contents(first)
        with app.app_context():
            assert table_counts() == {t["name"]: t["rows"] for t in first["tables"]}
            if db.engine.dialect.name == "postgresql":
                assert_new_rows_get_new_ids()
            db.session.rollback()
            db.engine.dispose()
        previous = again


def assert_new_rows_get_new_ids() -> None:
    from coaction.members.models import Organisation
    from tests.factories import make_organisation

    largest = db.session.scalar(sa.select(sa.func.max(Organisation.id)))
    assert make_organisation(name="Ny efter återläsningen AB").id == largest + 1


@pytest.mark.app_config(CACHE_TYPE="SimpleCache")
def test_an_import_replaces_the_row_migrations_make_and_empties_the_cache(app, rich_backup):
    from coaction.extensions import cache

    cache.set("a page", "of the database before")
    manifest = import_all(rich_backup)
    assert cache.get("a page") is None
    assert table_counts() == {t["name"]: t["rows"] for t in manifest["tables"]}


# -- Refusals ------------------------------------------------------------------------------------------------


def copy_of(backup: Path, tmp_path: Path) -> Path:
    directory = tmp_path / "copy"
    shutil.copytree(backup, directory)
    return directory


def save_manifest(directory: Path, manifest: dict) -> None:
    (directory / MANIFEST).write_text(json.dumps(manifest))


def entry(manifest: dict, table: str) -> dict:
    return next(t for t in manifest["tables"] if t["name"] == table)


def rewrite(directory: Path, table: str, change) -> None:
    """Change a table's rows with `change(rows, columns)` and write the manifest's checksum and count to match,
    so that the import gets as far as the rows."""
    manifest = manifest_of(directory)
    listed = entry(manifest, table)
    path = directory / listed["file"]
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    change(rows, [c["name"] for c in listed["columns"]])
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    path.write_bytes(data)
    listed["sha256"], listed["rows"] = hashlib.sha256(data).hexdigest(), len(rows)
    save_manifest(directory, manifest)


def set_value(table: str, column: str, value, line: int = 1):
    def change(rows, columns):
        rows[line - 1][columns.index(column)] = value

    return lambda directory: rewrite(directory, table, change)


def edit_manifest(edit):
    def tamper(directory: Path) -> None:
        manifest = manifest_of(directory)
        edit(manifest)
        save_manifest(directory, manifest)

    return tamper


def symlinked(directory: Path) -> None:
    outside = directory.parent / "elsewhere.jsonl"
    shutil.move(directory / "organisation.jsonl", outside)
    (directory / "organisation.jsonl").symlink_to(outside)


def drop_column(table: str, column: str):
    def tamper(directory: Path) -> None:
        rewrite(directory, table, lambda rows, columns: [row.pop(columns.index(column)) for row in rows])
        edit_manifest(lambda m: entry(m, table)["columns"].remove(next(
            c for c in entry(m, table)["columns"] if c["name"] == column)))(directory)  # fmt: skip

    return tamper


def duplicate_first_row(table: str):
    return lambda directory: rewrite(directory, table, lambda rows, columns: rows.append(list(rows[0])))


HOSTILE = {
    "missing manifest": (lambda d: (d / MANIFEST).unlink(), "has no manifest.json"),
    "unparseable manifest": (lambda d: (d / MANIFEST).write_text('{"format": "coaction-backup",'), "not valid JSON"),
    "not a manifest": (lambda d: (d / MANIFEST).write_text("[1, 2]"), "is not a CoAction backup's manifest"),
    "unknown format version": (edit_manifest(lambda m: m.update(format_version=99)), "format version 99 is unknown"),
    "file name with ../": (
        edit_manifest(lambda m: entry(m, "organisation").update(file="../organisation.jsonl")),
        "file name '../organisation.jsonl' is refused",
    ),
    "absolute file name": (
        edit_manifest(lambda m: entry(m, "user_account").update(file="/etc/passwd")),
        "file name '/etc/passwd' is refused",
    ),
    "symbolic link": (symlinked, "organisation.jsonl is a symbolic link"),
    "file missing": (lambda d: (d / "tie.jsonl").unlink(), "tie.jsonl is missing"),
    "sha256 mismatch": (
        lambda d: (d / "survey_response.jsonl").write_bytes((d / "survey_response.jsonl").read_bytes()[:-40] + b"\n"),
        "survey_response.jsonl: its sha256 does not match",
    ),
    "row count mismatch": (
        edit_manifest(lambda m: entry(m, "commitment").update(rows=entry(m, "commitment")["rows"] + 1)),
        "rows, the manifest says",
    ),
    "unknown table": (
        edit_manifest(lambda m: m["tables"].append({**entry(m, "tie"), "name": "secrets", "file": "secrets.jsonl"})),
        "unknown table 'secrets'",
    ),
    "table missing": (
        edit_manifest(lambda m: m["tables"].remove(entry(m, "tie"))),
        "the backup has no table tie",
    ),
    "unknown column": (
        edit_manifest(lambda m: entry(m, "user_account")["columns"].append({"name": "is_root", "type": "boolean"})),
        "table user_account: unknown column 'is_root'",
    ),
    "column of another type": (
        edit_manifest(lambda m: entry(m, "tie")["columns"][0].update(type="text")),
        "column id is 'text' in the backup, 'integer' in the database",
    ),
    "missing required column": (drop_column("organisation", "name"), "table organisation: column name missing"),
    "text in an integer column": (
        set_value("organisation", "employees", "many"),
        'organisation.jsonl line 1: column employees: expected a 32-bit integer, not "many"',
    ),
    "an integer too large for PostgreSQL": (
        set_value("survey_response", "days_car", 1 << 40, line=7),
        "survey_response.jsonl line 7: column days_car: expected a 32-bit integer",
    ),
    "a date that is no date": (
        set_value("commitment", "created_at", "yesterday", line=3),
        "commitment.jsonl line 3: column created_at: expected a date and time with a UTC offset",
    ),
    "a naive time in an aware column": (
        set_value("user_account", "created_at", "2026-01-01T10:00:00"),
        "user_account.jsonl line 1: column created_at: expected a date and time with a UTC offset",
    ),
    "an unknown enum value": (
        set_value("user_account", "role", "superuser", line=2),
        "user_account.jsonl line 2: column role: expected one of member, org_admin, coordinator, admin",
    ),
    "a number as a boolean": (
        set_value("municipality", "in_network", 1),
        "municipality.jsonl line 1: column in_network: expected true or false",
    ),
    "bytes that are not base64": (
        set_value("survey_import", "data", "***"),
        "column data: expected bytes in base64",
    ),
    "a JSON column that is not JSON": (
        set_value("travel_survey", "sites", "{oops"),
        "travel_survey.jsonl line 1: column sites: expected a JSON document as text",
    ),
    "null where a value is required": (
        set_value("organisation", "slug", None, line=4),
        "organisation.jsonl line 4: column slug is null, and it may not be",
    ),
    "text too long": (
        set_value("organisation", "slug", "x" * 101),
        "column slug: expected text of at most 100 characters",
    ),
    "a line that is not a list": (
        lambda d: rewrite(d, "tie", lambda rows, columns: rows.__setitem__(1, {"id": 1})),
        "tie.jsonl line 2: expected a list of",
    ),
    "a foreign key that points nowhere": (
        set_value("commitment", "organisation_id", 999_999, line=2),
        "commitment.jsonl line 2: column organisation_id = 999999 points to no row of organisation",
    ),
    "a parent that is not there": (
        set_value("organisation", "parent_id", 888_888, line=3),
        "organisation.jsonl line 3: column parent_id = 888888 points to no row of organisation",
    ),
    "a revision this code does not have": (
        edit_manifest(lambda m: m.update(alembic_revision="0123456789ab")),
        "the backup is of revision 0123456789ab",
    ),
    "rows the database refuses (a primary key twice)": (
        duplicate_first_row("focus_area"),
        "table focus_area (focus_area.jsonl lines",
    ),
}


def filled_tables() -> dict[str, int]:
    """The tables with rows, but network_state's one row that `db upgrade` writes."""
    return {name: count for name, count in table_counts().items() if count and name not in SEEDED_BY_MIGRATIONS}


def assert_nothing_written(before: dict[str, int]) -> None:
    assert filled_tables() == {}
    assert table_counts() == before


@pytest.mark.parametrize("case", HOSTILE)
def test_a_damaged_or_hostile_backup_is_refused_and_nothing_is_written(app, rich_backup, tmp_path, case):
    tamper, message = HOSTILE[case]
    before = table_counts()
    assert filled_tables() == {}
    directory = copy_of(rich_backup, tmp_path)
    tamper(directory)
    result = app.test_cli_runner().invoke(args=["coaction", "import-all", str(directory)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Nothing was imported." in result.output
    assert_nothing_written(before)


def test_an_oversize_line_is_refused(app, rich_backup, tmp_path):
    """The long description (400,000 bytes) is over the limit, every line before it under."""
    before = table_counts()
    with pytest.raises(BackupError, match=r"organisation\.jsonl line \d+ is longer than 300,000 bytes: refused"):
        import_all(rich_backup, max_line_bytes=300_000)
    assert_nothing_written(before)


def test_a_failure_while_writing_undoes_every_table_written_before(app, rich_backup, tmp_path):
    """The tables before survey_response are written when its duplicate row is met: the one transaction takes them
    back."""
    before = table_counts()
    directory = copy_of(rich_backup, tmp_path)
    duplicate_first_row("survey_response")(directory)
    with pytest.raises(
        BackupError, match=r"table survey_response \(survey_response\.jsonl lines \d+–\d+\): the database"
    ):
        import_all(directory)
    assert_nothing_written(before)


def test_import_into_a_database_that_is_not_empty_is_refused(app, rich_backup):
    from tests.factories import make_organisation

    make_organisation(name="Redan här AB")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["coaction", "import-all", str(rich_backup)])
    assert result.exit_code == 1
    assert "the database is not empty (organisation have rows)" in result.output
    assert "flask --app wsgi db upgrade" in result.output
    assert table_counts()["organisation"] == 1


@pytest.mark.db
def test_import_into_a_database_not_migrated_or_at_another_revision_is_refused(make_database, rich_backup):
    from flask_migrate import downgrade

    app = create_app(app_config(make_database("backup_unmigrated")))
    result = invoke(app, "coaction", "import-all", str(rich_backup))
    assert result.exit_code == 1
    assert "the database is not migrated: run `flask --app wsgi db upgrade`" in result.output
    with app.app_context():
        upgrade()
        downgrade(revision="-1")
        result = invoke(app, "coaction", "import-all", str(rich_backup))
        assert result.exit_code == 1
        assert f"the backup at {manifest_of(rich_backup)['alembic_revision']}" in result.output
        db.engine.dispose()


def test_export_refuses_a_directory_that_is_not_empty(app, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    result = app.test_cli_runner().invoke(args=["coaction", "export-all", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not empty: export into a new or empty directory" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]


def test_export_is_readable_by_its_owner_only(app, tmp_path):
    directory = tmp_path / "new" / "backup"
    manifest = export_all(directory)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = sorted(directory.iterdir())
    assert {p.name for p in files} == {MANIFEST} | {t["file"] for t in manifest["tables"]}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o755)
    export_all(empty)
    assert stat.S_IMODE(empty.stat().st_mode) == 0o700


def test_self_references_and_cycles_between_tables_are_written_after_the_rows():
    metadata = sa.MetaData()
    sa.Table("a", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("b_id", sa.ForeignKey("b.id")))
    sa.Table("b", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.ForeignKey("a.id")))
    sa.Table("c", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("up", sa.ForeignKey("c.id")))
    sa.Table("d", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c_id", sa.ForeignKey("c.id")))
    with pytest.warns(sa.exc.SAWarning, match="cycles"):
        tables, deferred = dependency_order(metadata)
    names = [table.name for table in tables]
    assert names.index("c") < names.index("d")
    assert sorted(next(iter(fkc.columns)).name for fkc in deferred) == ["a_id", "b_id", "up"]


def test_the_schema_s_own_self_references_are_the_deferred_ones(app):
    _tables, deferred = dependency_order()
    assert sorted(f"{fkc.table.name}.{next(iter(fkc.columns)).name}" for fkc in deferred) == [
        "organisation.parent_id",
        "plan_goal.lineage_id",
        "plan_goal.parent_id",
    ]


# -- Values --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column_type", "value"),
    [
        (sa.Numeric(12, 4), Decimal("12345678.0001")),
        (sa.DateTime(), datetime(2026, 3, 1, 12, 0, 0, 1)),
        (sa.DateTime(timezone=True), datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC)),
        (sa.Date(), date(1999, 12, 31)),
        (sa.Time(), time(0, 0, 0, 999999)),
        (sa.Float(), 0.1 + 0.2),
        (sa.Float(), float("inf")),
        (sa.BigInteger(), -(1 << 63)),
        (sa.Boolean(), False),
        (sa.LargeBinary(), b"\x00\xff"),
        (sa.Text(), "å\nä\tö " * 1000),
        (sa.JSON(), '{"b": [1.5, null], "a": "ö"}'),
    ],
)
def test_every_kind_of_value_comes_back_exactly(column_type, value):
    codec = codec_for(sa.Column("x", column_type), "postgresql")
    line = json.loads(json.dumps(codec.encode(value), allow_nan=False))
    back = codec.decode(line)
    assert back == value and type(back) is type(value)


def test_a_naive_value_in_a_naive_column_stays_naive_and_an_offset_is_refused():
    codec = codec_for(sa.Column("x", sa.DateTime()), "sqlite")
    assert codec.decode("2026-01-01T10:00:00").tzinfo is None
    with pytest.raises(ValueError, match="without an offset"):
        codec.decode("2026-01-01T10:00:00+01:00")
    aware = codec_for(sa.Column("x", sa.DateTime(timezone=True)), "sqlite")
    assert aware.decode("2026-01-01T10:00:00+01:00") == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert aware.encode(datetime(2026, 1, 1, 9)) == "2026-01-01T09:00:00+00:00"  # SQLite's naive UTC
