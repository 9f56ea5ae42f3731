"""Ties: one organisation proposes, the other confirms or declines; the office enters them at once; and what
the edge service then returns."""

import sqlalchemy as sa

from coaction.activities.models import ActivityKind
from coaction.activities.services import ActivityDetails, add_participant, create_activity
from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.extensions import db
from coaction.mail.models import OutgoingMail
from coaction.ties.models import Tie, TieState
from coaction.ties.services import network_edges
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user


def test_a_proposed_tie_holds_once_the_partner_confirms(app, client):
    a, b = make_organisation(name="Alfa AB"), make_organisation(name="Beta AB")
    admin_a, admin_b = make_user(role=Role.ORG_ADMIN, organisation=a), make_user(role=Role.ORG_ADMIN, organisation=b)
    db.session.commit()
    sign_in(client, admin_a, lang="en")
    data = {"partner": b.id, "kind": "research", "starts_on": "2026-01-15"}
    assert client.post("/organisation/ties", data=data).status_code == 302
    again = client.post("/organisation/ties", data=data)
    assert again.status_code == 422 and "already have this tie" in again.text
    itself = client.post("/organisation/ties", data=data | {"partner": a.id})
    assert itself.status_code == 422 and 'id="partner-error"' in itself.text
    assert db.session.scalar(sa.select(OutgoingMail.recipient).where(OutgoingMail.template == "tie_proposed")) == (
        admin_b.email
    )
    tie = db.session.scalar(sa.select(Tie))
    assert network_edges(local_today()) == []  # a proposal is no tie yet
    assert client.post(f"/ties/{tie.id}/answer", data={"answer": "accept"}).status_code == 403  # not A's to answer
    partner = app.test_client()
    sign_in(partner, admin_b, lang="en")
    assert "Alfa AB" in partner.get("/organisation/ties").text
    assert partner.post(f"/ties/{tie.id}/answer", data={"answer": "accept"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Tie, tie.id).state == TieState.CONFIRMED
    (edge,) = network_edges(local_today())
    assert (edge.a, edge.b, edge.kind, edge.weight) == (min(a.id, b.id), max(a.id, b.id), "research", 1.5)
    assert partner.post(f"/ties/{tie.id}/end", data={"ends_on": "2025-01-01"}).status_code == 400  # before it began
    assert partner.post(f"/ties/{tie.id}/end", data={"ends_on": "2026-06-30"}).status_code == 302


def test_the_office_enters_a_tie_at_once_and_edges_include_shared_activities(app, client):
    a, b, c = (make_organisation(name=name) for name in ("Alfa AB", "Beta AB", "Gamma AB"))
    office = make_user(role=Role.COORDINATOR)
    activity = create_activity(
        ActivityDetails(title="Gemensamt", kind=ActivityKind.PROJECT, starts_on=local_today()),
        lead=a,
        actor=None,
        ip=None,
    )
    add_participant(activity, b, "partner", actor=None, ip=None)  # invited, not yet accepted: no edge
    db.session.commit()
    sign_in(client, office, lang="en")
    made = client.post("/coordinator/ties", data={"organisation": a.id, "partner": c.id, "kind": "funding",
                                                  "starts_on": "2026-01-01"})  # fmt: skip
    assert made.status_code == 302
    assert db.session.scalar(sa.select(Tie.state)) == TieState.CONFIRMED
    assert {(e.kind) for e in network_edges(local_today())} == {"funding"}
    missing = client.post("/coordinator/ties", data={"partner": c.id, "kind": "funding", "starts_on": "2026-01-01"})
    assert missing.status_code == 422 and 'id="organisation-error"' in missing.text
