"""The public API: what it shows is what an anonymous visitor sees, pages, ETags, CORS, gzip, JSON errors for every
bad input, the OpenAPI document against the routes, and "report once" with personal tokens, denials first."""

import gzip
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coaction.activities.models import ActivityVisibility
from coaction.api.models import ApiToken
from coaction.api.services import create_token
from coaction.api.spec import OPERATIONS, PREFIX
from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.commitments.listing import local_today, state_for
from coaction.commitments.models import Commitment, Visibility
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.members.models import MembershipStatus
from coaction.network.services import refresh_network
from tests.conftest import sign_in
from tests.factories import make_commitment, make_organisation, make_user
from tests.network.test_network import joint_activity


@pytest.fixture
def cast(app):
    """A and B are members, P a prospect; each kind of visibility once, and a withdrawn commitment."""
    a, b = make_organisation(name="Alfa AB"), make_organisation(name="Beta AB")
    prospect = make_organisation(name="Prospekt AB", status=MembershipStatus.PROSPECT)
    commitments = {
        "public": make_commitment(a, title="Öppet löfte"),
        "members": make_commitment(a, title="Medlemslöfte", visibility=Visibility.MEMBERS),
        "private": make_commitment(a, title="Hemligt löfte", visibility=Visibility.PRIVATE),
        "prospect": make_commitment(prospect, title="Prospektets löfte"),
        "withdrawn": make_commitment(b, title="Tillbakadraget löfte", withdrawn_at=utcnow()),
        "b_public": make_commitment(b, title="Betas löfte"),
    }
    users = {
        "user_a": make_user(role=Role.MEMBER, organisation=a),
        "user_b": make_user(role=Role.ORG_ADMIN, organisation=b),
        "office": make_user(role=Role.COORDINATOR),
    }
    db.session.commit()
    return {"a": a, "b": b, "prospect_organisation": prospect, **commitments, **users}


def token_for(user, days=30) -> str:
    _row, secret = create_token(user, name="Rapportskript", days=days, max_days=365, ip=None)
    db.session.commit()
    return secret


def every_item(client, url: str) -> list[dict]:
    """All pages, following the Link header as a client would."""
    items, target = [], f"{url}{'&' if '?' in url else '?'}per_page=2"
    while target:
        response = client.get(target)
        assert response.status_code == 200, response.data
        items += response.json["items"]
        following = re.search(r'<([^>]+)>; rel="next"', response.headers["Link"])
        target = following.group(1) if following else None
    return items


# ---- What the API shows --------------------------------------------------------------------------------------


def test_the_api_lists_exactly_the_commitments_an_anonymous_visitor_sees(client, cast):
    from_api = {item["title"] for item in every_item(client, f"{PREFIX}/commitments")}
    page = client.get("/commitments").get_data(as_text=True)
    on_site = {c.title for c in db.session.scalars(sa.select(Commitment)) if c.title in page}
    assert from_api == on_site == {"Öppet löfte", "Betas löfte"}


def test_the_api_lists_exactly_the_members_of_the_public_directory(client, cast):
    from_api = {item["name"] for item in every_item(client, f"{PREFIX}/organisations")}
    page = client.get("/members").get_data(as_text=True)
    assert (
        from_api == {name for name in ("Alfa AB", "Beta AB", "Prospekt AB") if name in page} == {"Alfa AB", "Beta AB"}
    )
    assert client.get(f"{PREFIX}/organisations/{cast['prospect_organisation'].id}").status_code == 404


def test_the_api_lists_exactly_the_public_activities(client, cast):
    joint_activity(ActivityVisibility.PUBLIC, cast["a"], cast["b"], title="Öppen workshop")
    joint_activity(ActivityVisibility.MEMBERS, cast["a"], cast["b"], title="Intern workshop")
    db.session.commit()
    from_api = {item["title"] for item in every_item(client, f"{PREFIX}/activities")}
    page = client.get("/activities").get_data(as_text=True)
    assert from_api == {t for t in ("Öppen workshop", "Intern workshop") if t in page} == {"Öppen workshop"}


