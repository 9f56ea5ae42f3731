"""The lists: computed states in bulk agree with the pure functions, filters and sorts, the CSV, the roll-ups,
and visibility everywhere (list, CSV, search, profile page, commitment page) for every kind of viewer."""

from datetime import date

import pytest
from flask_login import AnonymousUserMixin

from coaction.auth.models import Role
from coaction.commitments.labels import csv_labels
from coaction.commitments.listing import (
    Filters,
    csv_rows,
    filtered_ids,
    find_commitments,
    overview,
    states,
)
from coaction.commitments.models import Category, CommitmentLocation, Unit, Visibility
from coaction.commitments.permissions import can_see_commitment
from coaction.commitments.progress import Plan, Report, Status, assess
from coaction.extensions import db
from coaction.members.models import MembershipStatus
from tests.conftest import sign_in
from tests.factories import make_commitment, make_goal, make_municipality, make_organisation, make_report, make_user

TODAY = date(2026, 12, 1)


@pytest.fixture
def world(app):
    """Two member organisations and one that left, with commitments of every visibility and status."""
    a = make_organisation(name="Alfa AB")
    b = make_organisation(name="Beta AB")
    gone = make_organisation(name="Gamma AB", status=MembershipStatus.LEFT)
    done = make_commitment(a, title="Klar sak", baseline_year=2022, target_year=2026)
    make_report(done, reported_on=date(2026, 5, 1), value=110)
    behind = make_commitment(a, title="Sen sak", baseline_year=2022, target_year=2027)
    make_report(behind, reported_on=date(2026, 5, 1), value=20)
    members_only = make_commitment(b, title="Medlemssak", visibility=Visibility.MEMBERS)
    private = make_commitment(b, title="Privat sak", visibility=Visibility.PRIVATE)
    withdrawn = make_commitment(b, title="Återtagen sak")
    from coaction.core.types import utcnow

    withdrawn.withdrawn_at = utcnow()
    of_gone = make_commitment(gone, title="Lämnad sak")
    people = {
        "anonymous": AnonymousUserMixin(),
        "of_a": make_user(organisation=a),
        "of_b": make_user(organisation=b),
        "of_gone": make_user(organisation=gone),
        "coordinator": make_user(role=Role.COORDINATOR),
    }
    db.session.commit()
    commitments = {
        "done": done,
        "behind": behind,
        "members_only": members_only,
        "private": private,
        "withdrawn": withdrawn,
        "of_gone": of_gone,
    }
    return {"a": a, "b": b, "people": people, "commitments": commitments}


def titles(page):
    return sorted(commitment.title for commitment, _ in page.items)


LISTED = {
    # who: what they see in lists (withdrawn ones are never listed)
    "anonymous": ["Klar sak", "Sen sak"],
    "of_a": ["Klar sak", "Medlemssak", "Sen sak"],
    "of_b": ["Klar sak", "Medlemssak", "Privat sak", "Sen sak"],
    "of_gone": ["Klar sak", "Lämnad sak", "Sen sak"],  # its own, but members-only is for members
    "coordinator": ["Klar sak", "Lämnad sak", "Medlemssak", "Privat sak", "Sen sak"],
}


@pytest.mark.parametrize("who", LISTED)
def test_lists_show_exactly_what_the_viewer_may_see(world, who):
    viewer = world["people"][who]
    assert titles(find_commitments(viewer, Filters())) == LISTED[who]
    assert titles(find_commitments(viewer, Filters(sort="status"))) == LISTED[who]  # the computed path too
    rows = list(csv_rows(viewer, Filters(), csv_labels("en")))
    assert sorted(row[2] for row in rows) == LISTED[who]
    assert titles(find_commitments(viewer, Filters(q="sak"))) == LISTED[who]


@pytest.mark.parametrize("who", LISTED)
def test_the_page_rule_agrees_with_the_list_rule(world, who):
    viewer = world["people"][who]
    for name, commitment in world["commitments"].items():
        expected = commitment.title in LISTED[who] or (
            name == "withdrawn" and who in ("of_b", "coordinator")  # the organisation and the office keep it
        )
        assert can_see_commitment(viewer, commitment) == expected, name


def test_bulk_states_agree_with_the_pure_assessment(app):
    organisation = make_organisation()
    made = []
    for index in range(12):
        commitment = make_commitment(organisation, baseline_year=2020 + index % 4, target_year=2026 + index % 3)
        for month in range(1, 1 + index % 4):
            make_report(commitment, reported_on=date(2026, month, 3), value=10 + index * 7 + month)
        made.append(commitment)
    db.session.commit()
    computed = states([c.id for c in made], today=TODAY)
    for commitment in made:
        plan = Plan(
            commitment.baseline_value, commitment.baseline_year, commitment.target_value, commitment.target_year
        )
        expected = assess(plan, [Report(r.reported_on, r.value) for r in commitment.reports], TODAY)
        assert computed[commitment.id].assessment == expected


