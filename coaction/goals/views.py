from __future__ import annotations

from collections import defaultdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from coaction.auth.permissions import require
from coaction.commitments.listing import Filters, find_commitments, local_today, status_counts
from coaction.commitments.permissions import is_network_office
from coaction.core.charts import Series, line_chart
from coaction.core.tables import TableError
from coaction.core.web import acting_user, client_ip, config_limit, render_form
from coaction.extensions import db, limiter
from coaction.goals import bp
from coaction.goals.forms import (
    VALUE_ROW_MESSAGES,
    CopyPlanForm,
    GoalForm,
    IndicatorFileForm,
    IndicatorForm,
    IndicatorValueForm,
)
from coaction.goals.models import Indicator, IndicatorValue, PlanGoal
from coaction.goals.services import (
    GoalError,
    all_indicators,
    check_value_file,
    copy_plan_year,
    current_plan_year,
    goal_tree,
    import_values,
    plan_years,
    remove_goal,
    save_goal,
    save_indicator,
    set_indicator_value,
)
from coaction.regions.services import network_municipalities

form_limit = config_limit("FORM_RATE_LIMIT")


def chosen_year() -> int | None:
    years = plan_years()
    asked = request.args.get("year", type=int)
    return asked if asked in years else current_plan_year(local_today().year)


@bp.get("/goals")
def index():
    year = chosen_year()
    return render_template(
        "goals/index.html", year=year, years=plan_years(), tree=goal_tree(year) if year is not None else []
    )


def indicator_chart(indicator: Indicator):
    """The network's series and each municipality's, as lines; the page shows the same values as a table."""
    lines: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for value in indicator.values:
        label = value.municipality.name if value.municipality else _("The whole network")
        lines[label].append((value.year, value.value))
    series = [Series(label, points, f"chart-series-{index % 6}") for index, (label, points) in enumerate(lines.items())]
    return line_chart(series, title=indicator.name, x_label=_("Year"), y_label=indicator.unit)


@bp.get("/goals/<int:goal_id>")
def show(goal_id: int):
    # The indicators, their values and places in three queries, not one per value.
    loading = selectinload(PlanGoal.indicators).selectinload(Indicator.values).selectinload(IndicatorValue.municipality)
    goal = db.session.get(PlanGoal, goal_id, options=[loading]) or abort(404)
    filters = Filters(goal_id=goal.id)
    return render_template(
        "goals/show.html",
        goal=goal,
        counts=status_counts(current_user, filters),
        found=find_commitments(current_user, filters, page=1, per_page=25),
        charts={indicator.id: indicator_chart(indicator) for indicator in goal.indicators},
        versions=db.session.scalars(
            db.select(PlanGoal)
            .where(db.or_(PlanGoal.id == goal.lineage, PlanGoal.lineage_id == goal.lineage))
            .order_by(PlanGoal.plan_year)
        ).all(),
    )


@bp.get("/coordinator/goals")
@require(is_network_office)
def manage():
    year = chosen_year()
    copy_form = CopyPlanForm(data={"from_year": year, "to_year": (year or local_today().year) + 1})
    return render_template(
        "goals/manage.html",
        year=year,
        years=plan_years(),
        tree=goal_tree(year) if year is not None else [],
        copy_form=copy_form,
        indicators=all_indicators(),
    )


def goal_form(goal: PlanGoal | None, year: int) -> GoalForm:
    parents = db.session.scalars(
        db.select(PlanGoal).where(PlanGoal.parent_id.is_(None)).order_by(PlanGoal.plan_year.desc(), PlanGoal.position)
    ).all()
    start = None
    if request.method == "GET":
        start = (
            {
                "plan_year": goal.plan_year,
                "parent": goal.parent_id or 0,
                "focus_area": goal.focus_area,
                "title": goal.title,
                "description": goal.description,
                "responsible": goal.responsible,
                "position": goal.position,
                "indicators": [i.id for i in goal.indicators],
            }
            if goal
            else {"plan_year": year, "parent": request.args.get("parent", 0, type=int)}
        )
    return GoalForm(
        data=start, parents=[p for p in parents if goal is None or p.id != goal.id], indicators=all_indicators()
    )


@bp.route("/coordinator/goals/new", methods=["GET", "POST"])
@bp.route("/coordinator/goals/<int:goal_id>", methods=["GET", "POST"])
@require(is_network_office)
@limiter.limit(form_limit, methods=["POST"])
def edit(goal_id: int | None = None):
    goal = (db.session.get(PlanGoal, goal_id) or abort(404)) if goal_id else None
    form = goal_form(goal, chosen_year() or local_today().year)
    if form.validate_on_submit():
        try:
            saved = save_goal(
                goal,
                indicator_ids=list(form.indicators.data or []),
                actor=acting_user(),
                ip=client_ip(),
                plan_year=form.plan_year.data,
                parent_id=form.parent.data or None,
                focus_area=(form.focus_area.data or "").strip(),
                title=form.title.data.strip(),
                description=(form.description.data or "").strip() or None,
                responsible=(form.responsible.data or "").strip() or None,
                position=form.position.data or 0,
            )
        except GoalError:
            db.session.rollback()
            form.parent.errors = [_("A sub-goal belongs to a goal of the same plan year, and has no sub-goals itself.")]
        else:
            db.session.commit()
            flash(_("The goal is saved."), "success")
            return redirect(url_for("goals.manage", year=saved.plan_year))
    return render_form("goals/edit.html", form, form=form, goal=goal)