@pytest.mark.parametrize("hidden", ["members", "private", "prospect", "withdrawn"])
def test_a_commitment_the_public_may_not_see_is_not_found(client, cast, hidden):
    response = client.get(f"{PREFIX}/commitments/{cast[hidden].id}")
    assert response.status_code == 404 and response.is_json
    assert response.json["error"]["status"] == 404


def test_one_commitment_carries_its_reports_and_computed_state(client, cast):
    from tests.factories import make_report

    make_report(cast["public"], value=60.0, comment="Halvvägs")
    db.session.commit()
    item = client.get(f"{PREFIX}/commitments/{cast['public'].id}").json
    assert item["latest"] == {"value": 60.0, "reported_on": "2025-06-01"}
    assert item["progress_percent"] == 50.0 and item["status"] == state_for(cast["public"]).status.value
    assert [report["comment"] for report in item["progress_reports"]] == ["Halvvägs"]
    assert item["organisation"] == {"id": cast["a"].id, "name": "Alfa AB", "slug": cast["a"].slug}


def test_the_network_reads_the_public_snapshot_only(client, app):
    alfa, beta, gamma = (make_organisation(name=name) for name in ("Alfa AB", "Beta AB", "Gamma AB"))
    hidden = make_organisation(name="Delta Hemlig AB", status=MembershipStatus.EXTERNAL)
    joint_activity(ActivityVisibility.PUBLIC, alfa, beta)
    joint_activity(ActivityVisibility.MEMBERS, beta, gamma, title="Internt")
    joint_activity(ActivityVisibility.MEMBERS, hidden, alfa, title="Internt 2")
    db.session.commit()
    refresh_network(local_today())
    db.session.commit()
    ties = every_item(client, f"{PREFIX}/network/ties")
    assert {frozenset((tie["a"]["name"], tie["b"]["name"])) for tie in ties} == {frozenset(("Alfa AB", "Beta AB"))}
    nodes = {node["organisation"]["name"]: node for node in every_item(client, f"{PREFIX}/network")}
    assert set(nodes) == {"Alfa AB", "Beta AB", "Gamma AB"} and nodes["Gamma AB"]["degree"] == 0
    everything = json.dumps([client.get(f"{PREFIX}/network/snapshot").json, ties, list(nodes.values())])
    assert "Delta Hemlig" not in everything


def test_travel_waves_need_five_answers_from_three_members(client, app):
    from datetime import date

    from coaction.travel.services import ensure_default_factors
    from tests.travel.test_feeds import answers, closed_survey

    ensure_default_factors()
    members = [make_organisation(name=f"Medlem {n}") for n in range(3)]
    for member in members[:2]:
        answers(closed_survey(member, closes_on=date(2024, 3, 31)), 6)
    db.session.commit()
    assert client.get(f"{PREFIX}/travel").json["waves"] == []  # two members: each one's own results would show
    answers(closed_survey(members[2], closes_on=date(2024, 3, 31)), 6)
    for member in members:  # this year's surveys, closed or not: the year is not over, its figures still move
        answers(closed_survey(member), 6)
    db.session.commit()
    (wave,) = client.get(f"{PREFIX}/travel").json["waves"]
    assert (wave["year"], wave["organisations"], wave["responses"]) == (2024, 3, 18)
    assert wave["share_trips_car"] == 0.6


# ---- Pages, ETags, CORS, gzip --------------------------------------------------------------------------------


