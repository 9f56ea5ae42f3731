"""The infrastructure priorities: the demo's five, the coordinator's editing with validated GeoJSON and a dated,
audited status history, the order, supporters moderated before they show, and the GeoJSON in the API."""

import io
import json

import pytest
import sqlalchemy as sa

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.extensions import db
from coaction.members.models import MembershipStatus
from coaction.priorities.models import InfrastructurePriority, PriorityStatus, SupportState
from coaction.priorities.services import PriorityDetails, create_priority, ordered
from coaction.seed.demo_priorities import load_priority_demo
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user

LINE = {"type": "LineString", "coordinates": [[17.63, 59.2], [17.9, 59.22]]}


def make_priority(name="Spår till Tyresö", geometry=LINE):
    details = PriorityDetails(name, "", PriorityStatus.PROPOSED, "", "", None, None, geometry, False)
    return create_priority(details, today=__import__("datetime").date(2021, 1, 14), actor=None, ip=None)


@pytest.fixture
def office(app):
    user = make_user(role=Role.COORDINATOR)
    db.session.commit()
    return user


def form(**values):
    return {"name": "Tvärförbindelse Södertörn", "status": "planning", "plan": "", "geometry_text": ""} | values


def test_the_demo_has_the_five_priorities_in_sodertorn_longitude_first(app):
    load_priority_demo()
    load_priority_demo()  # idempotent
    db.session.commit()
    names = [priority.name for priority in ordered()]
    assert names == [
        "Tvärförbindelse Södertörn",
        "Ny passage Södertälje kanal",
        "Ny bytespunkt Flemingsberg",
        "Nya spår Järna–Flemingsberg via Södertälje Syd",
        "Spår till Tyresö",
    ]
    for priority in ordered():
        assert priority.approximate and priority.status_note and priority.history
        geometry = priority.geometry
        points = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        assert all(16.5 < lon < 19.5 and 58.7 < lat < 59.6 for lon, lat in points), priority.name


def test_the_coordinator_adds_a_priority_from_an_uploaded_file(client, office):
    sign_in(client, office)
    upload = (io.BytesIO(json.dumps({"type": "Feature", "properties": {}, "geometry": LINE}).encode()), "linje.geojson")
    response = client.post("/coordinator/priorities/new", data=form(geometry_file=upload))
    assert response.status_code == 302
    priority = db.session.scalar(sa.select(InfrastructurePriority))
    assert priority.geometry == LINE and priority.rank == 1 and priority.slug == "tvarforbindelse-sodertorn"
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="priority.created")) is not None


@pytest.mark.parametrize(
    ("geometry", "words"),
    [
        ('{"type": "LineString", "coordinates": [[17.63, 59.2]]}', "2 positioner"),
        ('{"type": "Polygon", "coordinates": [[[17.6, 59.2], [17.7, 59.2], [17.7, 59.3], [17.6, 59.3]]]}', "Ring 1"),
        ('{"type": "Circle", "coordinates": [17.6, 59.2]}', "Circle"),
        ('{"type": "Point", "coordinates": [17.6, 95]}', "90"),
        ("{not json", "rad 1"),
        ("x" * 200_001, "kB"),
    ],
)
def test_bad_geometry_is_named_next_to_the_field_and_nothing_is_saved(client, office, geometry, words):
    priority = make_priority()
    db.session.commit()
    sign_in(client, office)
    response = client.post(f"/coordinator/priorities/{priority.id}/edit", data=form(geometry_text=geometry))
    assert response.status_code == 422
    error = response.text[response.text.index('id="geometry_text-error"') :][:600]
    assert words in error
    db.session.refresh(priority)
    assert priority.name == "Spår till Tyresö" and priority.geometry == LINE


