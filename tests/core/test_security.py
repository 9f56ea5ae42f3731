import pytest

from coaction.security import content_security_policy, tile_origin


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_script_src_allows_only_self_and_the_nonce():
    policy = directives(content_security_policy("abc"))
    assert policy["script-src"] == ["'self'", "'nonce-abc'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_the_tile_server_is_allowed_for_images_only():
    policy = directives(content_security_policy("n", "https://{s}.tile.example.org/{z}/{x}/{y}.png"))
    assert "https://*.tile.example.org" in policy["img-src"]
    others = [value for name, values in policy.items() if name != "img-src" for value in values]
    assert not any("example.org" in value for value in others)


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "/local/tiles/{z}.png", "ftp://x.org/t"])
def test_odd_tile_urls_add_no_origin(url):
    assert tile_origin(url) is None


def test_every_response_carries_the_headers(client):
    first = client.get("/")
    second = client.get("/")
    for response in (first, second):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    nonce = directives(first.headers["Content-Security-Policy"])["script-src"][1]
    assert nonce != directives(second.headers["Content-Security-Policy"])["script-src"][1]


def test_session_cookie_is_http_only_and_same_site(client):
    response = client.get("/?lang=en")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run over plain http