def test_pages_have_links_and_a_total_and_past_the_last_page_is_empty(client, cast):
    first = client.get(f"{PREFIX}/commitments?per_page=1&sort=title")
    assert first.headers["X-Total-Count"] == "2" and first.json["pages"] == 2
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    last = client.get(f"{PREFIX}/commitments?per_page=1&sort=title&page=2")
    assert 'rel="next"' not in last.headers["Link"] and 'rel="prev"' in last.headers["Link"]
    assert [first.json["items"][0]["title"], last.json["items"][0]["title"]] == ["Betas löfte", "Öppet löfte"]
    beyond = client.get(f"{PREFIX}/commitments?per_page=1&page=9")
    assert beyond.status_code == 200 and beyond.json["items"] == [] and beyond.json["total"] == 2


def test_an_unchanged_answer_is_304_and_a_change_gives_a_new_etag(client, cast):
    url = f"{PREFIX}/commitments"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    zipped = client.get(url, headers={"If-None-Match": tag, "Accept-Encoding": "gzip"})
    assert zipped.status_code == 304  # the same data whatever the encoding
    cast["public"].title = "Öppet löfte, ändrat"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_answers_are_gzipped_when_asked_and_readable_from_any_origin(client, cast):
    for number in range(20):
        make_commitment(cast["a"], title=f"Löfte nummer {number} med en lång titel")
    db.session.commit()
    response = client.get(f"{PREFIX}/commitments", headers={"Accept-Encoding": "gzip", "Origin": "https://x.example"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.data))["items"]) == 22
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Total-Count" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        f"{PREFIX}/commitments",
        headers={"Origin": "https://x.example", "Access-Control-Request-Headers": "If-None-Match"},
    )
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD"


# ---- Bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, problem",
    [
        ("per_page=0", "per_page"),
        ("per_page=-5", "per_page"),
        ("per_page=100000", "per_page"),
        ("page=abc", "page"),
        ("status=glad", "status"),
        ("category=rymdraketer", "category"),
        ("organisation=99999999999", "organisation"),
        ("sort=random", "sort"),
        ("colour=blue", "colour"),
        ("page=1&page=2", "page"),
    ],
)
def test_bad_parameters_are_a_json_400_naming_the_parameter(client, cast, query, problem):
    response = client.get(f"{PREFIX}/commitments?{query}")
    assert response.status_code == 400 and response.is_json
    assert problem in response.json["error"]["problems"]


@pytest.mark.parametrize(
    "path",
    ["/commitments/999999", "/commitments/99999999999", "/activities/0", "/nothing-here", "/commitments/abc"],
)
def test_unknown_things_are_a_json_404(client, cast, path):
    response = client.get(PREFIX + path)
    assert response.status_code == 404 and response.is_json and "<html" not in response.get_data(as_text=True)


def test_a_route_without_parameters_refuses_them(client, cast):
    assert client.get(f"{PREFIX}/travel?x=1").status_code == 400
    assert client.get(f"{PREFIX}/openapi.json?x=1").status_code == 400


def test_the_read_limit_answers_a_json_429(app, client, cast):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    codes = [client.get(f"{PREFIX}/organisations").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = client.get(f"{PREFIX}/organisations")
    assert refused.is_json and refused.json["error"]["status"] == 429 and "Retry-After" in refused.headers


# ---- The OpenAPI document -----------------------------------------------------------------------------------


def test_every_api_route_is_documented_and_every_documented_route_exists(app, client):
    document = client.get(f"{PREFIX}/openapi.json").json
    assert document["openapi"] == "3.1.0"
    documented = {
        (method.upper(), PREFIX + re.sub(r"\{(\w+)\}", r"<int:\1>", path))
        for path, methods in document["paths"].items()
        for method in methods
    }
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX) and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == served and len(documented) == len(OPERATIONS) >= 6


