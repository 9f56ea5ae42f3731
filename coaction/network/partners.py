"""Partner suggestions for an organisation, computed when asked, from what its admins may see; introduction
requests between organisations, which become ties when accepted; dismissed suggestions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from coaction.audit.services import record
from coaction.commitments.labels import CATEGORY_LABELS
from coaction.commitments.models import Commitment
from coaction.commitments.permissions import visible_clause
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.mail.services import queue_mail
from coaction.members.labels import SECTOR_LABELS
from coaction.members.models import PUBLIC_STATUSES, Organisation
from coaction.members.organisation import admins_of
from coaction.network.models import DismissedSuggestion, Introduction, IntroductionState, Scope
from coaction.network.services import degrees_in, latest_snapshot, partners_of, sector_pair_counts
from coaction.network.suggestions import Profile, Suggestion, suggest
from coaction.regions.models import Municipality
from coaction.ties.models import TieKind
from coaction.ties.services import TieError, add_tie
from coaction.travel.models import SurveyResponse, TravelSurvey
from coaction.travel.results import MIN_GROUP, commute_flows

COMPLEMENTARY_AT_MOST = 1000  # candidates found by shared work, besides the two-step neighbourhood
CORRIDOR_YEARS = 3  # surveys closed within this many years count for shared corridors


class IntroductionError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{name}: {code}" for name, code in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class Suggested:
    """A suggestion with its organisation and its reason in words."""

    suggestion: Suggestion
    organisation: Organisation
    reason: str


def corridors_by_organisation(today: date) -> dict[int, frozenset[tuple[int, int]]]:
    """The commute corridors (home → workplace municipality) each organisation shares: only corridors shown at
    all (at least 5 respondents from at least 3 members), and only where the organisation itself has at least 5
    respondents on it (so no suggestion tells one organisation's small numbers)."""
    rows = (
        sa.select(
            SurveyResponse.home_municipality_id,
            Organisation.municipality_id,
            TravelSurvey.organisation_id,
            sa.func.count(),
        )
        .join(TravelSurvey, SurveyResponse.survey_id == TravelSurvey.id)
        .join(Organisation, TravelSurvey.organisation_id == Organisation.id)
        .where(
            TravelSurvey.closes_on.between(today - timedelta(days=365 * CORRIDOR_YEARS), today),
            Organisation.municipality_id.is_not(None),
        )
        .group_by(SurveyResponse.home_municipality_id, Organisation.municipality_id, TravelSurvey.organisation_id)
    )
    rows = list(db.session.execute(rows).all())
    corridors = {(flow.home, flow.workplace) for flow in commute_flows(rows) if flow.corridor}
    found: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for home, workplace, organisation_id, count in rows:
        if (home, workplace) in corridors and count >= MIN_GROUP:
            found[organisation_id].add((home, workplace))
    return {organisation_id: frozenset(pairs) for organisation_id, pairs in found.items()}


def _categories(viewer: Any, organisation_ids: list[int] | None, categories=None) -> dict[int, set[str]]:
    """Commitment categories per organisation, of the commitments `viewer` may see (not withdrawn)."""
    rows = sa.select(Commitment.organisation_id, sa.type_coerce(Commitment.category, sa.String())).where(
        Commitment.withdrawn_at.is_(None), visible_clause(viewer)
    )
    if organisation_ids is not None:
        rows = rows.where(Commitment.organisation_id.in_(organisation_ids))
    if categories is not None:
        rows = rows.where(Commitment.category.in_(categories))
    found: dict[int, set[str]] = defaultdict(set)
    for organisation_id, category in db.session.execute(rows.distinct()):
        found[organisation_id].add(category)
    return found


def excluded_for(organisation_id: int) -> set[int]:
    """Dismissed candidates, and organisations with an introduction either way (asked, accepted or declined)."""
    dismissed = sa.select(DismissedSuggestion.candidate_id).where(
        DismissedSuggestion.organisation_id == organisation_id
    )
    asked = sa.select(Introduction.organisation_id, Introduction.partner_id).where(
        sa.or_(Introduction.organisation_id == organisation_id, Introduction.partner_id == organisation_id)
    )
    found = set(db.session.scalars(dismissed))
    for one, other in db.session.execute(asked):
        found.add(other if one == organisation_id else one)
    return found


def suggestions_for(
    organisation: Organisation,
    viewer: Any,
    today: date,
    *,
    limit: int = 10,
    corridors: dict[int, frozenset[tuple[int, int]]] | None = None,
) -> list[Suggested]:
    """The organisation's own partners come from the whole network (its own ties); whom they work with, and their
    number of partners, only from the public snapshot; commitments only as far as `viewer` may see them."""
    public, everything = latest_snapshot(Scope.PUBLIC), latest_snapshot(Scope.ALL)
    if public is None:
        return []
    own_id = organisation.id
    partners = partners_of(everything or public, [own_id])[own_id]
    their_partners = partners_of(public, sorted(partners))
    candidates = set().union(*their_partners.values()) if their_partners else set()
    own_categories = _categories(viewer, [own_id]).get(own_id, set())
    by_category = _categories(viewer, None, own_categories) if own_categories else {}
    sharing = sorted(by_category, key=lambda other: -len(by_category[other] & own_categories))
    candidates.update(sharing[:COMPLEMENTARY_AT_MOST])
    if corridors is None:  # one organisation's page; the office's list passes them, read once for all
        corridors = corridors_by_organisation(today)
    own_corridors = corridors.get(own_id, frozenset())
    candidates.update(other for other, pairs in corridors.items() if pairs & own_corridors)
    candidates.add(own_id)
    members = {
        row.id: row
        for row in db.session.scalars(
            sa.select(Organisation).where(Organisation.id.in_(candidates), Organisation.status.in_(PUBLIC_STATUSES))
        )
    }
    if own_id not in members:
        members[own_id] = organisation
    categories = _categories(viewer, list(members))
    profiles = {
        other: Profile(
            str(row.sector),
            row.municipality_id,
            frozenset(categories.get(other, ())),
            corridors.get(other, frozenset()),
        )
        for other, row in members.items()
    }
    found = suggest(
        own_id,
        profiles,
        partners=partners,
        partners_of=their_partners,
        degrees=degrees_in(public, partners),
        sector_pairs=sector_pair_counts(public),
        excluded=excluded_for(own_id),
        limit=limit,
    )
    names = _names({partner for suggestion in found for partner in suggestion.common_partners})
    places = _municipalities()
    return [
        Suggested(found_one, members[found_one.organisation], reason(found_one, organisation, members, names, places))
        for found_one in found
    ]


def _names(organisation_ids: set[int]) -> dict[int, str]:
    if not organisation_ids:
        return {}
    rows = sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids))
    return dict(db.session.execute(rows).all())


