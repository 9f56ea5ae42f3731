"""The API's schemas: the query parameters and the body are validated with these, and the OpenAPI document is
generated from them (and from the output models, which say what each answer holds)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from coaction.activities.models import ActivityKind, Role
from coaction.commitments.models import Category, Unit
from coaction.commitments.progress import Status, Verification
from coaction.core.status import WorkStatus
from coaction.members.models import MembershipStatus, Sector
from coaction.travel.results import MODES

MAX_ID = 2_147_483_647  # an id beyond a 32-bit integer names nothing (and must not reach the database)
MAX_PER_PAGE = 500


def _calendar_day(value: object) -> object:
    """Only YYYY-MM-DD is a day: pydantic would otherwise read a number as seconds since 1970."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("Give a day as YYYY-MM-DD.")


Day = Annotated[date, BeforeValidator(_calendar_day)]
NO_NUL = r"^[^\x00]*$"  # the site refuses a NUL character anywhere in a request (PostgreSQL cannot store one)


class Query(BaseModel):
    """Query parameters: an unknown one is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Query):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1. Past the last page: no items.")
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE, description="Items per page.")


def reference(description: str) -> object:
    return Field(None, ge=1, le=MAX_ID, description=description)


class OrganisationQuery(PageQuery):
    q: str = Field("", max_length=200, pattern=NO_NUL, description="Part of the name, in any case.")
    sector: Sector | None = Field(None, description="Only this sector.")
    municipality: int | None = reference("Only organisations registered in this municipality (its id).")


class CommitmentQuery(PageQuery):
    q: str = Field("", max_length=200, pattern=NO_NUL, description="Part of the title or the organisation's name.")
    organisation: int | None = reference("Only this organisation's commitments (its id).")
    category: Category | None = None
    focus_area: int | None = reference("Only this focus area (its id).")
    municipality: int | None = reference("Located in this municipality, or made by an organisation there.")
    goal: int | None = reference("Linked to this plan goal or its sub-goals, in any plan year.")
    status: Status | None = Field(None, description="Computed status, as on the site.")
    sort: str = Field(
        "title",
        pattern="^(title|organisation|status|progress|target_year|newest)$",
        description="title, organisation, status, progress, target_year or newest.",
    )


class GeoQuery(Query):
    category: Category | None = None
    status: Status | None = Field(None, description="Computed status, as on the site.")
    focus_area: int | None = reference("Only this focus area (its id).")
    municipality: int | None = reference("Located in this municipality, or made by an organisation there.")
    sector: Sector | None = Field(None, description="Only commitments of organisations of this sector.")
    organisation: int | None = reference("Only this organisation's commitments (its id).")


class ActivityQuery(PageQuery):
    kind: ActivityKind | None = None
    status: WorkStatus | None = None
    focus_area: int | None = reference("Only this focus area (its id).")
    organisation: int | None = reference("Only activities this organisation takes part in (its id).")
    municipality: int | None = reference("Taking place in this municipality, or with a participant there.")
    period_from: Day | None = Field(None, description="Running on or after this day (YYYY-MM-DD).")
    period_to: Day | None = Field(None, description="Starting on or before this day (YYYY-MM-DD).")


class GoalQuery(Query):
    plan_year: int | None = Field(None, ge=1990, le=2100, description="The plan year; without it the latest.")


class NetworkQuery(PageQuery):
    sort: str = Field(
        "degree", pattern="^(degree|betweenness|pagerank|name)$", description="degree, betweenness, pagerank or name."
    )


class ReportBody(BaseModel):
    """A progress report: the value measured on a day, in the commitment's own unit."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as stated: false is not a value of 0

    reported_on: Day = Field(description="The day the value was measured (YYYY-MM-DD), not in the future.")
    value: float = Field(ge=-1e12, le=1e12, allow_inf_nan=False, description="The value, in the commitment's unit.")
    comment: str | None = Field(None, max_length=2000, pattern=NO_NUL, description="What lies behind the figure.")
    evidence_url: str | None = Field(
        None, max_length=500, pattern=r"^https?://[^\s\x00]+$", description="A link to a source for the figure."
    )


# ---- What the answers hold ------------------------------------------------------------------------------------


class OrganisationRef(BaseModel):
    id: int
    name: str
    slug: str | None = Field(description="Its page on the site is /members/<slug>; none for external organisations.")