def test_the_documented_parameters_are_the_validated_ones(client):
    document = client.get(f"{PREFIX}/openapi.json").json
    parameters = {p["name"]: p for p in document["paths"]["/commitments"]["get"]["parameters"]}
    assert parameters["per_page"]["schema"]["maximum"] == 500 and parameters["per_page"]["schema"]["minimum"] == 1
    status = parameters["status"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "behind" in document["components"]["schemas"][status]["enum"]
    assert client.get(f"{PREFIX}/commitments?per_page=501").status_code == 400
    assert client.get(f"{PREFIX}/commitments?per_page=500").status_code == 200


def test_the_readable_api_page_lists_every_operation(client):
    page = client.get("/api?lang=en").get_data(as_text=True)
    for operation in OPERATIONS:
        assert f"{operation.method} {PREFIX}{operation.path}" in page
    assert "https://" not in re.sub(r'href="https://creativecommons[^"]*"', "", page).split("<main", 1)[1]


# ---- Report once: tokens and the write -----------------------------------------------------------------------


def report(client, commitment, token=None, body=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    payload = body if body is not None else {"reported_on": "2025-10-01", "value": 70}
    return client.post(
        f"{PREFIX}/commitments/{commitment.id}/reports", data=json.dumps(payload), headers=headers,
        content_type=kwargs.get("content_type", "application/json"),
    )  # fmt: skip


def test_a_member_reports_on_its_own_commitment_with_a_token(client, cast):
    token = token_for(cast["user_a"])
    response = report(client, cast["private"], token, {"reported_on": "2025-10-01", "value": 70, "comment": "API"})
    assert response.status_code == 201 and response.json["value"] == 70
    assert response.headers["Location"].endswith(f"/commitments/{cast['private'].id}")
    db.session.expire_all()
    commitment = db.session.get(Commitment, cast["private"].id)
    assert (commitment.latest_value, commitment.report_count) == (70, 1)
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="commitment.reported"))
    assert event.actor_id == cast["user_a"].id
    assert db.session.scalar(sa.select(ApiToken)).last_used_at is not None


def test_no_token_or_a_wrong_one_is_401(client, cast):
    for token in (None, "coa_not-a-real-token", "plainly wrong"):
        response = report(client, cast["public"], token)
        assert response.status_code == 401 and response.is_json
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_does_not_replace_the_token(client, cast):
    sign_in(client, cast["user_a"])
    assert report(client, cast["public"]).status_code == 401


