from __future__ import annotations

import io

import segno
from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from coaction.auth.permissions import is_signed_in, require
from coaction.commitments.forms import table_messages
from coaction.commitments.listing import local_today
from coaction.core.charts import bar_chart
from coaction.core.status import WORK_STATUS_LABELS
from coaction.core.web import acting_user, client_ip, config_limit, render_form, saved
from coaction.extensions import db, limiter
from coaction.regions.services import all_municipalities, network_municipalities
from coaction.travel import bp
from coaction.travel.feeds import feedable_commitments, feeds_of, link_commitment, unlink_commitment
from coaction.travel.forms import (
    IMPORT_COLUMNS_MESSAGE,
    IMPORT_REFUSED_MESSAGES,
    PLAN_MESSAGES,
    PROBLEM_MESSAGES,
    ROW_MESSAGES,
    FactorForm,
    FeedForm,
    FollowUpForm,
    ImportForm,
    MeasureForm,
    PlanForm,
    ResponseForm,
    SurveyForm,
    TargetForm,
)
from coaction.travel.imports import ImportRefused, checked_so_far, queue_import, template_xlsx
from coaction.travel.labels import (
    BARRIER_LABELS,
    CHANGE_LABELS,
    FIGURE_LABELS,
    MEASURE_LABELS,
    MODE_LABELS,
    WILLING_LABELS,
)
from coaction.travel.models import PlanMeasure, SurveyImport, TravelPlan, TravelSurvey
from coaction.travel.overview import answers_in_all, flows_in, waves
from coaction.travel.permissions import (
    can_make_surveys,
    can_read_network_travel,
    can_read_survey,
    can_set_factors,
)
from coaction.travel.plans import (
    MeasureInput,
    PlanError,
    add_measure,
    compare,
    create_plan,
    link_follow_up,
    minimum_measures,
    plans_of,
    set_measure_status,
    set_target,
)
from coaction.travel.results import (
    BUSINESS_MODES,
    CAR_MODES,
    FACTOR_MODES,
    MIN_CORRIDOR_MEMBERS,
    MIN_GROUP,
    MODES,
    MissingFactors,
    suppress_small,
)
from coaction.travel.services import (
    ResponseInput,
    SurveyError,
    create_survey,
    emission_factors,
    results_of,
    set_emission_factor,
    submit_response,
    survey_by_token,
    surveys_of,
)

form_limit = config_limit("FORM_RATE_LIMIT")


@bp.app_context_processor
def _travel_labels():
    return {
        "mode_labels": MODE_LABELS,
        "barrier_labels": BARRIER_LABELS,
        "willing_labels": WILLING_LABELS,
        "measure_labels": MEASURE_LABELS,
        "change_labels": CHANGE_LABELS,
        "figure_labels": FIGURE_LABELS,
    }


@bp.route("/organisation/surveys", methods=["GET", "POST"])
@require(can_make_surveys)
@limiter.limit(form_limit, methods=["POST"])
def surveys():
    organisation = current_user.organisation
    form = SurveyForm()
    return saved(
        form,
        lambda: create_survey(
            organisation,
            title=form.title.data,
            opens_on=form.opens_on.data,
            closes_on=form.closes_on.data,
            employees=form.employees.data,
            work_weeks=form.work_weeks.data,
            sites=(form.sites.data or "").splitlines(),
            actor=acting_user(),
            ip=client_ip(),
        ),
        SurveyError,
        _("The survey is made. Share its link with your employees."),
        lambda made: redirect(url_for("travel.survey", survey_id=made.id)),
        lambda f: render_form("travel/surveys.html", f, form=f, surveys=surveys_of(organisation)),
    )


def readable_survey(survey_id: int) -> TravelSurvey:
    """404 for what does not exist and for another organisation's survey alike."""
    survey = db.session.get(TravelSurvey, survey_id)
    if survey is None or not can_read_survey(current_user, survey):
        abort(404)
    return survey


def writable_survey(survey_id: int) -> TravelSurvey:
    survey = readable_survey(survey_id)
    if survey.organisation_id != current_user.organisation_id or not can_make_surveys(current_user):
        abort(403)  # the office reads surveys; the organisation's admins change them
    return survey


def feed_form(survey: TravelSurvey) -> FeedForm:
    return FeedForm(commitments=feedable_commitments(survey.organisation))