class Organisation(BaseModel):
    id: int
    name: str
    slug: str
    sector: Sector
    status: MembershipStatus = Field(description="member or paused: only those are public.")
    municipality: str | None
    municipality_id: int | None
    employees: int | None
    website: str | None
    description: str | None
    member_since: date | None
    parent: OrganisationRef | None
    url: str


class FocusArea(BaseModel):
    id: int
    code: str
    name_sv: str
    name_en: str


class Measure(BaseModel):
    value: float
    year: int


class Latest(BaseModel):
    value: float
    reported_on: date


class Location(BaseModel):
    latitude: float
    longitude: float
    municipality: str | None


class Commitment(BaseModel):
    id: int
    title: str
    description: str | None
    organisation: OrganisationRef
    category: Category
    focus_area: FocusArea | None
    indicator: str
    unit: Unit
    baseline: Measure
    target: Measure
    latest: Latest | None
    progress_percent: float | None = Field(description="From baseline towards target, 0–100; none without a report.")
    expected_percent: float = Field(description="Where the straight line from baseline to target stands today.")
    status: Status
    verification: Verification
    reports: int
    locations: list[Location]
    goal_ids: list[int]
    url: str


class Report(BaseModel):
    id: int
    reported_on: date
    value: float
    comment: str | None
    evidence_url: str | None
    has_evidence: bool


class CommitmentDetail(Commitment):
    progress_reports: list[Report]


class Participant(BaseModel):
    organisation: OrganisationRef
    role: Role


class Activity(BaseModel):
    id: int
    title: str
    kind: ActivityKind
    status: WorkStatus
    focus_area: FocusArea | None
    description: str | None
    starts_on: date
    ends_on: date | None
    starts_at: str | None = Field(description="Time of day (HH:MM) in the network's time zone.")
    ends_at: str | None
    place: str | None
    online: bool
    municipality: str | None
    funding_source: str | None
    funding_sek: int | None
    outcomes: str | None
    participants: list[Participant]
    url: str


class IndicatorValue(BaseModel):
    year: int
    municipality: str | None = Field(description="None: the whole network.")
    value: float
    source: str


class Indicator(BaseModel):
    id: int
    name: str
    unit: str
    description: str | None
    values: list[IndicatorValue]


class Goal(BaseModel):
    id: int
    plan_year: int
    parent_id: int | None
    focus_area: str
    title: str
    description: str | None
    responsible: str | None
    indicators: list[Indicator]
    url: str


class Goals(BaseModel):
    plan_year: int | None
    plan_years: list[int]
    items: list[Goal]


class Node(BaseModel):
    organisation: OrganisationRef
    degree: int = Field(description="Partners.")
    weighted_degree: float
    betweenness: float = Field(description="Share of shortest paths through it (sampled above 1,000 organisations).")
    pagerank: float
    clustering: float
    community: int
    cut_point: bool = Field(description="Removing it splits the network.")


class Edge(BaseModel):
    a: OrganisationRef
    b: OrganisationRef
    kinds: list[str]
    weight: float
    first_seen: date
    last_seen: date


class Snapshot(BaseModel):
    computed_at: datetime | None
    organisations: int
    ties: int
    betweenness_sample: int | None = Field(description="Sources betweenness was sampled from; none: exact.")
    figures: dict[str, float | int | None]


class WaveCounts(BaseModel):
    year: int = Field(description="The year the surveys closed (a year is published once it is over).")
    surveys: int
    organisations: int
    responses: int
    employees: int
    co2e_commute_kg_per_employee: float | None = Field(description="kg CO2e a year, the mean over the answers.")
    co2e_business_kg_per_employee: float | None
    co2e_total_kg_per_employee: float | None


# The columns of the open data's travel_waves, one share (0–1) of the commuting trips per main mode.
TravelWave = create_model(
    "TravelWave",
    __base__=WaveCounts,
    **{f"share_trips_{mode}": (float | None, Field(description=f"Share of trips mainly by {mode}.")) for mode in MODES},
)


class Travel(BaseModel):
    rule: str
    waves: list[TravelWave]  # type: ignore[valid-type]


class TokenInfo(BaseModel):
    organisation: OrganisationRef
    user: str
    expires_at: datetime


class Error(BaseModel):
    status: int
    title: str
    message: str
    problems: dict[str, str] | None = Field(None, description="What is wrong with each parameter or field.")


class ErrorBody(BaseModel):
    error: Error
