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


@dataclass(frozen=True)
class SurveySums:
    """One survey's sums with what its figures need: the input of the network's figures."""

    organisation_id: int
    totals: Totals
    employees: int
    work_weeks: float


@dataclass(frozen=True)
class NetworkFigures:
    """Many surveys pooled. The modal split counts every answer once (so each survey weighs by its answers); CO2e
    per respondent is the mean over all answers; the total extrapolates each survey to its own employees."""

    surveys: int
    organisations: int
    responses: int
    employees: int
    modal_split_trips: dict[str, float]
    co2e_kg_per_respondent_year: dict[str, float]
    total_co2e_kg: float
    barriers: dict[str, int]
    willing: dict[str, int]

    @property
    def co2e_kg_per_employee(self) -> float:
        return _share(self.total_co2e_kg, self.employees)

    @property
    def suppressed(self) -> bool:
        return self.responses < MIN_GROUP


def pooled(surveys: Iterable[SurveySums], factors: Mapping[str, float]) -> NetworkFigures:
    """The network's figures over the surveys with at least MIN_GROUP answers (a smaller one is never shown on its
    own, and extrapolating from it would say more than it knows)."""
    counted = [survey for survey in surveys if survey.totals.responses >= MIN_GROUP]
    trips: Counter = Counter()
    barriers: Counter = Counter()
    willing: Counter = Counter()
    co2e = Counter()
    total_co2e = 0.0
    for survey in counted:
        results = results_from(survey.totals, employees=survey.employees, work_weeks=survey.work_weeks, factors=factors)
        trips.update(survey.totals.trips)
        barriers.update(survey.totals.barriers)
        willing.update(survey.totals.willing)
        for part, kg in results.co2e_kg_per_respondent_year.items():
            co2e[part] += kg * results.responses
        total_co2e += results.extrapolated_total_co2e_kg
    responses = sum(survey.totals.responses for survey in counted)
    all_trips = sum(trips.values())
    return NetworkFigures(
        surveys=len(counted),
        organisations=len({survey.organisation_id for survey in counted}),
        responses=responses,
        employees=sum(survey.employees for survey in counted),
        modal_split_trips={mode: _share(trips[mode], all_trips) for mode in MODES},
        co2e_kg_per_respondent_year={part: _share(co2e[part], responses) for part in ("commute", "business", "total")},
        total_co2e_kg=total_co2e,
        barriers=dict(barriers),
        willing=dict(willing),
    )


MIN_CORRIDOR_MEMBERS = 3


@dataclass(frozen=True)
class Flow:
    """Respondents living in `home` (None: another municipality) who work for a member in `workplace`."""

    home: int | None
    workplace: int
    respondents: int
    organisations: int

    @property
    def shown(self) -> bool:
        """Its count is shown only for at least MIN_GROUP respondents from at least MIN_CORRIDOR_MEMBERS members,
        so that no single organisation's commute is told apart."""
        return self.respondents >= MIN_GROUP and self.organisations >= MIN_CORRIDOR_MEMBERS

    @property
    def corridor(self) -> bool:
        """A candidate for a shared shuttle, carpool or bike pool: a shown flow between two municipalities."""
        return self.shown and self.home is not None and self.home != self.workplace


def commute_flows(rows: Iterable[tuple[int | None, int, int, int]]) -> list[Flow]:
    """Flows from (home, workplace, organisation, respondents) rows: the shown ones largest first, then the rest in
    the order of their municipalities (so that the order tells nothing about a withheld count)."""
    respondents: Counter = Counter()
    members: dict[tuple, set] = {}
    for home, workplace, organisation_id, count in rows:
        respondents[home, workplace] += count
        members.setdefault((home, workplace), set()).add(organisation_id)
    flows = [
        Flow(home, workplace, count, len(members[home, workplace])) for (home, workplace), count in respondents.items()
    ]
    return sorted(
        flows, key=lambda flow: (not flow.shown, -flow.respondents if flow.shown else 0, flow.home or 0, flow.workplace)
    )
