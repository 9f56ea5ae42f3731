from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from coaction.auth.permissions import is_signed_in, require
from coaction.commitments.listing import local_today
from coaction.commitments.models import FocusArea
from coaction.core.charts import Series, line_chart
from coaction.core.types import utcnow
from coaction.core.web import acting_user, client_ip, config_limit
from coaction.extensions import cache, db, limiter
from coaction.members.labels import SECTOR_LABELS
from coaction.members.models import Organisation
from coaction.network import bp
from coaction.network.forms import IntroductionForm
from coaction.network.labels import INTRODUCTION_STATE_LABELS, SCORE_PART_LABELS, edge_kind_names, edge_kinds
from coaction.network.listing import (
    EXPORTS,
    SECTOR_COLOURS,
    SORTS,
    Filters,
    community_members,
    drawing_data,
    export_bytes,
    organisations_page,
    position_of,
    ranked,
    ties_of,
    ties_page,
)
from coaction.network.models import Introduction, NetworkNode, Scope
from coaction.network.partners import (
    IntroductionError,
    answer_introduction,
    corridors_by_organisation,
    dismiss,
    introductions_of,
    request_introduction,
    suggestions_for,
)
from coaction.network.permissions import (
    can_answer_introduction,
    can_see_whole_network,
    can_use_partner_suggestions,
)
from coaction.network.services import latest_snapshot, mark_dirty, network_state, request_refresh
from coaction.regions.models import Municipality
from coaction.ties.models import TieKind

form_limit = config_limit("FORM_RATE_LIMIT")
SHOWN_COMMUNITIES = 12
TIES_PER_PAGE = 25


@bp.app_context_processor
def _network_helpers():
    return {
        "utcnow": utcnow,
        "edge_kinds": edge_kinds,
        "kind_names": edge_kind_names(),
        "introduction_state_labels": INTRODUCTION_STATE_LABELS,
        "score_part_labels": SCORE_PART_LABELS,
    }


def _page_number(name: str) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 7 else 1


def current_snapshot(scope: Scope):
    """The latest snapshot; with none yet (a new site), a refresh is queued so that the next visit has one."""
    snapshot = latest_snapshot(scope)
    if snapshot is None:
        mark_dirty(queue=current_app.config["NETWORK_AUTO_REFRESH"])
    return snapshot


def filter_choices() -> dict:
    return {
        "sectors": SECTOR_LABELS,
        "municipalities": list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name))),
        "focus_areas": list(db.session.scalars(sa.select(FocusArea).order_by(FocusArea.id))),
    }


@bp.get("/network")
def index():
    snapshot = current_snapshot(Scope.PUBLIC)
    filters = Filters.from_args(request.args)
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "degree"
    context = {"snapshot": snapshot, "filters": filters, "sort": sort, "state": network_state(), **filter_choices()}
    if snapshot is not None:
        context["organisations"] = organisations_page(snapshot, filters, sort=sort, page=_page_number("page"))
        context["ties"] = ties_page(snapshot, filters, page=_page_number("tpage"), per_page=TIES_PER_PAGE)
        context["sector_names"] = {sector: str(label) for sector, label in SECTOR_LABELS.items()}
    return render_template("network/index.html", sector_colours=SECTOR_COLOURS, exports=EXPORTS, **context)


@bp.get("/network.json")
def drawing():
    snapshot = latest_snapshot(Scope.PUBLIC)
    if snapshot is None:
        return jsonify(error="no_snapshot", message=_("The network has not been computed yet.")), 404
    filters = Filters.from_args(request.args)
    # A snapshot never changes: its drawing is cached by snapshot, filters and language until the next one.
    key = f"network.json:{snapshot.id}:{get_locale()}:{sorted(filters.as_args().items())}"
    if (body := cache.get(key)) is None:
        body = _drawing_json(snapshot, filters)
        cache.set(key, body, timeout=3600)
    response = current_app.response_class(body, mimetype="application/json")
    response.cache_control.public, response.cache_control.max_age = True, 60
    return response


