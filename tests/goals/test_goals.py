"""The plan's goals by year (copying keeps last year readable), indicators with their values, the goal pages."""

import io

import pytest
import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.extensions import db
from coaction.goals.models import IndicatorValue, PlanGoal
from coaction.goals.services import (
    GoalError,
    check_value_file,
    copy_plan_year,
    current_plan_year,
    goal_tree,
    import_values,
    save_goal,
    set_indicator_value,
)
from tests.conftest import sign_in
from tests.factories import make_commitment, make_goal, make_municipality, make_organisation, make_report, make_user


@pytest.fixture
def office(client, app):
    user = make_user(role=Role.COORDINATOR)
    db.session.commit()
    sign_in(client, user, lang="en")
    return user


def test_copying_a_plan_year_leaves_the_old_one_as_it_was(app, office):
    goal = make_goal(plan_year=2025, title="Fossilfria transporter")
    make_goal(plan_year=2025, parent_id=goal.id, title="Laddinfrastruktur")
    assert copy_plan_year(2025, 2026, actor=office, ip=None) == 2
    new_goal = goal_tree(2026)[0]
    save_goal(new_goal, indicator_ids=[], actor=office, ip=None, plan_year=2026, title="Fossilfria transporter 2030")
    db.session.commit()
    assert [g.title for g in goal_tree(2025)] == ["Fossilfria transporter"]
    assert [c.title for c in goal_tree(2025)[0].children] == ["Laddinfrastruktur"]
    assert new_goal.lineage == goal.id and new_goal.children[0].title == "Laddinfrastruktur"
    with pytest.raises(GoalError):
        copy_plan_year(2025, 2026, actor=office, ip=None)  # 2026 exists
    assert current_plan_year(2030) == 2026 and current_plan_year(2025) == 2025 and current_plan_year(2000) == 2025


def test_a_sub_goal_belongs_to_a_goal_of_its_own_year(app, office):
    parent = make_goal(plan_year=2025)
    with pytest.raises(GoalError):
        save_goal(None, indicator_ids=[], actor=office, ip=None, plan_year=2026, parent_id=parent.id, title="x")


def test_an_indicator_value_replaces_the_old_one_for_the_same_year_and_place(app, office):
    from coaction.goals.models import Indicator

    indicator = Indicator(name="Laddpunkter", unit="antal")
    db.session.add(indicator)
    place = make_municipality()
    for value in (10, 12):
        set_indicator_value(
            indicator, year=2025, municipality_id=None, value=value, source="SCB", actor=office, ip=None
        )
    set_indicator_value(indicator, year=2025, municipality_id=place.id, value=3, source="SCB", actor=office, ip=None)
    db.session.commit()
    values = db.session.execute(sa.select(IndicatorValue.municipality_id, IndicatorValue.value)).all()
    assert sorted(values, key=lambda row: row[0] or 0) == [(None, 12), (place.id, 3)]
    with pytest.raises(GoalError):
        set_indicator_value(indicator, year=2025, municipality_id=None, value=1, source=" ", actor=office, ip=None)


def test_importing_values_is_all_or_nothing(app, office):
    from coaction.goals.models import Indicator

    indicator = Indicator(name="Andel fossilfria", unit="%")
    db.session.add(indicator)
    make_municipality(name="Nykvarn")
    db.session.commit()
    rows = check_value_file("v.csv", "år;kommun;värde;källa\n2024;Nykvarn;40,5;SCB\n2024;Atlantis;3;SCB\n".encode())
    assert [row.problem for row in rows] == [None, "municipality"]
    with pytest.raises(GoalError):
        import_values(indicator, rows, actor=office, ip=None)
    rows = check_value_file("v.csv", b"year,municipality,value,source\n2024,,12,SCB\n2024,,13,SCB\n2025,,x,SCB\n")
    assert [row.problem for row in rows] == ["duplicate", "duplicate", "value"]
    rows = check_value_file("v.csv", b"year,municipality,value,source\n2024,nykvarn,40.5,SCB\n2025,,41,SCB\n")
    assert import_values(indicator, rows, actor=office, ip=None) == 2


def test_the_goal_page_gathers_its_sub_goals_and_copies_and_charts_its_indicators(client, office):
    from coaction.goals.models import Indicator

    goal = make_goal(plan_year=2025, title="Hållbar pendling")
    sub_goal = make_goal(plan_year=2025, parent_id=goal.id, title="Fler cyklar")
    indicator = Indicator(name="Cykelandel", unit="%")
    goal.indicators = [indicator]
    db.session.add(indicator)
    set_indicator_value(
        indicator, year=2024, municipality_id=None, value=11, source="Resvaneenkät", actor=office, ip=None
    )
    linked = make_commitment(make_organisation(), title="Cykelpool på kontoret")
    linked.goals = [sub_goal]
    make_report(linked, value=200)
    db.session.commit()
    page = client.get(f"/goals/{goal.id}").text
    assert "Cykelpool på kontoret" in page and "Fler cyklar" in page and "Done" in page
    assert "<svg" in page and "Resvaneenkät" in page  # the chart and its table
    copy_plan_year(2025, 2026, actor=office, ip=None)
    db.session.commit()
    copy = db.session.scalar(sa.select(PlanGoal).where(PlanGoal.plan_year == 2026, PlanGoal.parent_id.is_(None)))
    assert "Cykelpool på kontoret" in client.get(f"/goals/{copy.id}").text
    assert client.get("/goals?year=2025").status_code == 200
    assert client.get("/goals/999999").status_code == 404


def test_the_coordinator_edits_the_tree_through_the_pages(client, office):
    response = client.post(
        "/coordinator/goals/new",
        data={"plan_year": "2026", "parent": "0", "title": "Effektivare energi", "position": "1"},
    )
    assert response.status_code == 302
    goal = db.session.scalar(sa.select(PlanGoal))
    response = client.post(
        "/coordinator/goals/new", data={"plan_year": "2027", "parent": str(goal.id), "title": "Fel år"}
    )
    assert response.status_code == 422 and "same plan year" in response.text
    assert client.post("/coordinator/goals/copy", data={"from_year": "2026", "to_year": "2027"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanGoal)) == 2
    response = client.post("/coordinator/indicators/new", data={"name": "Energianvändning", "unit": "MWh"})
    assert response.status_code == 302
    indicator_url = response.headers["Location"]
    bad = client.post(
        indicator_url, data={"action": "value", "year": "2025", "municipality": "0", "value": "mycket", "source": "x"}
    )
    assert bad.status_code == 422 and "Enter a number" in bad.text
    upload = client.post(
        indicator_url,
        data={"action": "file", "file": (io.BytesIO(b"year,value,source\n2024,900,Energimyndigheten\n"), "e.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302 and "Energimyndigheten" in client.get(indicator_url).text
    unreadable = client.post(
        indicator_url,
        data={"action": "file", "file": (io.BytesIO(b"\xff\xfe not text"), "e.csv")},
        content_type="multipart/form-data",
    )
    assert unreadable.status_code == 422
