"""The API's routes (each declared with its schemas by `operation`), the OpenAPI document and its readable page, and
the account page where a user makes and revokes personal API tokens."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coaction.api import bp, schemas
from coaction.api import services as api
from coaction.api.forms import TokenForm
from coaction.api.models import ApiToken
from coaction.api.responses import json_response, layer_response, page_response
from coaction.api.spec import (
    PREFIX,
    ApiError,
    bearer_token,
    openapi_document,
    operation,
    refuse_parameters,
    type_label,
)
from coaction.auth.permissions import is_signed_in, require
from coaction.commitments.forms import PROBLEM_MESSAGES
from coaction.commitments.listing import local_today
from coaction.commitments.permissions import can_report_progress
from coaction.commitments.services import CommitmentError, ReportInput, add_report
from coaction.core.tokens import hash_token
from coaction.core.types import utcnow
from coaction.core.web import acting_user, client_ip, config_limit
from coaction.extensions import csrf, db, limiter
from coaction.maps import services as layers
from coaction.priorities.services import priorities_geojson as priority_features

limiter.limit(config_limit("API_RATE_LIMIT"))(bp)
form_limit = config_limit("FORM_RATE_LIMIT")


@operation(
    "/organisations",
    summary="Member organisations",
    tag="organisations",
    query=schemas.OrganisationQuery,
    response=schemas.Organisation,
    paginated=True,
)
def organisations(query: schemas.OrganisationQuery):
    """The public member directory: members and paused members, never prospects, applicants or external partners."""
    return page_response(*api.organisations(query, url_for))


@operation(
    "/organisations/{organisation_id}",
    summary="One member organisation",
    tag="organisations",
    response=schemas.Organisation,
)
def organisation(organisation_id: int):
    found = api.public_organisation_by_id(organisation_id)
    if found is None:
        raise ApiError(404)
    return json_response(api.organisation_values(found, url_for))


@operation(
    "/commitments",
    summary="Public commitments with their computed status",
    tag="commitments",
    query=schemas.CommitmentQuery,
    response=schemas.Commitment,
    paginated=True,
)
def commitments(query: schemas.CommitmentQuery):
    """Progress and status are computed from baseline, target, dates and the latest report, as on the site."""
    return page_response(*api.commitments(query, url_for))


@operation(
    "/commitments/{commitment_id}",
    summary="One public commitment and its progress reports",
    tag="commitments",
    response=schemas.CommitmentDetail,
)
def commitment(commitment_id: int):
    found = api.public_commitment(commitment_id, url_for)
    if found is None:
        raise ApiError(404)
    return json_response(found)


@operation(
    "/commitments.geojson",
    summary="Where public commitments are carried out (RFC 7946)",
    tag="commitments",
    query=schemas.GeoQuery,
    response=None,
    media_type="application/geo+json",
)
def commitments_geojson(query: schemas.GeoQuery):
    """A FeatureCollection of Points, longitude first; a commitment with several places is one feature per place.
    The filters are those of the public map (/map)."""
    return layer_response(api.commitments_geojson(api.geo_filters(query), local_today()))


@operation(
    "/priorities.geojson",
    summary="The joint infrastructure priorities and their geometries (RFC 7946)",
    tag="priorities",
    query=schemas.Query,
    response=None,
    media_type="application/geo+json",
)
def priorities_geojson(query: schemas.Query):
    """Each priority with a geometry, in the network's order; `approximate` marks estimated cost, body or line."""
    return json_response(priority_features(), media_type="application/geo+json")


@operation(
    "/organisations.geojson",
    summary="Where member organisations are (RFC 7946)",
    tag="organisations",
    query=schemas.Query,
    response=None,
    media_type="application/geo+json",
)
def organisations_geojson(query: schemas.Query):
    """Members and paused members as Points: their own coordinates, else their municipality's centre."""
    return json_response(layers.members_geojson(), media_type="application/geo+json")


@operation(
    "/activities.geojson",
    summary="Where coming and running public activities take place (RFC 7946)",
    tag="activities",
    query=schemas.Query,
    response=None,
    media_type="application/geo+json",
)
def activities_geojson(query: schemas.Query):
    """Public activities that have not ended, as Points at the centre of their municipality."""
    return json_response(layers.activities_geojson(local_today()), media_type="application/geo+json")


