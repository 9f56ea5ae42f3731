"""Fixtures: one database per run and worker (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
the schema migrated once per worker, a fresh app per test, and every table emptied after each test."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from coaction import create_app
from coaction.config import database_url as driver_url
from coaction.extensions import db
from coaction.jobs import wait_for_background_jobs

RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:8]
UPLOADS = tempfile.mkdtemp(prefix="coaction-test-uploads-")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
E2E_DIR = Path(__file__).parent / "e2e"


def pytest_configure(config):
    config.addinivalue_line("markers", "app_config(**settings): settings for this test's app")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.path).is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
        if {"app", "database_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


class PostgresServer:
    """Creates and drops this run's own databases on the server TEST_DATABASE_URL points at."""

    def __init__(self, url: str):
        self.url = make_url(driver_url(url))

    def _admin(self):
        import psycopg

        libpq_url = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(libpq_url, autocommit=True, connect_timeout=5)

    def create(self, name: str) -> str:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def make_database(tmp_path_factory):
    """make_database(label) -> URL of an empty database of the kind this run tests, dropped at the end."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    server = PostgresServer(server_url) if server_url else None
    made: list[str] = []

    def make(label: str) -> str:
        if server is None:
            return f"sqlite:///{tmp_path_factory.mktemp(label) / 'coaction.sqlite3'}"
        name = f"coaction_test_{RUN_ID}_{WORKER}_{label}"
        made.append(name)
        return server.create(name)

    yield make
    for name in made:
        server.drop(name)


def app_config(database_url: str, **overrides) -> dict:
    return {
        "ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "CACHE_TYPE": "NullCache",
        "REDIS_PREFIX": f"coaction-test-{RUN_ID}-{WORKER}:",
        "SERVER_NAME": None,
        "UPLOAD_PATH": UPLOADS,
        "NETWORK_AUTO_REFRESH": False,  # a test that wants the background refresh turns it on
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(make_database):
    """The worker's database, migrated to head once."""
    from flask_migrate import upgrade

    url = make_database("main")
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def empty_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(sa.text(f'DELETE FROM "{name}"'))  # noqa: S608 (names from our own schema)