def _municipalities() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Municipality.id, Municipality.name)).all())


def reason(suggestion: Suggestion, own: Organisation, members: dict, names: dict, places: dict) -> str:
    """The suggestion's reason in words, from its parts only."""
    parts = []
    if suggestion.categories:
        work = ", ".join(str(CATEGORY_LABELS.get(category, category)).lower() for category in suggestion.categories)
        parts.append(_("both work on %(work)s", work=work))
    if suggestion.common_partners:
        shown = [names.get(partner, "") for partner in suggestion.common_partners]
        parts.append(
            ngettext(
                "%(num)d common partner: %(names)s",
                "%(num)d common partners: %(names)s",
                len(shown),
                names=", ".join(shown),
            )
        )
    for home, workplace in suggestion.corridors:
        parts.append(
            _(
                "employees of both commute %(home)s → %(workplace)s",
                home=places.get(home, "?"),
                workplace=places.get(workplace, "?"),
            )
        )
    if suggestion.same_municipality and own.municipality_id in places:
        parts.append(_("both in %(municipality)s", municipality=places[own.municipality_id]))
    if suggestion.sector_ties:
        other = members[suggestion.organisation]
        parts.append(
            ngettext(
                "%(one)s and %(other)s organisations have %(num)d tie in the network",
                "%(one)s and %(other)s organisations have %(num)d ties in the network",
                suggestion.sector_ties,
                one=SECTOR_LABELS[own.sector],
                other=str(SECTOR_LABELS[other.sector]).lower(),
            )
        )
    text = "; ".join(str(part) for part in parts)
    return text[:1].upper() + text[1:]