@bp.get("/organisation/surveys/<int:survey_id>")
@require(is_signed_in)
def survey(survey_id: int):
    return render_survey(readable_survey(survey_id))


def render_survey(survey: TravelSurvey, form: FeedForm | None = None):
    writable = survey.organisation_id == current_user.organisation_id and can_make_surveys(current_user)
    if writable and form is None:
        form = feed_form(survey)
    missing: list[str] = []
    try:
        results = results_of(survey)
    except MissingFactors as error:
        results, missing = None, [str(MODE_LABELS[mode]) for mode in error.modes]
    charts = {}
    if results is not None and not results.suppressed:
        charts["trips"] = bar_chart(
            [(str(MODE_LABELS[mode]), results.modal_split_trips[mode]) for mode in MODES],
            title=_("Share of commuting trips by mode"),
        )
    return render_form(
        "travel/survey.html",
        *([form] if form is not None else []),
        survey=survey,
        feeds=feeds_of(survey),
        feed_form=form if writable else None,
        results=results,
        charts=charts,
        barriers=suppress_small(results.barriers) if results else {},
        willing=suppress_small(results.willing) if results else {},
        missing_factors=missing,
        modes=MODES,
        business_modes=BUSINESS_MODES,
        min_group=MIN_GROUP,
        factors=emission_factors(),
        today=local_today(),
        link=survey_link(survey),
    )


@bp.post("/organisation/surveys/<int:survey_id>/feeds")
@require(is_signed_in)
@limiter.limit(form_limit)
def link_feed(survey_id: int):
    survey = writable_survey(survey_id)
    form = feed_form(survey)
    return saved(
        form,
        lambda: link_commitment(survey, form.commitment.data, form.figure.data, actor=acting_user(), ip=client_ip()),
        SurveyError,
        _("The survey will report to the commitment when it has closed."),
        lambda _result: redirect(url_for("travel.survey", survey_id=survey.id) + "#feeds"),
        lambda f: render_survey(survey, f),
    )


@bp.post("/organisation/surveys/<int:survey_id>/feeds/<int:feed_id>/delete")
@require(is_signed_in)
@limiter.limit(form_limit)
def unlink_feed(survey_id: int, feed_id: int):
    survey = writable_survey(survey_id)
    try:
        unlink_commitment(survey, feed_id, actor=acting_user(), ip=client_ip())
    except SurveyError:
        abort(404)
    db.session.commit()
    flash(_("The survey no longer reports to the commitment."), "success")
    return redirect(url_for("travel.survey", survey_id=survey.id) + "#feeds")


def survey_link(survey: TravelSurvey) -> str:
    """The public link, from the site's configured address (never the request's Host header: it goes on posters)."""
    return current_app.config["BASE_URL"] + url_for("travel.answer", token=survey.token)


@bp.get("/organisation/surveys/<int:survey_id>/qr.<any(svg, png):kind>")
@require(is_signed_in)
def qr_code(survey_id: int, kind: str):
    survey = readable_survey(survey_id)
    code = segno.make(survey_link(survey), error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=8, border=4, title=survey.title, xmldecl=False)
        mimetype = "image/svg+xml"
    else:
        code.save(buffer, kind="png", scale=10, border=4)
        mimetype = "image/png"
    return Response(buffer.getvalue(), mimetype=mimetype, headers={"Cache-Control": "private, max-age=300"})


@bp.get("/organisation/surveys/<int:survey_id>/poster")
@require(is_signed_in)
def poster(survey_id: int):
    survey = readable_survey(survey_id)
    return render_template("travel/poster.html", survey=survey, link=survey_link(survey))


def survey_limit_key() -> str:
    """Per survey and address: an office behind one address shares a generous limit, per survey."""
    return f"{get_remote_address()}|survey|{(request.view_args or {}).get('token', '')[:64]}"


def response_form(survey: TravelSurvey) -> ResponseForm:
    return ResponseForm(municipalities=network_municipalities(), sites=survey.sites or [])