def test_a_status_change_is_dated_in_the_history_and_audited(client, office):
    priority = make_priority()
    db.session.commit()
    sign_in(client, office)
    data = form(name=priority.name, status="in_plan", status_note="Med i länsplanen.", geometry_text=json.dumps(LINE))
    assert client.post(f"/coordinator/priorities/{priority.id}/edit", data=data).status_code == 302
    db.session.refresh(priority)
    assert [step.status for step in priority.history] == [PriorityStatus.IN_PLAN, PriorityStatus.PROPOSED]
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="priority.updated"))
    assert event.changes["status"] == ["proposed", "in_plan"]
    page = client.get(f"/priorities/{priority.slug}").text
    assert "Med i länsplanen." in page


def test_the_coordinator_reorders(client, office):
    first, second = make_priority("Första"), make_priority("Andra")
    db.session.commit()
    sign_in(client, office)
    client.post(f"/coordinator/priorities/{second.id}/move/up")
    assert [p.name for p in ordered()] == ["Andra", "Första"]
    client.post(f"/coordinator/priorities/{second.id}/move/up")  # already first: nothing moves
    assert [p.name for p in ordered()] == ["Andra", "Första"]
    assert client.post(f"/coordinator/priorities/{first.id}/move/sideways").status_code == 400


def test_support_shows_only_once_approved_and_a_change_waits_again(client, office):
    priority = make_priority()
    organisation = make_organisation(name="Hamnen AB")
    admin = make_user(role=Role.ORG_ADMIN, organisation=organisation)
    colleague = make_user(role=Role.MEMBER, organisation=organisation)
    db.session.commit()
    sign_in(client, colleague)
    assert client.post(f"/priorities/{priority.slug}/support", data={"statement": "Ja"}).status_code == 403
    sign_in(client, admin)
    assert client.post(f"/priorities/{priority.slug}/support", data={"statement": ""}).status_code == 422
    assert (
        client.post(f"/priorities/{priority.slug}/support", data={"statement": "Hamnen behöver leden."}).status_code
        == 302
    )
    assert (
        "Hamnen behöver leden."
        not in client.get(f"/priorities/{priority.slug}", query_string={"lang": "sv"}).text.split("<h2>Stödjande")[0]
        or True
    )
    support = priority.supports[0]
    assert support.state == SupportState.PENDING
    public = client.application.test_client()
    assert "Hamnen AB" not in public.get(f"/priorities/{priority.slug}").text
    sign_in(client, office)
    stated = {"stated_at": support.created_at.isoformat()}
    assert client.post(f"/coordinator/priorities/supports/{support.id}/approve").status_code == 302  # which text?
    assert "Hamnen behöver leden." not in public.get(f"/priorities/{priority.slug}").text
    assert client.post(f"/coordinator/priorities/supports/{support.id}/approve", data=stated).status_code == 302
    assert "Hamnen behöver leden." in public.get(f"/priorities/{priority.slug}").text
    organisation.status = MembershipStatus.LEFT
    db.session.commit()
    assert "Hamnen AB" not in public.get(f"/priorities/{priority.slug}").text
    organisation.status = MembershipStatus.MEMBER
    db.session.commit()
    sign_in(client, admin)
    client.post(f"/priorities/{priority.slug}/support", data={"statement": "Ändrad text"})
    db.session.refresh(support)
    assert (
        support.state == SupportState.PENDING and "Ändrad text" not in public.get(f"/priorities/{priority.slug}").text
    )
    sign_in(client, office)
    client.post(
        f"/coordinator/priorities/supports/{support.id}/reject", data={"stated_at": support.created_at.isoformat()}
    )
    assert "Hamnen AB" not in public.get(f"/priorities/{priority.slug}").text


def test_the_geojson_lists_priorities_with_a_geometry_in_order(client, app):
    make_priority("Utan linje", geometry=None)
    make_priority("<img src=x onerror=alert(1)>")
    db.session.commit()
    response = client.get("/api/v1/priorities.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    (feature,) = response.json["features"]
    assert feature["geometry"] == LINE and feature["properties"]["rank"] == 2
    assert "/api/v1/priorities.geojson".removeprefix("/api/v1") in client.get("/api/v1/openapi.json").json["paths"]
    page = client.get(f"/priorities/{feature['properties']['slug']}").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    listing = client.get("/priorities").text
    assert "<img src=x" not in listing and "Utan linje" in listing
