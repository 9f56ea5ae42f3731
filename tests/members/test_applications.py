import re

import pytest
import sqlalchemy as sa

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role, User
from coaction.extensions import db
from coaction.members.models import (
    ApplicationKind,
    ApplicationStatus,
    MembershipApplication,
    MembershipEvent,
    MembershipStatus,
    Organisation,
)
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user

GOOD_NUMBER = "556036-0793"
PASSWORD = "Hamnkran-Solpanel-Ek-7"


def join_form(**overrides) -> dict:
    return {
        "name": "Solkraft Södertörn AB",
        "org_number": GOOD_NUMBER,
        "sector": "energy",
        "employees": "120",
        "municipality": "0",
        "contact_name": "Sara Sol",
        "contact_email": "sara@solkraft.example",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "locale": "sv",
        "motivation": "Vi vill ladda fler bilar.",
    } | overrides


def confirm_link(message) -> str:
    return re.search(r"http://coaction\.test(/join/confirm/[\w-]+)", message.get_body(("plain",)).get_content()).group(
        1
    )


def apply_and_confirm(client, mailbox, **overrides) -> MembershipApplication:
    count = len(mailbox.messages) + 1
    answer = client.post("/join", data=join_form(**overrides))
    assert answer.status_code == 200
    link = confirm_link(mailbox.wait_for(count)[-1])
    assert client.post(link).status_code == 200
    return db.session.scalar(sa.select(MembershipApplication).order_by(MembershipApplication.id.desc()))


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("556036-0795", "Sista siffran stämmer inte"),
        ("55603", "10 siffror"),
        ("ABC", "bara siffror"),
        ("", "Ange organisationsnumret"),
    ],
)
def test_a_bad_organisation_number_is_explained_next_to_the_field(client, app, number, message):
    response = client.post("/join", data=join_form(org_number=number))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="org_number-error"' in page and message in page
    assert 'value="Solkraft Södertörn AB"' in page  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MembershipApplication)) == 0


@pytest.mark.parametrize(("employees", "shown"), [("0", None), ("", "Fältet måste fyllas i."), ("-1", "Ange ett tal")])
def test_no_employees_is_an_answer_and_none_given_is_not(client, app, mailbox, employees, shown):
    response = client.post("/join", data=join_form(employees=employees))
    if shown is None:
        assert response.status_code == 200
        assert db.session.scalar(sa.select(MembershipApplication)).submitted["employees"] == 0
    else:
        assert response.status_code == 422 and shown in response.get_data(as_text=True)


def test_the_number_is_accepted_in_every_written_form(client, app, mailbox):
    client.post("/join", data=join_form(org_number="16 5560360793"))
    assert db.session.scalar(sa.select(MembershipApplication)).submitted["org_number"] == GOOD_NUMBER


def test_new_organisation_applies_confirms_and_is_approved(client, app, mailbox, people):
    response = client.post("/join", data=join_form())
    assert "Titta i din e-post" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Organisation).filter_by(org_number=GOOD_NUMBER)) is None  # not before confirming
    (confirmation,) = mailbox.wait_for(1)
    assert confirmation["To"] == "sara@solkraft.example"
    assert client.post(confirm_link(confirmation)).status_code == 200

    application = db.session.scalar(sa.select(MembershipApplication).filter_by(contact_email="sara@solkraft.example"))
    organisation = application.organisation
    assert (application.kind, application.status) == (ApplicationKind.NEW, ApplicationStatus.SUBMITTED)
    assert organisation.status == MembershipStatus.APPLIED
    applicant = db.session.get(User, application.user_id)
    assert applicant.organisation_id is None  # no rights in the organisation before approval

    coordinator = app.test_client()
    sign_in(coordinator, people["coordinator"])
    assert "Solkraft Södertörn AB" in coordinator.get("/coordinator/applications").get_data(as_text=True)
    coordinator.post(f"/coordinator/applications/{application.id}/approve", data={"note": "Välkomna!"})

    db.session.expire_all()
    assert organisation.status == MembershipStatus.MEMBER
    assert organisation.member_since is not None
    assert (applicant.role, applicant.organisation_id) == (Role.ORG_ADMIN, organisation.id)
    history = db.session.scalars(sa.select(MembershipEvent.to_status).filter_by(organisation_id=organisation.id))
    assert list(history) == [MembershipStatus.MEMBER]
    (_, welcome) = mailbox.wait_for(2)
    assert welcome["Subject"] == "Välkommen till CoAction" and "Välkomna!" in mailbox.text(welcome)
    assert client.post("/login", data={"email": "sara@solkraft.example", "password": PASSWORD}).status_code == 302
    page = client.get("/members").get_data(as_text=True)
    assert "Solkraft Södertörn AB" in page, re.findall(r"<h2>.*?</h2>|role=\"status\">[^<]*", page)


