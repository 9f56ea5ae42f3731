"""The collaboration edges on small cases worked out by hand."""

from datetime import date

import pytest

from coaction.ties.edges import Edge, collaboration_edges

TODAY = date(2022, 1, 1)


def edges(participations=(), memberships=(), ties=()):
    return {(e.a, e.b, e.kind): e for e in collaboration_edges(participations, memberships, ties, today=TODAY)}


def test_shared_activities_weigh_by_role_and_length():
    found = edges(
        participations=[
            (1, 10, "lead", date(2021, 5, 1), None),  # one day
            (1, 20, "partner", date(2021, 5, 1), None),
            (1, 30, "funder", date(2021, 5, 1), None),
            (2, 20, "lead", date(2019, 1, 1), date(2020, 12, 31)),  # two years: length factor about 3
            (2, 10, "expert", date(2019, 1, 1), date(2020, 12, 31)),
        ]
    )
    assert set(found) == {(10, 20, "activity"), (10, 30, "activity"), (20, 30, "activity")}
    assert found[10, 30, "activity"].weight == pytest.approx((1.5 + 0.75) / 2)
    assert found[20, 30, "activity"].weight == pytest.approx((1.0 + 0.75) / 2)
    two_years = 1 + (date(2020, 12, 31) - date(2019, 1, 1)).days / 365.25
    assert found[10, 20, "activity"].weight == pytest.approx((1.5 + 1.0) / 2 + (1.5 + 0.75) / 2 * two_years)
    assert (found[10, 20, "activity"].first_seen, found[10, 20, "activity"].last_seen) == (
        date(2019, 1, 1),
        date(2021, 5, 1),
    )


def test_working_groups_count_only_time_spent_together():
    found = edges(
        memberships=[
            (1, 10, date(2020, 1, 1), date(2021, 12, 31)),
            (1, 20, date(2021, 1, 1), None),  # still there: runs to today
            (1, 20, date(2015, 1, 1), date(2015, 12, 31)),  # the same organisation, another person, earlier
            (1, 30, date(2023, 1, 1), None),  # never at the same time as the others
            (1, 10, date(2021, 6, 1), None),  # two people of one organisation make no edge with itself
        ]
    )
    assert set(found) == {(10, 20, "working_group")}
    edge = found[10, 20, "working_group"]
    assert (edge.first_seen, edge.last_seen) == (date(2021, 1, 1), TODAY)
    assert edge.weight == pytest.approx(1.0)  # a year together, and never less than 1


def test_a_star_with_an_isolate_and_explicit_ties():
    found = edges(
        participations=[(1, 1, "lead", date(2021, 1, 1), None), (1, 2, "partner", date(2021, 1, 1), None)],
        ties=[(3, 1, "partnership", date(2020, 1, 1), None), (1, 4, "research", date(2021, 3, 1), date(2021, 9, 1))],
    )
    assert set(found) == {(1, 2, "activity"), (1, 3, "partnership"), (1, 4, "research")}  # 5 has no tie at all
    assert found[1, 3, "partnership"] == Edge(1, 3, "partnership", 2.0, date(2020, 1, 1), TODAY)
    assert found[1, 4, "research"].weight == 1.5 and found[1, 4, "research"].last_seen == date(2021, 9, 1)
