"""Making, changing, withdrawing, reporting on and verifying commitments through the services."""

from datetime import date

import pytest
import sqlalchemy as sa

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.commitments.listing import state_for
from coaction.commitments.models import Category, Commitment, Unit, Visibility
from coaction.commitments.progress import Status, Verification
from coaction.commitments.services import (
    CommitmentDetails,
    CommitmentError,
    ReportInput,
    add_report,
    create_commitment,
    plan_problems,
    update_commitment,
    verify_commitment,
    withdraw_commitment,
)
from coaction.extensions import db
from tests.conftest import UPLOADS
from tests.factories import make_goal, make_municipality, make_organisation, make_user, tiny_pdf


def details(**changes) -> CommitmentDetails:
    values = {
        "title": "Laddpunkter",
        "category": Category.CHARGING,
        "indicator": "Laddpunkter vid kontoret",
        "unit": Unit.CHARGING_POINTS,
        "baseline_value": 4,
        "baseline_year": 2024,
        "target_value": 40,
        "target_year": 2028,
    } | changes
    return CommitmentDetails(**values)


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, {}),
        ({"target_year": 2020}, {"target_year": "target_before_baseline"}),
        ({"baseline_value": -1}, {"baseline_value": "negative"}),
        ({"unit": Unit.PERCENT, "target_value": 120}, {"target_value": "over_100"}),
        ({"unit": Unit.MWH}, {"unit": "unit_not_in_category"}),
        ({"baseline_year": 1800}, {"baseline_year": "year_range"}),
        ({"target_value": float("nan")}, {"target_value": "not_a_number"}),
        ({"milestones": [(2030, 20)]}, {"milestones": "milestone_year"}),
        ({"milestones": [(2026, 20), (2026, 30)]}, {"milestones": "milestone_twice"}),
        ({"coordinates": [(95.0, 17.0)]}, {"coordinates": "coordinates_range"}),
        ({"title": "  "}, {"title": "missing"}),
        ({"category": Category.OTHER, "unit": Unit.MWH}, {}),  # "other" takes any unit
    ],
)
def test_plan_problems(changes, problems):
    assert plan_problems(details(**changes)) == problems


@pytest.fixture
def organisation_admin(app):
    organisation = make_organisation(name="Laddbolaget AB")
    admin = make_user(role=Role.ORG_ADMIN, organisation=organisation)
    return organisation, admin


def test_create_keeps_places_goals_and_milestones_and_is_audited(organisation_admin):
    organisation, admin = organisation_admin
    place = make_municipality(name="Salem", latitude=59.2, longitude=17.77)
    goal = make_goal()
    commitment = create_commitment(
        organisation,
        details(municipality_ids=[place.id], coordinates=[(59.19, 17.63)], goal_ids=[goal.id], milestones=[(2026, 20)]),
        actor=admin,
        ip="127.0.0.1",
    )
    db.session.commit()
    assert [(p.latitude, p.longitude, p.municipality_id) for p in commitment.locations] == [
        (59.2, 17.77, place.id),
        (59.19, 17.63, None),
    ]
    assert commitment.goals == [goal] and [(m.year, m.value) for m in commitment.milestones] == [(2026, 20)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "commitment.created"))
    assert event.actor_id == admin.id and event.changes["target"] == [40, 2028] and event.ip == "127.0.0.1"


def test_a_responsible_person_must_be_of_the_organisation(organisation_admin):
    organisation, admin = organisation_admin
    stranger = make_user(organisation=make_organisation())
    with pytest.raises(CommitmentError) as refused:
        create_commitment(organisation, details(responsible_id=stranger.id), actor=admin, ip=None)
    assert refused.value.problems == {"responsible_id": "not_ours"}


def test_update_records_only_what_changed(organisation_admin):
    organisation, admin = organisation_admin
    commitment = create_commitment(organisation, details(), actor=admin, ip=None)
    update_commitment(commitment, details(target_value=60, visibility=Visibility.MEMBERS), actor=admin, ip=None)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "commitment.updated"))
    assert event.changes == {"target": [[40, 2028], [60, 2028]], "visibility": ["public", "members"]}
    with pytest.raises(CommitmentError):
        update_commitment(commitment, details(target_year=2000), actor=admin, ip=None)


