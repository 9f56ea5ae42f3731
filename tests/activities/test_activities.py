"""Activities as the people using them meet them: made by the office or a member's admin, members invited and
answering, a member asking to take part, external organisations, who sees what, the filters and the feeds."""

from datetime import date

import icalendar
import pytest
import sqlalchemy as sa

from coaction.activities.listing import Filters, find_activities
from coaction.activities.models import Activity, ActivityKind, ActivityVisibility, Answer, Participant
from coaction.activities.permissions import can_see_activity
from coaction.activities.services import ActivityDetails, ActivityError, create_activity
from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.core.status import WorkStatus
from coaction.extensions import db
from coaction.mail.models import OutgoingMail
from coaction.members.models import MembershipStatus, Organisation
from tests.conftest import sign_in
from tests.factories import make_municipality, make_organisation, make_user

GOOD = {"title": "Gemensam upphandling av laddboxar", "kind": "joint_procurement", "status": "planned",
        "visibility": "public", "starts_on": "2027-02-01", "ends_on": "2027-06-30"}  # fmt: skip


@pytest.fixture
def cast(app):
    lead = make_organisation(name="Ledande AB")
    coordinator = make_user(role=Role.COORDINATOR)
    lead_admin = make_user(role=Role.ORG_ADMIN, organisation=lead)
    members = [make_organisation(name=f"Medlem {n} AB") for n in range(3)]
    admins = [make_user(role=Role.ORG_ADMIN, organisation=member) for member in members]
    db.session.commit()
    return {"lead": lead, "coordinator": coordinator, "lead_admin": lead_admin, "members": members, "admins": admins}


def activity_of(title: str) -> Activity:
    return db.session.scalar(sa.select(Activity).where(Activity.title == title))


def test_a_member_admin_makes_an_activity_its_organisation_leads(client, cast):
    sign_in(client, cast["lead_admin"], lang="en")
    assert client.get("/activities/new").status_code == 200
    made = client.post("/activities/new", data=GOOD)
    assert made.status_code == 302
    activity = activity_of(GOOD["title"])
    assert [(p.organisation.name, p.role, p.answer) for p in activity.participants] == [
        ("Ledande AB", "lead", Answer.ACCEPTED)
    ]
    page = client.get(made.headers["Location"]).text
    assert "Joint procurement" in page and "Change the activity" in page and "Planned" in page
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.target_id == str(activity.id)))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2027-01-01"}, "ends_on", "cannot end before it starts"),
        ({"ends_on": "", "starts_at": "10:00", "ends_at": "09:00"}, "ends_at", "cannot end before it starts"),
        ({"capacity": "-5"}, "capacity", "not negative"),
        ({"kind": "consultation_response"}, "consulting_body", "This field is required"),
        ({"status": "finished"}, "status", "Not a valid choice"),
        ({"title": ""}, "title", "This field is required"),
    ],
)
def test_bad_input_is_named_by_its_field_and_nothing_is_written(client, cast, changes, field, message):
    sign_in(client, cast["lead_admin"], lang="en")
    response = client.post("/activities/new", data=GOOD | changes)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and message in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0


