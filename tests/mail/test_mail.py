import logging

import sqlalchemy as sa

from coaction.extensions import db
from coaction.mail.models import MailStatus, OutgoingMail
from coaction.mail.services import queue_mail
from tests.factories import make_user


def test_mail_goes_over_real_smtp_as_text_and_html(app, mailbox):
    user = make_user(name="Anna Berg")
    queue_mail("anna@example.se", "password_changed", "sv", user=user)
    db.session.commit()
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "anna@example.se"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert "Hej Anna Berg," in mailbox.text(message)
    assert '<html lang="sv">' in mailbox.html(message)
    outgoing = db.session.scalar(sa.select(OutgoingMail))
    db.session.refresh(outgoing)
    assert outgoing.status == MailStatus.SENT
    assert outgoing.body_text is None  # links in sent mail are not kept at rest


def test_nothing_is_sent_when_the_transaction_rolls_back(app, mailbox):
    queue_mail("anna@example.se", "password_changed", "sv", user=make_user())
    db.session.rollback()
    db.session.commit()
    assert mailbox.messages == []


def test_without_a_mail_server_mail_is_kept_in_the_outbox(app, caplog):
    caplog.set_level(logging.INFO, logger="coaction.mail")
    queue_mail("anna@example.se", "password_changed", "en", user=make_user(name="Anna"))
    db.session.commit()
    outgoing = db.session.scalar(sa.select(OutgoingMail))
    assert outgoing.status == MailStatus.KEPT
    assert outgoing.subject == "Your password was changed"
    assert "Hello Anna," in outgoing.body_text
    assert "anna@example.se" in caplog.text


def test_an_unreachable_mail_server_marks_the_mail_failed_without_an_error_page(database_url):
    from coaction import create_app
    from tests.conftest import app_config

    app = create_app(app_config(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_TIMEOUT=2))
    with app.app_context():
        try:
            queue_mail("anna@example.se", "password_changed", "sv", user=make_user())
            db.session.commit()
            outgoing = db.session.scalar(sa.select(OutgoingMail))
            db.session.refresh(outgoing)
            assert outgoing.status == MailStatus.FAILED
            assert outgoing.attempts == 1
            assert "ConnectionRefused" in outgoing.error
        finally:
            from tests.conftest import empty_all_tables

            db.session.remove()
            empty_all_tables()


def test_the_outbox_page_is_for_administrators_in_development(app, client, people):
    from tests.conftest import sign_in

    queue_mail("anna@example.se", "password_changed", "sv", user=people["member_a"])
    db.session.commit()
    sign_in(client, people["admin"])
    page = client.get("/coordinator/outbox/").get_data(as_text=True)
    assert "Ditt lösenord har ändrats" in page
    app.config["ENV"] = "production"
    assert client.get("/coordinator/outbox/").status_code == 404


def test_the_html_part_escapes_the_text_and_links_only_addresses():
    from coaction.mail.services import text_to_html

    html = str(text_to_html('Hej <script>alert(1)</script>\n\nLänk: https://coaction.example/x?a=1&b=2 "q"'))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://coaction.example/x?a=1&amp;b=2">' in html
    assert html.count("<p>") == 2