@pytest.fixture
def app(request, database_url):
    """A fresh app per test. `@pytest.mark.app_config(KEY=value)` overrides settings; a test that uses
    `mailbox` gets an app that sends by SMTP to the real test server."""
    overrides = {}
    marker = request.node.get_closest_marker("app_config")
    if marker:
        overrides.update(marker.kwargs)
    if "mailbox" in request.fixturenames:
        overrides.update(request.getfixturevalue("mailbox").settings)
    if "redis_url" in request.fixturenames:
        overrides.update(REDIS_URL=request.getfixturevalue("redis_url"))
    app = create_app(app_config(database_url, **overrides))
    app.test_client_class = FreshContextClient  # every client of the test, not only the `client` fixture
    with app.app_context():
        yield app
        wait_for_background_jobs()  # a job a request started (a recompute) must not write into the next test
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request in its own app context (and so its own database session and Flask-Login user),
    as in production, although the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Mailbox:
    """What a real SMTP server (aiosmtpd) received, as parsed messages."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list = []
        self.settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "BASE_URL": "http://coaction.test"}

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 10):
        """The first `count` messages, waiting for background jobs to deliver them."""
        import time

        from coaction.jobs import wait_for_background_jobs

        wait_for_background_jobs(timeout)
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} mails arrived, expected {count}"
        return self.messages[:count]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture(scope="session")
def _smtp_server():
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # Controller(port=0) does not work: find a free port first
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox(port)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(_smtp_server):
    _smtp_server.messages.clear()
    return _smtp_server


@pytest.fixture(scope="session")
def redis_url():
    """Redis for the tests that exercise it: unreachable is a failure on CI, a skip elsewhere."""
    from redis import Redis
    from redis.exceptions import RedisError

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is unreachable: CI needs it")
        pytest.skip(f"Redis at {url} is unreachable")
    yield url
    connection = Redis.from_url(url)
    prefix = app_config("")["REDIS_PREFIX"]
    keys = list(connection.scan_iter(f"*{prefix}*"))  # cache, queue and rate-limit keys of this run
    if keys:
        connection.delete(*keys)


@pytest.fixture
def people(app):
    """The cast of the access matrix: two organisations and a user in every role."""
    from coaction.auth.models import Role
    from coaction.invitations.models import InvitationKind
    from coaction.members.models import ApplicationKind
    from coaction.members.organisation import store_logo
    from tests.factories import (
        make_application,
        make_invitation,
        make_invitation_batch,
        make_organisation,
        make_user,
        tiny_png,
    )

    org_a = make_organisation(name="Organisation A AB")
    org_b = make_organisation(name="Organisation B AB")
    cast = {
        "member_a": make_user(role=Role.MEMBER, organisation=org_a),
        "org_admin_a": make_user(role=Role.ORG_ADMIN, organisation=org_a),
        "org_admin_b": make_user(role=Role.ORG_ADMIN, organisation=org_b),
        "coordinator": make_user(role=Role.COORDINATOR),
        "admin": make_user(role=Role.ADMIN),
    }
    cast["application"] = make_application()  # a new organisation waiting for the coordinator
    cast["join_request"] = make_application(org_a, kind=ApplicationKind.JOIN)  # someone asking to join A
    cast["invitation"] = make_invitation(invited_by_id=cast["coordinator"].id)  # the coordinator's, to a prospect
    cast["colleague_invitation"] = make_invitation(org_a, kind=InvitationKind.COLLEAGUE)  # A's admin's, to a colleague
    cast["invitation_batch"] = make_invitation_batch(created_by_id=cast["coordinator"].id)  # a checked file
    store_logo(org_a, tiny_png(), upload_path=UPLOADS, actor=cast["org_admin_a"], ip=None)
    cast |= commitment_cast(org_a, cast["org_admin_a"])
    cast |= activity_cast(org_a, org_b, cast["org_admin_a"])
    cast |= group_cast(cast["org_admin_a"], cast["member_a"])
    cast |= tie_cast(org_a, org_b, cast["org_admin_a"])
    cast |= network_cast(org_a, org_b, cast["org_admin_b"])
    cast["api_token"] = api_token_of(cast["member_a"])
    cast |= priority_cast(org_a, org_b, cast["org_admin_a"], cast["org_admin_b"])
    cast |= report_cast(cast["coordinator"])
    db.session.commit()
    return {"org_a": org_a, "org_b": org_b, **cast}


def priority_cast(org_a, org_b, org_admin_a, org_admin_b) -> dict:
    """A priority with a geometry; A's support approved, B's waiting for the coordinator."""
    from datetime import date

    from coaction.priorities.models import PriorityStatus
    from coaction.priorities.services import PriorityDetails, create_priority, decide_support, state_support

    details = PriorityDetails(
        "Tvärförbindelse Södertörn", "", PriorityStatus.PLANNING, "Vägplan granskad.", "Trafikverket", None, None,
        {"type": "LineString", "coordinates": [[17.93, 59.27], [18.15, 59.16]]}, True,
    )  # fmt: skip
    priority = create_priority(details, today=date(2021, 1, 14), actor=None, ip=None)
    approved = state_support(priority, org_a, "Vi stöder den.", actor=org_admin_a, ip=None)
    decide_support(approved, True, actor=org_admin_a, ip=None)
    pending = state_support(priority, org_b, "Vi också.", actor=org_admin_b, ip=None)
    return {"priority": priority, "priority_support": pending}


def report_cast(coordinator) -> dict:
    """The 2024 annual report published, the 2025 one a draft with a text."""
    from datetime import date

    from coaction.reports.services import publish, report_for_editing, save_texts

    published = report_for_editing(2024)
    publish(published, date(2025, 2, 1), actor=coordinator, ip=None)
    draft = report_for_editing(2025)
    save_texts(draft, {"introduction": "Ett utkast."}, actor=coordinator, ip=None)
    return {"published_report": published, "draft_report": draft}


def api_token_of(user):
    from coaction.api.services import create_token

    token, _secret = create_token(user, name="Rapportskript", days=30, max_days=365, ip=None)
    return token


def commitment_cast(org_a, org_admin_a) -> dict:
    """A's public commitment with a report and an evidence file, A's private one with its own evidence, a goal,
    an indicator and a standard commitment."""
    from datetime import date

    from coaction.commitments.models import Category, CommitmentTemplate, Unit, Visibility
    from coaction.commitments.services import ReportInput, add_report
    from coaction.goals.models import Indicator
    from tests.factories import make_commitment, make_goal, tiny_pdf

    public = make_commitment(org_a, title="A:s laddpunkter")
    private = make_commitment(org_a, title="A:s hemliga plan", visibility=Visibility.PRIVATE)
    reports = {
        name: add_report(
            commitment,
            ReportInput(reported_on=date(2025, 6, 1), value=40, evidence=tiny_pdf(), evidence_name="underlag.pdf"),
            today=date(2026, 1, 1),
            upload_path=UPLOADS,
            actor=org_admin_a,
            ip=None,
        )
        for name, commitment in (("public_report", public), ("private_report", private))
    }
    indicator = Indicator(name="Laddpunkter i regionen", unit="antal")
    template = CommitmentTemplate(
        title="Cykelpool", category=Category.BIKE_POOL, indicator="Cyklar att låna", unit=Unit.BIKES
    )
    db.session.add_all([indicator, template])
    db.session.flush()
    from coaction.travel.services import create_survey

    survey = create_survey(
        org_a,
        title="A:s resvaneenkät",
        opens_on=date(2026, 1, 1),
        closes_on=date(2099, 12, 31),
        employees=50,
        actor=org_admin_a,
        ip=None,
    )
    from coaction.travel.models import SurveyFeed, SurveyImport
    from coaction.travel.plans import MeasureInput, add_measure, create_plan

    survey_import = SurveyImport(survey_id=survey.id, fingerprint="0" * 64, filename="svar.csv", status="refused")
    survey_feed = SurveyFeed(survey=survey, commitment=private, figure="car_share")
    db.session.add_all([survey_import, survey_feed])
    travel_plan = create_plan(
        org_a, title="A:s gröna resplan", baseline_survey_id=survey.id, actor=org_admin_a, ip=None
    )
    plan_measure = add_measure(travel_plan, MeasureInput(kind="bike_pool"), actor=org_admin_a, ip=None)
    return {
        "survey": survey,
        "survey_import": survey_import,
        "survey_feed": survey_feed,
        "travel_plan": travel_plan,
        "plan_measure": plan_measure,
        "public_commitment": public,
        "private_commitment": private,
        **reports,
        "goal": make_goal(),
        "indicator": indicator,
        "commitment_template": template,
    }


def tie_cast(org_a, org_b, org_admin_a) -> dict:
    """A tie proposed by A to B, waiting for B's admins (made directly: the cast sends no mail)."""
    from datetime import date

    from coaction.ties.models import Tie, TieKind, TieState

    tie = Tie(
        organisation=org_a,
        partner=org_b,
        kind=TieKind.PARTNERSHIP,
        state=TieState.PROPOSED,
        starts_on=date(2026, 1, 1),
        proposed_by_id=org_admin_a.id,
    )
    db.session.add(tie)
    db.session.flush()
    return {"tie": tie}


