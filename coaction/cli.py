"""`flask coaction ...`: the same services the views call, committed here."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from coaction.extensions import db

coaction_cli = AppGroup("coaction", help="CoAction commands: demo data, synthetic data, maintenance.")


@coaction_cli.command("demo")
def demo_command() -> None:
    """Load the Södertörn demo data (idempotent). Refused in production: it makes accounts with a known password."""
    from flask import current_app

    from coaction.seed.demo import DEMO_PASSWORD, load_demo

    if current_app.config["ENV"] == "production":
        raise click.ClickException("the demo makes accounts with a published password: not in production")
    logins = load_demo()
    db.session.commit()
    click.echo("Demo data loaded (Södertörn). Demo logins, all with the password " + DEMO_PASSWORD + ":")
    for email, role in logins:
        click.echo(f"  {role.value:<12} {email}")


@coaction_cli.command("synth")
@click.option("--orgs", type=click.IntRange(min=0), default=1000, show_default=True, help="Organisations.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option("--users-per-org", type=click.IntRange(min=0), default=1, show_default=True, help="Users per member.")
@click.option(
    "--commitments",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Commitments in all, spread over the members.",
)
@click.option("--reports", type=click.IntRange(min=0), default=0, show_default=True, help="Progress reports, about.")
@click.option(
    "--responses",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Travel-survey answers in all: a survey for each member, the answers spread over them.",
)
@click.option("--activities", type=click.IntRange(min=0), default=0, show_default=True, help="Joint activities.")
@click.option(
    "--participations",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Organisations taking part in activities, in all (the leads included), about.",
)
@click.option("--decisions", type=click.IntRange(min=0), default=0, show_default=True, help="Decisions of groups.")
@click.option(
    "--ties",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Confirmed ties, clustered by municipality and sector around a few hubs, about.",
)
def synth_command(
    orgs: int,
    seed: int,
    users_per_org: int,
    commitments: int,
    reports: int,
    responses: int,
    activities: int,
    participations: int,
    decisions: int,
    ties: int,
) -> None:
    """Synthetic data at any scale for benchmarks, inserted in bulk. The network is marked as changed; compute it
    with network-refresh."""
    from coaction.network.services import mark_dirty
    from coaction.seed.demo import load_reference_data
    from coaction.seed.synth import (
        SynthError,
        synth_activities,
        synth_commitments,
        synth_decisions,
        synth_invitations,
        synth_organisations,
        synth_surveys,
        synth_ties,
        synth_users,
    )

    load_reference_data()
    try:
        with click.progressbar(length=orgs, label="Organisations") as bar:
            synth_organisations(orgs, seed, progress=bar.update)
        with click.progressbar(length=orgs * users_per_org, label="Users") as bar:
            users = synth_users(seed, users_per_org, progress=bar.update)
        with click.progressbar(length=orgs, label="Invitations") as bar:
            invitations = synth_invitations(seed, progress=bar.update)
        with click.progressbar(length=commitments, label="Commitments") as bar:
            made = synth_commitments(seed, commitments, reports, progress=bar.update)
        with click.progressbar(length=responses, label="Survey answers") as bar:
            surveyed = synth_surveys(seed, responses, progress=bar.update)
        with click.progressbar(length=activities, label="Activities") as bar:
            joint = synth_activities(seed, activities, participations, progress=bar.update)
        with click.progressbar(length=decisions, label="Decisions") as bar:
            decided = synth_decisions(seed, decisions, progress=bar.update)
        with click.progressbar(length=ties, label="Ties") as bar:
            tied = synth_ties(seed, ties, progress=bar.update)
    except SynthError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # The planner's statistics for the rows just loaded: without them PostgreSQL takes every table for empty
        # (nested loops over all the commitments) until autovacuum gets round to it. bench_national measured it.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    mark_dirty(queue=False)  # bulk inserts pass by the ORM's change tracking
    click.echo(
        f"{orgs} organisations, {users} users, {invitations} invitations, {made[0]} commitments, {made[1]} progress "
        f"reports, {surveyed[0]} surveys, {surveyed[1]} survey answers, {joint[0]} activities, {joint[1]} "
        f"participations, {decided} decisions and {tied} ties made with seed {seed}."
    )


@coaction_cli.command("network-refresh")
def network_refresh_command() -> None:
    """Measure the collaboration network now and store the snapshot the pages read (the background job does the
    same after changes); prints the seconds of each step."""
    from coaction.commitments.listing import local_today
    from coaction.network.services import refresh_network

    measured = refresh_network(local_today())
    db.session.commit()
    for timings in measured:
        click.echo(f"{timings.scope} (peak memory so far {timings.peak_rss_mib:,.0f} MiB):")
        for name, seconds in timings.steps.items():
            click.echo(f"  {name:<16} {seconds:8.2f} s")


@coaction_cli.command("export-csv")
@click.option(
    "--dataset", "keys", multiple=True, metavar="KEY", help="A data set to write (again for more); all without."
)
@click.option("--out", type=click.Path(file_okay=False), required=True, help="The directory to write into.")
def export_csv_command(keys: tuple[str, ...], out: str) -> None:
    """Write the public data sets of /data as CSV, each with its dictionary (KEY.csv and KEY.dictionary.csv), from
    the same rows as the downloads."""
    from pathlib import Path

    from coaction.opendata.services import DATASETS, write_csv

    unknown = [key for key in keys if key not in DATASETS]
    if unknown:
        known = ", ".join(DATASETS)
        raise click.BadParameter(f"no data set {', '.join(unknown)} (there are {known})", param_hint="--dataset")
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    for key in keys or DATASETS:
        data, dictionary, rows = write_csv(DATASETS[key], directory)
        click.echo(f"{data} ({rows} rows) and {dictionary.name}")


@coaction_cli.command("export-all")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_all_command(directory: Path) -> None:
    """Back up every table into DIRECTORY (new or empty; made mode 0700, files 0600). It holds raw survey answers
    and password hashes: the operator's alone, on the server's disk, never to be offered for download."""
    from coaction.backup.services import BackupError, export_all

    try:
        manifest = export_all(directory, progress=progress_bar)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(table["rows"] for table in manifest["tables"])
    click.echo(
        f"{rows} rows of {len(manifest['tables'])} tables written to {directory} "
        f"(revision {manifest['alembic_revision']})."
    )


@coaction_cli.command("import-all")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def import_all_command(directory: Path) -> None:
    """Restore the backup in DIRECTORY into this database, which must be new and empty: made with
    `flask --app wsgi db upgrade` at the backup's revision. All of it in one transaction, or nothing."""
    from coaction.backup.services import BackupError, import_all

    try:
        manifest = import_all(directory, progress=progress_bar)
    except BackupError as error:
        raise click.ClickException(f"{error}. Nothing was imported.") from error
    rows = sum(table["rows"] for table in manifest["tables"])
    click.echo(f"{rows} rows of {len(manifest['tables'])} tables restored from {directory}.")


