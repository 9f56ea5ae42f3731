"""Making, changing, withdrawing and verifying commitments, and reporting progress on them.

Services take plain values and the acting user, flush, and leave the commit to the caller (view, command, job)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from coaction.audit.services import record
from coaction.auth.models import User
from coaction.commitments.evidence import EvidenceError, remove_evidence, store_evidence
from coaction.commitments.models import (
    CATEGORY_UNITS,
    Category,
    Commitment,
    CommitmentLocation,
    CommitmentTemplate,
    FocusArea,
    Milestone,
    ProgressReport,
    Unit,
    Visibility,
)
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.goals.models import PlanGoal
from coaction.members.models import Organisation
from coaction.members.organisation import admins_of
from coaction.regions.models import Municipality

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_VALUE = 1e12


class CommitmentError(ValueError):
    """A commitment or report that cannot be saved; `problems` maps each field to a code the forms put in words."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{name}: {code}" for name, code in problems.items()))
        self.problems = problems


@dataclass
class CommitmentDetails:
    title: str
    category: Category
    indicator: str
    unit: Unit
    baseline_value: float
    baseline_year: int
    target_value: float
    target_year: int
    visibility: Visibility = Visibility.PUBLIC
    description: str | None = None
    focus_area_id: int | None = None
    responsible_id: int | None = None
    goal_ids: list[int] = field(default_factory=list)
    municipality_ids: list[int] = field(default_factory=list)
    coordinates: list[tuple[float, float]] = field(default_factory=list)  # (latitude, longitude)
    milestones: list[tuple[int, float]] = field(default_factory=list)  # (year, value)


def value_problem(value: float | None, unit: Unit) -> str | None:
    """A measured value is a number, not negative (counts, energy and emissions all start at zero), and a share is
    at most 100 per cent."""
    if value is None:
        return "missing"
    if value != value or abs(value) > MAX_VALUE:  # NaN or absurd
        return "not_a_number"
    if value < 0:
        return "negative"
    if unit == Unit.PERCENT and value > 100:
        return "over_100"
    return None


def plan_problems(details: CommitmentDetails) -> dict[str, str]:
    """Everything wrong with a commitment's plan, by field: the forms show these, the service refuses them."""
    problems: dict[str, str] = {}
    if not details.title.strip():
        problems["title"] = "missing"
    if not details.indicator.strip():
        problems["indicator"] = "missing"
    if details.unit not in CATEGORY_UNITS[details.category]:
        problems["unit"] = "unit_not_in_category"
    for name in ("baseline_year", "target_year"):
        year = getattr(details, name)
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            problems[name] = "year_range"
    years_known = "baseline_year" not in problems and "target_year" not in problems
    if years_known and details.target_year < details.baseline_year:
        problems["target_year"] = "target_before_baseline"
        years_known = False
    for name in ("baseline_value", "target_value"):
        problem = value_problem(getattr(details, name), details.unit)
        if problem:
            problems[name] = problem
    for year, value in details.milestones:
        if years_known and not details.baseline_year <= year <= details.target_year:
            problems["milestones"] = "milestone_year"
        elif value_problem(value, details.unit):
            problems["milestones"] = "milestone_value"
    if len({year for year, _ in details.milestones}) != len(details.milestones):
        problems["milestones"] = "milestone_twice"
    for latitude, longitude in details.coordinates:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            problems["coordinates"] = "coordinates_range"
    return problems


def _check_references(organisation: Organisation, details: CommitmentDetails) -> dict[str, str]:
    problems = {}
    if details.responsible_id is not None:
        person = db.session.get(User, details.responsible_id)
        if person is None or person.organisation_id != organisation.id:
            problems["responsible_id"] = "not_ours"
    if details.focus_area_id is not None and db.session.get(FocusArea, details.focus_area_id) is None:
        problems["focus_area_id"] = "unknown"
    if details.goal_ids:
        found = db.session.scalar(sa.select(sa.func.count()).where(PlanGoal.id.in_(details.goal_ids)))
        if found != len(set(details.goal_ids)):
            problems["goal_ids"] = "unknown"
    return problems


def _apply(commitment: Commitment, details: CommitmentDetails) -> None:
    for name in (
        "title",
        "description",
        "focus_area_id",
        "category",
        "indicator",
        "unit",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
        "visibility",
        "responsible_id",
    ):
        setattr(commitment, name, getattr(details, name))
    commitment.title = details.title.strip()
    commitment.goals = list(db.session.scalars(sa.select(PlanGoal).where(PlanGoal.id.in_(details.goal_ids))))
    municipalities = db.session.scalars(sa.select(Municipality).where(Municipality.id.in_(details.municipality_ids)))
    commitment.locations = [
        CommitmentLocation(latitude=m.latitude, longitude=m.longitude, municipality_id=m.id) for m in municipalities
    ] + [CommitmentLocation(latitude=lat, longitude=lon) for lat, lon in details.coordinates]
    commitment.milestones = [Milestone(year=year, value=value) for year, value in sorted(details.milestones)]