def network_cast(org_a, org_b, org_admin_b) -> dict:
    """Snapshots of A and B working together (written directly: computing them for every test costs), and B's
    request to be introduced to A, waiting for A's admins."""
    from datetime import date

    from coaction.network.graph import Facts, Weights, build_graph, figures
    from coaction.network.models import (
        Introduction,
        IntroductionState,
        NetworkEdge,
        NetworkNode,
        NetworkSnapshot,
        Scope,
    )
    from coaction.ties.models import TieKind

    pair = {org_a.id: Facts("business"), org_b.id: Facts("business")}
    whole = figures(build_graph([], pair, today=date(2026, 1, 1), weights=Weights())).as_dict()
    for scope in Scope:
        snapshot = NetworkSnapshot(
            scope=scope, seconds=0.1, organisations=2, ties=1, figures=whole, growth=[], sector_pairs=[],
            communities=[], community_ties=[],
        )  # fmt: skip
        db.session.add(snapshot)
        db.session.flush()
        for organisation in (org_a, org_b):
            db.session.add(
                NetworkNode(
                    snapshot_id=snapshot.id, organisation_id=organisation.id, degree=1, weighted_degree=1.0,
                    betweenness=0.0, pagerank=0.5, clustering=0.0, community=0, articulation=False, x=0.5, y=0.5,
                )
            )  # fmt: skip
        db.session.add(
            NetworkEdge(
                snapshot_id=snapshot.id, a_id=min(org_a.id, org_b.id), b_id=max(org_a.id, org_b.id),
                kinds="activity", weight=1.0, first_seen=date(2025, 1, 1), last_seen=date(2026, 1, 1),
            )
        )  # fmt: skip
    introduction = Introduction(
        organisation=org_b,
        partner=org_a,
        kind=TieKind.RESEARCH,
        message="Vi vill gärna träffas.",
        state=IntroductionState.REQUESTED,
        requested_by_id=org_admin_b.id,
    )
    db.session.add(introduction)
    db.session.flush()
    return {"introduction": introduction}