@operation(
    "/commitments/{commitment_id}/reports",
    method="POST",
    status=201,
    token=True,
    errors=(403, 422),
    summary="Report progress on one of your organisation's commitments",
    tag="commitments",
    body=schemas.ReportBody,
    response=schemas.Report,
)
@csrf.exempt
@limiter.limit(config_limit("API_WRITE_RATE_LIMIT"), key_func=lambda: hash_token(bearer_token()))
def report(commitment_id: int, body: schemas.ReportBody, user):
    """With a personal API token (Authorization: Bearer ...) of a user of the commitment's organisation. The report
    counts exactly as one made on the site, and lands in the audit log."""
    target = api.writable_commitment(user, commitment_id)
    if target is None:
        raise ApiError(404)
    if not can_report_progress(user, target):
        raise ApiError(403)
    try:
        made = add_report(
            target,
            ReportInput(body.reported_on, body.value, body.comment, body.evidence_url),
            today=local_today(),
            upload_path=current_app.config["UPLOAD_PATH"],
            actor=user,
            ip=client_ip(),
        )
    except CommitmentError as error:
        messages = {name: str(PROBLEM_MESSAGES.get(code, code)) for name, code in error.problems.items()}
        raise ApiError(422, problems=messages) from error
    db.session.commit()
    response = json_response(api.report_values(made), status=201)
    response.headers["Location"] = url_for("api.commitment", commitment_id=target.id, _external=True)
    return response


@operation(
    "/activities",
    summary="Public joint activities",
    tag="activities",
    query=schemas.ActivityQuery,
    response=schemas.Activity,
    paginated=True,
)
def activities(query: schemas.ActivityQuery):
    return page_response(*api.activities(query, url_for))


@operation("/activities/{activity_id}", summary="One public activity", tag="activities", response=schemas.Activity)
def activity(activity_id: int):
    found = api.public_activity(activity_id, url_for)
    if found is None:
        raise ApiError(404)
    return json_response(found)


@operation(
    "/goals",
    summary="The plan's goals and sub-goals with their indicators' yearly values",
    tag="goals",
    query=schemas.GoalQuery,
    response=schemas.Goals,
)
def goals(query: schemas.GoalQuery):
    return json_response(api.goals(query.plan_year, url_for))


@operation(
    "/network",
    summary="The collaboration network's organisations and measures",
    tag="network",
    query=schemas.NetworkQuery,
    response=schemas.Node,
    paginated=True,
)
def network(query: schemas.NetworkQuery):
    """From the latest public snapshot: members, and external organisations through public activities."""
    return page_response(*api.network_nodes(query))


@operation(
    "/network/ties",
    summary="Who works with whom (the public network's ties)",
    tag="network",
    query=schemas.PageQuery,
    response=schemas.Edge,
    paginated=True,
)
def network_ties(query: schemas.PageQuery):
    return page_response(*api.network_edges(query))


@operation(
    "/network/snapshot",
    summary="When the network was measured, and its key figures",
    tag="network",
    response=schemas.Snapshot,
)
def network_snapshot():
    return json_response(api.network_snapshot())


@operation(
    "/travel", summary="The network's travel-survey waves (aggregates only)", tag="travel", response=schemas.Travel
)
def travel():
    return json_response(api.travel_waves())


def document() -> dict:
    return openapi_document(url_for("api.docs", _external=True) + PREFIX.removeprefix("/api"))


@bp.get(PREFIX + "/openapi.json")
def openapi():
    refuse_parameters()
    return json_response(document())


@bp.get("/api")
def docs():
    """The document itself, readable: what a client may send and what it gets back."""
    return render_template("api/docs.html", document=document(), prefix=PREFIX, type_label=type_label)


# ---- Personal tokens ------------------------------------------------------------------------------------------


@bp.get("/account/tokens")
@require(is_signed_in)
def tokens():
    return render_tokens(TokenForm())


def render_tokens(form: TokenForm, made: str | None = None, status: int = 200):
    page = render_template(
        "api/tokens.html",
        form=form,
        made=made,
        tokens=api.tokens_of(current_user),
        max_days=current_app.config["API_TOKEN_MAX_DAYS"],
        now=utcnow(),
    )
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/account/tokens")
@require(is_signed_in)
@limiter.limit(form_limit)
def make_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return render_tokens(form, status=422)
    try:
        _row, secret = api.create_token(
            acting_user(),
            name=form.name.data,
            days=form.days.data,
            max_days=current_app.config["API_TOKEN_MAX_DAYS"],
            ip=client_ip(),
        )
    except api.TokenError as error:
        db.session.rollback()
        form.show_problems(error.problems)
        return render_tokens(form, status=422)
    db.session.commit()
    return render_tokens(TokenForm(formdata=None), made=secret, status=201)


@bp.post("/account/tokens/<int:token_id>/revoke")
@require(is_signed_in)
@limiter.limit(form_limit)
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    api.revoke_token(token, actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("api.tokens"))