# --- introductions and dismissals ---------------------------------------------------------------------------------


def dismiss(organisation: Organisation, candidate_id: int, *, actor, ip: str | None) -> None:
    known = db.session.get(DismissedSuggestion, (organisation.id, candidate_id))
    if known is None and db.session.get(Organisation, candidate_id) is not None:
        db.session.add(DismissedSuggestion(organisation_id=organisation.id, candidate_id=candidate_id))
        db.session.flush()
        record(actor, "network.suggestion_dismissed", organisation, {"candidate_id": candidate_id}, ip)


def request_introduction(
    organisation: Organisation, partner_id: int | None, kind: TieKind, message: str, *, actor, ip: str | None
) -> Introduction:
    """Mailed to the partner's admins, who see it on their network page and answer it."""
    partner = db.session.get(Organisation, partner_id) if partner_id else None
    if partner is None or partner.id == organisation.id or partner.status not in PUBLIC_STATUSES:
        raise IntroductionError({"partner": "choice"})
    if not (message or "").strip():
        raise IntroductionError({"message": "required"})
    pending = sa.select(Introduction.id).where(
        Introduction.state == IntroductionState.REQUESTED,
        sa.or_(
            sa.and_(Introduction.organisation_id == organisation.id, Introduction.partner_id == partner.id),
            sa.and_(Introduction.organisation_id == partner.id, Introduction.partner_id == organisation.id),
        ),
    )
    if db.session.scalar(pending) is not None:
        raise IntroductionError({"partner": "already_asked"})
    introduction = Introduction(
        organisation=organisation,
        partner=partner,
        kind=kind,
        message=message.strip()[:1000],
        state=IntroductionState.REQUESTED,
        requested_by_id=getattr(actor, "id", None),
    )
    db.session.add(introduction)
    db.session.flush()
    record(actor, "introduction.requested", organisation, {"partner_id": partner.id, "kind": kind}, ip)
    for admin in admins_of(partner):
        queue_mail(admin.email, "introduction_requested", admin.locale, introduction=introduction, person=admin)
    return introduction


def answer_introduction(introduction: Introduction, *, accept: bool, today: date, actor, ip: str | None) -> None:
    """Accepted, the introduction becomes a confirmed tie of its kind from today (unless that tie holds already)."""
    if introduction.state != IntroductionState.REQUESTED:
        raise IntroductionError({"introduction": "answered"})
    introduction.state = IntroductionState.ACCEPTED if accept else IntroductionState.DECLINED
    introduction.answered_at, introduction.answered_by_id = utcnow(), getattr(actor, "id", None)
    if accept:
        try:
            introduction.tie = add_tie(
                introduction.organisation,
                introduction.partner_id,
                introduction.kind,
                starts_on=today,
                note=_("From an introduction"),
                confirmed=True,
                actor=actor,
                ip=ip,
            )
        except TieError as error:
            if error.problems != {"partner": "already_tied"}:
                raise IntroductionError(error.problems) from error
    db.session.flush()
    answered = {"id": introduction.id, "state": introduction.state}
    record(actor, "introduction.answered", introduction.partner, answered, ip)
    for admin in admins_of(introduction.organisation):
        queue_mail(admin.email, "introduction_answered", admin.locale, introduction=introduction, person=admin)


def introductions_of(organisation_id: int) -> tuple[list[Introduction], list[Introduction]]:
    """(asked of it, asked by it), newest first."""

    def listed(column) -> list[Introduction]:
        return list(
            db.session.scalars(
                sa.select(Introduction).where(column == organisation_id).order_by(Introduction.created_at.desc())
            )
        )

    return listed(Introduction.partner_id), listed(Introduction.organisation_id)