def group_cast(chair, member) -> dict:
    """A's network: A's admin chairs it, A's member is in it, owns a decision and is to approve the minutes."""
    from datetime import date

    from coaction.groups.services import (
        DecisionInput,
        add_decision,
        add_document,
        add_member,
        create_meeting,
        save_group,
        save_minutes,
        set_attendance,
    )
    from tests.factories import tiny_pdf

    group = save_group(None, name="A:s nätverk", purpose=None, started_on=None, wound_up_on=None, actor=None, ip=None)
    for person, chairs in ((chair, True), (member, False)):
        add_member(group, person.id, chair=chairs, starts_on=date(2025, 1, 1), ends_on=None, actor=None, ip=None)
    meeting = create_meeting(
        group, held_on=date(2026, 2, 1), starts_at=None, ends_at=None, place="Salem", agenda=["Beslut"], actor=None,
        ip=None,
    )  # fmt: skip
    set_attendance(meeting, [chair.id, member.id], actor=None, ip=None)
    save_minutes(meeting, "Protokoll", member.id, actor=None, ip=None)
    decision = add_decision(meeting.items[0], DecisionInput(text="Gör det", owner_id=member.id), actor=None, ip=None)
    document = add_document(meeting, tiny_pdf(), "bilaga.pdf", upload_path=UPLOADS, actor=None, ip=None)
    return {
        "group": group,
        "group_member": group.members[1],
        "meeting": meeting,
        "agenda_item": meeting.items[0],
        "decision": decision,
        "meeting_document": document,
    }


def activity_cast(org_a, org_b, org_admin_a) -> dict:
    """A public workshop led by A, and a members-only project led by A to which B is invited."""
    from datetime import date

    from coaction.activities.models import ActivityKind, ActivityVisibility, Answer, Participant, Role
    from coaction.activities.services import ActivityDetails, create_activity

    activity = create_activity(
        ActivityDetails(title="A:s workshop", kind=ActivityKind.WORKSHOP, starts_on=date(2026, 3, 1)),
        lead=org_a,
        actor=org_admin_a,
        ip=None,
    )
    members_activity = create_activity(
        ActivityDetails(
            title="A:s medlemsprojekt",
            kind=ActivityKind.PROJECT,
            starts_on=date(2026, 1, 1),
            visibility=ActivityVisibility.MEMBERS,
        ),
        lead=org_a,
        actor=org_admin_a,
        ip=None,
    )
    invited_b = Participant(organisation=org_b, role=Role.PARTNER, answer=Answer.INVITED)
    members_activity.participants.append(invited_b)
    from coaction.activities.models import Registration
    from coaction.activities.registrations import token_hash

    registration = Registration(
        activity=activity, name="Gäst", email="gast@example.se", state="registered", token_hash=token_hash("cast-token")
    )
    db.session.add(registration)
    from coaction.activities.documents import add_document
    from coaction.activities.models import DocumentKind
    from tests.factories import tiny_pdf

    draft = add_document(
        members_activity, DocumentKind.DRAFT, tiny_pdf(), "utkast.pdf", upload_path=UPLOADS, actor=None, ip=None
    )
    db.session.flush()
    return {
        "activity": activity,
        "members_activity": members_activity,
        "invited_b": invited_b,
        "registration": registration,
        "activity_draft": draft,
    }


def sign_in(client, user, lang: str | None = None) -> None:
    """Log a test client in as `user` without a round trip through the login form (and in `lang`, if given)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        if lang:
            session["lang"] = lang
