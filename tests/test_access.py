"""The access matrix: every route × every role, server side. Adding a route is one line in ROUTES;
a route missing here fails test_every_route_is_in_the_matrix."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from coaction import create_app
from coaction.extensions import db
from tests.conftest import app_config, sign_in

ROLES = ("anonymous", "member_a", "org_admin_a", "org_admin_b", "coordinator", "admin")
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
COORDINATORS = frozenset({"coordinator", "admin"})
ADMINS = frozenset({"admin"})
NOBODY = frozenset()
ORG_ADMINS = frozenset({"org_admin_a", "org_admin_b"})  # each in its own organisation
WITH_ORGANISATION = frozenset({"member_a", "org_admin_a", "org_admin_b"})
ORGANISATION_A = frozenset({"member_a", "org_admin_a"})
A_AND_OFFICE = ORGANISATION_A | COORDINATORS
REPORT = {"reported_on": "2025-09-01", "value": "55"}
A_ADMIN_AND_OFFICE = frozenset({"org_admin_a"}) | COORDINATORS


@dataclass(frozen=True)
class Route:
    method: str
    rule: str  # as in app.url_map
    allowed: frozenset[str]
    path: str = ""  # the URL to request, naming the `people` fixture's objects: {member_a.id}; defaults to the rule
    data: dict = field(default_factory=dict)
    # A thing whose very existence is not told to those who may not see it: everyone refused gets 404, the
    # anonymous too (not the login page).
    hidden: bool = False
    # Authorised by an API token, never by the session (so no CSRF token either): see test_api_token_matrix.
    token: bool = False

    def url(self, people) -> str:
        return (self.path or self.rule).format(**people)

    def __str__(self) -> str:
        return f"{self.method} {self.path or self.rule}"


ROUTES = (
    Route("GET", "/", EVERYONE),
    Route("GET", "/healthz", EVERYONE),
    Route("GET", "/login", EVERYONE),
    Route("POST", "/login", EVERYONE, data={"email": "x@example.se", "password": "wrong-password"}),
    Route("POST", "/logout", EVERYONE),
    Route("GET", "/reset", EVERYONE),
    Route("POST", "/reset", EVERYONE, data={"email": "x@example.se"}),
    Route("GET", "/reset/<token>", EVERYONE, "/reset/not-a-token"),
    Route("POST", "/reset/<token>", EVERYONE, "/reset/not-a-token"),
    Route("GET", "/account/email/confirm/<token>", EVERYONE, "/account/email/confirm/not-a-token"),
    Route("POST", "/account/email/confirm/<token>", EVERYONE, "/account/email/confirm/not-a-token"),
    Route("GET", "/account", SIGNED_IN),
    Route("POST", "/account", SIGNED_IN, data={"profile-name": "Nytt Namn", "profile-locale": "sv"}),
    Route("POST", "/account/password", SIGNED_IN),
    Route("POST", "/account/email", SIGNED_IN),
    Route("GET", "/admin/", ADMINS),
    Route("GET", "/admin/users", ADMINS),
    Route("POST", "/admin/users/<int:user_id>/role", ADMINS, "/admin/users/{member_a.id}/role", {"role": "member"}),
    Route("POST", "/admin/users/<int:user_id>/active", ADMINS, "/admin/users/{member_a.id}/active", {"active": "1"}),
    Route("GET", "/admin/audit", ADMINS),
    Route("GET", "/coordinator/outbox/", ADMINS),
    Route("GET", "/members", EVERYONE),
    Route("GET", "/members/<slug>", EVERYONE, "/members/{org_a.slug}"),
    Route("GET", "/join", EVERYONE),
    Route("POST", "/join", EVERYONE, data={"name": "Ny AB"}),
    Route("GET", "/join/confirm/<token>", EVERYONE, "/join/confirm/not-a-token"),
    Route("POST", "/join/confirm/<token>", EVERYONE, "/join/confirm/not-a-token"),
    Route("GET", "/account/applications", SIGNED_IN),
    # Only the applicant answers; none of the cast applied.
    Route(
        "POST",
        "/account/applications/<int:application_id>/answer",
        NOBODY,
        "/account/applications/{application.id}/answer",
    ),
    Route("GET", "/coordinator/", COORDINATORS),
    Route("GET", "/coordinator/applications", COORDINATORS),
    Route(
        "GET",
        "/coordinator/applications/<int:application_id>",
        COORDINATORS,
        "/coordinator/applications/{application.id}",
    ),
    Route(
        "POST",
        "/coordinator/applications/<int:application_id>/<any(approve, reject, ask):decision>",
        COORDINATORS,
        "/coordinator/applications/{application.id}/approve",
        {"note": "Välkommen"},
    ),
    Route("GET", "/organisation/requests", frozenset({"org_admin_a", "org_admin_b"})),
    Route(
        "POST",
        "/organisation/requests/<int:application_id>/<any(approve, reject):decision>",
        frozenset({"org_admin_a", "coordinator", "admin"}),
        "/organisation/requests/{join_request.id}/approve",
    ),
    Route("GET", "/organisation", ORG_ADMINS),
    Route("POST", "/organisation", ORG_ADMINS, data={"employees": "12", "municipality": "0"}),
    Route("POST", "/organisation/logo", ORG_ADMINS),
    Route(
        "POST",
        "/organisation/people/<int:user_id>/<any(admin, member, remove):action>",
        frozenset({"org_admin_a"}),
        "/organisation/people/{member_a.id}/admin",
    ),
    Route(
        "POST",
        "/organisation/membership/<any(pause, resume, leave):change>",
        ORG_ADMINS,
        "/organisation/membership/pause",
    ),
    Route("GET", "/members/<slug>/logo", EVERYONE, "/members/{org_a.slug}/logo"),
    # coverage, prospects and fees
    Route("GET", "/coordinator/coverage", COORDINATORS),
    Route("GET", "/coordinator/prospects", COORDINATORS),
    Route("POST", "/coordinator/prospects", COORDINATORS, data={"action": "check"}),
    Route("POST", "/coordinator/prospects/report", COORDINATORS, data={"report": "not-a-report"}),
    Route("GET", "/coordinator/fees", COORDINATORS),
    Route("POST", "/coordinator/fees", COORDINATORS, data={"municipality_kind": "per_inhabitant"}),
    Route("GET", "/coordinator/fees.csv", COORDINATORS),
    # invitations
    Route("GET", "/coordinator/invitations/bulk", COORDINATORS),
    Route("POST", "/coordinator/invitations/bulk", COORDINATORS, data={"message": "Välkomna"}),
    Route(
        "GET",
        "/coordinator/invitations/bulk/<int:batch_id>",
        COORDINATORS,
        "/coordinator/invitations/bulk/{invitation_batch.id}",
    ),
    Route(
        "POST",
        "/coordinator/invitations/bulk/<int:batch_id>/send",
        COORDINATORS,
        "/coordinator/invitations/bulk/{invitation_batch.id}/send",
    ),
    Route(
        "GET",
        "/coordinator/invitations/bulk/<int:batch_id>/report.csv",
        COORDINATORS,
        "/coordinator/invitations/bulk/{invitation_batch.id}/report.csv",
    ),
    Route(
        "GET",
        "/coordinator/invitations/bulk/<int:batch_id>/progress.json",
        COORDINATORS,
        "/coordinator/invitations/bulk/{invitation_batch.id}/progress.json",
    ),
    Route("GET", "/coordinator/invitations", COORDINATORS),
    Route("GET", "/coordinator/invitations/new", COORDINATORS),
    Route("POST", "/coordinator/invitations/new", COORDINATORS, data={"organisation": "0", "new_name": "Ny AB"}),
    Route("GET", "/coordinator/invitations/funnel", COORDINATORS),
    Route(
        "POST",
        "/invitations/<int:invitation_id>/<any(resend, revoke):action>",
        COORDINATORS,
        "/invitations/{invitation.id}/revoke",
    ),
    Route(
        "POST",
        "/invitations/<int:invitation_id>/<any(resend, revoke):action>",
        frozenset({"org_admin_a", "coordinator", "admin"}),
        "/invitations/{colleague_invitation.id}/resend",
    ),
    Route("GET", "/organisation/colleagues", frozenset({"org_admin_a", "org_admin_b"})),
    Route(
        "POST", "/organisation/colleagues", frozenset({"org_admin_a", "org_admin_b"}), data={"email": "k@example.se"}
    ),
    Route("GET", "/invitations/<token>", EVERYONE, "/invitations/not-a-token"),
    Route("POST", "/invitations/<token>/accept", EVERYONE, "/invitations/not-a-token/accept"),
    Route("POST", "/invitations/<token>/decline", EVERYONE, "/invitations/not-a-token/decline"),
    # commitments
    Route("GET", "/commitments", EVERYONE),
    Route("GET", "/commitments.csv", EVERYONE),
    Route("GET", "/commitments/<int:commitment_id>", EVERYONE, "/commitments/{public_commitment.id}"),
    Route("GET", "/commitments/<int:commitment_id>", A_AND_OFFICE, "/commitments/{private_commitment.id}", hidden=True),
    Route(
        "GET",
        "/commitments/<int:commitment_id>/reports/<int:report_id>/evidence",
        EVERYONE,
        "/commitments/{public_commitment.id}/reports/{public_report.id}/evidence",
    ),
    Route(
        "GET",
        "/commitments/<int:commitment_id>/reports/<int:report_id>/evidence",
        A_AND_OFFICE,
        "/commitments/{private_commitment.id}/reports/{private_report.id}/evidence",
        hidden=True,
    ),
    Route(
        "POST",
        "/commitments/<int:commitment_id>/reports",
        ORGANISATION_A,
        "/commitments/{public_commitment.id}/reports",
        REPORT,
    ),
    Route(
        "GET",
        "/commitments/<int:commitment_id>/edit",
        frozenset({"org_admin_a"}),
        "/commitments/{public_commitment.id}/edit",
    ),
    Route(
        "POST",
        "/commitments/<int:commitment_id>/edit",
        frozenset({"org_admin_a"}),
        "/commitments/{public_commitment.id}/edit",
    ),
    Route(
        "POST",
        "/commitments/<int:commitment_id>/withdraw",
        frozenset({"org_admin_a"}),
        "/commitments/{public_commitment.id}/withdraw",
    ),
    Route(
        "POST", "/commitments/<int:commitment_id>/verify", COORDINATORS, "/commitments/{public_commitment.id}/verify"
    ),
    Route("GET", "/organisation/commitments", WITH_ORGANISATION),
    Route("GET", "/organisation/commitments/new", ORG_ADMINS),
    Route("POST", "/organisation/commitments/new", ORG_ADMINS, data={"title": "Nytt åtagande"}),
    Route("GET", "/organisation/commitments/report-file", ORG_ADMINS),
    Route("POST", "/organisation/commitments/report-file", ORG_ADMINS),
    Route("GET", "/organisation/commitments/report-file/template.csv", ORG_ADMINS),
    Route("GET", "/coordinator/commitments", COORDINATORS),
    Route("GET", "/coordinator/commitments/settings", COORDINATORS),
    Route("POST", "/coordinator/commitments/settings", COORDINATORS, data={"tolerance": "15", "period": "yearly"}),
    Route("GET", "/coordinator/templates", COORDINATORS),
    Route("GET", "/coordinator/templates/new", COORDINATORS),
    Route("POST", "/coordinator/templates/new", COORDINATORS, data={"title": "Laddpunkter"}),
    Route(
        "GET",
        "/coordinator/templates/<int:template_id>",
        COORDINATORS,
        "/coordinator/templates/{commitment_template.id}",
    ),
    Route(
        "POST",
        "/coordinator/templates/<int:template_id>",
        COORDINATORS,
        "/coordinator/templates/{commitment_template.id}",
    ),
    # travel surveys
    Route("GET", "/organisation/surveys", ORG_ADMINS),
    Route("POST", "/organisation/surveys", ORG_ADMINS, data={"title": "Enkät"}),
    Route(
        "GET",
        "/organisation/surveys/<int:survey_id>",
        frozenset({"org_admin_a", "coordinator", "admin"}),
        "/organisation/surveys/{survey.id}",
    ),
    Route("GET", "/organisation/surveys/import-template.xlsx", ORG_ADMINS),
    Route(
        "GET",
        "/organisation/surveys/<int:survey_id>/qr.<any(svg, png):kind>",
        frozenset({"org_admin_a", "coordinator", "admin"}),
        "/organisation/surveys/{survey.id}/qr.png",
    ),
    Route(
        "GET",
        "/organisation/surveys/<int:survey_id>/poster",
        frozenset({"org_admin_a", "coordinator", "admin"}),
        "/organisation/surveys/{survey.id}/poster",
    ),
    Route(
        "GET",
        "/organisation/surveys/<int:survey_id>/import",
        frozenset({"org_admin_a"}),
        "/organisation/surveys/{survey.id}/import",
    ),
    Route(
        "POST",
        "/organisation/surveys/<int:survey_id>/import",
        frozenset({"org_admin_a"}),
        "/organisation/surveys/{survey.id}/import",
    ),
    Route(
        "GET",
        "/organisation/surveys/<int:survey_id>/imports/<int:import_id>",
        frozenset({"org_admin_a", "coordinator", "admin"}),
        "/organisation/surveys/{survey.id}/imports/{survey_import.id}",
    ),
    Route(
        "GET",
        "/organisation/surveys/<int:survey_id>/imports/<int:import_id>/progress.json",
        frozenset({"org_admin_a", "coordinator", "admin"}),
        "/organisation/surveys/{survey.id}/imports/{survey_import.id}/progress.json",
    ),
    Route(
        "POST",
        "/organisation/surveys/<int:survey_id>/feeds",
        frozenset({"org_admin_a"}),
        "/organisation/surveys/{survey.id}/feeds",
        {"figure": "car_share"},
    ),
    Route(
        "POST",
        "/organisation/surveys/<int:survey_id>/feeds/<int:feed_id>/delete",
        frozenset({"org_admin_a"}),
        "/organisation/surveys/{survey.id}/feeds/{survey_feed.id}/delete",
    ),
    Route("GET", "/coordinator/travel", COORDINATORS),
    Route("GET", "/organisation/plans", ORG_ADMINS),
    Route("POST", "/organisation/plans", ORG_ADMINS, data={"title": "Plan"}),
    Route("GET", "/organisation/plans/<int:plan_id>", A_ADMIN_AND_OFFICE, "/organisation/plans/{travel_plan.id}"),
    Route(
        "POST",
        "/organisation/plans/<int:plan_id>/targets",
        frozenset({"org_admin_a"}),
        "/organisation/plans/{travel_plan.id}/targets",
        {"year": "2027", "car_share": "40"},
    ),
    Route(
        "POST",
        "/organisation/plans/<int:plan_id>/measures",
        frozenset({"org_admin_a"}),
        "/organisation/plans/{travel_plan.id}/measures",
        {"kind": "charging", "status": "planned"},
    ),
    Route(
        "POST",
        "/organisation/plans/<int:plan_id>/measures/<int:measure_id>/status",
        frozenset({"org_admin_a"}),
        "/organisation/plans/{travel_plan.id}/measures/{plan_measure.id}/status",
        {"status": "done"},
    ),
    Route(
        "POST",
        "/organisation/plans/<int:plan_id>/follow-up",
        frozenset({"org_admin_a"}),
        "/organisation/plans/{travel_plan.id}/follow-up",
        {"survey": "0"},
    ),
    Route("GET", "/survey/<token>", EVERYONE, "/survey/{survey.token}"),
    Route("POST", "/survey/<token>", EVERYONE, "/survey/{survey.token}", {"distance_km": "3", "days_bike": "5"}),
    Route("GET", "/coordinator/emission-factors", COORDINATORS),
    Route("POST", "/coordinator/emission-factors", COORDINATORS, data={"mode": "car", "car-kg_per_pkm": "0.1"}),
    # activities
    Route("GET", "/activities", EVERYONE),
    Route("GET", "/activities.ics", EVERYONE),
    Route("GET", "/members/<slug>/activities.ics", EVERYONE, "/members/{org_a.slug}/activities.ics"),
    Route("GET", "/activities/<int:activity_id>", EVERYONE, "/activities/{activity.id}"),
    Route("GET", "/activities/new", ORG_ADMINS | COORDINATORS),
    Route("POST", "/activities/new", ORG_ADMINS | COORDINATORS, data={"title": "Ny aktivitet"}),
    Route("GET", "/activities/<int:activity_id>/edit", A_ADMIN_AND_OFFICE, "/activities/{activity.id}/edit"),
    Route("POST", "/activities/<int:activity_id>/edit", A_ADMIN_AND_OFFICE, "/activities/{activity.id}/edit"),
    Route(
        "POST",
        "/activities/<int:activity_id>/participants",
        A_ADMIN_AND_OFFICE,
        "/activities/{activity.id}/participants",
        {"role": "partner"},
    ),
    Route(
        "POST",
        "/activities/<int:activity_id>/participants/<int:participant_id>/answer",
        frozenset({"org_admin_b"}),
        "/activities/{members_activity.id}/participants/{invited_b.id}/answer",
        {"answer": "accept"},
    ),
    Route(
        "POST",
        "/activities/<int:activity_id>/participants/<int:participant_id>/remove",
        frozenset({"org_admin_b"}) | A_ADMIN_AND_OFFICE,
        "/activities/{members_activity.id}/participants/{invited_b.id}/remove",
    ),
    Route("POST", "/activities/<int:activity_id>/join", frozenset({"org_admin_b"}), "/activities/{activity.id}/join"),
    Route("GET", "/organisation/activities", WITH_ORGANISATION),
    Route("POST", "/activities/<int:activity_id>/documents", A_ADMIN_AND_OFFICE, "/activities/{activity.id}/documents"),
    Route(
        "GET",
        "/activities/<int:activity_id>/documents/<int:document_id>",
        A_AND_OFFICE | {"org_admin_b"},
        "/activities/{members_activity.id}/documents/{activity_draft.id}",
        hidden=True,
    ),
    Route("POST", "/activities/<int:activity_id>/register", EVERYONE, "/activities/{activity.id}/register"),
    Route(
        "GET", "/activities/<int:activity_id>/cancel/<token>", EVERYONE, "/activities/{activity.id}/cancel/cast-token"
    ),
    Route(
        "POST", "/activities/<int:activity_id>/cancel/<token>", EVERYONE, "/activities/{activity.id}/cancel/cast-token"
    ),
    Route(
        "POST",
        "/activities/<int:activity_id>/registrations/<int:registration_id>/cancel",
        A_ADMIN_AND_OFFICE,
        "/activities/{activity.id}/registrations/{registration.id}/cancel",
    ),
    # working groups, meetings, decisions
    Route("GET", "/groups", EVERYONE),
    Route("GET", "/groups/<slug>", EVERYONE, "/groups/{group.slug}"),
    Route("GET", "/groups/<slug>/meetings.ics", EVERYONE, "/groups/{group.slug}/meetings.ics"),
    Route("GET", "/coordinator/groups/new", COORDINATORS),
    Route("POST", "/coordinator/groups/new", COORDINATORS, data={"name": ""}),
    Route("GET", "/groups/<slug>/edit", COORDINATORS, "/groups/{group.slug}/edit"),
    Route("POST", "/groups/<slug>/edit", COORDINATORS, "/groups/{group.slug}/edit", {"name": "Nytt namn"}),
    Route("POST", "/groups/<slug>/members", COORDINATORS, "/groups/{group.slug}/members", {"starts_on": "2026-01-01"}),
    Route(
        "POST",
        "/groups/<slug>/members/<int:member_id>/end",
        COORDINATORS,
        "/groups/{group.slug}/members/{group_member.id}/end",
        {"ends_on": "2026-06-30"},
    ),
    Route("POST", "/groups/<slug>/meetings", A_ADMIN_AND_OFFICE, "/groups/{group.slug}/meetings", {"place": "x"}),
    Route("GET", "/groups/<slug>/meetings/<int:meeting_id>", EVERYONE, "/groups/{group.slug}/meetings/{meeting.id}"),
    Route(
        "POST",
        "/groups/<slug>/meetings/<int:meeting_id>/items",
        A_ADMIN_AND_OFFICE,
        "/groups/{group.slug}/meetings/{meeting.id}/items",
        {"title": "Övrigt"},
    ),
    Route(
        "POST",
        "/groups/<slug>/meetings/<int:meeting_id>/attendance",
        A_ADMIN_AND_OFFICE,
        "/groups/{group.slug}/meetings/{meeting.id}/attendance",
    ),
    Route(
        "POST",
        "/groups/<slug>/meetings/<int:meeting_id>/minutes",
        A_ADMIN_AND_OFFICE,
        "/groups/{group.slug}/meetings/{meeting.id}/minutes",
    ),
    Route(
        "POST",
        "/groups/<slug>/meetings/<int:meeting_id>/approve",
        frozenset({"member_a"}),
        "/groups/{group.slug}/meetings/{meeting.id}/approve",
    ),
    Route(
        "POST",
        "/groups/<slug>/meetings/<int:meeting_id>/publish",
        A_ADMIN_AND_OFFICE,
        "/groups/{group.slug}/meetings/{meeting.id}/publish",
    ),
    Route(
        "POST",
        "/groups/<slug>/meetings/<int:meeting_id>/documents",
        A_ADMIN_AND_OFFICE,
        "/groups/{group.slug}/meetings/{meeting.id}/documents",
    ),
    Route(
        "GET",
        "/groups/<slug>/meetings/<int:meeting_id>/documents/<int:document_id>",
        A_AND_OFFICE,
        "/groups/{group.slug}/meetings/{meeting.id}/documents/{meeting_document.id}",
        hidden=True,
    ),
    Route(
        "POST",
        "/groups/<slug>/meetings/<int:meeting_id>/items/<int:item_id>/decisions",
        A_ADMIN_AND_OFFICE,
        "/groups/{group.slug}/meetings/{meeting.id}/items/{agenda_item.id}/decisions",
        {"text": "Beslut", "status": "planned"},
    ),
    Route(
        "POST",
        "/decisions/<int:decision_id>/notes",
        A_AND_OFFICE,
        "/decisions/{decision.id}/notes",
        {"noted_on": "2026-02-02", "text": "Klart", "status": "done"},
    ),
    Route("GET", "/decisions", SIGNED_IN),
    # ties
    Route("GET", "/organisation/ties", ORG_ADMINS),
    Route("POST", "/organisation/ties", ORG_ADMINS, data={"kind": "research"}),
    Route("GET", "/coordinator/ties", COORDINATORS),
    Route("POST", "/coordinator/ties", COORDINATORS, data={"kind": "research"}),
    Route(
        "POST", "/ties/<int:tie_id>/answer", frozenset({"org_admin_b"}), "/ties/{tie.id}/answer", {"answer": "accept"}
    ),
    # the network
    Route("GET", "/network", EVERYONE),
    Route("GET", "/network.json", EVERYONE),
    Route("GET", "/network/export.<fmt>", EVERYONE, "/network/export.graphml"),
    Route("GET", "/coordinator/network", COORDINATORS),
    Route("POST", "/coordinator/network", COORDINATORS),
    Route("GET", "/organisation/network", ORG_ADMINS),
    Route(
        "POST",
        "/organisation/network/suggestions/<int:candidate_id>/introduce",
        frozenset({"org_admin_a"}),
        "/organisation/network/suggestions/{org_b.id}/introduce",
    ),
    Route(
        "POST",
        "/organisation/network/suggestions/<int:candidate_id>/dismiss",
        frozenset({"org_admin_a"}),
        "/organisation/network/suggestions/{org_b.id}/dismiss",
    ),
    Route(
        "POST",
        "/network/introductions/<int:introduction_id>/answer",
        frozenset({"org_admin_a"}),
        "/network/introductions/{introduction.id}/answer",
        {"answer": "decline"},
    ),
    Route(
        "POST",
        "/ties/<int:tie_id>/end",
        frozenset({"org_admin_a", "org_admin_b"}) | COORDINATORS,
        "/ties/{tie.id}/end",
        {"ends_on": "2026-06-30"},
    ),
    # goals and indicators
    Route("GET", "/goals", EVERYONE),
    Route("GET", "/goals/<int:goal_id>", EVERYONE, "/goals/{goal.id}"),
    # open data
    Route("GET", "/priorities", EVERYONE),
    Route("GET", "/priorities/<slug>", EVERYONE, "/priorities/{priority.slug}"),
    Route("POST", "/priorities/<slug>/support", ORG_ADMINS, "/priorities/{priority.slug}/support", {"statement": "Ja"}),
    Route("POST", "/priorities/<slug>/support/withdraw", ORG_ADMINS, "/priorities/{priority.slug}/support/withdraw"),
    Route("GET", "/coordinator/priorities", COORDINATORS),
    Route("GET", "/coordinator/priorities/new", COORDINATORS),
    Route("POST", "/coordinator/priorities/new", COORDINATORS, data={"name": "Ny bana", "status": "proposed"}),
    Route(
        "GET",
        "/coordinator/priorities/<int:priority_id>/edit",
        COORDINATORS,
        "/coordinator/priorities/{priority.id}/edit",
    ),
    Route(
        "POST",
        "/coordinator/priorities/<int:priority_id>/edit",
        COORDINATORS,
        "/coordinator/priorities/{priority.id}/edit",
        {"name": "Tvärförbindelsen", "status": "in_plan"},
    ),
    Route(
        "POST",
        "/coordinator/priorities/<int:priority_id>/move/<direction>",
        COORDINATORS,
        "/coordinator/priorities/{priority.id}/move/down",
    ),
    Route(
        "POST",
        "/coordinator/priorities/supports/<int:support_id>/<decision>",
        COORDINATORS,
        "/coordinator/priorities/supports/{priority_support.id}/approve",
    ),
    Route("GET", "/reports", EVERYONE),
    Route("GET", "/reports/<int:year>", EVERYONE, "/reports/{published_report.year}"),
    Route("GET", "/reports/<int:year>", COORDINATORS, "/reports/{draft_report.year}", hidden=True),
    Route("GET", "/reports/<int:year>.pdf", EVERYONE, "/reports/{published_report.year}.pdf"),
    Route("GET", "/reports/<int:year>.pdf", COORDINATORS, "/reports/{draft_report.year}.pdf", hidden=True),
    Route("GET", "/coordinator/reports", COORDINATORS),
    Route("POST", "/coordinator/reports", COORDINATORS, data={"year": "2025"}),
    Route("GET", "/coordinator/reports/<int:year>", COORDINATORS, "/coordinator/reports/{draft_report.year}"),
    Route(
        "POST",
        "/coordinator/reports/<int:year>",
        COORDINATORS,
        "/coordinator/reports/{draft_report.year}",
        {"introduction": "Året i korthet."},
    ),
    Route(
        "POST",
        "/coordinator/reports/<int:year>/publish",
        COORDINATORS,
        "/coordinator/reports/{draft_report.year}/publish",
    ),
    Route(
        "POST",
        "/coordinator/reports/<int:year>/withdraw",
        COORDINATORS,
        "/coordinator/reports/{published_report.year}/withdraw",
    ),
    Route("GET", "/map", EVERYONE),
    Route("GET", "/map/embed", EVERYONE),
    Route("GET", "/data", EVERYONE),
    Route("GET", "/data/<key>.<fmt>", EVERYONE, "/data/commitments.csv"),
    Route("GET", "/data/<key>.dictionary.csv", EVERYONE, "/data/commitments.dictionary.csv"),
    Route("GET", "/data/<key>/dictionary", EVERYONE, "/data/commitments/dictionary"),
    Route(
        "GET",
        "/organisation/data/<any(commitments, surveys):name>.csv",
        WITH_ORGANISATION,
        "/organisation/data/commitments.csv",
    ),
    Route(
        "GET",
        "/organisation/data/<any(commitments, surveys):name>.csv",
        ORG_ADMINS,
        "/organisation/data/surveys.csv",
    ),
    Route("GET", "/coordinator/goals", COORDINATORS),
    Route("GET", "/coordinator/goals/new", COORDINATORS),
    Route("POST", "/coordinator/goals/new", COORDINATORS, data={"title": "Nytt mål", "plan_year": "2026"}),
    Route("GET", "/coordinator/goals/<int:goal_id>", COORDINATORS, "/coordinator/goals/{goal.id}"),
    Route("POST", "/coordinator/goals/<int:goal_id>", COORDINATORS, "/coordinator/goals/{goal.id}"),
    Route("POST", "/coordinator/goals/<int:goal_id>/remove", COORDINATORS, "/coordinator/goals/{goal.id}/remove"),
    Route("POST", "/coordinator/goals/copy", COORDINATORS, data={"from_year": "2026", "to_year": "2027"}),
    Route("GET", "/coordinator/indicators/new", COORDINATORS),
    Route("POST", "/coordinator/indicators/new", COORDINATORS, data={"name": "Nytt mått", "unit": "antal"}),
    Route("GET", "/coordinator/indicators/<int:indicator_id>", COORDINATORS, "/coordinator/indicators/{indicator.id}"),
    Route(
        "POST",
        "/coordinator/indicators/<int:indicator_id>",
        COORDINATORS,
        "/coordinator/indicators/{indicator.id}",
        {"action": "value", "year": "2025", "municipality": "0", "value": "12", "source": "SCB"},
    ),
    # The API: reads are public; the one write takes a token (its own matrix below).
    Route("GET", "/api", EVERYONE),
    Route("GET", "/api/v1/openapi.json", EVERYONE),
    Route("GET", "/api/v1/organisations", EVERYONE),
    Route("GET", "/api/v1/organisations/<int:organisation_id>", EVERYONE, "/api/v1/organisations/{org_a.id}"),
    Route("GET", "/api/v1/commitments", EVERYONE),
    Route("GET", "/api/v1/commitments/<int:commitment_id>", EVERYONE, "/api/v1/commitments/{public_commitment.id}"),
    Route(
        "GET",
        "/api/v1/commitments/<int:commitment_id>",
        NOBODY,
        "/api/v1/commitments/{private_commitment.id}",
        hidden=True,
    ),  # fmt: skip
    Route(
        "POST",
        "/api/v1/commitments/<int:commitment_id>/reports",
        NOBODY,
        "/api/v1/commitments/{public_commitment.id}/reports",
        token=True,
    ),  # fmt: skip
    Route("GET", "/api/v1/commitments.geojson", EVERYONE),
    Route("GET", "/api/v1/organisations.geojson", EVERYONE),
    Route("GET", "/api/v1/priorities.geojson", EVERYONE),
    Route("GET", "/api/v1/activities.geojson", EVERYONE),
    Route("GET", "/api/v1/activities", EVERYONE),
    Route("GET", "/api/v1/activities/<int:activity_id>", EVERYONE, "/api/v1/activities/{activity.id}"),
    Route("GET", "/api/v1/goals", EVERYONE),
    Route("GET", "/api/v1/network", EVERYONE),
    Route("GET", "/api/v1/network/ties", EVERYONE),
    Route("GET", "/api/v1/network/snapshot", EVERYONE),
    Route("GET", "/api/v1/travel", EVERYONE),
    Route("GET", "/account/tokens", SIGNED_IN),
    Route("POST", "/account/tokens", SIGNED_IN, data={"name": "Skript", "days": "30"}),
    Route(
        "POST",
        "/account/tokens/<int:token_id>/revoke",
        frozenset({"member_a"}),
        "/account/tokens/{api_token.id}/revoke",
    ),
)


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_access_matrix(client, people, route, role):
    if role != "anonymous":
        sign_in(client, people[role])
    response = client.open(route.url(people), method=route.method, data=route.data)
    assert response.status_code < 500
    if route.token:
        assert response.status_code == 401, f"{role}'s session was taken for a token"
    elif role in route.allowed:
        assert response.status_code not in (403, 404) and not is_login_redirect(response), f"{role} was refused"
    elif route.hidden:
        assert response.status_code == 404, f"{role} got {response.status_code}, not 404"
    elif role == "anonymous":
        assert is_login_redirect(response), f"anonymous got {response.status_code}, not the login page"
    else:  # 404 where even the existence of someone else's thing is not to be told
        assert response.status_code in (403, 404), f"{role} got {response.status_code}, not 403 or 404"


def test_every_route_is_in_the_matrix(app):
    covered = {(route.method, route.rule) for route in ROUTES}
    missing = [
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if (method, rule.rule) not in covered
    ]
    assert missing == [], "add these routes to ROUTES in tests/test_access.py"


def test_every_post_route_refuses_a_request_without_csrf_token(database_url, people):
    """With CSRF on, as in production: no POST anywhere changes anything without the token."""
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    sign_in(client, people["admin"])
    for route in ROUTES:
        if route.method == "POST" and not route.token:
            response = client.post(route.url(people), data=route.data)
            assert response.status_code == 400, f"{route} answered {response.status_code} without a CSRF token"


# Whose token may write a report on which commitment: A's people on A's; B's token is refused A's public
# commitment (403) and is not told of A's private one (404); without a token nobody (401).
TOKEN_HOLDERS = ("member_a", "org_admin_a", "org_admin_b")


@pytest.mark.parametrize("commitment", ["public_commitment", "private_commitment"])
@pytest.mark.parametrize("role", [*TOKEN_HOLDERS, None])
def test_api_token_matrix(client, people, role, commitment):
    import json

    from coaction.api.services import create_token

    headers = {}
    if role is not None:
        _row, secret = create_token(people[role], name="Skript", days=1, max_days=365, ip=None)
        db.session.commit()
        headers["Authorization"] = f"Bearer {secret}"
    response = client.post(
        f"/api/v1/commitments/{people[commitment].id}/reports",
        data=json.dumps({"reported_on": "2025-09-01", "value": 55}),
        content_type="application/json",
        headers=headers,
    )
    expected = {None: 401, "org_admin_b": 403 if commitment == "public_commitment" else 404}.get(role, 201)
    assert response.status_code == expected and response.is_json


JUNK = ("\x00", "x" * 5000, "'; DROP TABLE user_account; --", "<script>alert(1)</script>", "ÅÄÖ\u202e\ufeff", "-1")


@pytest.mark.parametrize("junk", JUNK, ids=["nul", "long", "sql", "html", "unicode", "negative"])
@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_no_input_reaches_a_500(client, people, junk, role):
    if role != "anonymous":
        sign_in(client, people[role])
    for route in ROUTES:
        fields = dict.fromkeys(route.data, junk) | {"email": junk, "password": junk, "q": junk, "page": junk}
        url = route.url(people)
        response = client.open(url, method=route.method, data=fields, query_string={"q": junk, "page": junk})
        assert response.status_code < 500, f"{route} answered {response.status_code} to {junk[:20]!r}"