def test_filters(app):
    office = make_user(role=Role.COORDINATOR)
    here, there = make_municipality(name="Här"), make_municipality(name="Där")
    local = make_organisation(name="Lokal AB", municipality=here)
    goal = make_goal(plan_year=2025)
    sub_goal = make_goal(plan_year=2025, parent_id=goal.id)
    next_year = make_goal(plan_year=2026, lineage_id=goal.id)
    at_home = make_commitment(local, title="Hemma", category=Category.BIKE_POOL, unit=Unit.BIKES)
    away = make_commitment(local, title="Borta")
    away.locations = [CommitmentLocation(latitude=59.0, longitude=18.0, municipality_id=there.id)]
    away.goals = [sub_goal]
    at_home.goals = [next_year]
    make_report(away, reported_on=date(2026, 1, 1), value=200)
    db.session.commit()

    def found(**filters):
        return sorted(c.title for c, _ in find_commitments(office, Filters(**filters)).items)

    assert found(category=Category.BIKE_POOL) == ["Hemma"]
    assert found(municipality_id=here.id) == ["Hemma"]  # no place of its own: where the organisation is
    assert found(municipality_id=there.id) == ["Borta"]
    assert found(goal_id=goal.id) == ["Borta", "Hemma"]  # its sub-goal's and its next year's copy's
    assert found(goal_id=next_year.id) == ["Borta", "Hemma"]
    assert found(goal_id=sub_goal.id) == ["Borta"]
    assert found(status=Status.DONE) == ["Borta"]
    assert found(status=Status.PLANNED) == ["Hemma"]
    assert found(q="bor") == ["Borta"]
    ids, _ = filtered_ids(office, Filters(sort="progress"))
    assert ids == [away.id, at_home.id]


def test_pages_are_cut_and_counted(app):
    office = make_user(role=Role.COORDINATOR)
    organisation = make_organisation()
    for index in range(30):
        make_commitment(organisation, title=f"Åtagande {index:02d}")
    db.session.commit()
    first = find_commitments(office, Filters(), page=1, per_page=25)
    last = find_commitments(office, Filters(sort="status"), page=9, per_page=25)
    assert first.total == 30 and len(first.items) == 25 and first.items[0][0].title == "Åtagande 00"
    assert last.page == 2 and len(last.items) == 5


def test_overview_rolls_up_per_unit_and_never_across(app):
    office = make_user(role=Role.COORDINATOR)
    organisation = make_organisation()
    goal = make_goal()
    sub_goal = make_goal(parent_id=goal.id)
    first = make_commitment(organisation, baseline_value=10, target_value=110)
    make_report(first, reported_on=date(2026, 1, 1), value=50)
    second = make_commitment(organisation, baseline_value=5, target_value=15)
    energy = make_commitment(
        organisation, category=Category.EFFICIENCY, unit=Unit.MWH, baseline_value=900, target_value=600
    )
    first.goals, energy.goals = [sub_goal], [goal]
    db.session.commit()
    summary = overview(office, today=TODAY)
    charging = summary.by_category[Category.CHARGING].sums[Unit.CHARGING_POINTS]
    assert (charging.baseline, charging.current, charging.target, charging.commitments) == (15, 55, 125, 2)
    assert list(summary.by_category[Category.CHARGING].sums) == [Unit.CHARGING_POINTS]
    assert summary.by_goal[goal.id].total == 2 and summary.by_goal[sub_goal.id].total == 1
    assert set(summary.by_goal[goal.id].sums) == {Unit.CHARGING_POINTS, Unit.MWH}
    assert summary.overall.total == 3 and second.id not in summary.to_verify


def test_the_profile_page_lists_only_public_commitments_to_the_public(client, world):
    response = client.get(f"/members/{world['b'].slug}")
    assert response.status_code == 200
    assert "Medlemssak" not in response.text and "Privat sak" not in response.text
    sign_in(client, world["people"]["of_a"])
    assert "Medlemssak" in client.get(f"/members/{world['b'].slug}").text
    assert "Privat sak" not in client.get(f"/members/{world['b'].slug}").text


@pytest.mark.app_config(CACHE_TYPE="SimpleCache")
def test_the_public_count_is_cached_until_a_commitment_changes(app):
    import sqlalchemy as sa

    from coaction.commitments.models import Commitment

    organisation = make_organisation(name="Räknare AB")
    first, *_ = [make_commitment(organisation, title=f"Sak {n}", category=Category.BIOGAS) for n in range(3)]
    make_commitment(organisation, title="Laddning", category=Category.CHARGING)
    db.session.commit()
    public, member = AnonymousUserMixin(), make_user(organisation=organisation)
    assert find_commitments(public, Filters()).total == 4
    assert find_commitments(public, Filters(category=Category.BIOGAS)).total == 3  # each filter its own count

    # Past the ORM (as a bulk command writes): no new generation, so the public's count stands until it expires;
    # the page itself is read afresh, and a signed-in viewer's count is never cached.
    db.session.execute(sa.update(Commitment).where(Commitment.id == first.id).values(visibility=Visibility.PRIVATE))
    db.session.commit()
    stale = find_commitments(public, Filters())
    assert stale.total == 4 and len(stale.items) == 3
    assert find_commitments(member, Filters()).total == 4  # its own organisation's private one included
    assert find_commitments(make_user(), Filters()).total == 3

    # Any change through the app starts a new generation: counted again at once.
    db.session.get(Commitment, first.id).title = "Sak 0, omdöpt"
    db.session.commit()
    assert find_commitments(public, Filters()).total == 3
    assert find_commitments(public, Filters(category=Category.BIOGAS)).total == 2