def progress_bar(label: str, length: int):
    return click.progressbar(length=length, label=label)


@coaction_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Full name (asked for when a new account is made).")
@click.option("--password", default=None, help="For a new account; asked for twice, hidden, when not given.")
def create_admin_command(email: str, name: str, password: str | None) -> None:
    """Make EMAIL an administrator: a new account, or an existing one promoted."""
    from email_validator import EmailNotValidError, validate_email

    from coaction.admin.services import change_role, set_active
    from coaction.auth.models import Role
    from coaction.auth.passwords import password_problems
    from coaction.auth.services import create_user, user_by_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    user = user_by_email(email)
    if user is None:
        name = name or click.prompt("Name")
        password = password or click.prompt("Password", hide_input=True, confirmation_prompt=True)
        problems = password_problems(password, [name, email])
        if problems:
            raise click.BadParameter(problems[0], param_hint="--password")
        create_user(email, name=name, password=password, role=Role.ADMIN, actor="cli")
        click.echo(f"Administrator {email} created.")
    else:
        change_role(user, Role.ADMIN, actor="cli", ip=None)
        set_active(user, True, actor="cli", ip=None)
        click.echo(f"{email} is now an administrator (password unchanged).")
    db.session.commit()


@coaction_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
def worker_command(burst: bool) -> None:
    """Run background jobs from the Redis queue (needs COACTION_REDIS_URL)."""
    from flask import current_app

    from coaction.jobs import run_worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("COACTION_REDIS_URL is not set: without Redis, jobs run in the app itself.")
    run_worker(current_app._get_current_object(), burst=burst)


@coaction_cli.command("remind-invitations")
@click.option("--after-days", type=click.IntRange(min=0), default=7, show_default=True)
def remind_invitations_command(after_days: int) -> None:
    """Remind, once, every invitation still unopened after N days; store the expiry of overdue ones."""
    from coaction.invitations.services import expire_overdue, remind_pending

    expired = expire_overdue()
    reminded = remind_pending(after_days)
    db.session.commit()
    click.echo(f"{reminded} invitations reminded, {expired} marked expired.")


@coaction_cli.command("remind")
def remind_command() -> None:
    """Mail the admins of organisations whose progress reports are due or overdue, once per reporting window, and
    the owners of decisions that fall due within a week or are overdue, once each."""
    from coaction.commitments.listing import local_today
    from coaction.commitments.services import remind_due
    from coaction.groups.services import remind_decisions

    result = remind_due(local_today())
    decisions = remind_decisions(local_today())
    db.session.commit()
    click.echo(f"Window {result.window}: {result.organisations} organisations reminded, {result.mails} mails queued.")
    click.echo(f"Decisions: {decisions.due} owners reminded of a due date, {decisions.overdue} of an overdue one.")


