"""The survey method on examples computed by hand."""

import pytest

from coaction.travel.results import FACTOR_MODES, Answer, suppress_small, survey_results

FACTORS = dict.fromkeys(FACTOR_MODES, 0.0) | {"car": 0.15, "carpool": 0.075, "bus": 0.05, "rail": 0.01, "air": 0.2}


def test_one_car_commuter_and_one_cyclist_by_hand():
    # A: 10 km, 4 days by car, 1 remote day, 1,000 business km by air. B: 3 km, 5 days by bike.
    answers = [
        Answer(distance_km=10, days={"car": 4}, remote_days=1, business_km={"air": 1000}),
        Answer(distance_km=3, days={"bike": 5}),
    ]
    results = survey_results(answers, employees=20, work_weeks=44, factors=FACTORS)
    # Trips: car 8, bike 10 of 18. Person-km per week: car 80, bike 30 of 110.
    assert results.modal_split_trips["car"] == pytest.approx(8 / 18)
    assert results.modal_split_trips["bike"] == pytest.approx(10 / 18)
    assert results.modal_split_km["car"] == pytest.approx(80 / 110)
    assert sum(results.modal_split_trips.values()) == pytest.approx(1)
    # Commute km a year: A 2·4·10·44 = 3,520; B 2·5·3·44 = 1,320; mean 2,420.
    assert results.commute_km_per_respondent_year == pytest.approx(2420)
    # CO2e: A's commute 3,520 × 0.15 = 528 kg, business 1,000 × 0.2 = 200 kg; B none. Means over two.
    assert results.co2e_kg_per_respondent_year == pytest.approx({"commute": 264, "business": 100, "total": 364})
    assert results.response_rate == pytest.approx(0.1)
    assert results.extrapolated_total_co2e_kg == pytest.approx(364 * 20)
    assert results.suppressed  # two answers are fewer than five


def test_bike_and_ebike_potential():
    answers = [
        Answer(distance_km=4, days={"car": 3, "bus": 2}),  # mostly by car, within 5 km: both
        Answer(distance_km=12, days={"carpool": 2, "car": 1, "rail": 2}),  # 3 of 5 by car, 12 km: e-bike only
        Answer(distance_km=4, days={"car": 2, "bike": 2}),  # exactly half is not "mostly"
        Answer(distance_km=20, days={"car": 5}),  # too far for either
        Answer(distance_km=2, days={"walk": 5}),
    ]
    results = survey_results(answers, employees=5, work_weeks=40, factors=FACTORS)
    assert results.bike_potential_share == pytest.approx(1 / 5)
    assert results.ebike_potential_share == pytest.approx(2 / 5)
    assert not results.suppressed and results.response_rate == 1


def test_no_answers_and_missing_factors():
    empty = survey_results([], employees=0, work_weeks=44, factors=FACTORS)
    assert empty.responses == 0 and empty.response_rate == 0 and empty.suppressed
    assert set(empty.modal_split_trips.values()) == {0.0}
    with pytest.raises(ValueError, match="air"):
        survey_results([], employees=1, work_weeks=44, factors={"car": 0.1})


def test_json_has_every_mode_and_air():
    results = survey_results([Answer(5, {"ebike": 5})], employees=3, work_weeks=44, factors=FACTORS).as_json()
    assert set(results["modal_split_trips"]) == {"walk", "bike", "ebike", "bus", "rail", "car", "carpool", "moped"}
    assert set(results["factors"]) == set(results["modal_split_trips"]) | {"air"}


def test_small_cells_are_suppressed():
    assert suppress_small({"showers": 7, "transit_card": 4, "carpool": 5}) == {
        "showers": 7,
        "transit_card": None,
        "carpool": 5,
    }


def sums(organisation_id, answers, *, employees, work_weeks=44):
    from coaction.travel.results import SurveySums, tally

    return SurveySums(organisation_id, tally(answers), employees, work_weeks)


def test_the_network_pools_answers_and_extrapolates_each_survey_to_its_own_employees():
    from coaction.travel.results import pooled

    # Survey 1: five car commuters, 10 km, 4 days, 40 weeks: 3,200 km × 0.15 = 480 kg each; 100 employees.
    # Survey 2: five cyclists (no CO2e) plus one by air 1,000 km (200 kg); 44 weeks; 60 employees.
    # Survey 3: four answers only: left out of every figure.
    first = sums(1, [Answer(10, {"car": 4})] * 5, employees=100, work_weeks=40)
    second = sums(2, [Answer(3, {"bike": 5})] * 5 + [Answer(3, {"bike": 5}, business_km={"air": 1000})], employees=60)
    small = sums(3, [Answer(50, {"car": 5})] * 4, employees=1000)
    network = pooled([first, second, small], FACTORS)
    assert (network.surveys, network.organisations, network.responses, network.employees) == (2, 2, 11, 160)
    # Trips: car 5·8 = 40, bike 6·10 = 60: every answer counts once, so survey 2 weighs more.
    assert network.modal_split_trips["car"] == pytest.approx(0.4)
    assert network.modal_split_trips["bike"] == pytest.approx(0.6)
    # Per respondent: (5·480 + 200) / 11. Total: 480·100 + (200/6)·60 = 48,000 + 2,000.
    assert network.co2e_kg_per_respondent_year["total"] == pytest.approx(2600 / 11)
    assert network.total_co2e_kg == pytest.approx(50_000)
    assert network.co2e_kg_per_employee == pytest.approx(50_000 / 160)
    assert not network.suppressed
    assert pooled([small], FACTORS).suppressed


def test_commute_flows_show_only_five_people_from_three_members():
    from coaction.travel.results import commute_flows

    # (home, workplace, organisation, respondents)
    flows = commute_flows(
        [
            (1, 2, 10, 2), (1, 2, 11, 2), (1, 2, 12, 1),  # 5 people from 3 members: a corridor
            (3, 2, 10, 40),  # many people, one member: its count is withheld
            (2, 2, 10, 3), (2, 2, 11, 3), (2, 2, 12, 3),  # within one municipality: shown, not a corridor
            (None, 2, 10, 3), (None, 2, 11, 3), (None, 2, 12, 3),  # from elsewhere: shown, not a corridor
            (4, 2, 10, 1), (4, 2, 11, 1), (4, 2, 12, 1),  # three members but three people
        ]
    )  # fmt: skip
    by_route = {(flow.home, flow.workplace): flow for flow in flows}
    assert by_route[1, 2].shown and by_route[1, 2].corridor and by_route[1, 2].organisations == 3
    assert not by_route[3, 2].shown and not by_route[3, 2].corridor
    assert by_route[2, 2].shown and not by_route[2, 2].corridor
    assert by_route[None, 2].shown and not by_route[None, 2].corridor
    assert not by_route[4, 2].shown
    # The shown flows come first, largest first; the withheld ones after, in the order of their places.
    assert [(flow.home, flow.workplace) for flow in flows] == [(None, 2), (2, 2), (1, 2), (3, 2), (4, 2)]