@bp.route("/survey/<token>", methods=["GET", "POST"])
@limiter.limit(config_limit("SURVEY_RATE_LIMIT"), methods=["POST"], key_func=survey_limit_key)
def answer(token: str):
    survey = survey_by_token(token) or abort(404)
    today = local_today()
    if not survey.is_open(today):
        return render_template(
            "travel/closed.html", survey=survey, today=today
        ), 410 if today > survey.closes_on else 200
    form = response_form(survey)
    if form.validate_on_submit():
        answer = ResponseInput(
            home_municipality_id=form.home_municipality.data or None,
            distance_km=form.distance_km.data,
            days={mode: getattr(form, f"days_{mode}").data or 0 for mode in MODES},  # left empty: no day
            remote_days=form.days_remote.data or 0,
            business_km={mode: getattr(form, f"business_km_{mode}").data or 0.0 for mode in BUSINESS_MODES},
            barriers=tuple(form.barriers.data or ()),
            willing=tuple(form.willing.data or ()),
            site=form.site.data or None,
        )
        try:
            submit_response(survey, answer, today)
        except SurveyError as error:
            db.session.rollback()
            for name, code in error.problems.items():
                field = getattr(form, name, None) or form.distance_km
                field.errors = [*field.errors, PROBLEM_MESSAGES.get(code, code)]
        else:
            db.session.commit()
            return render_template("travel/thanks.html", survey=survey)
    return render_form("travel/answer.html", form, form=form, survey=survey, modes=MODES, business_modes=BUSINESS_MODES)


@bp.route("/coordinator/emission-factors", methods=["GET", "POST"])
@require(can_set_factors)
@limiter.limit(form_limit, methods=["POST"])
def factors():
    mode = request.values.get("mode", "")
    form = FactorForm(prefix=mode) if mode in FACTOR_MODES else None
    if request.method == "POST":
        if form is None:
            abort(400)
        if form.validate_on_submit():
            try:
                set_emission_factor(
                    mode,
                    kg_per_pkm=form.kg_per_pkm.data,
                    publication=form.publication.data,
                    table_ref=form.table_ref.data or "",
                    year=form.year.data,
                    approximate=form.approximate.data,
                    actor=acting_user(),
                    ip=client_ip(),
                )
            except SurveyError:
                db.session.rollback()
                form.kg_per_pkm.errors = [_("Give kg CO2e per person-km from 0 to 10.")]
            else:
                db.session.commit()
                flash(_("The factor is saved; results use it from now on."), "success")
                return redirect(url_for("travel.factors"))
    known = {factor.mode: factor for factor in emission_factors()}
    forms = {
        code: form if code == mode and form is not None else FactorForm(prefix=code, obj=known.get(code))
        for code in FACTOR_MODES
    }
    return render_form("travel/factors.html", *forms.values(), forms=forms, known=known)


@bp.get("/coordinator/travel")
@require(can_read_network_travel)
def network():
    """Every member's surveys pooled, wave by wave, and the commute flows of one wave (the latest by default)."""
    missing: list[str] = []
    try:
        all_waves = waves()
    except MissingFactors as error:
        all_waves, missing = [], [str(MODE_LABELS[mode]) for mode in error.modes]
    years = [wave.year for wave in all_waves]
    year = request.args.get("year", type=int)
    if year not in years:
        year = years[-1] if years else None
    wave = next((wave for wave in all_waves if wave.year == year), None)
    charts = {}
    if wave is not None and not wave.figures.suppressed:
        charts["trips"] = bar_chart(
            [(str(MODE_LABELS[mode]), wave.figures.modal_split_trips[mode]) for mode in MODES],
            title=_("Share of commuting trips by mode, %(year)s", year=year),
        )
    names = {municipality.id: municipality.name for municipality in all_municipalities()}
    return render_template(
        "travel/network.html",
        waves=list(zip(all_waves, [None, *all_waves], strict=False)),  # each wave with the one before
        wave=wave,
        year=year,
        years=years,
        flows=flows_in(year) if year else [],
        names=names,
        answers=answers_in_all(),
        charts=charts,
        barriers=suppress_small(wave.figures.barriers) if wave else {},
        willing=suppress_small(wave.figures.willing) if wave else {},
        car_modes=CAR_MODES,
        modes=MODES,
        min_group=MIN_GROUP,
        min_members=MIN_CORRIDOR_MEMBERS,
        missing_factors=missing,
    )


@bp.get("/organisation/surveys/import-template.xlsx")
@require(can_make_surveys)
def import_template():
    labels = {
        "barriers": {k: str(v) for k, v in BARRIER_LABELS.items()},
        "willing": {k: str(v) for k, v in WILLING_LABELS.items()},
    }
    return Response(
        template_xlsx(labels, next((m.name for m in network_municipalities()), "other")),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="survey-answers.xlsx"'},
    )


