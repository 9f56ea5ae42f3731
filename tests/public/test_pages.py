import json

import pytest
from flask import abort

from coaction import create_app
from tests.conftest import app_config


def test_home_is_swedish_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Hoppa till innehållet" in page
    assert "Medlemmar" in page


def test_lang_switches_to_english_and_sticks_for_the_visit(client):
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Skip to content" in page
    assert '<html lang="sv">' in client.get("/?lang=sv").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    assert '<html lang="sv">' in client.get("/?lang=xx").get_data(as_text=True)


def test_healthz_reports_the_database_and_migration_head(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migration"] == body["head"]
    assert body["up_to_date"] is True


def test_healthz_says_when_the_database_is_unreachable(tmp_path):
    broken = create_app(app_config(f"sqlite:///{tmp_path}/missing-dir/none.sqlite3"))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"


@pytest.fixture
def failing_app(database_url):
    app = create_app(app_config(database_url, MAX_CONTENT_LENGTH=1024))

    @app.get("/test-abort/<int:code>")
    def _abort(code):
        abort(code)

    @app.get("/api/test-abort/<int:code>")
    def _api_abort(code):
        abort(code)

    @app.get("/test-crash")
    def _crash():
        raise RuntimeError("boom")

    @app.post("/test-upload")
    def _upload():
        from flask import request

        return str(len(request.get_data()))

    return app


@pytest.mark.parametrize(
    ("code", "swedish", "english"),
    [
        (400, "Felaktig förfrågan", "Bad request"),
        (403, "Inte tillåtet", "Not allowed"),
        (404, "Sidan finns inte", "Page not found"),
        (405, "Metoden är inte tillåten", "Method not allowed"),
        (413, "För stort", "Too large"),
        (429, "För många försök", "Too many attempts"),
        (500, "Något gick fel", "Something went wrong"),
    ],
)
def test_error_pages_in_both_languages(failing_app, code, swedish, english):
    client = failing_app.test_client()
    response = client.get(f"/test-abort/{code}")
    assert response.status_code == code
    assert swedish in response.get_data(as_text=True)
    assert "<main" in response.get_data(as_text=True)
    response = client.get(f"/test-abort/{code}?lang=en")
    assert english in response.get_data(as_text=True)


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500])
def test_api_errors_are_json(failing_app, code):
    response = failing_app.test_client().get(f"/api/test-abort/{code}")
    assert response.status_code == code
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["status"] == code


def test_an_unexpected_exception_is_a_clean_500(failing_app):
    response = failing_app.test_client().get("/test-crash")
    assert response.status_code == 500
    assert "boom" not in response.get_data(as_text=True)
    assert "Något gick fel" in response.get_data(as_text=True)


def test_a_request_over_the_size_limit_is_413(failing_app):
    response = failing_app.test_client().post("/test-upload", data=b"x" * 4096)
    assert response.status_code == 413


def test_wrong_method_is_405_with_allow(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert json.loads(response.get_data())["error"]["status"] == 404


TOO_LONG = "99999999999999999999"


@pytest.mark.parametrize("path", ["/commitments/", "/activities/", "/reports/", "/api/v1/commitments/"])
def test_an_id_too_long_for_the_database_is_404_not_500(client, path):
    assert client.get(path + TOO_LONG).status_code == 404
    assert client.get(path + "2147483648").status_code == 404  # one past the largest integer column value


def test_a_post_without_csrf_token_is_refused(database_url):
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))

    @app.post("/test-form")
    def _form():
        return "written"

    response = app.test_client().post("/test-form", data={"name": "x"})
    assert response.status_code == 400
    assert "Formuläret har gått ut" in response.get_data(as_text=True)


def test_the_demo_banner_shows_only_on_a_demo_instance(app, client):
    from coaction.core.settings import set_setting
    from coaction.extensions import db

    assert "demo-banner" not in client.get("/").get_data(as_text=True)
    set_setting("demo", "true")
    db.session.commit()
    assert "demo-banner" in client.get("/").get_data(as_text=True)


def test_an_unsatisfiable_range_is_416_not_500(client):
    response = client.get("/static/css/site.css", headers={"Range": "bytes=999999-"})
    assert response.status_code == 416
    assert "Content-Range" in response.headers


def test_a_nul_byte_in_any_value_is_refused_with_400(client):
    assert client.get("/members?q=a&q=b%00").status_code == 400
    assert client.post("/login", data={"email": ["a@b.se", "x\x00"], "password": "p"}).status_code == 400
