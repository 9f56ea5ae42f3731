"""The network snapshot end to end: what the job stores for each scope, what the public may see of it, the flag
and the one queued job, the filters, the exports, partner suggestions with their reasons, and introductions."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from coaction.activities.models import Activity, ActivityKind, ActivityVisibility, Answer, Participant, Role
from coaction.audit.models import AuditEvent
from coaction.auth.models import Role as UserRole
from coaction.commitments.listing import local_today
from coaction.commitments.models import Category, Visibility
from coaction.core.status import WorkStatus
from coaction.extensions import db
from coaction.jobs import wait_for_background_jobs
from coaction.mail.models import OutgoingMail
from coaction.members.models import MembershipStatus
from coaction.network.models import Introduction, IntroductionState, NetworkEdge, NetworkSnapshot, NetworkState, Scope
from coaction.network.services import latest_snapshot, refresh_network
from coaction.ties.models import Tie, TieKind, TieState
from tests.conftest import sign_in
from tests.factories import make_commitment, make_organisation, make_user


def joint_activity(visibility, *organisations, title="Gemensamt projekt"):
    activity = Activity(
        title=title,
        kind=ActivityKind.PROJECT,
        starts_on=date(2025, 3, 1),
        status=WorkStatus.ONGOING,
        visibility=visibility,
    )
    db.session.add(activity)
    db.session.flush()
    for position, organisation in enumerate(organisations):
        role = Role.LEAD if position == 0 else Role.PARTNER
        db.session.add(Participant(activity=activity, organisation=organisation, role=role, answer=Answer.ACCEPTED))
    return activity


def confirmed_tie(one, other, kind=TieKind.PARTNERSHIP, starts_on=date(2024, 1, 1)):
    db.session.add(Tie(organisation=one, partner=other, kind=kind, state=TieState.CONFIRMED, starts_on=starts_on))


@pytest.fixture
def network(app):
    """Alfa and Beta in a public project; Beta and Gamma in a members-only one; Delta (external) with Alfa only
    in the members-only one; Epsilon (external) in the public one; Zeta a member with no tie."""
    alfa, beta, gamma, zeta = (make_organisation(name=name) for name in ("Alfa AB", "Beta AB", "Gamma AB", "Zeta AB"))
    delta = make_organisation(name="Delta Hemlig AB", status=MembershipStatus.EXTERNAL)
    epsilon = make_organisation(name="Epsilon Fond", status=MembershipStatus.EXTERNAL)
    joint_activity(ActivityVisibility.PUBLIC, alfa, beta, epsilon)
    joint_activity(ActivityVisibility.MEMBERS, beta, gamma, title="Internt")
    joint_activity(ActivityVisibility.MEMBERS, delta, alfa, title="Internt 2")
    db.session.commit()
    refresh_network(local_today())
    db.session.commit()
    return {"alfa": alfa, "beta": beta, "gamma": gamma, "delta": delta, "epsilon": epsilon, "zeta": zeta}


def pairs(scope):
    snapshot = latest_snapshot(scope)
    return {
        (edge.a_id, edge.b_id) for edge in db.session.scalars(sa.select(NetworkEdge).filter_by(snapshot_id=snapshot.id))
    }


def pair(one, other):
    return (min(one.id, other.id), max(one.id, other.id))


def test_the_public_snapshot_leaves_out_members_only_work_and_hidden_externals(network):
    alfa, beta, gamma, delta, epsilon = (network[name] for name in ("alfa", "beta", "gamma", "delta", "epsilon"))
    assert pairs(Scope.PUBLIC) == {pair(alfa, beta), pair(alfa, epsilon), pair(beta, epsilon)}
    assert pairs(Scope.ALL) == pairs(Scope.PUBLIC) | {pair(beta, gamma), pair(alfa, delta)}
    public, everything = latest_snapshot(Scope.PUBLIC), latest_snapshot(Scope.ALL)
    assert (public.organisations, everything.organisations) == (5, 6)  # Delta only in the office's
    assert public.figures["without_tie"] == 2  # Gamma's only tie is members-only; Zeta has none
    assert everything.figures["without_tie"] == 1 and everything.betweenness_sample is None


@pytest.mark.parametrize(
    "url", ["/network", "/network.json", *(f"/network/export.{fmt}" for fmt in ("graphml", "gexf", "csv", "json"))]
)
def test_nothing_private_reaches_the_public_page_the_drawing_or_an_export(client, network, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Alfa AB" in body and "Epsilon Fond" in body
    assert "Delta Hemlig AB" not in body
    if url.endswith((".json", ".csv", ".graphml", ".gexf")):  # the table lists Gamma, alone; the data has no tie of it
        graph_text = body
        gamma = str(network["gamma"].id)
        beta = str(network["beta"].id)
        assert f'"source": "{beta}", "target": "{gamma}"' not in graph_text
        assert f'"source": {beta}, "target": {gamma}' not in graph_text


def test_the_office_may_download_the_whole_network_and_nobody_else(client, network):
    assert client.get("/network/export.json?scope=all").status_code == 404
    office = make_user(role=UserRole.COORDINATOR)
    db.session.commit()
    sign_in(client, office)
    whole = json.loads(client.get("/network/export.json?scope=all").data)
    assert "Delta Hemlig AB" in {node["name"] for node in whole["nodes"]}
    assert {(edge["source"], edge["target"]) for edge in whole["edges"]} == pairs(Scope.ALL)
    assert all(None not in node.values() and "" not in node.values() for node in whole["nodes"])
    assert client.get("/network/export.pdf").status_code == 404


def test_unknown_filter_values_give_an_empty_answer_and_say_so(client, network):
    for query in ("sector=rocket", "municipality=x1", "year=nineteen", "focus=-3", "community=abc"):
        response = client.get(f"/network?{query}&lang=en")
        assert response.status_code == 200 and "does not know" in response.text, query
        assert "No organisation matches the filter." in response.text
        assert json.loads(client.get(f"/network.json?{query}").data)["nodes"] == []


def organisations_section(page: str) -> str:
    return page.split('id="organisations-heading"')[1].split('id="ties-heading"')[0]


def test_filters_and_sorts_narrow_the_table(client, network):
    by_name = organisations_section(client.get("/network?sort=name&q=alf&lang=en").text)
    assert "Alfa AB" in by_name and "Beta AB" not in by_name and 'aria-sort="ascending"' in by_name
    assert "5 organisations match." in client.get("/network?sector=business&lang=en").text
    assert "0 organisations match." in client.get("/network?sector=energy&lang=en").text
    assert (
        "Alfa AB"
        not in client.get("/network?year=2019&lang=en").text.split("organisations-heading")[1].split("ties-heading")[0]
    )


def test_a_change_marks_the_network_dirty_and_the_next_refresh_clears_it(app, network):
    confirmed_tie(network["gamma"], network["zeta"])
    db.session.commit()
    state = db.session.get(NetworkState, 1)
    assert state.dirty_since is not None and state.queued_at is None  # auto refresh is off in the tests
    refresh_network(local_today())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(NetworkState, 1).dirty_since is None
    assert pair(network["gamma"], network["zeta"]) in pairs(Scope.PUBLIC)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkSnapshot)) == 2  # older ones deleted


@pytest.mark.app_config(NETWORK_AUTO_REFRESH=True)
def test_changes_through_the_site_queue_one_background_refresh(app, client, network):
    admin = make_user(role=UserRole.ORG_ADMIN, organisation=network["zeta"])
    db.session.commit()
    sign_in(client, admin, lang="en")
    before = latest_snapshot(Scope.PUBLIC).id
    data = {"partner": network["alfa"].id, "kind": "research", "starts_on": "2026-01-15"}
    assert client.post("/organisation/ties", data=data).status_code == 302
    wait_for_background_jobs()
    db.session.expire_all()
    assert latest_snapshot(Scope.PUBLIC).id > before
    state = db.session.get(NetworkState, 1)
    assert state.queued_at is None and state.dirty_since is None


def test_a_queued_refresh_is_not_queued_twice(app, network):
    from coaction.network.services import mark_dirty

    db.session.execute(sa.update(NetworkState).values(queued_at=sa.func.now()))
    db.session.commit()
    assert mark_dirty(queue=True) is False


def test_the_coordinator_recomputes_and_reads_the_whole_network(app, client, network):
    office = make_user(role=UserRole.COORDINATOR)
    db.session.commit()
    sign_in(client, office, lang="en")
    page = client.get("/coordinator/network")
    assert page.status_code == 200 and "Delta Hemlig AB" in page.text  # the office sees the whole network
    assert "Zeta AB" in page.text.split('id="alone-heading"')[1]  # no tie
    before = latest_snapshot(Scope.ALL).id
    assert client.post("/coordinator/network").status_code == 302
    wait_for_background_jobs()
    db.session.expire_all()
    assert latest_snapshot(Scope.ALL).id > before


@pytest.fixture
def biogas(network):
    """Alfa and Beta work together (public); Beta and Gamma too, in public; Alfa and Gamma both do biogas."""
    alfa, gamma = network["alfa"], network["gamma"]
    joint_activity(ActivityVisibility.PUBLIC, network["beta"], gamma, title="Öppet")
    make_commitment(alfa, category=Category.BIOGAS)
    make_commitment(gamma, category=Category.BIOGAS)
    make_commitment(gamma, category=Category.PARKING, visibility=Visibility.PRIVATE)
    make_commitment(alfa, category=Category.PARKING)
    db.session.commit()
    refresh_network(local_today())
    db.session.commit()
    admins = {name: make_user(role=UserRole.ORG_ADMIN, organisation=network[name]) for name in ("alfa", "gamma")}
    db.session.commit()
    return network | {"admins": admins}


def test_a_suggestion_names_its_reasons_from_what_the_viewer_may_see(client, biogas):
    sign_in(client, biogas["admins"]["alfa"], lang="en")
    page = client.get("/organisation/network")
    assert page.status_code == 200
    suggested = page.text.split('id="suggestions-heading"')[1]
    assert "Gamma AB" in suggested
    assert "Both work on biogas; 1 common partner: Beta AB" in suggested
    assert "parking" not in suggested.lower()  # Gamma's parking commitment is private
    assert "Beta AB</a></h3>" not in suggested  # a partner already


def test_an_introduction_accepted_becomes_a_tie_that_counts_after_the_recompute(app, client, biogas):
    alfa, gamma = biogas["alfa"], biogas["gamma"]
    sign_in(client, biogas["admins"]["alfa"], lang="en")
    form = {f"c{gamma.id}-kind": "research", f"c{gamma.id}-message": "Vi kör biogas, ni med. Ses?"}
    assert client.post(f"/organisation/network/suggestions/{gamma.id}/introduce", data=form).status_code == 302
    again = client.post(f"/organisation/network/suggestions/{gamma.id}/introduce", data=form)
    assert again.status_code == 422 and "waiting for an answer already" in again.text
    empty = client.post(f"/organisation/network/suggestions/{gamma.id}/introduce", data={f"c{gamma.id}-kind": "x"})
    assert empty.status_code == 422
    mail = db.session.scalar(sa.select(OutgoingMail).where(OutgoingMail.template == "introduction_requested"))
    assert mail.recipient == biogas["admins"]["gamma"].email and "Vi kör biogas" in mail.body_text
    introduction = db.session.scalar(sa.select(Introduction))
    assert client.post(f"/network/introductions/{introduction.id}/answer", data={"answer": "accept"}).status_code == 404
    other = app.test_client()
    sign_in(other, biogas["admins"]["gamma"], lang="en")
    assert "Vi kör biogas, ni med. Ses?" in other.get("/organisation/network").text
    assert other.post(f"/network/introductions/{introduction.id}/answer", data={"answer": "accept"}).status_code == 302
    db.session.expire_all()
    introduction = db.session.get(Introduction, introduction.id)
    assert introduction.state == IntroductionState.ACCEPTED
    tie = introduction.tie
    assert (tie.kind, tie.state, tie.starts_on) == (TieKind.RESEARCH, TieState.CONFIRMED, local_today())
    assert pair(alfa, gamma) not in pairs(Scope.PUBLIC)  # until the recompute
    refresh_network(local_today())
    db.session.commit()
    assert pair(alfa, gamma) in pairs(Scope.PUBLIC)
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"introduction.requested", "introduction.answered", "tie.added"} <= actions
    assert other.post(f"/network/introductions/{introduction.id}/answer", data={"answer": "accept"}).status_code == 404


def test_a_dismissed_suggestion_is_not_suggested_again(client, biogas):
    gamma = biogas["gamma"]
    sign_in(client, biogas["admins"]["alfa"], lang="en")
    assert client.post(f"/organisation/network/suggestions/{gamma.id}/dismiss").status_code == 302
    assert "Gamma AB" not in client.get("/organisation/network").text.split('id="suggestions-heading"')[1]
    assert client.post(f"/organisation/network/suggestions/{biogas['alfa'].id}/dismiss").status_code == 404
    assert client.post("/organisation/network/suggestions/999999/dismiss").status_code == 404


@pytest.mark.app_config(INTRODUCTION_RATE_LIMIT="1 per hour")
def test_introduction_requests_are_rate_limited(client, biogas):
    sign_in(client, biogas["admins"]["alfa"], lang="en")
    gamma, zeta = biogas["gamma"], biogas["zeta"]
    first = {f"c{gamma.id}-kind": "research", f"c{gamma.id}-message": "Hej"}
    assert client.post(f"/organisation/network/suggestions/{gamma.id}/introduce", data=first).status_code == 302
    second = {f"c{zeta.id}-kind": "research", f"c{zeta.id}-message": "Hej"}
    assert client.post(f"/organisation/network/suggestions/{zeta.id}/introduce", data=second).status_code == 429


@pytest.mark.app_config(NETWORK_DRAWN_AT_MOST=2)
def test_a_network_above_the_drawing_limit_is_drawn_by_communities(client, network):
    refresh_network(local_today())
    db.session.commit()
    overview = json.loads(client.get("/network.json").data)
    assert overview["aggregated"] and all(node["id"].startswith("c") and node["drill"] for node in overview["nodes"])
    community = json.loads(client.get(overview["nodes"][0]["drill"]).data)
    assert not community["aggregated"]
    assert {node["label"] for node in community["nodes"]} <= {"Alfa AB", "Beta AB", "Epsilon Fond"}


def test_network_refresh_prints_each_step(runner, network):
    result = runner.invoke(args=["coaction", "network-refresh"])
    assert result.exit_code == 0
    assert "public (peak memory" in result.output and "all (peak memory" in result.output
    assert "  betweenness" in result.output and "louvain" in result.output and "store" in result.output


def test_synth_makes_clustered_ties(runner):
    result = runner.invoke(args=["coaction", "synth", "--orgs", "300", "--users-per-org", "0", "--ties", "600"])
    assert result.exit_code == 0, result.output
    ties = db.session.execute(sa.select(Tie.organisation_id, Tie.partner_id)).all()
    assert 550 <= len(ties) <= 600 and len({tuple(sorted(tie)) for tie in ties}) == len(ties)
    from coaction.members.models import Organisation

    place = dict(db.session.execute(sa.select(Organisation.id, Organisation.municipality_id)).all())
    within = sum(1 for one, other in ties if place[one] == place[other])
    assert within / len(ties) > 0.4  # by chance about one in nine (nine municipalities): clustered, as asked
