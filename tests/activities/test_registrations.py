"""Registration for an event: places up to the cap, then the waiting list; the cancel link in the mail frees the
place for the first one waiting; the list is the organisers' only."""

import re
from datetime import timedelta

import sqlalchemy as sa

from coaction.activities.models import ActivityKind, Registration, RegistrationState
from coaction.activities.services import ActivityDetails, create_activity
from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.extensions import db
from coaction.mail.models import OutgoingMail
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user


def event(capacity=2, **fields):
    lead = make_organisation(name="Arrangören AB")
    admin = make_user(role=Role.ORG_ADMIN, organisation=lead)
    details = ActivityDetails(title="Studiebesök", kind=ActivityKind.STUDY_VISIT,
                              starts_on=local_today() + timedelta(days=20), capacity=capacity,
                              registration_open=True, **fields)  # fmt: skip
    activity = create_activity(details, lead=lead, actor=admin, ip=None)
    db.session.commit()
    return activity, admin


def sign_up(client, activity, name, email):
    return client.post(f"/activities/{activity.id}/register?lang=en", data={"name": name, "email": email})


def cancel_link(email: str) -> str:
    body = db.session.scalar(
        sa.select(OutgoingMail.body_text).where(OutgoingMail.recipient == email).order_by(OutgoingMail.id)
    )
    return re.search(r"http://[^/]+(/activities/\d+/cancel/\S+)", body).group(1)


def test_places_then_the_waiting_list_and_a_cancellation_moves_the_first_up(app, client):
    activity, admin = event(capacity=2)
    for name in ("Ada", "Bo", "Cy", "Di"):
        assert sign_up(client, activity, name, f"{name.lower()}@example.se").status_code == 302
    states = dict(db.session.execute(sa.select(Registration.name, Registration.state)).all())
    assert states == {"Ada": "registered", "Bo": "registered", "Cy": "waiting", "Di": "waiting"}
    twice = sign_up(client, activity, "Ada igen", "ADA@example.se")
    assert twice.status_code == 422 and 'id="email-error"' in twice.text
    page = app.test_client().get(f"/activities/{activity.id}?lang=en").text
    assert "The event is full" in page and "ada@example.se" not in page  # the names are the organisers'
    title = page[page.index("<title>") : page.index("</title>")]
    assert "Studiebesök" in title and "Registration" not in title

    link = cancel_link("bo@example.se")
    assert app.test_client().get(link).status_code == 200  # a GET only shows the button
    assert db.session.scalar(sa.select(Registration.state).where(Registration.name == "Bo")) == "registered"
    assert app.test_client().post(link).status_code == 200
    db.session.expire_all()
    states = dict(db.session.execute(sa.select(Registration.name, Registration.state)).all())
    assert states == {"Ada": "registered", "Bo": "cancelled", "Cy": "registered", "Di": "waiting"}
    assert (
        db.session.scalar(sa.select(OutgoingMail.recipient).where(OutgoingMail.template == "activity_moved_up"))
        == "cy@example.se"
    )
    assert app.test_client().get(f"/activities/{activity.id}/cancel/not-a-token").status_code == 404

    sign_in(client, admin, lang="en")
    listing = client.get(f"/activities/{activity.id}").text
    assert "ada@example.se" in listing and "Registrations (the organisers only)" in listing
    di = db.session.scalar(sa.select(Registration).where(Registration.name == "Di"))
    assert client.post(f"/activities/{activity.id}/registrations/{di.id}/cancel").status_code == 302


def test_registration_is_closed_for_past_and_unregistered_activities(app, client):
    activity, _admin = event(capacity=None)
    activity.registration_open = False
    db.session.commit()
    closed = sign_up(client, activity, "Ada", "ada@example.se")
    assert closed.status_code == 422 and "not open" in closed.text
    activity.registration_open, activity.starts_on = True, local_today() - timedelta(days=1)
    db.session.commit()
    assert sign_up(client, activity, "Ada", "ada@example.se").status_code == 422
    activity.starts_on = local_today() + timedelta(days=1)
    db.session.commit()
    assert sign_up(client, activity, "Ada", "not-an-email").status_code == 422
    assert sign_up(client, activity, "Ada", "ada@example.se").status_code == 302
    assert db.session.scalar(sa.select(Registration.state)) == RegistrationState.REGISTERED  # no cap
