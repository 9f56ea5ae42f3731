"""Partner suggestions: who is suggested, in which order, and why."""

from collections import Counter

import pytest

from coaction.network.suggestions import CATEGORY, SECTORS, Profile, suggest

PROFILES = {
    1: Profile("energy", 10, frozenset({"biogas", "charging_infrastructure"}), frozenset({(20, 10)})),
    2: Profile("municipality", 10),
    3: Profile("municipality", 20),
    5: Profile("real_estate", 20, frozenset({"biogas"})),
    6: Profile("transport", 30),
    7: Profile("real_estate", 10, frozenset({"biogas", "charging_infrastructure"})),
    8: Profile("energy", 10),
    9: Profile("it", 40, corridors=frozenset({(20, 10)})),
}
STRUCTURE = {"partners": [2, 3], "partners_of": {2: [1, 5], 3: [1, 5, 6]}, "degrees": {2: 2, 3: 3}}


def suggestions(**changes):
    arguments = {**STRUCTURE, "sector_pairs": Counter(), **changes}
    return suggest(1, PROFILES, **arguments)


def test_common_partners_and_shared_work_rank_the_candidates():
    found = suggestions()
    assert [suggestion.organisation for suggestion in found] == [5, 7, 6, 9]
    top = found[0]
    assert top.common_partners == [2, 3] and top.categories == ["biogas"]
    assert top.parts["adamic_adar"] == pytest.approx(1 / 0.693147 + 1 / 1.098612, abs=1e-3)
    assert top.score == pytest.approx(sum(top.parts.values()))
    assert found[1].categories == ["biogas", "charging_infrastructure"] and found[1].same_municipality
    assert found[1].score == pytest.approx(2 * CATEGORY + 0.5)
    assert found[3].corridors == [(20, 10)]


def test_partners_the_viewer_and_the_excluded_are_never_suggested():
    found = suggestions(excluded=[5])
    assert {suggestion.organisation for suggestion in found}.isdisjoint({1, 2, 3, 5})


def test_only_a_municipality_or_a_sector_in_common_suggests_nobody():
    assert 8 not in [suggestion.organisation for suggestion in suggestions()]


def test_sectors_that_work_together_elsewhere_add_their_share():
    pairs = Counter({("energy", "real_estate"): 3, ("energy", "energy"): 9})
    found = {suggestion.organisation: suggestion for suggestion in suggestions(sector_pairs=pairs)}
    assert found[7].sector_ties == 3 and found[7].parts["sectors"] == pytest.approx(SECTORS * 3 / 12)
    assert found[6].sector_ties == 0 and "sectors" not in found[6].parts


def test_fewer_sector_ties_than_the_floor_count_nothing():
    found = {s.organisation: s for s in suggestions(sector_pairs=Counter({("energy", "real_estate"): 2}))}
    assert found[7].sector_ties == 0


def test_the_limit_cuts_the_list():
    assert len(suggestions(limit=2)) == 2
