import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role, User
from coaction.extensions import db
from coaction.invitations.models import Invitation, InvitationStatus
from coaction.members.models import ApplicationKind, MembershipApplication, MembershipStatus, Organisation
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user

STRONG = "Pendelbåt-Kanal-Sju-Ekar"


def link_in(message) -> str:
    return re.search(r"http://coaction\.test(/invitations/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)


@pytest.fixture
def coordinator(app, people):
    client = app.test_client()
    sign_in(client, people["coordinator"])
    return client


def invite(coordinator, organisation_id=0, **fields):
    data = {"organisation": str(organisation_id), "email": "vd@verkstad.example", "locale": "sv"} | fields
    return coordinator.post("/coordinator/invitations/new", data=data)


def latest() -> Invitation:
    return db.session.scalar(sa.select(Invitation).order_by(Invitation.id.desc()))


def test_inviting_a_prospect_mails_a_link_in_the_chosen_language(coordinator, mailbox):
    prospect = make_organisation(name="Verkstaden AB", status=MembershipStatus.PROSPECT)
    db.session.commit()
    response = invite(coordinator, prospect.id, message="Vi hörs på konferensen!", locale="en")
    assert response.status_code == 302
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "vd@verkstad.example"
    assert message["Subject"] == "Verkstaden AB is invited to CoAction"
    assert "Vi hörs på konferensen!" in mailbox.text(message)
    db.session.expire_all()
    assert prospect.status == MembershipStatus.INVITED
    invitation = latest()
    assert (invitation.status, invitation.locale) == (InvitationStatus.PENDING, "en")
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    assert "invitation.sent" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_inviting_a_new_organisation_makes_its_record(coordinator, mailbox):
    invite(coordinator, new_name="Nya Bryggeriet AB", new_sector="industry")
    organisation = db.session.scalar(sa.select(Organisation).filter_by(name="Nya Bryggeriet AB"))
    assert organisation.status == MembershipStatus.INVITED
    assert "Nya Bryggeriet AB" in mailbox.text(mailbox.wait_for(1)[0])


def test_bad_invitations_are_refused_next_to_the_field(coordinator, people, mailbox):
    no_name = invite(coordinator)
    assert no_name.status_code == 422 and 'id="new_name-error"' in no_name.get_data(as_text=True)
    bad_email = invite(coordinator, new_name="X AB", email="not-an-address")
    assert 'id="email-error"' in bad_email.get_data(as_text=True)
    prospect = make_organisation(status=MembershipStatus.PROSPECT)
    db.session.commit()
    invite(coordinator, prospect.id)
    twice = invite(coordinator, prospect.id)
    assert twice.status_code == 422 and "redan en öppen inbjudan" in twice.get_data(as_text=True)
    member = invite(coordinator, people["org_a"].id)
    assert member.status_code in (404, 422)  # members are not offered, and cannot be invited


def test_visiting_the_link_marks_it_opened_once(app, client, coordinator, mailbox):
    prospect = make_organisation(status=MembershipStatus.PROSPECT)
    db.session.commit()
    invite(coordinator, prospect.id)
    link = link_in(mailbox.wait_for(1)[0])
    assert client.get(link).status_code == 200
    first = latest().opened_at
    client.get(link)
    db.session.expire_all()
    assert latest().status == InvitationStatus.OPENED
    assert latest().opened_at == first


def test_accepting_leads_to_join_filled_in_and_the_funnel_sees_it(app, client, coordinator, mailbox):
    prospect = make_organisation(name="Verkstaden AB", org_number="556036-0793", status=MembershipStatus.PROSPECT)
    db.session.commit()
    invite(coordinator, prospect.id)
    link = link_in(mailbox.wait_for(1)[0])
    client.get(link)
    response = client.post(f"{link}/accept")
    assert response.headers["Location"] == "/join"
    page = client.get("/join").get_data(as_text=True)
    assert 'value="Verkstaden AB"' in page and 'value="vd@verkstad.example"' in page and 'value="556036-0793"' in page
    client.post(
        "/join",
        data={
            "name": "Verkstaden AB", "org_number": "556036-0793", "sector": "industry", "employees": "40",
            "municipality": "0", "contact_name": "Vera Vd", "contact_email": "vd@verkstad.example",
            "password": STRONG, "confirm": STRONG, "locale": "sv",
        },
    )  # fmt: skip
    confirm = re.search(r"(/join/confirm/[\w-]+)", mailbox.text(mailbox.wait_for(2)[1])).group(1)
    client.post(confirm)
    application = db.session.scalar(sa.select(MembershipApplication).filter_by(contact_email="vd@verkstad.example"))
    assert (application.kind, application.invitation_id) == (ApplicationKind.RECORD, latest().id)
    assert latest().status == InvitationStatus.ACCEPTED
    figures = coordinator.get("/coordinator/invitations/funnel").get_data(as_text=True)
    assert "Har ansökt" in figures


def test_declining_with_a_reason(app, client, coordinator, mailbox):
    prospect = make_organisation(status=MembershipStatus.PROSPECT)
    db.session.commit()
    invite(coordinator, prospect.id)
    link = link_in(mailbox.wait_for(1)[0])
    client.post(f"{link}/decline", data={"reason": "Vi har inte tid i år."})
    invitation = latest()
    assert (invitation.status, invitation.decline_reason) == (InvitationStatus.DECLINED, "Vi har inte tid i år.")
    assert invitation.opened_at is not None and invitation.declined_at is not None
    assert "Vi har inte tid i år." in coordinator.get("/coordinator/invitations").get_data(as_text=True)
    assert client.get(link).status_code == 410


def test_resend_replaces_the_link_and_revoke_closes_it(app, client, coordinator, mailbox):
    prospect = make_organisation(status=MembershipStatus.PROSPECT)
    db.session.commit()
    invite(coordinator, prospect.id)
    old = link_in(mailbox.wait_for(1)[0])
    coordinator.post(f"/invitations/{latest().id}/resend")
    new = link_in(mailbox.wait_for(2)[1])
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200
    coordinator.post(f"/invitations/{latest().id}/revoke")
    assert client.get(new).status_code == 410
    assert latest().status == InvitationStatus.REVOKED


def test_an_expired_link_gets_the_clear_page_and_can_be_resent(app, client, coordinator, mailbox):
    prospect = make_organisation(status=MembershipStatus.PROSPECT)
    db.session.commit()
    invite(coordinator, prospect.id)
    link = link_in(mailbox.wait_for(1)[0])
    db.session.execute(sa.update(Invitation).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(link).status_code == 410
    assert "Utgången" in coordinator.get("/coordinator/invitations?status=expired").get_data(as_text=True)
    coordinator.post(f"/invitations/{latest().id}/resend")
    assert client.get(link_in(mailbox.wait_for(2)[1])).status_code == 200


def test_remind_invitations_reminds_once(app, runner, coordinator, mailbox):
    prospect = make_organisation(status=MembershipStatus.PROSPECT)
    db.session.commit()
    invite(coordinator, prospect.id)
    mailbox.wait_for(1)
    eight_days_ago = datetime.now(UTC) - timedelta(days=8)
    db.session.execute(sa.update(Invitation).filter_by(email="vd@verkstad.example").values(created_at=eight_days_ago))
    db.session.commit()
    assert (
        "1 invitations reminded" in runner.invoke(args=["coaction", "remind-invitations", "--after-days", "7"]).output
    )
    assert (
        "0 invitations reminded" in runner.invoke(args=["coaction", "remind-invitations", "--after-days", "7"]).output
    )
    reminder = mailbox.wait_for(2)[1]
    assert str(reminder["Subject"]).strip().startswith("En påminnelse")  # long non-ASCII subjects are folded


def test_a_colleague_accepts_and_becomes_a_member_of_the_organisation(app, client, people, mailbox):
    admin = app.test_client()
    sign_in(admin, people["org_admin_a"])
    admin.post("/organisation/colleagues", data={"email": "kollega@example.se", "locale": "sv"})
    link = link_in(mailbox.wait_for(1)[0])
    page = client.get(link).get_data(as_text=True)
    assert "Organisation A AB" in page
    weak = client.post(f"{link}/accept", data={"name": "Kim Kollega", "password": "kort", "confirm": "kort"})
    assert weak.status_code == 422
    client.post(f"{link}/accept", data={"name": "Kim Kollega", "password": STRONG, "confirm": STRONG})
    colleague = db.session.scalar(sa.select(User).filter_by(email="kollega@example.se"))
    assert (colleague.organisation_id, colleague.role) == (people["org_a"].id, Role.MEMBER)
    assert client.get("/account").status_code == 200  # logged in


def test_an_existing_account_joins_after_logging_in(app, client, people, mailbox):
    loner = make_user(email="ensam@example.se")
    db.session.commit()
    admin = app.test_client()
    sign_in(admin, people["org_admin_a"])
    admin.post("/organisation/colleagues", data={"email": "ensam@example.se", "locale": "sv"})
    link = link_in(mailbox.wait_for(1)[0])
    response = client.post(f"{link}/accept", data={"name": "X", "password": STRONG, "confirm": STRONG})
    assert response.headers["Location"].startswith("/login")
    sign_in(client, loner)
    client.post(f"{link}/accept")
    db.session.refresh(loner)
    assert loner.organisation_id == people["org_a"].id


def test_another_organisations_admin_cannot_touch_its_invitations(app, people):
    other = app.test_client()
    sign_in(other, people["org_admin_b"])
    invitation = people["colleague_invitation"]
    assert other.post(f"/invitations/{invitation.id}/revoke").status_code == 404
    assert invitation.email not in other.get("/organisation/colleagues").get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.PENDING


def test_funnel_facts_count_each_invitation_at_its_furthest_stage(app, people):
    from coaction.invitations.funnel import funnel
    from coaction.invitations.services import funnel_facts

    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    opened = make_organisation(status=MembershipStatus.INVITED)
    joined = make_organisation(status=MembershipStatus.INVITED)
    from tests.factories import make_invitation

    make_invitation(opened, created_at=start, opened_at=start + timedelta(days=2), status=InvitationStatus.OPENED)
    make_invitation(joined, created_at=start, opened_at=start + timedelta(days=1), status=InvitationStatus.ACCEPTED)
    from coaction.members.services import change_status

    change_status(joined, MembershipStatus.MEMBER, actor=None)
    facts = [fact for fact in funnel_facts() if fact.sent_at == start]
    result = funnel(facts)
    assert [result[stage].count for stage in ("invited", "opened", "applied", "member")] == [2, 2, 1, 1]
    assert result["opened"].median_days == 1.5