def test_reports_evidence_and_verification(organisation_admin):
    organisation, admin = organisation_admin
    coordinator = make_user(role=Role.COORDINATOR)
    commitment = create_commitment(organisation, details(), actor=admin, ip=None)
    with pytest.raises(CommitmentError):
        verify_commitment(commitment, note=None, actor=coordinator, ip=None)  # nothing reported yet
    today = date(2026, 12, 1)
    add_report(commitment, ReportInput(date(2026, 1, 10), 10), today=today, upload_path=UPLOADS, actor=admin, ip=None)
    assert state_for(commitment).verification == Verification.SELF_DECLARED
    add_report(
        commitment,
        ReportInput(date(2026, 6, 10), 20, evidence=tiny_pdf(), evidence_name="kvitto.pdf"),
        today=today,
        upload_path=UPLOADS,
        actor=admin,
        ip=None,
    )
    assert state_for(commitment).verification == Verification.EVIDENCE
    verify_commitment(commitment, note="Sett fakturan", actor=coordinator, ip=None)
    db.session.commit()
    assert state_for(commitment).verification == Verification.VERIFIED
    assert db.session.scalar(sa.select(AuditEvent.changes).where(AuditEvent.action == "commitment.verified")) == {
        "note": "Sett fakturan"
    }
    add_report(commitment, ReportInput(date(2026, 9, 10), 25), today=today, upload_path=UPLOADS, actor=admin, ip=None)
    assert state_for(commitment).verification == Verification.EVIDENCE  # the new report is not verified


@pytest.mark.parametrize(
    ("report", "problem"),
    [
        (ReportInput(date(2027, 1, 1), 10), {"reported_on": "future"}),
        (ReportInput(date(2026, 1, 1), -3), {"value": "negative"}),
        (ReportInput(date(2026, 1, 1), 3, evidence=b"%PDF-1.4 not really"), {"evidence": "evidence_type"}),
    ],
)
def test_a_bad_report_saves_nothing(organisation_admin, report, problem):
    organisation, admin = organisation_admin
    commitment = create_commitment(organisation, details(), actor=admin, ip=None)
    db.session.commit()
    with pytest.raises(CommitmentError) as refused:
        add_report(commitment, report, today=date(2026, 12, 1), upload_path=UPLOADS, actor=admin, ip=None)
    assert refused.value.problems == problem
    db.session.rollback()
    assert db.session.get(Commitment, commitment.id).reports == []


def test_withdrawn_commitments_take_no_reports(organisation_admin):
    organisation, admin = organisation_admin
    commitment = create_commitment(organisation, details(), actor=admin, ip=None)
    withdraw_commitment(commitment, reason="Ersatt av ett nytt", actor=admin, ip=None)
    with pytest.raises(CommitmentError):
        add_report(
            commitment,
            ReportInput(date(2026, 1, 1), 5),
            today=date(2026, 2, 1),
            upload_path=UPLOADS,
            actor=admin,
            ip=None,
        )
    with pytest.raises(CommitmentError):
        withdraw_commitment(commitment, reason=None, actor=admin, ip=None)


def test_state_reads_the_latest_report_and_ignores_reports_before_the_baseline(organisation_admin):
    organisation, admin = organisation_admin
    commitment = create_commitment(organisation, details(baseline_year=2025, target_year=2026), actor=admin, ip=None)
    add_report(
        commitment, ReportInput(date(2024, 6, 1), 40), today=date(2026, 3, 1), upload_path=UPLOADS, actor=admin, ip=None
    )
    assert state_for(commitment).status == Status.PLANNED  # the only report predates the baseline
    add_report(
        commitment, ReportInput(date(2026, 2, 1), 40), today=date(2026, 3, 1), upload_path=UPLOADS, actor=admin, ip=None
    )
    state = state_for(commitment)
    assert state.status == Status.DONE and state.assessment.progress == 100.0 and state.reports == 2


def test_the_facts_kept_on_the_commitment_match_its_reports(organisation_admin):
    """add_report keeps report_count, evidence_count and the latest report on the commitment; whatever the order
    the reports arrive in, they equal what the reports themselves say."""
    organisation, admin = organisation_admin
    commitment = create_commitment(organisation, details(baseline_year=2020), actor=admin, ip=None)
    arrivals = [
        (date(2025, 3, 1), 30, None),
        (date(2024, 1, 1), 20, "https://example.se/a"),  # an older value sent later
        (date(2025, 3, 1), 31, None),  # the same day again: the later one counts
        (date(2023, 6, 1), 10, "https://example.se/b"),
    ]
    for day, value, link in arrivals:
        add_report(
            commitment,
            ReportInput(day, value, evidence_url=link),
            today=date(2026, 1, 1),
            upload_path=UPLOADS,
            actor=admin,
            ip=None,
        )
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Commitment, commitment.id)
    newest = max(fresh.reports, key=lambda report: (report.reported_on, report.id))
    assert fresh.report_count == len(fresh.reports) == 4
    assert fresh.evidence_count == sum(1 for report in fresh.reports if report.has_evidence) == 2
    assert (
        (fresh.latest_reported_on, fresh.latest_value) == (newest.reported_on, newest.value) == (date(2025, 3, 1), 31)
    )
    assert fresh.last_report_at == max(report.created_at for report in fresh.reports)
