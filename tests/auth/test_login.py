import pytest
import sqlalchemy as sa

from coaction.audit.models import AuditEvent
from coaction.extensions import db
from tests.factories import PASSWORD, make_user


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_with_the_right_password(app, client):
    user = make_user(email="anna@example.se", locale="en")
    db.session.commit()
    response = login(client, " Anna@Example.SE ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)  # the profile's language
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.actor_id == user.id)) == "auth.login"


@pytest.mark.parametrize("email", ["anna@example.se", "nobody@example.se"])
def test_wrong_password_or_unknown_email_get_one_generic_message(app, client, email):
    make_user(email="anna@example.se")
    db.session.commit()
    response = login(client, email, "wrong-password-1")
    assert response.status_code == 422
    assert "Fel e-postadress eller lösenord." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_deactivated_account_cannot_log_in(app, client):
    make_user(email="gone@example.se", active=False)
    db.session.commit()
    response = login(client, "gone@example.se")
    assert response.status_code == 422


def test_empty_form_shows_errors_next_to_the_fields(client):
    response = client.post("/login", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in page
    assert 'aria-invalid="true"' in page


@pytest.mark.parametrize("target", ["/admin/users", "/account?tab=1"])
def test_next_goes_to_a_local_path(app, client, target):
    make_user(email="anna@example.se")
    db.session.commit()
    response = client.post("/login?next=" + target, data={"email": "anna@example.se", "password": PASSWORD})
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "/\r\nX: y", "evil"],
)
def test_next_to_anywhere_else_is_ignored(app, client, target):
    make_user(email="anna@example.se")
    db.session.commit()
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "anna@example.se", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account"


def test_protected_page_sends_to_login_with_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_is_a_post_and_ends_the_session(app, client):
    make_user(email="anna@example.se")
    db.session.commit()
    login(client, "anna@example.se")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_remember_me_sets_a_lasting_cookie(app, client):
    make_user(email="anna@example.se")
    db.session.commit()
    response = login(client, "anna@example.se", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(cookie.startswith("remember_token=") and "HttpOnly" in cookie for cookie in cookies)


def test_a_password_change_elsewhere_ends_older_sessions(app, client):
    user = make_user(email="anna@example.se")
    db.session.commit()
    login(client, "anna@example.se")
    user.session_version += 1
    db.session.commit()
    assert client.get("/account").status_code == 302


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_login_without_or_with_a_wrong_csrf_token_is_400_and_writes_nothing(app, client):
    make_user(email="anna@example.se")
    db.session.commit()
    for token in (None, "forged-token"):
        data = {"email": "anna@example.se", "password": PASSWORD}
        if token:
            data["csrf_token"] = token
        response = client.post("/login", data=data)
        assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


@pytest.mark.app_config(LOGIN_RATE_LIMIT="3 per minute")
def test_too_many_login_attempts_get_429_with_a_clear_page(app, client):
    for _ in range(3):
        assert login(client, "nobody@example.se", "wrong-password-1").status_code == 422
    response = login(client, "nobody@example.se", "wrong-password-1")
    assert response.status_code == 429
    assert "För många försök" in response.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # looking at the form is not limited


@pytest.mark.app_config(LOGIN_RATE_LIMIT="2 per minute")
def test_with_redis_the_login_limit_is_counted_in_redis(app, client, redis_url):
    from redis import Redis

    for _ in range(2):
        login(client, "nobody@example.se", "wrong-password-1")
    assert login(client, "nobody@example.se", "wrong-password-1").status_code == 429
    keys = list(Redis.from_url(redis_url).scan_iter("*" + app.config["RATELIMIT_KEY_PREFIX"] + "*"))
    assert keys, "no rate-limit counter under this run's Redis prefix"