@coaction_cli.command("report-surveys")
def report_surveys_command() -> None:
    """Turn the figures of closed surveys (at least 5 answers) into progress reports on their linked commitments."""
    from coaction.commitments.listing import local_today
    from coaction.travel.feeds import report_closed_surveys

    run = report_closed_surveys(local_today())
    db.session.commit()
    click.echo(f"{run.reported} progress reports made, {run.waiting} waiting for more answers.")


@coaction_cli.command("create-survey")
@click.argument("org_slug")
@click.option("--title", required=True)
@click.option("--employees", type=click.IntRange(min=1), required=True, help="For the response rate.")
@click.option("--work-weeks", type=click.FloatRange(min=1, max=53), default=44, show_default=True)
@click.option("--opens", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Default: today.")
@click.option("--closes", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Default: in 30 days.")
def create_survey_command(org_slug: str, title: str, employees: int, work_weeks: float, opens, closes) -> None:
    """Make a travel survey for ORG_SLUG; prints the new survey's id alone on standard output."""
    from datetime import timedelta

    import sqlalchemy as sa

    from coaction.commitments.listing import local_today
    from coaction.members.models import Organisation
    from coaction.travel.services import SurveyError, create_survey

    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == org_slug))
    if organisation is None:
        raise click.BadParameter(f"no organisation with the slug {org_slug!r}", param_hint="ORG_SLUG")
    opens_on = opens.date() if opens else local_today()
    closes_on = closes.date() if closes else opens_on + timedelta(days=30)
    try:
        survey = create_survey(
            organisation,
            title=title,
            opens_on=opens_on,
            closes_on=closes_on,
            employees=employees,
            work_weeks=work_weeks,
            actor="cli",
            ip=None,
        )
    except SurveyError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(survey.id)


@coaction_cli.command("survey-results")
@click.argument("survey_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Only the JSON object on standard output.")
def survey_results_command(survey_id: int, as_json: bool) -> None:
    """The results of survey SURVEY_ID (shares 0–1, masses in kg, unrounded)."""
    import json

    from coaction.travel.models import TravelSurvey
    from coaction.travel.services import results_of

    survey = db.session.get(TravelSurvey, survey_id)
    if survey is None:
        raise click.BadParameter(f"no survey {survey_id}", param_hint="SURVEY_ID")
    try:
        results = results_of(survey)
    except ValueError as error:  # a mode without an emission factor
        raise click.ClickException(str(error)) from error
    figures = results.as_json()
    if as_json:
        click.echo(json.dumps(figures))
        return
    click.echo(f"{survey.title}: {results.responses} answers of {results.employees} employees")
    for key, value in figures.items():
        click.echo(f"  {key}: {value}")


@coaction_cli.command("import-survey")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--survey", "survey_id", type=int, required=True, help="The survey's id.")
@click.option("--valid-only", is_flag=True, help="Import the good rows and leave out the bad ones.")
def import_survey_command(file: str, survey_id: int, valid_only: bool) -> None:
    """Import answers from a CSV or XLSX FILE into a survey; exits non-zero when the file is refused."""
    import hashlib
    from pathlib import Path

    from coaction.commitments.listing import local_today
    from coaction.core.tables import TableError
    from coaction.travel.imports import ImportRefused, import_file
    from coaction.travel.models import TravelSurvey

    survey = db.session.get(TravelSurvey, survey_id)
    if survey is None:
        raise click.BadParameter(f"no survey {survey_id}", param_hint="--survey")
    path = Path(file)
    digest, lines = hashlib.sha256(), 0
    with path.open("rb") as source:  # read in chunks: a file of any size in the same memory
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            lines += chunk.count(b"\n")
    try:
        with path.open("rb") as source, click.progressbar(length=max(1, lines), label="Importing") as bar:
            log = import_file(
                survey,
                path.name,
                source,
                digest=digest.hexdigest(),
                valid_only=valid_only,
                today=local_today(),
                actor="cli",
                ip=None,
                progress=bar.update,
            )
    except TableError as error:
        db.session.rollback()
        raise click.ClickException(f"{path.name}: {error}") from error
    except ImportRefused as error:
        db.session.rollback()
        show_problems([(p.row, p.column, p.code) for p in error.outcome.problems], error.outcome.problem_count)
        raise click.ClickException(f"{path.name} refused, nothing imported: {error}") from error
    db.session.commit()
    show_problems(log.problems, log.problem_count)
    click.echo(
        f"{log.imported} answers imported into survey {survey.id}; {log.total_rows - log.imported} rows with "
        f"problems left out of {log.total_rows}."
    )


def show_problems(problems: list, count: int) -> None:
    """The first 50 problems of an import, (row, column, code) each, on standard error."""
    for row, column, code in problems[:50]:
        click.echo(f"row {row}, {column}: {code}", err=True)
    if count > 50:
        click.echo(f"... and {count - 50} more problems", err=True)
