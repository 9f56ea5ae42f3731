import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coaction.auth.models import TokenPurpose, User, UserToken
from coaction.core.tokens import hash_token
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.jobs import wait_for_background_jobs
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "Ny-Cykelbana-över-Kanalen"


def reset_link(message) -> str:
    return re.search(r"http://coaction\.test(/reset/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)


def test_reset_by_mail_works_once(app, client, mailbox):
    make_user(email="anna@example.se", name="Anna Berg", locale="sv")
    db.session.commit()
    response = client.post("/reset", data={"email": "anna@example.se"})
    assert response.status_code == 200
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "anna@example.se"
    assert message["Subject"] == "Välj ett nytt lösenord"
    assert "Hej Anna Berg," in mailbox.text(message)
    assert 'href="http://coaction.test/reset/' in mailbox.html(message)  # BASE_URL, not the Host header
    link = reset_link(message)

    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # logged in after the reset
    client.post("/logout")
    assert client.post("/login", data={"email": "anna@example.se", "password": NEW_PASSWORD}).status_code == 302

    used = client.get(link)
    assert used.status_code == 410
    assert "Länken fungerar inte" in used.get_data(as_text=True)
    assert (
        client.post(link, data={"password": "Another-Strong-Pass-42", "confirm": "Another-Strong-Pass-42"}).status_code
        == 410
    )
    (_, notice) = mailbox.wait_for(2)
    assert notice["Subject"] == "Ditt lösenord har ändrats"  # the notice after a change


def test_reset_mail_is_in_the_recipients_language(app, client, mailbox):
    make_user(email="john@example.se", name="John Smith", locale="en")
    db.session.commit()
    client.post("/reset?lang=sv", data={"email": "john@example.se"})
    (message,) = mailbox.wait_for(1)
    assert message["Subject"] == "Choose a new password"
    assert "Hello John Smith," in mailbox.text(message)


def test_unknown_email_gets_the_same_answer_and_no_mail(app, client, mailbox):
    make_user(email="anna@example.se")
    db.session.commit()
    known = client.post("/reset", data={"email": "anna@example.se"})
    unknown = client.post("/reset", data={"email": "nobody@example.se"})
    assert known.status_code == unknown.status_code == 200

    def without_email(response, email):
        return response.get_data(as_text=True).replace(email, "EMAIL")

    assert without_email(known, "anna@example.se") == without_email(unknown, "nobody@example.se")
    mailbox.wait_for(1)
    assert [message["To"] for message in mailbox.messages] == ["anna@example.se"]


def test_the_reset_request_itself_does_no_lookup(app, client, mailbox, monkeypatch):
    """Same time for known and unknown addresses: the request only queues a background job."""
    from coaction.auth import services

    looked_up = []
    monkeypatch.setattr(services, "user_by_email", lambda email: looked_up.append(email))
    monkeypatch.setattr(services, "enqueue_after_commit", lambda *args, **kwargs: None)
    client.post("/reset", data={"email": "anna@example.se"})
    assert looked_up == []


def test_expired_token_gets_the_clear_page(app, client, mailbox):
    make_user(email="anna@example.se")
    db.session.commit()
    client.post("/reset", data={"email": "anna@example.se"})
    link = reset_link(mailbox.wait_for(1)[0])
    db.session.execute(sa.update(UserToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(link).status_code == 410


def test_a_new_reset_link_retires_the_older_one(app, client, mailbox):
    make_user(email="anna@example.se")
    db.session.commit()
    client.post("/reset", data={"email": "anna@example.se"})
    first = reset_link(mailbox.wait_for(1)[0])
    client.post("/reset", data={"email": "anna@example.se"})
    second = reset_link(mailbox.wait_for(2)[1])
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


@pytest.mark.parametrize("token", ["guessed", "x" * 43, "", "../../etc"])
def test_guessed_tokens_get_the_same_page(client, token):
    response = client.get(f"/reset/{token}")
    assert response.status_code in (404, 410)
    if response.status_code == 410:
        assert "Länken fungerar inte" in response.get_data(as_text=True)


def test_only_the_hash_of_a_token_is_stored(app, client, mailbox):
    make_user(email="anna@example.se")
    db.session.commit()
    client.post("/reset", data={"email": "anna@example.se"})
    token = reset_link(mailbox.wait_for(1)[0]).rsplit("/", 1)[1]
    stored = db.session.scalars(sa.select(UserToken.token_hash)).all()
    assert stored == [hash_token(token)]
    assert token not in stored[0]


def test_weak_new_password_is_refused_next_to_the_field(app, client, mailbox):
    make_user(email="anna@example.se", name="Anna Berg")
    db.session.commit()
    client.post("/reset", data={"email": "anna@example.se"})
    link = reset_link(mailbox.wait_for(1)[0])
    response = client.post(link, data={"password": "annaberg2026", "confirm": "annaberg2026"})
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "De två lösenorden är olika." in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.scalar(sa.select(User))
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_reset_for_a_deactivated_account_sends_nothing(app, client, mailbox):
    make_user(email="gone@example.se", active=False)
    db.session.commit()
    client.post("/reset", data={"email": "gone@example.se"})
    wait_for_background_jobs()
    assert mailbox.messages == []
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(UserToken).where(UserToken.purpose == TokenPurpose.PASSWORD_RESET)
        )
        == 0
    )


def test_a_token_is_claimed_once_even_by_racing_requests(app):
    from coaction.auth.services import AccountError, claim_token

    user = make_user()
    row = UserToken(
        user_id=user.id,
        purpose=TokenPurpose.PASSWORD_RESET,
        token_hash="h" * 64,
        expires_at=utcnow() + timedelta(hours=1),
    )
    db.session.add(row)
    db.session.flush()
    claim_token(row)
    with pytest.raises(AccountError):
        claim_token(row)  # what the slower of two simultaneous requests meets
