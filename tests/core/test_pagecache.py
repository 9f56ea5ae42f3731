"""Whole answers to anonymous visitors from the cache: the same page with a fresh nonce, seen anew after any
committed write (an ORM change or a bulk statement), never for a signed-in visitor, a waiting message or an answer
that sets a cookie, per language, and 304 for a known ETag."""

import gzip as gzip_module
import json
import re

import pytest
import sqlalchemy as sa

from coaction.commitments.models import CommitmentLocation
from coaction.core.pagecache import GENERATION_KEY
from coaction.extensions import cache, db
from coaction.members.models import Organisation
from tests.conftest import sign_in
from tests.factories import make_commitment, make_organisation, make_user

pytestmark = pytest.mark.app_config(CACHE_TYPE="SimpleCache")


def nonces(response) -> tuple[set[str], set[str]]:
    in_body = set(re.findall(r'nonce="([^"]+)"', response.get_data(as_text=True)))
    in_header = set(re.findall(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]))
    return in_body, in_header


def test_a_cached_page_is_the_same_page_with_its_own_nonce(client):
    first, second = client.get("/map"), client.get("/map")  # the map has inline scripts with the nonce
    assert (first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]) == ("miss", "hit")
    first_body, first_header = nonces(first)
    second_body, second_header = nonces(second)
    assert second_body and second_body == second_header and second_header != first_header
    assert second.get_data(as_text=True).replace(second_body.pop(), "") == first.get_data(as_text=True).replace(
        first_body.pop(), ""
    )


def test_a_committed_change_is_seen_at_once(client):
    organisation = make_organisation(name="Alfa AB")
    db.session.commit()
    assert "Solceller på taket" not in client.get("/commitments").get_data(as_text=True)
    make_commitment(organisation, title="Solceller på taket")
    db.session.commit()
    fresh = client.get("/commitments")
    assert fresh.headers["X-Page-Cache"] == "miss" and "Solceller på taket" in fresh.get_data(as_text=True)
    client.get("/members")
    assert client.get("/members").headers["X-Page-Cache"] == "hit"  # kept, then made old by a bulk statement
    db.session.execute(sa.update(Organisation).values(name="Alfa Energi AB"))  # a bulk statement, past the flush
    db.session.commit()
    assert "Alfa Energi AB" in client.get("/members").get_data(as_text=True)


def test_nothing_is_cached_for_a_signed_in_visitor_or_a_waiting_message(client):
    user = make_user(name="Berit Inloggad")
    db.session.commit()
    client.get("/members")
    sign_in(client, user)
    page = client.get("/members")
    assert "X-Page-Cache" not in page.headers and "Berit Inloggad" in page.get_data(as_text=True)
    client.post("/logout")
    with client.session_transaction() as stored:
        stored["_flashes"] = [("info", "Ett meddelande")]
    waiting = client.get("/members")
    assert "X-Page-Cache" not in waiting.headers and "Ett meddelande" in waiting.get_data(as_text=True)


def test_each_language_its_own_and_a_cookie_setting_answer_is_not_kept(client):
    swedish = client.get("/members")
    switched = client.get("/members?lang=en")  # sets the language in the session: a cookie
    assert "X-Page-Cache" not in switched.headers
    english = client.get("/members")
    assert english.headers["X-Page-Cache"] == "miss" and english.get_data(as_text=True) != swedish.get_data(
        as_text=True
    )
    assert client.get("/members").headers["X-Page-Cache"] == "hit"


def test_an_api_list_from_the_cache_answers_304_to_its_etag(client):
    first = client.get("/api/v1/commitments")
    again = client.get("/api/v1/commitments", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["X-Page-Cache"] == "hit"
    assert client.get("/api/v1/commitments").get_json() == first.get_json()


@pytest.mark.app_config(CACHE_TYPE="SimpleCache", PAGE_CACHE=False)
def test_off_when_turned_off(client):
    client.get("/members")
    assert "X-Page-Cache" not in client.get("/members").headers


def test_a_hit_is_answered_before_flask(app, client):
    handled = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: handled.append(1))
    assert client.get("/members").headers["X-Page-Cache"] == "miss" and handled == [1]
    assert client.get("/members").headers["X-Page-Cache"] == "hit" and handled == [1]


def test_a_gzipped_api_list_is_kept_as_sent_and_apart_from_the_plain_one(client):
    make_commitment(make_organisation(name="Alfa AB"), title="Solceller på taket")
    db.session.commit()
    gzip = {"Accept-Encoding": "gzip"}
    first, again = client.get("/api/v1/commitments", headers=gzip), client.get("/api/v1/commitments", headers=gzip)
    assert again.headers["X-Page-Cache"] == "hit" and again.headers["Content-Encoding"] == "gzip"
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    plain = client.get("/api/v1/commitments")
    assert plain.headers["X-Page-Cache"] == "miss" and "Content-Encoding" not in plain.headers
    assert plain.get_json()["items"][0]["title"] == "Solceller på taket"