@pytest.mark.parametrize("status", ["prospect", "invited", "rejected", "external"])
def test_a_known_record_gets_no_duplicate_and_no_answer_tells_it_exists(client, app, mailbox, status):
    fresh = client.post("/join", data=join_form(org_number="212000-0142", contact_email="a@one.example"))
    make_organisation(name="Känd Post AB", org_number=GOOD_NUMBER, status=MembershipStatus(status))
    db.session.commit()
    known = client.post("/join", data=join_form(contact_email="b@two.example"))

    def neutral(response, email):
        return response.get_data(as_text=True).replace(email, "EMAIL")

    assert neutral(fresh, "a@one.example") == neutral(known, "b@two.example")
    first, second = mailbox.wait_for(2)
    assert first["Subject"] == second["Subject"]
    assert re.sub(r"/join/confirm/\S+", "", mailbox.text(first)) == re.sub(
        r"/join/confirm/\S+", "", mailbox.text(second)
    )

    assert client.post(confirm_link(second)).status_code == 200
    application = db.session.scalar(sa.select(MembershipApplication).filter_by(contact_email="b@two.example"))
    assert application.kind == ApplicationKind.RECORD
    assert application.organisation.name == "Känd Post AB"
    assert application.organisation.status == MembershipStatus.APPLIED
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Organisation).filter_by(org_number=GOOD_NUMBER)) == 1
    )


def test_rejecting_a_known_record_restores_its_status(client, app, mailbox, people):
    make_organisation(name="Extern Partner AB", org_number=GOOD_NUMBER, status=MembershipStatus.EXTERNAL)
    db.session.commit()
    application = apply_and_confirm(client, mailbox)
    coordinator = app.test_client()
    sign_in(coordinator, people["coordinator"])
    refused = coordinator.post(f"/coordinator/applications/{application.id}/reject", data={"note": ""})
    assert refused.status_code == 422  # a reason is required
    coordinator.post(f"/coordinator/applications/{application.id}/reject", data={"note": "Inte i regionen."})
    db.session.expire_all()
    assert application.status == ApplicationStatus.REJECTED
    assert application.organisation.status == MembershipStatus.EXTERNAL
    message = mailbox.wait_for(2)[-1]
    assert "Inte i regionen." in mailbox.text(message)
    again = coordinator.post(f"/coordinator/applications/{application.id}/approve", data={"note": "x"})
    assert "redan" in coordinator.get(again.headers["Location"]).get_data(as_text=True)


def test_asking_for_information_and_answering(client, app, mailbox, people):
    application = apply_and_confirm(client, mailbox)
    coordinator = app.test_client()
    sign_in(coordinator, people["coordinator"])
    coordinator.post(f"/coordinator/applications/{application.id}/ask", data={"note": "Hur många fordon har ni?"})
    db.session.expire_all()
    assert application.status == ApplicationStatus.INFO_REQUESTED
    question = mailbox.wait_for(2)[-1]
    assert "Hur många fordon har ni?" in mailbox.text(question)

    client.post("/login", data={"email": "sara@solkraft.example", "password": PASSWORD})
    assert "Hur många fordon har ni?" in client.get("/account/applications").get_data(as_text=True)
    assert client.post(f"/account/applications/{application.id}/answer", data={"answer": ""}).status_code == 422
    client.post(f"/account/applications/{application.id}/answer", data={"answer": "Tolv lastbilar."})
    db.session.expire_all()
    assert (application.status, application.info_answer) == (ApplicationStatus.SUBMITTED, "Tolv lastbilar.")


def test_someone_else_cannot_answer_for_an_applicant(client, app, mailbox, people):
    application = apply_and_confirm(client, mailbox)
    sign_in(client, people["member_a"])
    assert client.post(f"/account/applications/{application.id}/answer", data={"answer": "x"}).status_code == 404


def test_asking_to_join_a_member_goes_to_its_admins(client, app, mailbox, people):
    org_a = people["org_a"]
    org_a.org_number = GOOD_NUMBER
    db.session.commit()
    application = apply_and_confirm(client, mailbox, contact_email="ny.kollega@example.se")
    assert application.kind == ApplicationKind.JOIN
    assert application not in db.session.scalars(sa.select(MembershipApplication).filter_by(kind=ApplicationKind.NEW))

    other_admin = app.test_client()
    sign_in(other_admin, people["org_admin_b"])
    assert "ny.kollega@example.se" not in other_admin.get("/organisation/requests").get_data(as_text=True)
    assert other_admin.post(f"/organisation/requests/{application.id}/approve").status_code == 403

    admin_a = app.test_client()
    sign_in(admin_a, people["org_admin_a"])
    assert "ny.kollega@example.se" in admin_a.get("/organisation/requests").get_data(as_text=True)
    admin_a.post(f"/organisation/requests/{application.id}/approve")
    newcomer = db.session.scalar(sa.select(User).filter_by(email="ny.kollega@example.se"))
    assert (newcomer.organisation_id, newcomer.role) == (org_a.id, Role.MEMBER)
    assert org_a.status == MembershipStatus.MEMBER


def test_an_address_with_an_account_gets_a_different_mail_but_the_same_page(client, app, mailbox):
    make_user(email="sara@solkraft.example")
    db.session.commit()
    response = client.post("/join", data=join_form())
    assert "Titta i din e-post" in response.get_data(as_text=True)
    (message,) = mailbox.wait_for(1)
    assert "/login" in mailbox.text(message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MembershipApplication)) == 0


def test_a_confirmation_link_works_once(client, app, mailbox):
    client.post("/join", data=join_form())
    link = confirm_link(mailbox.wait_for(1)[0])
    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 410
    assert client.get("/join/confirm/guessed-token").status_code == 410


def test_every_step_is_audited(client, app, mailbox, people):
    application = apply_and_confirm(client, mailbox)
    coordinator = app.test_client()
    sign_in(coordinator, people["coordinator"])
    coordinator.post(f"/coordinator/applications/{application.id}/approve", data={"note": ""})
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {
        "application.submitted",
        "application.confirmed",
        "organisation.created",
        "application.approved",
        "organisation.status_changed",
    } <= actions