def snapshot(commitment: Commitment) -> dict:
    """What the audit log compares before and after a change."""
    return {
        "title": commitment.title,
        "description": commitment.description,
        "focus_area_id": commitment.focus_area_id,
        "category": str(commitment.category),
        "indicator": commitment.indicator,
        "unit": str(commitment.unit),
        "baseline": [commitment.baseline_value, commitment.baseline_year],
        "target": [commitment.target_value, commitment.target_year],
        "visibility": str(commitment.visibility),
        "responsible_id": commitment.responsible_id,
        "goals": sorted(goal.id for goal in commitment.goals),
        "locations": [[round(p.latitude, 6), round(p.longitude, 6), p.municipality_id] for p in commitment.locations],
        "milestones": [[m.year, m.value] for m in commitment.milestones],
    }


def _validated(organisation: Organisation, details: CommitmentDetails) -> None:
    problems = plan_problems(details) | _check_references(organisation, details)
    if problems:
        raise CommitmentError(problems)


def create_commitment(
    organisation: Organisation,
    details: CommitmentDetails,
    *,
    actor: User,
    ip: str | None,
    template: CommitmentTemplate | None = None,
) -> Commitment:
    _validated(organisation, details)
    commitment = Commitment(organisation=organisation, template_id=template.id if template else None)
    _apply(commitment, details)
    db.session.add(commitment)
    db.session.flush()
    record(actor, "commitment.created", commitment, snapshot(commitment), ip)
    return commitment


def update_commitment(commitment: Commitment, details: CommitmentDetails, *, actor: User, ip: str | None) -> None:
    _validated(commitment.organisation, details)
    before = snapshot(commitment)
    _apply(commitment, details)
    db.session.flush()
    after = snapshot(commitment)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        record(actor, "commitment.updated", commitment, changes, ip)


def withdraw_commitment(commitment: Commitment, *, reason: str | None, actor: User, ip: str | None) -> None:
    """The commitment and its reports stay (the history is kept); it leaves every list and roll-up."""
    if commitment.withdrawn_at is not None:
        raise CommitmentError({"commitment": "withdrawn"})
    commitment.withdrawn_at = utcnow()
    record(actor, "commitment.withdrawn", commitment, {"reason": reason}, ip)


@dataclass
class ReportInput:
    reported_on: date
    value: float
    comment: str | None = None
    evidence_url: str | None = None
    evidence: bytes | None = None
    evidence_name: str | None = None


def report_problems(commitment: Commitment, report: ReportInput, today: date) -> dict[str, str]:
    problems = {}
    if report.reported_on > today:
        problems["reported_on"] = "future"
    elif report.reported_on.year < MIN_YEAR:
        problems["reported_on"] = "year_range"
    problem = value_problem(report.value, commitment.unit)
    if problem:
        problems["value"] = problem
    return problems


def add_report(
    commitment: Commitment, report: ReportInput, *, today: date, upload_path: str, actor: User, ip: str | None
) -> ProgressReport:
    """One report; an evidence file is checked by content and stored only when everything else holds."""
    if commitment.withdrawn_at is not None:
        raise CommitmentError({"commitment": "withdrawn"})
    problems = report_problems(commitment, report, today)
    if problems:
        raise CommitmentError(problems)
    stored = content_type = None
    if report.evidence:
        try:
            stored, content_type = store_evidence(report.evidence, upload_path)
        except EvidenceError as error:
            raise CommitmentError({"evidence": f"evidence_{error.code}"}) from error
    progress = ProgressReport(
        commitment=commitment,
        reported_on=report.reported_on,
        value=report.value,
        comment=(report.comment or "").strip() or None,
        evidence_url=report.evidence_url or None,
        evidence_file=stored,
        evidence_name=((report.evidence_name or "")[:200] or None) if stored else None,
        evidence_type=content_type,
        reporter_id=getattr(actor, "id", None),
    )
    db.session.add(progress)
    try:
        db.session.flush()
        count_report(commitment, progress)
    except Exception:
        if stored:
            remove_evidence(stored, upload_path)  # nothing half-written: no file without its report
        raise
    record(
        actor,
        "commitment.reported",
        commitment,
        {
            "report_id": progress.id,
            "reported_on": progress.reported_on.isoformat(),
            "value": progress.value,
            "evidence": bool(progress.has_evidence),
        },
        ip,
    )
    return progress


def count_report(commitment: Commitment, report: ProgressReport) -> None:
    """The commitment's facts about its reports (see Commitment.report_count), updated with the new one."""
    commitment.report_count = (commitment.report_count or 0) + 1
    commitment.evidence_count = (commitment.evidence_count or 0) + (1 if report.has_evidence else 0)
    commitment.last_report_at = report.created_at
    if commitment.latest_reported_on is None or report.reported_on >= commitment.latest_reported_on:
        commitment.latest_reported_on, commitment.latest_value = report.reported_on, report.value
    db.session.flush()