@pytest.mark.app_config(CACHE_TYPE="SimpleCache", API_RATE_LIMIT="2 per minute")
def test_a_rate_limit_counts_answers_from_the_cache(client):
    answers = [client.get("/api/v1/commitments") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[1].headers["X-Page-Cache"] == "hit"
    assert answers[1].headers.getlist("X-RateLimit-Remaining") == ["0"]  # counted now, not the kept figure


def test_each_host_its_own_answer(client):
    client.get("/api/v1/commitments", base_url="http://a.example")
    other = client.get("/api/v1/commitments", base_url="http://b.example")
    assert other.headers["X-Page-Cache"] == "miss" and "b.example" in other.headers["Link"]


def test_nothing_is_served_from_the_cache_to_a_remembered_visitor(client):
    client.get("/members")
    client.set_cookie("remember_token", "1|abc")
    assert "X-Page-Cache" not in client.get("/members").headers


def placed_commitment(organisation, title: str) -> None:
    db.session.add(
        CommitmentLocation(commitment=make_commitment(organisation, title=title), latitude=59.2, longitude=17.6)
    )


def test_the_geojson_layer_is_kept_gzipped_and_a_change_is_seen_at_once(client):
    organisation = make_organisation(name="Alfa AB")
    for number in range(3):  # long enough to be gzipped
        placed_commitment(organisation, f"Solceller på taket, etapp {number}")
    db.session.commit()
    gzip = {"Accept-Encoding": "gzip"}
    first, again = (client.get("/api/v1/commitments.geojson", headers=gzip) for _ in range(2))
    assert again.headers["X-Page-Cache"] == "hit" and again.headers["Content-Encoding"] == "gzip"
    assert again.get_data() == first.get_data() and again.mimetype == "application/geo+json"
    known = client.get("/api/v1/commitments.geojson", headers=gzip | {"If-None-Match": first.headers["ETag"]})
    assert known.status_code == 304 and known.headers["X-Page-Cache"] == "hit"
    placed_commitment(organisation, "Cykelparkering")
    db.session.commit()
    fresh = client.get("/api/v1/commitments.geojson", headers=gzip)
    assert fresh.headers["X-Page-Cache"] == "miss"
    layer = json.loads(gzip_module.decompress(fresh.get_data()))
    titles = {feature["properties"]["title"] for feature in layer["features"]}
    assert "Cykelparkering" in titles and len(titles) == 4


def test_an_api_request_with_a_token_is_left_to_flask(client):
    client.get("/api/v1/commitments")
    assert "X-Page-Cache" not in client.get("/api/v1/commitments", headers={"Authorization": "Bearer x"}).headers


def test_a_head_request_is_answered_from_the_cache_without_a_body_and_keeps_none(client):
    assert client.head("/members").get_data() == b""  # a miss: not kept, it has no body
    page = client.get("/members")
    assert page.headers["X-Page-Cache"] == "miss" and "<main" in page.get_data(as_text=True)
    head = client.head("/members")
    assert head.status_code == 200 and head.headers["X-Page-Cache"] == "hit" and head.get_data() == b""
    assert head.headers["Content-Type"] == page.headers["Content-Type"]
    again = client.get("/members")
    assert again.headers["X-Page-Cache"] == "hit" and len(again.get_data()) == len(page.get_data())


def spied(app, monkeypatch) -> list[str]:
    """The reads the page cache makes of the shared cache, by kind (SimpleCache's get_many calls its get)."""
    backend, reads, inside = app.extensions["cache"][cache], [], []
    for name in ("get", "get_many"):
        real = getattr(backend, name)

        def read(*keys, real=real, name=name):
            if not inside and any(key == GENERATION_KEY or key.startswith("page:") for key in keys):
                reads.append(name)
            inside.append(name)
            try:
                return real(*keys)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, read)
    return reads


def test_a_process_answers_its_own_copy_reading_only_the_generation(app, client, monkeypatch):
    make_organisation(name="Alfa AB")
    db.session.commit()  # a generation in the shared cache
    reads = spied(app, monkeypatch)
    first = client.get("/members")
    assert [client.get("/members").headers["X-Page-Cache"] for _ in range(2)] == ["hit", "hit"]
    assert reads == ["get_many", "get_many", "get"]  # made, copied from the shared cache, answered from the copy
    make_organisation(name="Ny Medlem AB")
    db.session.commit()
    fresh = client.get("/members")  # the copy is old: the shared cache is asked, then the page made again
    assert fresh.headers["X-Page-Cache"] == "miss" and "Ny Medlem AB" in fresh.get_data(as_text=True)
    assert reads[3:] == ["get", "get_many"] and first.get_data() != fresh.get_data()
    client.get("/members")
    cache.clear()  # as import-all does: no generation left, so no copy is trusted
    assert client.get("/members").headers["X-Page-Cache"] == "miss"


@pytest.mark.app_config(CACHE_TYPE="SimpleCache", PAGE_CACHE_LOCAL_MB=0)
def test_no_copies_of_its_own_when_turned_off(app, client, monkeypatch):
    make_organisation(name="Alfa AB")
    db.session.commit()
    reads = spied(app, monkeypatch)
    client.get("/members")
    assert [client.get("/members").headers["X-Page-Cache"] for _ in range(2)] == ["hit", "hit"]
    assert reads == ["get_many", "get_many", "get_many"]


def test_the_nonce_goes_only_where_the_app_put_it(client):
    placed_commitment(make_organisation(name="Alfa AB"), "coaction-nonce-to-fill")  # text naming a placeholder
    db.session.commit()
    made, kept = client.get("/map"), client.get("/map")  # inline scripts with the nonce, and the titles' table
    assert kept.headers["X-Page-Cache"] == "hit" and "coaction-nonce-to-fill" in kept.get_data(as_text=True)
    made_nonce, kept_nonce = nonces(made)[1].pop(), nonces(kept)[1].pop()
    assert kept.get_data(as_text=True).count(kept_nonce) == made.get_data(as_text=True).count(made_nonce) > 0
