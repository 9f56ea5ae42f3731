"""Survey results, computed from anonymous answers: pure functions over plain values (the method the results page
writes out as "Så räknar vi" / "How we calculate").

- Trips per week in mode m = 2 × days_m. Modal split by trips = trips_m / all commuting trips (remote days are
  no trips); by person-km each trip weighs its one-way distance.
- Commute km per respondent and year = Σ_m 2 × days_m × distance × work weeks; its CO2e weighs each term with the
  mode's factor (kg CO2e per person-km). Business CO2e = Σ business km_m × factor_m.
- Per-employee figures are means over respondents; the organisation total is that mean × employees (extrapolated);
  response rate = responses / employees.
- Bike potential: the share of respondents mostly by car (car plus carpool days more than half of their commuting
  days) living at most 5 km away; e-bike potential: at most 15 km.
- Nothing is shown for fewer than MIN_GROUP responses (DESIGN §7)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MODES = ("walk", "bike", "ebike", "bus", "rail", "car", "carpool", "moped")
BUSINESS_MODES = ("car", "rail", "bus", "air")
FACTOR_MODES = (*MODES, "air")
CAR_MODES = ("car", "carpool")
MIN_GROUP = 5
BIKE_KM, EBIKE_KM = 5.0, 15.0


class MissingFactors(ValueError):
    def __init__(self, modes: list[str]):
        super().__init__(f"no emission factor for {', '.join(modes)}")
        self.modes = modes


@dataclass(frozen=True)
class Answer:
    distance_km: float
    days: Mapping[str, int]  # commuting days per week by main mode
    remote_days: int = 0
    business_km: Mapping[str, float] = field(default_factory=dict)
    barriers: tuple[str, ...] = ()
    willing: tuple[str, ...] = ()

    @property
    def commuting_days(self) -> int:
        return sum(self.days.get(mode, 0) for mode in MODES)

    @property
    def mostly_by_car(self) -> bool:
        return sum(self.days.get(mode, 0) for mode in CAR_MODES) * 2 > self.commuting_days


@dataclass(frozen=True)
class Results:
    responses: int
    employees: int
    response_rate: float
    work_weeks: float
    modal_split_trips: dict[str, float]
    modal_split_km: dict[str, float]
    commute_km_per_respondent_year: float
    co2e_kg_per_respondent_year: dict[str, float]  # commute, business, total
    factors: dict[str, float]
    bike_potential_share: float
    ebike_potential_share: float
    suppressed: bool
    barriers: dict[str, int] = field(default_factory=dict)
    willing: dict[str, int] = field(default_factory=dict)

    @property
    def extrapolated_total_co2e_kg(self) -> float:
        return self.co2e_kg_per_respondent_year["total"] * self.employees

    def as_json(self) -> dict:
        """The figures the CLI prints (`survey-results ID --json`): shares 0–1, kg, unrounded."""
        return {
            "responses": self.responses,
            "employees": self.employees,
            "response_rate": self.response_rate,
            "work_weeks": self.work_weeks,
            "modal_split_trips": self.modal_split_trips,
            "modal_split_km": self.modal_split_km,
            "commute_km_per_respondent_year": self.commute_km_per_respondent_year,
            "co2e_kg_per_respondent_year": self.co2e_kg_per_respondent_year,
            "factors": self.factors,
            "bike_potential_share": self.bike_potential_share,
            "ebike_potential_share": self.ebike_potential_share,
            "suppressed": self.suppressed,
        }


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


@dataclass
class Totals:
    """The sums the method needs, over any number of answers: what `tally` adds up from answers, and what one
    aggregate query adds up in the database (travel/services.py), so both reach the same `results_from`."""

    responses: int = 0
    trips: Counter = field(default_factory=Counter)  # commuting trips a week, by mode (2 × days)
    trip_km: Counter = field(default_factory=Counter)  # person-km a week, by mode (2 × days × distance)
    business_km: Counter = field(default_factory=Counter)  # business km a year, by mode
    bike_candidates: int = 0  # mostly by car and at most BIKE_KM away
    ebike_candidates: int = 0  # mostly by car and at most EBIKE_KM away
    barriers: Counter = field(default_factory=Counter)
    willing: Counter = field(default_factory=Counter)


def tally(answers: Iterable[Answer]) -> Totals:
    totals = Totals()
    for answer in answers:
        totals.responses += 1
        for mode in MODES:
            days = answer.days.get(mode, 0)
            if days:
                totals.trips[mode] += 2 * days
                totals.trip_km[mode] += 2 * days * answer.distance_km
        for mode in BUSINESS_MODES:
            totals.business_km[mode] += answer.business_km.get(mode, 0.0)
        if answer.mostly_by_car:
            totals.bike_candidates += answer.distance_km <= BIKE_KM
            totals.ebike_candidates += answer.distance_km <= EBIKE_KM
        totals.barriers.update(answer.barriers)
        totals.willing.update(answer.willing)
    return totals


def results_from(totals: Totals, *, employees: int, work_weeks: float, factors: Mapping[str, float]) -> Results:
    """The figures of the method from the sums. `factors` holds kg CO2e per person-km for every commuting mode and
    for air; a missing factor is an error, never a silent zero."""
    missing = [mode for mode in FACTOR_MODES if mode not in factors]
    if missing:
        raise MissingFactors(missing)
    responses = totals.responses
    all_trips, all_km = sum(totals.trips.values()), sum(totals.trip_km.values())
    commute_km = sum(totals.trip_km[mode] for mode in MODES) * work_weeks
    commute_co2e = sum(totals.trip_km[mode] * factors[mode] for mode in MODES) * work_weeks
    business_co2e = sum(totals.business_km[mode] * factors[mode] for mode in BUSINESS_MODES)
    commute = _share(commute_co2e, responses)
    business = _share(business_co2e, responses)
    return Results(
        responses=responses,
        employees=employees,
        response_rate=_share(responses, employees),
        work_weeks=work_weeks,
        modal_split_trips={mode: _share(totals.trips[mode], all_trips) for mode in MODES},
        modal_split_km={mode: _share(totals.trip_km[mode], all_km) for mode in MODES},
        commute_km_per_respondent_year=_share(commute_km, responses),
        co2e_kg_per_respondent_year={"commute": commute, "business": business, "total": commute + business},
        factors={mode: factors[mode] for mode in FACTOR_MODES},
        bike_potential_share=_share(totals.bike_candidates, responses),
        ebike_potential_share=_share(totals.ebike_candidates, responses),
        suppressed=responses < MIN_GROUP,
        barriers={code: count for code, count in totals.barriers.items() if count},
        willing={code: count for code, count in totals.willing.items() if count},
    )


def survey_results(
    answers: Iterable[Answer], *, employees: int, work_weeks: float, factors: Mapping[str, float]
) -> Results:
    """The results of one survey (or of any pooled set of answers), from the answers themselves."""
    return results_from(tally(answers), employees=employees, work_weeks=work_weeks, factors=factors)


def suppress_small(counts: Mapping[str, int], minimum: int = MIN_GROUP) -> dict[str, int | None]:
    """Breakdown cells under `minimum` become None (shown as "< 5"): no small group is ever told apart."""
    return {key: (count if count >= minimum else None) for key, count in counts.items()}