@bp.route("/organisation/surveys/<int:survey_id>/import", methods=["GET", "POST"])
@require(can_make_surveys)
@limiter.limit(form_limit, methods=["POST"])
def import_answers(survey_id: int):
    survey = readable_survey(survey_id)
    if survey.organisation_id != current_user.organisation_id:
        abort(404)  # the office reads results; only the organisation's own admins add answers
    form = ImportForm()
    refused = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            log = queue_import(
                survey,
                upload.filename or "answers.csv",
                upload.read(),
                valid_only=form.valid_only.data,
                actor=acting_user(),
                ip=client_ip(),
            )
        except ImportRefused as error:
            db.session.rollback()
            refused = error.code
        else:
            db.session.commit()
            return redirect(url_for("travel.import_status", survey_id=survey.id, import_id=log.id))
    body, status = render_form(
        "travel/import.html", form, form=form, survey=survey, refused=refused, refused_messages=IMPORT_REFUSED_MESSAGES
    )
    return body, 422 if refused else status


def readable_import(survey_id: int, import_id: int) -> SurveyImport:
    survey = readable_survey(survey_id)
    log = db.session.get(SurveyImport, import_id)
    if log is None or log.survey_id != survey.id:
        abort(404)
    return log


def import_progress_text(log: SurveyImport) -> str:
    if log.status in ("queued", "running"):
        return _(
            "Checked %(checked)s of about %(total)s rows.", checked=checked_so_far(log), total=log.total_rows or "?"
        )
    if log.status == "done":
        return _("%(count)s answers imported.", count=log.imported)
    return _("Nothing was imported.")


@bp.get("/organisation/surveys/<int:survey_id>/imports/<int:import_id>")
@require(is_signed_in)
def import_status(survey_id: int, import_id: int):
    log = readable_import(survey_id, import_id)
    return render_template(
        "travel/import_status.html",
        log=log,
        survey=log.survey,
        progress_text=import_progress_text(log),
        row_messages=ROW_MESSAGES,
        file_messages=table_messages(IMPORT_COLUMNS_MESSAGE) | IMPORT_REFUSED_MESSAGES,
    )


@bp.get("/organisation/surveys/<int:survey_id>/imports/<int:import_id>/progress.json")
@require(is_signed_in)
def import_progress(survey_id: int, import_id: int):
    """What the status page's script polls; the page itself never refreshes on its own."""
    log = readable_import(survey_id, import_id)
    return jsonify(
        done=checked_so_far(log),
        total=log.total_rows,
        finished=log.status in ("done", "refused", "failed"),
        text=import_progress_text(log),
    )


# ---- green travel plans -----------------------------------------------------------------------------------------


@bp.route("/organisation/plans", methods=["GET", "POST"])
@require(can_make_surveys)
@limiter.limit(form_limit, methods=["POST"])
def plans():
    organisation = current_user.organisation
    form = PlanForm(surveys=surveys_of(organisation))
    if form.validate_on_submit():
        try:
            plan = create_plan(
                organisation,
                title=form.title.data,
                baseline_survey_id=form.baseline_survey.data,
                actor=acting_user(),
                ip=client_ip(),
            )
        except PlanError as error:
            db.session.rollback()
            show_plan_problems(form, error)
        else:
            db.session.commit()
            return redirect(url_for("travel.plan", plan_id=plan.id))
    return render_form("travel/plans.html", form, form=form, plans=plans_of(organisation))


def show_plan_problems(form, error: PlanError) -> None:
    for name, code in error.problems.items():
        field = getattr(form, name, None) or next(iter(form))
        field.errors = [*field.errors, PLAN_MESSAGES.get(code, code)]


def readable_plan(plan_id: int) -> TravelPlan:
    plan = db.session.get(TravelPlan, plan_id)
    if plan is None or not can_read_survey(current_user, plan.baseline_survey):
        abort(404)
    return plan


def writable_plan(plan_id: int) -> TravelPlan:
    plan = readable_plan(plan_id)
    if plan.organisation_id != current_user.organisation_id or not can_make_surveys(current_user):
        abort(403)  # the office reads plans; the organisation's admins write them
    return plan


def safe_results(survey: TravelSurvey | None):
    if survey is None:
        return None
    try:
        return results_of(survey)
    except MissingFactors:
        return None