def test_the_office_invites_three_members_two_accept_one_declines(app, client, cast):
    sign_in(client, cast["coordinator"], lang="en")
    client.post("/activities/new", data=GOOD)
    activity = activity_of(GOOD["title"])
    assert activity.participants == []  # the office leads nothing itself
    for member in cast["members"]:
        added = client.post(
            f"/activities/{activity.id}/participants", data={"organisation": member.id, "role": "partner"}
        )
        assert added.status_code == 302
    twice = client.post(
        f"/activities/{activity.id}/participants", data={"organisation": cast["members"][0].id, "role": "partner"}
    )
    assert twice.status_code == 422 and 'id="organisation-error"' in twice.text  # no longer offered
    db.session.expire_all()
    invited = {p.organisation_id: p for p in db.session.get(Activity, activity.id).participants}
    assert {p.answer for p in invited.values()} == {Answer.INVITED}
    mailed = set(
        db.session.scalars(sa.select(OutgoingMail.recipient).where(OutgoingMail.template == "activity_invitation"))
    )
    assert mailed == {admin.email for admin in cast["admins"]}

    answers = {0: "accept", 1: "accept", 2: "decline"}
    for index, choice in answers.items():
        other = app.test_client()
        participant = invited[cast["members"][index].id]
        if index == 0:  # another member's admin may not answer for it
            sign_in(other, cast["admins"][1])
            refused = other.post(
                f"/activities/{activity.id}/participants/{participant.id}/answer", data={"answer": "accept"}
            )
            assert refused.status_code == 403
        sign_in(other, cast["admins"][index], lang="en")
        assert "is invited to take part" in other.get(f"/activities/{activity.id}").text
        done = other.post(f"/activities/{activity.id}/participants/{participant.id}/answer", data={"answer": choice})
        assert done.status_code == 302
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    assert sorted(p.organisation.name for p in activity.taking_part()) == ["Medlem 0 AB", "Medlem 1 AB"]
    public = app.test_client().get(f"/activities/{activity.id}").text
    assert "Medlem 0 AB" in public and "Medlem 2 AB" not in public  # a declined or open answer is the organisers'


def test_a_member_asks_to_take_part_and_the_lead_answers(app, client, cast):
    sign_in(client, cast["lead_admin"], lang="en")
    client.post("/activities/new", data=GOOD)
    activity = activity_of(GOOD["title"])
    asker = app.test_client()
    sign_in(asker, cast["admins"][0], lang="en")
    assert "Ask to take part" in asker.get(f"/activities/{activity.id}").text
    assert asker.post(f"/activities/{activity.id}/join").status_code == 302
    assert asker.post(f"/activities/{activity.id}/join").status_code == 403  # once
    request_ = db.session.scalar(sa.select(Participant).where(Participant.answer == Answer.REQUESTED))
    assert (
        asker.post(
            f"/activities/{activity.id}/participants/{request_.id}/answer", data={"answer": "accept"}
        ).status_code
        == 403
    )
    assert db.session.scalar(sa.select(OutgoingMail.recipient).where(OutgoingMail.template == "activity_request")) == (
        cast["lead_admin"].email
    )
    answered = client.post(f"/activities/{activity.id}/participants/{request_.id}/answer", data={"answer": "accept"})
    assert answered.status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, request_.id).answer == Answer.ACCEPTED
    lead = next(p for p in db.session.get(Activity, activity.id).participants if p.role == "lead")
    assert client.post(f"/activities/{activity.id}/participants/{lead.id}/remove").status_code == 403  # the last lead


def test_the_office_adds_an_external_organisation_by_name(client, cast):
    sign_in(client, cast["coordinator"], lang="en")
    client.post("/activities/new", data=GOOD)
    activity = activity_of(GOOD["title"])
    data = {"external_name": "Länsstyrelsen i Testlän", "external_sector": "authority", "role": "funder"}
    assert client.post(f"/activities/{activity.id}/participants", data=data).status_code == 302
    external = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Länsstyrelsen i Testlän"))
    assert external.status == MembershipStatus.EXTERNAL
    participant = db.session.scalar(sa.select(Participant).where(Participant.organisation_id == external.id))
    assert participant.answer == Answer.ACCEPTED and participant.role == "funder"  # nobody here to answer
    bad = client.post(
        f"/activities/{activity.id}/participants", data=data | {"external_name": "Ny", "external_number": "123"}
    )
    assert bad.status_code == 422 and 'id="external_number-error"' in bad.text
    assert client.post(f"/activities/{activity.id}/participants", data={"role": "partner"}).status_code == 422


def test_a_lead_admin_may_not_add_external_organisations(client, cast):
    sign_in(client, cast["lead_admin"])
    client.post("/activities/new", data=GOOD)
    activity = activity_of(GOOD["title"])
    data = {"external_name": "Gäst AB", "external_sector": "business", "role": "partner"}
    assert client.post(f"/activities/{activity.id}/participants", data=data).status_code == 403
    assert db.session.scalar(sa.select(Organisation).where(Organisation.name == "Gäst AB")) is None