def verify_commitment(commitment: Commitment, *, note: str | None, actor: User, ip: str | None) -> None:
    """The network office has seen the reports and their evidence; a later report needs a new verification."""
    if not commitment.reports:
        raise CommitmentError({"commitment": "nothing_to_verify"})
    commitment.verified_at = utcnow()
    commitment.verified_by_id = actor.id
    commitment.verification_note = (note or "").strip()[:1000] or None
    record(actor, "commitment.verified", commitment, {"note": commitment.verification_note}, ip)


TEMPLATE_FIELDS = ("title", "description", "focus_area_id", "category", "indicator", "unit", "active")


def save_template(template: CommitmentTemplate | None, *, actor: User, ip: str | None, **values) -> CommitmentTemplate:
    if values["unit"] not in CATEGORY_UNITS[values["category"]]:
        raise CommitmentError({"unit": "unit_not_in_category"})
    created = template is None
    template = template or CommitmentTemplate()
    changes = {
        name: [None if created else str(getattr(template, name)), str(values[name])]
        for name in TEMPLATE_FIELDS
        if name in values and (created or getattr(template, name) != values[name])
    }
    for name in TEMPLATE_FIELDS:
        if name in values:
            setattr(template, name, values[name])
    db.session.add(template)
    db.session.flush()
    if changes:
        record(
            actor, "commitment_template.created" if created else "commitment_template.updated", template, changes, ip
        )
    return template


def details_from_template(template: CommitmentTemplate, year: int) -> dict:
    """What a form starts from when an organisation adopts a template: the plan is the organisation's to set."""
    return {
        "title": template.title,
        "description": template.description,
        "focus_area": template.focus_area_id or 0,  # the form's field name, as views.form_data has it
        "category": template.category.value,
        "indicator": template.indicator,
        "unit": template.unit.value,
        "baseline_year": year,
        "target_year": year + 3,
    }


def active_templates() -> list[CommitmentTemplate]:
    return list(
        db.session.scalars(
            sa.select(CommitmentTemplate).where(CommitmentTemplate.active.is_(True)).order_by(CommitmentTemplate.title)
        )
    )


def all_templates() -> list[CommitmentTemplate]:
    return list(db.session.scalars(sa.select(CommitmentTemplate).order_by(CommitmentTemplate.title)))


def focus_areas() -> list[FocusArea]:
    return list(db.session.scalars(sa.select(FocusArea).order_by(FocusArea.position, FocusArea.id)))


@dataclass(frozen=True)
class Reminded:
    window: str
    organisations: int
    mails: int


def remind_due(today: date) -> Reminded:
    """Mails the admins of every member organisation with reports due or overdue in the current window, once per
    window and organisation: running it twice in a window sends nothing new."""
    from coaction.commitments.listing import reporting_period, state_of, state_query, tolerance
    from coaction.commitments.models import ReportReminder
    from coaction.commitments.progress import Status
    from coaction.commitments.reminders import report_due, window_of
    from coaction.mail.services import queue_mail
    from coaction.members.models import PUBLIC_STATUSES

    period = reporting_period()
    window = window_of(today, period)
    reminded = set(
        db.session.scalars(sa.select(ReportReminder.organisation_id).where(ReportReminder.window == window.key))
    )
    query = state_query(
        Commitment.withdrawn_at.is_(None),
        Organisation.status.in_(PUBLIC_STATUSES),
        extra=[Commitment.organisation_id, Commitment.title],
    )
    due: dict[int, list[tuple[str, str]]] = {}
    tol = tolerance()
    for row in db.session.execute(query):
        if row.organisation_id in reminded:
            continue
        state = state_of(row._tuple(), today, tol)
        verdict = report_due(
            latest_on=row.latest_on,
            baseline_year=row.baseline_year,
            done=state.status == Status.DONE,
            today=today,
            period=period,
        )
        if verdict is not None:
            due.setdefault(row.organisation_id, []).append((row.title, verdict.value))
    mails = organisations = 0
    for organisation_id, items in sorted(due.items()):
        organisation = db.session.get(Organisation, organisation_id)
        admins = admins_of(organisation)
        if not admins:
            continue  # nobody to tell yet: an admin added later in the window is still reminded
        organisations += 1
        for admin in admins:
            queue_mail(
                admin.email,
                "commitments_due",
                admin.locale,
                organisation=organisation,
                items=sorted(items),
                person=admin,
            )
            mails += 1
        db.session.add(ReportReminder(organisation_id=organisation_id, window=window.key, commitments=len(items)))
        record("system", "commitment.reminded", organisation, {"window": window.key, "commitments": len(items)})
    db.session.flush()
    return Reminded(window.key, organisations, mails)