def test_an_expired_or_revoked_token_is_refused(client, cast):
    token = token_for(cast["user_a"])
    row = db.session.scalar(sa.select(ApiToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert report(client, cast["public"], token).status_code == 401
    row.expires_at = utcnow() + timedelta(days=1)
    row.revoked_at = utcnow()
    db.session.commit()
    assert report(client, cast["public"], token).status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_organisation(client, cast):
    token = token_for(cast["user_a"])
    cast["user_a"].organisation_id = cast["b"].id
    db.session.commit()
    assert report(client, cast["b_public"], token).status_code == 401


def test_another_organisations_token_can_neither_write_nor_see(client, cast):
    token = token_for(cast["user_b"])
    for seen in ("public", "members"):  # B is a member too: it may know of them, not write to them
        assert report(client, cast[seen], token).status_code == 403
    assert report(client, cast["private"], token).status_code == 404  # not even told it exists
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).filter_by(action="commitment.reported"))
        == 0
    )
    assert (
        client.get(
            f"{PREFIX}/commitments/{cast['private'].id}", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "body, status, problem",
    [
        ({"reported_on": "2999-01-01", "value": 1}, 422, "reported_on"),
        ({"reported_on": "2025-01-01", "value": -5}, 422, "value"),
        ({"reported_on": "1. maj", "value": 1}, 400, "reported_on"),
        ({"reported_on": "2025-01-01"}, 400, "value"),
        ({"reported_on": "2025-01-01", "value": 1, "extra": 1}, 400, "extra"),
        ([1, 2], 400, "body"),
    ],
)
def test_a_bad_report_is_refused_with_what_is_wrong_and_nothing_written(client, cast, body, status, problem):
    token = token_for(cast["user_a"])
    response = report(client, cast["public"], token, body)
    assert response.status_code == status and problem in response.json["error"]["problems"]
    assert db.session.get(Commitment, cast["public"].id).report_count == 0


def test_malformed_json_and_other_content_types_are_refused(client, cast):
    token = token_for(cast["user_a"])
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{PREFIX}/commitments/{cast['public'].id}/reports"
    assert client.post(url, data="{nope", headers=headers, content_type="application/json").status_code == 400
    assert client.post(url, data="value=1", headers=headers, content_type="text/plain").status_code == 415


def test_the_write_limit_is_per_token(app, client, cast):
    app.config["API_WRITE_RATE_LIMIT"] = "1 per minute"
    token = token_for(cast["user_a"])
    assert report(client, cast["public"], token).status_code == 201
    assert report(client, cast["public"], token).status_code == 429


# ---- The token page ------------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_kept_only_as_a_hash(client, cast):
    sign_in(client, cast["user_a"])
    made = client.post("/account/tokens", data={"name": "Energisystemet", "days": "90"})
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(coa_[^"]+)"', made.get_data(as_text=True)).group(1)
    row = db.session.scalar(sa.select(ApiToken))
    assert secret not in (row.token_hash, row.hint) and row.organisation_id == cast["a"].id
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="api_token.created")) is not None
    assert report(client, cast["public"], secret).status_code == 201


def test_a_token_needs_a_name_and_a_life_within_bounds(client, cast):
    sign_in(client, cast["user_a"])
    for data in ({"name": "", "days": "30"}, {"name": "X", "days": "0"}, {"name": "X", "days": "400"}):
        response = client.post("/account/tokens", data=data)
        assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_user_without_an_organisation_makes_no_token(client, cast):
    sign_in(client, cast["office"])
    assert client.post("/account/tokens", data={"name": "X", "days": "30"}).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_only_its_own_user_revokes_a_token(client, cast):
    token = token_for(cast["user_a"])
    row = db.session.scalar(sa.select(ApiToken))
    sign_in(client, cast["user_b"])
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    sign_in(client, cast["user_a"])
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert report(client, cast["public"], token).status_code == 401
    assert db.session.scalar(sa.select(AuditEvent).filter_by(action="api_token.revoked")) is not None


def test_the_geojson_has_the_public_places_only_longitude_first(client, cast):
    from coaction.commitments.models import CommitmentLocation

    for key in ("public", "members", "private", "prospect"):
        db.session.add(CommitmentLocation(commitment=cast[key], latitude=59.2, longitude=17.63))
    db.session.commit()
    response = client.get(f"{PREFIX}/commitments.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    collection = response.json
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["properties"]["title"] == "Öppet löfte"
    assert feature["geometry"] == {"type": "Point", "coordinates": [17.63, 59.2]}
    assert client.get(f"{PREFIX}/commitments.geojson?category=biogas").json["features"] == []
    assert client.get(f"{PREFIX}/commitments.geojson?organisation={cast['b'].id}").json["features"] == []


def test_data_downloads_have_etags_and_gzip_too(client, cast):
    first = client.get("/data/commitments.csv", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and "Öppet löfte" in gzip.decompress(first.data).decode()
    assert client.get("/data/commitments.csv", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_an_activity_names_members_and_external_partners_only_on_the_site_and_in_the_api(client, cast):
    left = make_organisation(name="Lämnat AB", status=MembershipStatus.LEFT)
    partner = make_organisation(name="Energimyndigheten", status=MembershipStatus.EXTERNAL)
    activity = joint_activity(
        ActivityVisibility.PUBLIC, cast["a"], cast["prospect_organisation"], left, partner, title="Öppen"
    )
    db.session.commit()
    named = {p["organisation"]["name"] for p in client.get(f"{PREFIX}/activities/{activity.id}").json["participants"]}
    assert named == {"Alfa AB", "Energimyndigheten"}
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "Energimyndigheten" in page and "Prospekt AB" not in page and "Lämnat AB" not in page
