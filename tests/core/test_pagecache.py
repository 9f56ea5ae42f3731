"""Whole answers to anonymous visitors from the cache: the same page with a fresh nonce, seen anew after any
committed write (an ORM change or a bulk statement), never for a signed-in visitor, a waiting message or an answer
that sets a cookie, per language, and 304 for a known ETag."""

import re

import pytest
import sqlalchemy as sa

from coaction.extensions import db
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
    assert "X-Page-Cache" not in switched.headers or switched.headers["X-Page-Cache"] != "hit"
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
