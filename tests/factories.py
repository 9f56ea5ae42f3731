"""Test data builders: each takes only what a test cares about and fills in the rest."""

from __future__ import annotations

import itertools

from coaction.auth.models import Role, User
from coaction.auth.passwords import hash_password
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.members.models import MembershipStatus, Organisation, Sector
from coaction.members.services import unique_slug
from coaction.regions.models import Municipality

_sequence = itertools.count(1)


def make_municipality(**fields) -> Municipality:
    number = next(_sequence)
    values = {
        "code": f"9{number % 1000:03d}",  # four characters, as SCB's codes
        "name": f"Testkommun {number}",
        "county": "Testlän",
        "latitude": 59.2,
        "longitude": 17.9,
        "in_network": True,
    } | fields
    municipality = Municipality(**values)
    db.session.add(municipality)
    db.session.flush()
    return municipality


def make_organisation(**fields) -> Organisation:
    number = next(_sequence)
    name = fields.pop("name", f"Testorganisation {number} AB")
    values = {
        "name": name,
        "slug": unique_slug(name),
        "sector": Sector.BUSINESS,
        "status": MembershipStatus.MEMBER,
        "employees": 50,
    } | fields
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.flush()
    return organisation


PASSWORD = "lagom-Kanel-Tåg-91"  # noqa: S105
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is slow on purpose: once for all test users


def make_user(**fields) -> User:
    number = next(_sequence)
    values = {
        "email": f"person{number}@example.se",
        "name": f"Person {number}",
        "role": Role.MEMBER,
        "locale": "sv",
        "password_hash": _PASSWORD_HASH,
    } | fields
    user = User(**values)
    db.session.add(user)
    db.session.flush()
    return user


def make_application(organisation=None, user=None, **fields):
    from coaction.members.models import ApplicationKind, ApplicationStatus, MembershipApplication

    applicant = user or make_user()
    name = organisation.name if organisation else f"Sökande {next(_sequence)} AB"
    values = {
        "kind": ApplicationKind.NEW,
        "status": ApplicationStatus.SUBMITTED,
        "organisation": organisation or make_organisation(name=name, status=MembershipStatus.APPLIED),
        "submitted": {"name": name, "org_number": "556036-0793", "sector": "business", "employees": 10},
        "contact_name": applicant.name,
        "contact_email": applicant.email,
        "contact_locale": "sv",
        "user_id": applicant.id,
    } | fields
    application = MembershipApplication(**values)
    application.submitted_at = application.created_at = utcnow()
    db.session.add(application)
    db.session.flush()
    return application


def make_invitation(organisation=None, **fields):
    from datetime import timedelta

    from coaction.invitations.models import Invitation, InvitationKind, InvitationStatus

    values = {
        "kind": InvitationKind.ACTOR,
        "organisation": organisation or make_organisation(status=MembershipStatus.INVITED),
        "email": f"inbjuden{next(_sequence)}@example.se",
        "status": InvitationStatus.PENDING,
        "token_hash": f"{next(_sequence):064d}",
        "expires_at": utcnow() + timedelta(days=14),
    } | fields
    invitation = Invitation(**values)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def tiny_png(size: tuple[int, int] = (40, 20), image_format: str = "PNG") -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 93, 59)).save(buffer, format=image_format)
    return buffer.getvalue()


def make_invitation_batch(**fields):
    """A checked file of bulk invitations with no row to send (so nothing is sent by accident)."""
    from coaction.invitations.models import InvitationBatch

    values = {"filename": "inbjudningar.csv", "rows": [], "to_send": 0} | fields
    batch = InvitationBatch(**values)
    db.session.add(batch)
    db.session.flush()
    return batch


def make_commitment(organisation=None, **fields):
    """A public charging-points commitment from 10 (2024) to 110 (2028), unless told otherwise."""
    from coaction.commitments.models import Category, Commitment, Unit, Visibility

    values = {
        "organisation": organisation or make_organisation(),
        "title": f"Laddpunkter {next(_sequence)}",
        "category": Category.CHARGING,
        "indicator": "Laddpunkter vid arbetsplatsen",
        "unit": Unit.CHARGING_POINTS,
        "baseline_value": 10.0,
        "baseline_year": 2024,
        "target_value": 110.0,
        "target_year": 2028,
        "visibility": Visibility.PUBLIC,
    } | fields
    commitment = Commitment(**values)
    db.session.add(commitment)
    db.session.flush()
    return commitment


def make_report(commitment, **fields):
    from datetime import date

    from coaction.commitments.models import ProgressReport
    from coaction.commitments.services import count_report

    values = {"commitment": commitment, "reported_on": date(2025, 6, 1), "value": 40.0} | fields
    report = ProgressReport(**values)
    db.session.add(report)
    db.session.flush()
    count_report(commitment, report)
    return report


def tiny_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_goal(**fields):
    from coaction.goals.models import PlanGoal

    values = {"plan_year": 2026, "title": f"Mål {next(_sequence)}", "focus_area": "Klimat"} | fields
    goal = PlanGoal(**values)
    db.session.add(goal)
    db.session.flush()
    return goal