@bp.post("/coordinator/goals/<int:goal_id>/remove")
@require(is_network_office)
def remove(goal_id: int):
    goal = db.session.get(PlanGoal, goal_id) or abort(404)
    year = goal.plan_year
    try:
        remove_goal(goal, actor=acting_user(), ip=client_ip())
    except GoalError:
        db.session.rollback()
        flash(_("A goal with sub-goals or linked commitments cannot be removed."), "error")
        return redirect(url_for("goals.manage", year=year))
    db.session.commit()
    flash(_("The goal is removed."), "success")
    return redirect(url_for("goals.manage", year=year))


@bp.post("/coordinator/goals/copy")
@require(is_network_office)
def copy():
    form = CopyPlanForm()
    if form.validate_on_submit():
        try:
            copied = copy_plan_year(form.from_year.data, form.to_year.data, actor=acting_user(), ip=client_ip())
        except GoalError as error:
            db.session.rollback()
            messages = {
                "exists": _("There is a plan for that year already."),
                "empty": _("There is no plan to copy for that year."),
            }
            flash(messages.get(error.code, _("The plan could not be copied.")), "error")
            return redirect(url_for("goals.manage", year=form.from_year.data))
        db.session.commit()
        flash(_("%(count)s goals copied into %(year)s.", count=copied, year=form.to_year.data), "success")
        return redirect(url_for("goals.manage", year=form.to_year.data))
    flash(_("Give two years between 1990 and 2100."), "error")
    return redirect(url_for("goals.manage"))


def indicator_fields(form: IndicatorForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "unit": form.unit.data.strip(),
        "description": (form.description.data or "").strip() or None,
    }


@bp.route("/coordinator/indicators/new", methods=["GET", "POST"])
@require(is_network_office)
@limiter.limit(form_limit, methods=["POST"])
def new_indicator():
    form = IndicatorForm()
    if form.validate_on_submit():
        try:
            indicator = save_indicator(
                None,
                actor=acting_user(),
                ip=client_ip(),
                **indicator_fields(form),
            )
        except GoalError:
            db.session.rollback()
            form.name.errors = [_("An indicator of that name exists already.")]
        else:
            db.session.commit()
            return redirect(url_for("goals.indicator", indicator_id=indicator.id))
    return render_form("goals/indicator_new.html", form, form=form)


def render_indicator(indicator, form=None, value_form=None, file_form=None, checked=None, file_problem=None):
    municipalities = network_municipalities()
    return render_form(
        "goals/indicator.html",
        *(f for f in (form, value_form, file_form) if f is not None),
        indicator=indicator,
        form=form or IndicatorForm(obj=indicator),
        value_form=value_form or IndicatorValueForm(municipalities=municipalities),
        file_form=file_form or IndicatorFileForm(),
        chart=indicator_chart(indicator),
        checked=checked,
        file_problem=file_problem,
        value_problems=VALUE_ROW_MESSAGES,
    )


@bp.route("/coordinator/indicators/<int:indicator_id>", methods=["GET", "POST"])
@require(is_network_office)
@limiter.limit(form_limit, methods=["POST"])
def indicator(indicator_id: int):
    indicator = db.session.get(Indicator, indicator_id) or abort(404)
    if request.method == "GET":
        return render_indicator(indicator)
    action = request.form.get("action")
    if action == "value":
        value_form = IndicatorValueForm(municipalities=network_municipalities())
        if not value_form.validate_on_submit():
            return render_indicator(indicator, value_form=value_form)
        set_indicator_value(
            indicator,
            year=value_form.year.data,
            municipality_id=value_form.municipality.data or None,
            value=value_form.value.data,
            source=value_form.source.data,
            actor=acting_user(),
            ip=client_ip(),
        )
        db.session.commit()
        flash(_("The value is saved."), "success")
    elif action == "file":
        file_form = IndicatorFileForm()
        if not file_form.validate_on_submit() or not file_form.file.data:
            return render_indicator(indicator, file_form=file_form)
        upload = file_form.file.data
        try:
            rows = check_value_file(upload.filename or "", upload.read())
            saved = import_values(indicator, rows, actor=acting_user(), ip=client_ip())
        except TableError as error:
            db.session.rollback()
            return render_indicator(indicator, file_problem=error.code)[0], 422
        except GoalError:
            db.session.rollback()
            return render_indicator(indicator, checked=rows)[0], 422
        db.session.commit()
        flash(_("%(count)s values imported.", count=saved), "success")
    else:
        form = IndicatorForm()
        if not form.validate_on_submit():
            return render_indicator(indicator, form=form)
        try:
            save_indicator(
                indicator,
                actor=acting_user(),
                ip=client_ip(),
                **indicator_fields(form),
            )
        except GoalError:
            db.session.rollback()
            form.name.errors = [_("An indicator of that name exists already.")]
            return render_indicator(indicator, form=form)
        db.session.commit()
        flash(_("The indicator is saved."), "success")
    return redirect(url_for("goals.indicator", indicator_id=indicator.id))