def render_plan(plan: TravelPlan, **forms):
    surveys = [s for s in surveys_of(plan.organisation) if s.id != plan.baseline_survey_id]
    before, after = safe_results(plan.baseline_survey), safe_results(plan.follow_up_survey)
    comparable = before is not None and after is not None and not before.suppressed and not after.suppressed
    latest_target = plan.targets[-1] if plan.targets else None
    writable = plan.organisation_id == current_user.organisation_id and can_make_surveys(current_user)
    all_forms = {
        "target_form": forms.get("target_form") or TargetForm(),
        "measure_form": forms.get("measure_form") or MeasureForm(),
        "follow_up_form": forms.get("follow_up_form")
        or FollowUpForm(data={"survey": plan.follow_up_survey_id or 0}, surveys=surveys),
    }
    return render_form(
        "travel/plan.html",
        *(form for form in forms.values() if form is not None),
        plan=plan,
        before=before,
        after=after,
        changes=compare(before, after, latest_target) if comparable else [],
        minimum=minimum_measures(),
        active_measures=sum(1 for m in plan.measures if m.status != "cancelled"),
        writable=writable,
        statuses=WORK_STATUS_LABELS,
        **all_forms,
    )


@bp.get("/organisation/plans/<int:plan_id>")
@require(is_signed_in)
def plan(plan_id: int):
    return render_plan(readable_plan(plan_id))


def percent_or_none(value: float | None) -> float | None:
    return None if value is None else value / 100


def save_plan_form(plan: TravelPlan, form, form_key: str, write, message: str):
    """The plan's forms alike: checked, written by `write` (a service call), or shown again with the problems."""
    if form.validate_on_submit():
        try:
            write()
        except PlanError as error:
            db.session.rollback()
            show_plan_problems(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("travel.plan", plan_id=plan.id))
    return render_plan(plan, **{form_key: form})


@bp.post("/organisation/plans/<int:plan_id>/targets")
@require(is_signed_in)
@limiter.limit(form_limit)
def plan_target(plan_id: int):
    plan = writable_plan(plan_id)
    form = TargetForm()
    return save_plan_form(
        plan,
        form,
        "target_form",
        lambda: set_target(
            plan,
            year=form.year.data,
            car_share=percent_or_none(form.car_share.data),
            sustainable_share=percent_or_none(form.sustainable_share.data),
            co2e_kg_per_employee=form.co2e_kg_per_employee.data,
            actor=acting_user(),
            ip=client_ip(),
        ),
        _("The target is saved."),
    )


@bp.post("/organisation/plans/<int:plan_id>/measures")
@require(is_signed_in)
@limiter.limit(form_limit)
def plan_measure(plan_id: int):
    plan = writable_plan(plan_id)
    form = MeasureForm()
    return save_plan_form(
        plan,
        form,
        "measure_form",
        lambda: add_measure(
            plan,
            MeasureInput(
                kind=form.kind.data,
                description=form.description.data or None,
                owner=form.owner.data or None,
                cost_sek=form.cost_sek.data,
                expected_effect=form.expected_effect.data or None,
                status=form.status.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            ),
            actor=acting_user(),
            ip=client_ip(),
        ),
        _("The measure is added."),
    )


@bp.post("/organisation/plans/<int:plan_id>/measures/<int:measure_id>/status")
@require(is_signed_in)
@limiter.limit(form_limit)
def plan_measure_status(plan_id: int, measure_id: int):
    plan = writable_plan(plan_id)
    measure = db.session.get(PlanMeasure, measure_id)
    if measure is None or measure.plan_id != plan.id:
        abort(404)
    try:
        set_measure_status(plan, measure, request.form.get("status", ""), actor=acting_user(), ip=client_ip())
    except PlanError:
        abort(400)
    db.session.commit()
    return redirect(url_for("travel.plan", plan_id=plan.id) + "#measures")


@bp.post("/organisation/plans/<int:plan_id>/follow-up")
@require(is_signed_in)
@limiter.limit(form_limit)
def plan_follow_up(plan_id: int):
    plan = writable_plan(plan_id)
    form = FollowUpForm(surveys=[s for s in surveys_of(plan.organisation) if s.id != plan.baseline_survey_id])
    return save_plan_form(
        plan,
        form,
        "follow_up_form",
        lambda: link_follow_up(plan, form.survey.data or None, actor=acting_user(), ip=client_ip()),
        _("The follow-up survey is linked."),
    )