def _drawing_json(snapshot, filters: Filters) -> str:
    data = drawing_data(
        snapshot,
        filters,
        url_for_member=lambda slug: url_for("members.profile", slug=slug),
        url_for_community=lambda number: url_for("network.drawing", **{**filters.as_args(), "community": number}),
    )
    if data["aggregated"]:
        summary = _("%(count)s communities are drawn; choose one to see its organisations.", count=len(data["nodes"]))
    else:
        summary = _(
            "%(organisations)s organisations and %(ties)s ties are drawn.",
            organisations=len(data["nodes"]),
            ties=len(data["edges"]),
        )
    return json.dumps({"summary": summary, "computed_at": snapshot.computed_at.isoformat(), **data})


@bp.get("/network/export.<fmt>")
def export(fmt: str):
    """The public network; the office may ask for the whole (?scope=all)."""
    if fmt not in EXPORTS:
        abort(404)
    scope = Scope.ALL if request.args.get("scope") == "all" else Scope.PUBLIC
    if scope == Scope.ALL and not can_see_whole_network(current_user):
        abort(404)
    snapshot = latest_snapshot(scope)
    if snapshot is None:
        abort(404)
    content_type, suffix = EXPORTS[fmt]
    name = f"network-{scope}-{snapshot.computed_at:%Y-%m-%d}.{suffix}"
    return Response(
        export_bytes(snapshot, fmt),
        content_type=f"{content_type}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def growth_chart(snapshot):
    years = [(year, found) for year, found in snapshot.growth]
    series = [
        Series(_("Ties"), [(year, found["ties"]) for year, found in years], "chart-series-0"),
        Series(_("Members without a tie"), [(year, found["without_tie"]) for year, found in years], "chart-series-1"),
    ]
    return line_chart(series, title=_("The network year by year"), x_label=_("Year"), y_label=_("Count"))


@bp.route("/coordinator/network", methods=["GET", "POST"])
@require(can_see_whole_network)
@limiter.limit(form_limit, methods=["POST"])
def office():
    if request.method == "POST":
        request_refresh()
        flash(_("The network is being recomputed; the page shows the new figures when it is done."), "success")
        return redirect(url_for("network.office"))
    snapshot = current_snapshot(Scope.ALL)
    context = {"snapshot": snapshot, "state": network_state()}
    if snapshot is not None:
        context.update(
            brokers=ranked(snapshot, NetworkNode.betweenness > 0, (NetworkNode.betweenness.desc(),)),
            cut_points=ranked(snapshot, NetworkNode.articulation.is_(True), (NetworkNode.betweenness.desc(),)),
            isolated=ranked(snapshot, NetworkNode.degree == 0, (), limit=50),
            single=ranked(snapshot, NetworkNode.degree == 1, (), limit=50),
            communities=[
                (number, size, community_members(snapshot, number))
                for number, size in _community_sizes(snapshot)[:SHOWN_COMMUNITIES]
            ],
            chart=growth_chart(snapshot) if snapshot.growth else None,
            introduce=_introductions_first(snapshot),
            sector_labels=SECTOR_LABELS,
        )
    return render_template("network/office.html", **context)


def _community_sizes(snapshot) -> list[tuple[int, int]]:
    rows = (
        sa.select(NetworkNode.community, sa.func.count())
        .where(NetworkNode.snapshot_id == snapshot.id)
        .group_by(NetworkNode.community)
        .having(sa.func.count() > 1)
        .order_by(sa.func.count().desc(), NetworkNode.community)
    )
    return list(db.session.execute(rows).tuples())


def _introductions_first(snapshot, count: int = 10) -> list:
    """The members with fewest ties, each with its best suggestion: whom the office introduces first."""
    first, today = [], local_today()
    corridors = corridors_by_organisation(today)  # every survey's answers: once, not once per member
    for node, organisation in ranked(snapshot, NetworkNode.degree <= 1, (NetworkNode.degree,), limit=count * 3):
        found = suggestions_for(organisation, acting_user(), today, limit=1, corridors=corridors)
        if found:
            first.append((organisation, node, found[0]))
        if len(first) == count:
            break
    return first


def render_mine(failed: tuple[Organisation, IntroductionForm] | None = None):
    """The organisation's page; `failed`: an introduction refused, shown with its text and what is wrong (by its
    suggestion, or above the suggestions when the candidate is no longer suggested)."""
    organisation = current_user.organisation
    snapshot = latest_snapshot(Scope.ALL) or latest_snapshot(Scope.PUBLIC)
    suggestions = suggestions_for(organisation, acting_user(), local_today()) if snapshot else []
    forms = {s.organisation.id: IntroductionForm(prefix=f"c{s.organisation.id}", formdata=None) for s in suggestions}
    if failed and failed[0].id in forms:
        forms[failed[0].id] = failed[1]
        failed = None
    asked_of, asked_by = introductions_of(organisation.id)
    page = render_template(
        "network/mine.html",
        organisation=organisation,
        snapshot=snapshot,
        position=position_of(snapshot, organisation.id) if snapshot else None,
        ties=ties_of(snapshot, organisation.id) if snapshot else [],
        suggestions=suggestions,
        forms=forms,
        failed=failed,
        asked_of=asked_of,
        asked_by=asked_by,
        can_answer=lambda introduction: can_answer_introduction(current_user, introduction),
    )
    return page, 200


@bp.get("/organisation/network")
@require(can_use_partner_suggestions)
def mine():
    return render_mine()


def candidate_or_404(candidate_id: int) -> Organisation:
    """Another organisation (one's own is never a candidate)."""
    candidate = db.session.get(Organisation, candidate_id)
    if candidate is None or candidate.id == current_user.organisation_id:
        abort(404)
    return candidate


@bp.post("/organisation/network/suggestions/<int:candidate_id>/introduce")
@require(can_use_partner_suggestions)
@limiter.limit(config_limit("INTRODUCTION_RATE_LIMIT"), key_func=lambda: f"introduce:{current_user.organisation_id}")
def introduce(candidate_id: int):
    candidate = candidate_or_404(candidate_id)
    form = IntroductionForm(prefix=f"c{candidate.id}")
    if form.validate_on_submit():
        try:
            request_introduction(
                current_user.organisation,
                candidate.id,
                TieKind(form.kind.data),
                form.message.data,
                actor=acting_user(),
                ip=client_ip(),
            )
        except IntroductionError as error:
            db.session.rollback()
            form.show_problems(error.problems)
        else:
            db.session.commit()
            flash(_("Your introduction is sent to the admins of %(name)s.", name=candidate.name), "success")
            return redirect(url_for("network.mine"))
    page, _status = render_mine((candidate, form))
    return page, 422


@bp.post("/organisation/network/suggestions/<int:candidate_id>/dismiss")
@require(can_use_partner_suggestions)
@limiter.limit(form_limit)
def dismiss_suggestion(candidate_id: int):
    candidate = candidate_or_404(candidate_id)
    dismiss(current_user.organisation, candidate.id, actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("%(name)s is no longer suggested.", name=candidate.name), "success")
    return redirect(url_for("network.mine"))


@bp.post("/network/introductions/<int:introduction_id>/answer")
@require(is_signed_in)
@limiter.limit(form_limit)
def answer(introduction_id: int):
    introduction = db.session.get(Introduction, introduction_id) or abort(404)
    if not can_answer_introduction(current_user, introduction):
        abort(404)
    choice = request.form.get("answer")
    if choice not in ("accept", "decline"):
        abort(400)
    try:
        answer_introduction(
            introduction, accept=choice == "accept", today=local_today(), actor=acting_user(), ip=client_ip()
        )
    except IntroductionError:
        db.session.rollback()
        abort(409)
    db.session.commit()
    if choice == "accept":
        flash(_("Accepted: the tie counts in the network from today."), "success")
    else:
        flash(_("Declined."), "success")
    return redirect(url_for("network.mine"))
