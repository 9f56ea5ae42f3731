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
