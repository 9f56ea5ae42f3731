"""Open data: the registry of the public data sets, each a key, a title, a generator of rows (dicts of plain values
by column name) and its columns; and the files an organisation downloads of its own data to report once.

Every public generator reads as an anonymous visitor (PUBLIC_VIEWER) through the features' own visibility rules,
so nothing leaves here that the public pages do not show. The page, the downloads and the CLI use the same
generators; the API may too."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import aliased, selectinload

from coaction.activities.listing import Filters as ActivityFilters
from coaction.activities.listing import activity_query
from coaction.activities.models import Activity, Participant, Role
from coaction.auth.permissions import PUBLIC_VIEWER
from coaction.commitments import geo
from coaction.commitments.labels import CATEGORY_LABELS, STATUS_LABELS, UNIT_LABELS
from coaction.commitments.listing import (
    Filters,
    local_today,
    municipality_names,
    organisation_commitments,
    selected,
    where_clauses,
)
from coaction.commitments.models import Commitment, FocusArea, Milestone, ProgressReport
from coaction.core.urls import public_urls
from coaction.extensions import cache, db
from coaction.goals.models import Indicator, IndicatorValue, PlanGoal, goal_indicator
from coaction.members.models import PUBLIC_STATUSES, Organisation
from coaction.network.listing import export_bytes, export_graph
from coaction.network.models import Scope
from coaction.network.services import latest_snapshot
from coaction.opendata.dictionary import (
    ACTIVITY_COLUMNS,
    COMMITMENT_COLUMNS,
    GOAL_COLUMNS,
    INDICATOR_VALUE_COLUMNS,
    LOCATION_COLUMNS,
    ORGANISATION_COLUMNS,
    OWN_COMMITMENT_COLUMNS,
    OWN_SURVEY_COLUMNS,
    PUBLISHED_WAVE_EN,
    REPORT_COLUMNS,
    TIE_COLUMNS,
    WAVE_COLUMNS,
    Column,
)
from coaction.opendata.formats import Row, dictionary_csv, table_csv, table_xlsx
from coaction.regions.models import Municipality
from coaction.travel.models import SurveyResponse, TravelSurvey
from coaction.travel.overview import published_waves
from coaction.travel.results import MIN_GROUP, MissingFactors, results_from
from coaction.travel.services import factors_in_force, totals_by

# Whoever reads open data reads it as someone not signed in.
LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
SUMMARY_SECONDS = 300  # the page's counts and dates may be this old (counting runs every generator)


@dataclass(frozen=True)
class Dataset:
    key: str
    title: LazyString
    description: LazyString
    columns: tuple[Column, ...]
    rows: Callable[..., Iterable[Row]]
    stamp: str | None = None  # the column whose newest value is the data set's last update
    updated: Callable[[], datetime | date | None] | None = None  # or this, for data sets without such a column
    files: Mapping[str, Callable[[], bytes | None]] = field(default_factory=dict)  # more formats: GeoJSON, GraphML
    feed: tuple[str, str] | None = None  # (format, endpoint): the data set served by a feed of its own

    @property
    def formats(self) -> tuple[str, ...]:
        return ("csv", "xlsx", *self.files, *((self.feed[0],) if self.feed else ()))

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


@dataclass(frozen=True)
class Summary:
    rows: int
    updated: datetime | date | None

    @property
    def has_time(self) -> bool:
        return isinstance(self.updated, datetime)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _rows(query: sa.Select) -> list:
    return db.session.execute(query).all()


# ---- organisations: the public member directory ----------------------------------------------------------------


def organisation_rows() -> Iterable[Row]:
    """Members and paused members only, as the directory: never prospects, applicants or external partners."""

    parent = aliased(Organisation)
    query = (
        sa.select(
            Organisation,
            Municipality.name,
            Municipality.code,
            sa.case((parent.status.in_(PUBLIC_STATUSES), parent.id), else_=None),
        )
        .outerjoin(Municipality, Municipality.id == Organisation.municipality_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(Organisation.status.in_(PUBLIC_STATUSES))
        .order_by(Organisation.name_key, Organisation.id)
    )
    url = public_urls("members.profile")
    for organisation, municipality, code, parent_id in _rows(query):
        yield {
            "id": organisation.id,
            "slug": organisation.slug,
            "name": organisation.name,
            "sector": organisation.sector,
            "municipality": municipality,
            "municipality_code": code,
            "employees": organisation.employees,
            "website": organisation.website,
            "membership": organisation.status,
            "member_since": organisation.member_since,
            "parent_id": parent_id,  # only a parent the directory shows
            "description": organisation.description,
            "url": url(slug=organisation.slug),
            "updated_at": organisation.updated_at,
        }


# ---- commitments -------------------------------------------------------------------------------------------------


def commitment_rows() -> Iterable[Row]:
    """Public commitments of members, not withdrawn, with their computed state: what /commitments lists."""

    extra = [
        Commitment.organisation_id,
        Organisation.name.label("organisation"),
        Commitment.title,
        Commitment.description,
        Commitment.category,
        Commitment.focus_area_id,
        Commitment.indicator,
        Commitment.unit,
        Commitment.created_at,
        Commitment.updated_at,
    ]
    chosen = selected(PUBLIC_VIEWER, Filters(), extra)
    places = municipality_names()
    focus = dict(db.session.execute(sa.select(FocusArea.id, FocusArea.code)).all())
    url = public_urls("commitments.show")
    for row, state in chosen:
        latest = state.assessment.latest
        yield {
            "id": row.id,
            "organisation_id": row.organisation_id,
            "organisation": row.organisation,
            "title": row.title,
            "description": row.description,
            "category": row.category,
            "focus_area": focus.get(row.focus_area_id),
            "indicator": row.indicator,
            "unit": row.unit,
            "baseline_value": row.baseline_value,
            "baseline_year": row.baseline_year,
            "target_value": row.target_value,
            "target_year": row.target_year,
            "latest_value": latest.value if latest else None,
            "latest_date": latest.on if latest else None,
            "progress_percent": _round(state.assessment.progress, 1),
            "expected_percent": _round(state.assessment.expected, 1),
            "status": state.status,
            "verification": state.verification,
            "municipalities": "; ".join(places.get(row.id, [])),
            "url": url(commitment_id=row.id),
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }


def public_commitment_ids() -> sa.Select:
    """The ids of the commitments the public lists: the one rule, as a subquery."""

    return (
        sa.select(Commitment.id)
        .join(Organisation, Organisation.id == Commitment.organisation_id)
        .where(*where_clauses(PUBLIC_VIEWER, Filters()))
    )


# ---- progress reports --------------------------------------------------------------------------------------------


def report_rows() -> Iterable[Row]:
    """Reports on public commitments only; never who reported or the evidence file itself."""

    query = (
        sa.select(
            ProgressReport.id,
            ProgressReport.commitment_id,
            ProgressReport.reported_on,
            ProgressReport.value,
            ProgressReport.comment,
            sa.or_(ProgressReport.evidence_url.is_not(None), ProgressReport.evidence_file.is_not(None)),
            ProgressReport.created_at,
        )
        .where(ProgressReport.commitment_id.in_(public_commitment_ids()))
        .order_by(ProgressReport.commitment_id, ProgressReport.reported_on, ProgressReport.id)
    )
    for report_id, commitment_id, reported_on, value, comment, evidence, created_at in _rows(query):
        yield {
            "id": report_id,
            "commitment_id": commitment_id,
            "reported_on": reported_on,
            "value": value,
            "comment": comment,
            "has_evidence": bool(evidence),
            "created_at": created_at,
        }


# ---- activities --------------------------------------------------------------------------------------------------


def activity_rows() -> Iterable[Row]:
    """Public activities only, as /activities lists them to a visitor."""

    query = activity_query(PUBLIC_VIEWER, ActivityFilters()).options(
        selectinload(Activity.participants).selectinload(Participant.organisation),
        selectinload(Activity.municipality),
    )
    focus = dict(db.session.execute(sa.select(FocusArea.id, FocusArea.code)).all())
    url = public_urls("activities.show")
    for activity in db.session.scalars(query):
        leads = [p.organisation.name for p in activity.publicly_named() if p.role == Role.LEAD]
        yield {
            "id": activity.id,
            "title": activity.title,
            "kind": activity.kind,
            "status": activity.status,
            "focus_area": focus.get(activity.focus_area_id),
            "starts_on": activity.starts_on,
            "ends_on": activity.ends_on,
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "place": activity.place,
            "online": activity.online,
            "municipality": activity.municipality.name if activity.municipality else None,
            "lead_organisations": "; ".join(leads),
            "funding_source": activity.funding_source,
            "funding_sek": activity.funding_sek,
            "own_funding_sek": activity.own_funding_sek,
            "attendance": activity.attendance,
            "description": activity.description,
            "outcomes": activity.outcomes,
            "url": url(activity_id=activity.id),
            "updated_at": activity.updated_at,
        }


# ---- plan goals and indicators -----------------------------------------------------------------------------------


def goal_rows() -> Iterable[Row]:

    indicators: dict[int, list[str]] = {}
    for goal_id, indicator_id in _rows(
        sa.select(goal_indicator.c.goal_id, goal_indicator.c.indicator_id).order_by(goal_indicator.c.indicator_id)
    ):
        indicators.setdefault(goal_id, []).append(str(indicator_id))
    url = public_urls("goals.show")
    query = sa.select(PlanGoal).order_by(
        PlanGoal.plan_year, PlanGoal.parent_id.is_not(None), PlanGoal.position, PlanGoal.id
    )
    for goal in db.session.scalars(query):
        yield {
            "id": goal.id,
            "plan_year": goal.plan_year,
            "parent_id": goal.parent_id,
            "lineage_id": goal.lineage_id,
            "focus_area": goal.focus_area,
            "title": goal.title,
            "description": goal.description,
            "responsible": goal.responsible,
            "indicator_ids": "; ".join(indicators.get(goal.id, [])),
            "url": url(goal_id=goal.id),
            "created_at": goal.created_at,
        }


def indicator_value_rows() -> Iterable[Row]:

    query = (
        sa.select(IndicatorValue, Indicator.name, Indicator.unit, Municipality.name, Municipality.code)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .outerjoin(Municipality, Municipality.id == IndicatorValue.municipality_id)
        .order_by(Indicator.name, IndicatorValue.year, Municipality.name.is_not(None), Municipality.name)
    )
    for value, name, unit, municipality, code in _rows(query):
        yield {
            "indicator_id": value.indicator_id,
            "indicator": name,
            "unit": unit,
            "year": value.year,
            "municipality": municipality,
            "municipality_code": code,
            "value": value.value,
            "source": value.source,
            "updated_at": value.updated_at,
        }


# ---- the network -------------------------------------------------------------------------------------------------


def _public_snapshot():

    return latest_snapshot(Scope.PUBLIC)


def tie_rows() -> Iterable[Row]:
    """The ties of the latest public snapshot: public activities, working groups and confirmed ties only."""

    snapshot = _public_snapshot()
    if snapshot is None:
        return
    graph = export_graph(snapshot)
    names = dict(graph.nodes(data="name"))
    for a, b, data in graph.edges(data=True):
        one, other = min(a, b), max(a, b)
        yield {
            "a_id": one,
            "a_name": names[one],
            "b_id": other,
            "b_name": names[other],
            "weight": _round(data["weight"], 3),
            "kinds": data["kinds"].replace(",", "; "),
            "first_seen": data["first_seen"],
            "last_seen": data["last_seen"],
        }


def ties_updated() -> datetime | None:
    snapshot = _public_snapshot()
    return snapshot.computed_at if snapshot else None


def network_graphml() -> bytes | None:

    snapshot = _public_snapshot()
    return export_bytes(snapshot, "graphml") if snapshot else None


# ---- travel: the network's pooled figures ------------------------------------------------------------------------


def _mode_shares(split: Mapping[str, float]) -> dict[str, float | None]:
    return {f"share_trips_{mode}": _round(share) for mode, share in split.items()}


def wave_rows() -> Iterable[Row]:
    for wave in published_waves(local_today()):
        figures = wave.figures
        co2e = figures.co2e_kg_per_respondent_year
        yield {
            "year": wave.year,
            "surveys": figures.surveys,
            "organisations": figures.organisations,
            "responses": figures.responses,
            "employees": figures.employees,
            **_mode_shares(figures.modal_split_trips),
            "co2e_commute_kg_per_employee": _round(co2e["commute"], 1),
            "co2e_business_kg_per_employee": _round(co2e["business"], 1),
            "co2e_total_kg_per_employee": _round(co2e["total"], 1),
        }


def waves_updated() -> date | None:
    """The day of the newest answer counted in a published year (answers are dated by the day only): a survey
    left out for having fewer than 5 answers does not tell when its few answered."""
    years = [row["year"] for row in wave_rows()]
    if not years:
        return None
    in_years = sa.or_(*(TravelSurvey.closes_on.between(date(year, 1, 1), date(year, 12, 31)) for year in years))
    counted = (
        sa.select(SurveyResponse.survey_id).group_by(SurveyResponse.survey_id).having(sa.func.count() >= MIN_GROUP)
    )
    return db.session.scalar(
        sa.select(sa.func.max(SurveyResponse.submitted_on))
        .join(TravelSurvey, TravelSurvey.id == SurveyResponse.survey_id)
        .where(in_years, SurveyResponse.survey_id.in_(counted))
    )


# ---- where commitments are carried out ---------------------------------------------------------------------------


def location_rows() -> Iterable[Row]:

    for row in geo.location_rows(PUBLIC_VIEWER):
        yield row._asdict()


def locations_geojson() -> bytes:

    return json.dumps(geo.feature_collection(PUBLIC_VIEWER), ensure_ascii=False).encode()


# ---- the registry ------------------------------------------------------------------------------------------------


def _registry() -> dict[str, Dataset]:
    datasets = (
        Dataset(
            "organisations",
            _l("Members"),
            _l("The member directory: members and paused members, never prospects, applicants or external partners."),
            ORGANISATION_COLUMNS,
            organisation_rows,
            stamp="updated_at",
        ),
        Dataset(
            "commitments",
            _l("Commitments"),
            _l(
                "The members' public commitments that stand (not withdrawn), with their progress and status computed "
                "from the baseline, the target and the latest report."
            ),
            COMMITMENT_COLUMNS,
            commitment_rows,
            stamp="updated_at",
        ),
        Dataset(
            "progress_reports",
            _l("Progress reports"),
            _l("The values reported on the public commitments, without who reported them or the evidence files."),
            REPORT_COLUMNS,
            report_rows,
            stamp="created_at",
        ),
        Dataset(
            "commitment_locations",
            _l("Where commitments are carried out"),
            _l("One row (or GeoJSON point) per place of a public commitment, in WGS 84 longitude and latitude."),
            LOCATION_COLUMNS,
            location_rows,
            stamp="updated_at",
            files={"geojson": locations_geojson},
        ),
        Dataset(
            "activities",
            _l("Joint activities"),
            _l("The public joint activities: projects, workshops, campaigns, study visits and more."),
            ACTIVITY_COLUMNS,
            activity_rows,
            stamp="updated_at",
            feed=("ics", "activities.feed"),
        ),
        Dataset(
            "goals",
            _l("Plan goals"),
            _l("The goals and sub-goals of each plan year; the structure is adjusted every year."),
            GOAL_COLUMNS,
            goal_rows,
            stamp="created_at",
        ),
        Dataset(
            "indicator_values",
            _l("Key figures"),
            _l("The yearly values of the indicators that follow the goals up, for the network or per municipality."),
            INDICATOR_VALUE_COLUMNS,
            indicator_value_rows,
            stamp="updated_at",
        ),
        Dataset(
            "network_ties",
            _l("Collaboration network"),
            _l(
                "Who works with whom, from the latest public measurement of the network: public activities, working "
                "groups and confirmed ties, never members-only work."
            ),
            TIE_COLUMNS,
            tie_rows,
            updated=ties_updated,
            files={"graphml": network_graphml},
        ),
        Dataset(
            "travel_waves",
            _l("Travel habits, the whole network"),
            PUBLISHED_WAVE_EN,
            WAVE_COLUMNS,
            wave_rows,
            updated=waves_updated,
        ),
    )
    return {dataset.key: dataset for dataset in datasets}


DATASETS: dict[str, Dataset] = _registry()


def summary(dataset: Dataset) -> Summary:
    """How many rows and when last updated, counted over the same rows the files hold (kept a few minutes)."""
    key = f"opendata:summary:{dataset.key}"
    found = cache.get(key)
    if found is None:
        count, newest = 0, None
        for row in dataset.rows():
            count += 1
            value = row[dataset.stamp] if dataset.stamp else None
            if value is not None and (newest is None or value > newest):
                newest = value
        found = Summary(count, dataset.updated() if dataset.updated else newest)
        cache.set(key, found, timeout=SUMMARY_SECONDS)
    return found


MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "graphml": "application/graphml+xml",
}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel (XLSX)", "geojson": "GeoJSON", "graphml": "GraphML", "ics": "iCalendar"}


def file_of(dataset: Dataset, fmt: str) -> bytes | None:
    """The data set as a file in `fmt`; None for a format it does not come in (or has no data for yet).

    Open data is always comma-separated, whatever the visitor's language, so that the same address always gives
    the same file (Excel users have the XLSX)."""
    if fmt == "csv":
        return table_csv(dataset.columns, dataset.rows())
    if fmt == "xlsx":
        return table_xlsx(dataset.columns, dataset.rows(), sheet=dataset.key)
    maker = dataset.files.get(fmt)
    return maker() if maker else None


def write_csv(dataset: Dataset, directory: Path) -> tuple[Path, Path, int]:
    """The data set and its dictionary as CSV files in `directory` (the CLI's export); returns them and the rows."""
    written = 0

    def counted() -> Iterator[Row]:
        nonlocal written
        for row in dataset.rows():
            written += 1
            yield row

    data, dictionary = directory / f"{dataset.key}.csv", directory / f"{dataset.key}.dictionary.csv"
    data.write_bytes(table_csv(dataset.columns, counted()))
    dictionary.write_bytes(dictionary_csv(dataset.columns))
    return data, dictionary, written


# ---- an organisation's own: report once, use in other schemes' reporting -----------------------------------------


def _change_percent(base: float, target: float) -> float | None:
    return None if not base else round((target - base) / abs(base) * 100, 1)


def own_commitment_rows(organisation_id: int, locale: str) -> Iterable[Row]:
    """Every commitment of the organisation, whatever its visibility, withdrawn ones last."""

    own = organisation_commitments(organisation_id)
    places = municipality_names()
    milestones: dict[int, list[str]] = {}
    for commitment_id, year, value in _rows(
        sa.select(Milestone.commitment_id, Milestone.year, Milestone.value)
        .join(Commitment, Commitment.id == Milestone.commitment_id)
        .where(Commitment.organisation_id == organisation_id)
        .order_by(Milestone.year)
    ):
        milestones.setdefault(commitment_id, []).append(f"{year}: {value:g}")
    url = public_urls("commitments.show")
    for item in own:
        commitment, assessment = item.commitment, item.state.assessment
        latest = assessment.latest
        yield {
            "id": commitment.id,
            "title": commitment.title,
            "description": commitment.description,
            "category": commitment.category,
            "category_name": str(CATEGORY_LABELS[commitment.category]),
            "focus_area": commitment.focus_area.name(locale) if commitment.focus_area else None,
            "indicator": commitment.indicator,
            "unit": commitment.unit,
            "unit_name": str(UNIT_LABELS[commitment.unit]),
            "base_year": commitment.baseline_year,
            "base_value": commitment.baseline_value,
            "target_year": commitment.target_year,
            "target_value": commitment.target_value,
            "target_change_percent": _change_percent(commitment.baseline_value, commitment.target_value),
            "milestones": "; ".join(milestones.get(commitment.id, [])),
            "latest_year": latest.on.year if latest else None,
            "latest_date": latest.on if latest else None,
            "latest_value": latest.value if latest else None,
            "percent_achieved": _round(assessment.progress, 1),
            "expected_percent": _round(assessment.expected, 1),
            "status": item.state.status,
            "status_name": str(STATUS_LABELS[item.state.status]),
            "reports": item.state.reports,
            "visibility": commitment.visibility,
            "withdrawn_on": commitment.withdrawn_at.date() if commitment.withdrawn_at else None,
            "municipalities": "; ".join(places.get(commitment.id, [])),
            "url": url(commitment_id=commitment.id),
        }


def own_survey_rows(organisation_id: int, locale: str) -> Iterable[Row]:
    """Aggregates of the organisation's surveys with at least MIN_GROUP answers: never an answer itself."""

    surveys = list(
        db.session.scalars(
            sa.select(TravelSurvey)
            .where(TravelSurvey.organisation_id == organisation_id)
            .order_by(TravelSurvey.closes_on.desc(), TravelSurvey.id.desc())
        )
    )
    totals = totals_by(SurveyResponse.survey_id, SurveyResponse.survey_id.in_([survey.id for survey in surveys]))
    factors = factors_in_force()
    for survey in surveys:
        counted = totals.get(survey.id)
        if counted is None or counted.responses < MIN_GROUP:
            continue
        try:
            results = results_from(counted, employees=survey.employees, work_weeks=survey.work_weeks, factors=factors)
        except MissingFactors:  # without emission factors there are no figures
            return
        co2e = results.co2e_kg_per_respondent_year
        yield {
            "id": survey.id,
            "title": survey.title,
            "opens_on": survey.opens_on,
            "closes_on": survey.closes_on,
            "employees": survey.employees,
            "responses": results.responses,
            "response_rate": _round(results.response_rate),
            **_mode_shares(results.modal_split_trips),
            "work_weeks": survey.work_weeks,
            "commute_km_per_employee": _round(results.commute_km_per_respondent_year, 1),
            "co2e_commute_kg_per_employee": _round(co2e["commute"], 1),
            "co2e_business_kg_per_employee": _round(co2e["business"], 1),
            "co2e_total_kg_per_employee": _round(co2e["total"], 1),
            "co2e_total_tonnes": _round(results.extrapolated_total_co2e_kg / 1000, 2),
        }


ORGANISATION_DATASETS: dict[str, Dataset] = {
    "commitments": Dataset(
        "organisation_commitments",
        _l("Our commitments, for other reporting"),
        _l(
            "All of your organisation's commitments, whatever their visibility, with base and target, the latest "
            "value, how much is achieved and the status: the columns other schemes ask for (Fossilfritt Sverige, "
            "CDP-style questionnaires), so that you report once."
        ),
        OWN_COMMITMENT_COLUMNS,
        own_commitment_rows,
    ),
    "surveys": Dataset(
        "organisation_surveys",
        _l("Our travel surveys, results"),
        _l(
            "The results of your organisation's travel surveys with at least 5 answers: response rate, modal split "
            "and emissions per employee. No single answer is ever exported."
        ),
        OWN_SURVEY_COLUMNS,
        own_survey_rows,
    ),
}


def find_dataset(key: str) -> Dataset | None:
    """A public data set or an organisation's own by its key (their dictionaries are public alike)."""
    if key in DATASETS:
        return DATASETS[key]
    return next((dataset for dataset in ORGANISATION_DATASETS.values() if dataset.key == key), None)
