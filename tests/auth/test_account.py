import re

import sqlalchemy as sa

from coaction.audit.models import AuditEvent
from coaction.auth.models import User
from coaction.extensions import db
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_organisation, make_user

NEW_PASSWORD = "Ny-Cykelbana-över-Kanalen"


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_profile_saves_name_and_language(app, client):
    user = make_user(name="Anna", locale="sv")
    db.session.commit()
    sign_in(client, user)
    response = client.post("/account", data={"profile-name": "Anna Berg", "profile-locale": "en"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)
    db.session.refresh(user)
    assert (user.name, user.locale) == ("Anna Berg", "en")
    assert "user.profile_updated" in actions()


def test_profile_with_bad_input_says_what_is_wrong(app, client):
    user = make_user(name="Anna")
    db.session.commit()
    sign_in(client, user)
    response = client.post("/account", data={"profile-name": "", "profile-locale": "xx"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="profile-name-error"' in page
    assert 'id="profile-locale-error"' in page
    db.session.refresh(user)
    assert user.name == "Anna"


def test_change_password_needs_the_current_one(app, client, mailbox):
    user = make_user(email="anna@example.se")
    db.session.commit()
    sign_in(client, user)
    data = {"password-password": NEW_PASSWORD, "password-confirm": NEW_PASSWORD}
    wrong = client.post("/account/password", data={**data, "password-current_password": "not-it-at-all"})
    assert wrong.status_code == 422
    assert "Det nuvarande lösenordet är fel." in wrong.get_data(as_text=True)
    right = client.post("/account/password", data={**data, "password-current_password": PASSWORD})
    assert right.status_code == 302
    assert client.get("/account").status_code == 200  # this session goes on
    (notice,) = mailbox.wait_for(1)
    assert notice["Subject"] == "Ditt lösenord har ändrats"
    client.post("/logout")
    assert client.post("/login", data={"email": "anna@example.se", "password": NEW_PASSWORD}).status_code == 302


def test_change_password_ends_the_other_sessions(app, client):
    user = make_user(email="anna@example.se")
    db.session.commit()
    other = app.test_client()
    sign_in(client, user)
    sign_in(other, user)
    client.post(
        "/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_weak_password_is_judged_with_the_organisation_name(app, client):
    user = make_user(organisation=make_organisation(name="Fjällbacka Energi AB"))
    db.session.commit()
    sign_in(client, user)
    weak = "fjallbackaenergi1"
    response = client.post(
        "/account/password",
        data={"password-current_password": PASSWORD, "password-password": weak, "password-confirm": weak},
    )
    assert response.status_code == 422
    assert 'id="password-password-error"' in response.get_data(as_text=True)


def test_email_change_is_confirmed_from_the_new_address(app, client, mailbox):
    user = make_user(email="anna@example.se", name="Anna")
    db.session.commit()
    sign_in(client, user)
    response = client.post("/account/email", data={"email-email": "Anna.Berg@Example.se", "email-password": PASSWORD})
    assert response.status_code == 302
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "anna.berg@example.se"
    db.session.refresh(user)
    assert user.email == "anna@example.se"  # nothing changes before the link is followed
    link = re.search(r"http://coaction\.test(/account/email/confirm/[\w-]+)", mailbox.text(message)).group(1)
    assert "Bekräfta" in client.get(link).get_data(as_text=True)
    assert client.post(link).status_code == 302
    db.session.refresh(user)
    assert user.email == "anna.berg@example.se"
    (_, notice) = mailbox.wait_for(2)
    assert notice["To"] == "anna@example.se"  # the old address hears of it
    assert client.post(link).status_code == 410
    assert "auth.email_changed" in actions()


def test_email_change_to_a_taken_address_answers_the_same_and_mails_nobody(app, client, mailbox):
    user = make_user(email="anna@example.se")
    make_user(email="taken@example.se")
    db.session.commit()
    sign_in(client, user)
    response = client.post("/account/email", data={"email-email": "taken@example.se", "email-password": PASSWORD})
    assert response.status_code == 302
    assert mailbox.messages == []


def test_email_change_needs_the_password_and_a_valid_address(app, client):
    user = make_user(email="anna@example.se")
    db.session.commit()
    sign_in(client, user)
    wrong = client.post("/account/email", data={"email-email": "new@example.se", "email-password": "nope-nope-nope"})
    assert "Lösenordet är fel." in wrong.get_data(as_text=True)
    invalid = client.post("/account/email", data={"email-email": "not an address", "email-password": PASSWORD})
    assert invalid.status_code == 422
    assert "Ange en giltig e-postadress." in invalid.get_data(as_text=True)
    assert db.session.scalar(sa.select(User.email)) == "anna@example.se"


def test_a_password_reset_kills_a_pending_email_change_link(app, client, mailbox):
    user = make_user(email="anna@example.se", name="Anna")
    db.session.commit()
    sign_in(client, user)
    client.post("/account/email", data={"email-email": "thief@example.se", "email-password": PASSWORD})
    link = re.search(r"(/account/email/confirm/[\w-]+)", mailbox.text(mailbox.wait_for(1)[0])).group(1)
    owner = app.test_client()
    owner.post("/reset", data={"email": "anna@example.se"})
    reset = re.search(r"(/reset/[\w-]+)", mailbox.text(mailbox.wait_for(2)[1])).group(1)
    owner.post(reset, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.post(link).status_code == 410
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "anna@example.se"


def test_the_email_change_request_itself_does_no_lookup(app, client, monkeypatch):
    from coaction.auth import services

    user = make_user(email="anna@example.se")
    db.session.commit()
    sign_in(client, user)
    looked_up = []
    monkeypatch.setattr(services, "user_by_email", lambda email: looked_up.append(email))
    monkeypatch.setattr(services, "enqueue_after_commit", lambda *args, **kwargs: None)
    client.post("/account/email", data={"email-email": "taken@example.se", "email-password": PASSWORD})
    assert looked_up == []


def test_profile_changes_are_logged_against_the_user(app, client):
    user = make_user(name="Anna")
    db.session.commit()
    sign_in(client, user)
    client.post("/account", data={"profile-name": "Anna B", "profile-locale": "sv"})
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.profile_updated"))
    assert (event.target_type, event.target_id, event.actor_id) == ("User", str(user.id), user.id)