def make(title, *, lead, **fields) -> Activity:
    details = {"kind": ActivityKind.WORKSHOP, "starts_on": date(2026, 5, 1)} | fields
    return create_activity(ActivityDetails(title=title, **details), lead=lead, actor=None, ip=None)


def test_members_only_activities_are_hidden_alike_from_the_list_the_page_and_the_feed(app, client, cast):
    make("Öppen workshop", lead=cast["lead"])
    hidden = make("Intern workshop", lead=cast["lead"], visibility=ActivityVisibility.MEMBERS)
    outsider = make_user(role=Role.ORG_ADMIN, organisation=make_organisation(status=MembershipStatus.APPLIED))
    db.session.commit()
    anonymous = app.test_client()
    assert "Intern workshop" not in anonymous.get("/activities").text
    assert anonymous.get(f"/activities/{hidden.id}").status_code == 404
    assert "Intern workshop" not in anonymous.get("/activities.ics").text
    assert "Intern workshop" not in anonymous.get(f"/members/{cast['lead'].slug}/activities.ics").text
    sign_in(client, cast["admins"][0])
    assert "Intern workshop" in client.get("/activities").text
    for viewer in (None, outsider, cast["admins"][0], cast["coordinator"]):
        listed = {a.id for a in find_activities(viewer, Filters(), per_page=100).items}
        seen = {a.id for a in db.session.scalars(sa.select(Activity)) if can_see_activity(viewer, a)}
        assert listed == seen


def test_the_filters(app, cast):
    here = make_municipality(name="Filterby")
    local = make_organisation(name="Lokalt AB", municipality=here)
    make("Projekt A", lead=cast["lead"], kind=ActivityKind.PROJECT, status=WorkStatus.ONGOING,
         starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31))  # fmt: skip
    make("Pilot B", lead=local, kind=ActivityKind.PILOT, starts_on=date(2027, 3, 1))
    make("Kampanj C", lead=cast["lead"], kind=ActivityKind.CAMPAIGN, status=WorkStatus.DONE,
         starts_on=date(2024, 1, 1), municipality_id=here.id)  # fmt: skip
    db.session.commit()

    def titles(**filters) -> set[str]:
        return {a.title for a in find_activities(None, Filters(**filters)).items}

    assert titles(kind=ActivityKind.PILOT) == {"Pilot B"}
    assert titles(status=WorkStatus.DONE) == {"Kampanj C"}
    assert titles(organisation_id=local.id) == {"Pilot B"}
    assert titles(municipality_id=here.id) == {"Pilot B", "Kampanj C"}  # where it is, or where a participant is
    assert titles(period_from=date(2026, 6, 1), period_to=date(2026, 6, 30)) == {"Projekt A"}  # overlaps
    assert titles(period_from=date(2027, 1, 1)) == {"Pilot B"}


def test_the_page_filters_and_its_feed_agree(app, client, cast):
    make("Projekt A", lead=cast["lead"], kind=ActivityKind.PROJECT)
    make("Pilot B", lead=cast["lead"], kind=ActivityKind.PILOT, starts_at=None)
    db.session.commit()
    page = client.get("/activities?kind=pilot&lang=en").text
    assert "Pilot B" in page and "Projekt A" not in page and 'href="/activities.ics?kind=pilot' in page
    feed = icalendar.Calendar.from_ical(client.get("/activities.ics?kind=pilot").data)
    assert [str(event["summary"]) for event in feed.walk("VEVENT")] == ["Pilot B"]
    junk = client.get("/activities?period_from=not-a-date&kind=nothing&municipality=x&page=-3")
    assert junk.status_code == 200 and "Projekt A" in junk.text


def test_the_service_refuses_what_the_form_would(app, cast):
    with pytest.raises(ActivityError) as error:
        make("", lead=cast["lead"], ends_on=date(2020, 1, 1), funding_sek=-1, goal_ids=[999_999])
    assert error.value.problems == {
        "title": "missing",
        "ends_on": "ends_before_start",
        "funding_sek": "negative",
        "goal_ids": "choice",
    }
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0
