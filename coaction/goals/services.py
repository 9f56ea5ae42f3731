"""The plan's goals, year by year, and its indicators with their yearly values."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coaction.audit.services import record
from coaction.core.tables import read_table
from coaction.core.text import parse_number
from coaction.extensions import db
from coaction.goals.models import Indicator, IndicatorValue, PlanGoal
from coaction.regions.models import Municipality

MIN_YEAR, MAX_YEAR = 1990, 2100


class GoalError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def plan_years() -> list[int]:
    return list(db.session.scalars(sa.select(PlanGoal.plan_year).distinct().order_by(PlanGoal.plan_year.desc())))


def current_plan_year(this_year: int) -> int | None:
    """This year's plan if there is one, else the latest before it, else the earliest after it."""
    years = plan_years()
    past = [year for year in years if year <= this_year]
    return max(past) if past else (min(years) if years else None)


def goal_tree(plan_year: int) -> list[PlanGoal]:
    """The top-level goals of a plan year, their sub-goals and indicators loaded."""
    return list(
        db.session.scalars(
            sa.select(PlanGoal)
            .where(PlanGoal.plan_year == plan_year, PlanGoal.parent_id.is_(None))
            .order_by(PlanGoal.position, PlanGoal.id)
            .options(
                selectinload(PlanGoal.children).selectinload(PlanGoal.indicators),
                selectinload(PlanGoal.indicators),
            )
        )
    )


def goal_choices(plan_year: int | None) -> list[tuple[int, str]]:
    """(id, label) of every goal and sub-goal of a plan year, sub-goals under their goal."""
    if plan_year is None:
        return []
    choices = []
    for goal in goal_tree(plan_year):
        choices.append((goal.id, goal.title))
        choices += [(child.id, f"– {child.title}") for child in goal.children]
    return choices


GOAL_FIELDS = ("plan_year", "parent_id", "focus_area", "title", "description", "responsible", "position")


def save_goal(goal: PlanGoal | None, *, indicator_ids: list[int], actor, ip: str | None, **values) -> PlanGoal:
    parent_id = values.get("parent_id")
    if parent_id is not None:
        parent = db.session.get(PlanGoal, parent_id)
        if parent is None or parent.parent_id is not None or parent.plan_year != values["plan_year"]:
            raise GoalError("a sub-goal's parent is a goal of the same plan year", "parent")
        if goal is not None and (parent.id == goal.id or goal.children):
            raise GoalError("a goal with sub-goals cannot become a sub-goal", "parent")
    created = goal is None
    goal = goal or PlanGoal()
    changes = {
        name: [None if created else getattr(goal, name), values[name]]
        for name in GOAL_FIELDS
        if name in values and (created or getattr(goal, name) != values[name])
    }
    for name in GOAL_FIELDS:
        if name in values:
            setattr(goal, name, values[name])
    goal.indicators = list(db.session.scalars(sa.select(Indicator).where(Indicator.id.in_(indicator_ids))))
    db.session.add(goal)
    db.session.flush()
    record(actor, "goal.created" if created else "goal.updated", goal, changes, ip)
    return goal


def remove_goal(goal: PlanGoal, *, actor, ip: str | None) -> None:
    from coaction.commitments.models import commitment_goal

    linked = db.session.scalar(
        sa.select(sa.func.count()).select_from(commitment_goal).where(commitment_goal.c.goal_id == goal.id)
    )
    if linked or goal.children:
        raise GoalError("a goal with sub-goals or linked commitments stays", "in_use")
    record(actor, "goal.removed", goal, {"title": goal.title, "plan_year": goal.plan_year}, ip)
    db.session.delete(goal)
    db.session.flush()


def copy_plan_year(from_year: int, to_year: int, *, actor, ip: str | None) -> int:
    """Carry a year's structure into a new plan year, to be adjusted there; the old year stays as it was."""
    if db.session.scalar(sa.select(PlanGoal.id).where(PlanGoal.plan_year == to_year).limit(1)) is not None:
        raise GoalError(f"the plan for {to_year} exists already", "exists")
    if not MIN_YEAR <= to_year <= MAX_YEAR:
        raise GoalError("year out of range", "year")
    copied = 0
    for goal in goal_tree(from_year):
        top = _copy(goal, to_year, None)
        copied += 1
        for child in goal.children:
            _copy(child, to_year, top.id)
            copied += 1
    if copied == 0:
        raise GoalError(f"there is no plan for {from_year}", "empty")
    record(actor, "goal.plan_copied", None, {"from": from_year, "to": to_year, "goals": copied}, ip)
    return copied


def _copy(goal: PlanGoal, plan_year: int, parent_id: int | None) -> PlanGoal:
    copy = PlanGoal(
        plan_year=plan_year,
        parent_id=parent_id,
        lineage_id=goal.lineage,
        focus_area=goal.focus_area,
        title=goal.title,
        description=goal.description,
        responsible=goal.responsible,
        position=goal.position,
        indicators=list(goal.indicators),
    )
    db.session.add(copy)
    db.session.flush()
    return copy


def all_indicators() -> list[Indicator]:
    return list(db.session.scalars(sa.select(Indicator).order_by(Indicator.name)))


def save_indicator(indicator: Indicator | None, *, actor, ip: str | None, **values) -> Indicator:
    existing = db.session.scalar(sa.select(Indicator).where(Indicator.name == values["name"]))
    if existing is not None and existing is not indicator:
        raise GoalError("an indicator of that name exists", "name_taken")
    created = indicator is None
    indicator = indicator or Indicator()
    changes = {name: [None if created else getattr(indicator, name), value] for name, value in values.items()}
    for name, value in values.items():
        setattr(indicator, name, value)
    db.session.add(indicator)
    db.session.flush()
    record(actor, "indicator.created" if created else "indicator.updated", indicator, changes, ip)
    return indicator


def set_indicator_value(
    indicator: Indicator, *, year: int, municipality_id: int | None, value: float, source: str, actor, ip: str | None
) -> IndicatorValue:
    """One value per indicator, year and municipality (or the whole network): a new figure replaces the old one."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise GoalError("year out of range", "year")
    if not source.strip():
        raise GoalError("every figure says where it comes from", "source")
    row = db.session.scalar(
        sa.select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.year == year,
            IndicatorValue.municipality_id.is_(None)
            if municipality_id is None
            else IndicatorValue.municipality_id == municipality_id,
        )
    )
    before = None if row is None else [row.value, row.source]
    if row is None:
        row = IndicatorValue(indicator=indicator, year=year, municipality_id=municipality_id)
        db.session.add(row)
    row.value, row.source = value, source.strip()[:300]
    db.session.flush()
    record(
        actor,
        "indicator.value_set",
        indicator,
        {"year": year, "municipality_id": municipality_id, "value": [before, [value, row.source]]},
        ip,
    )
    return row


VALUE_COLUMNS = {
    "year": "year",
    "år": "year",
    "municipality": "municipality",
    "kommun": "municipality",
    "value": "value",
    "värde": "value",
    "source": "source",
    "källa": "source",
}


@dataclass(frozen=True)
class ValueRow:
    row: int
    year: int | None
    municipality_id: int | None
    value: float | None
    source: str
    problem: str | None  # None: the row is good


def check_value_file(filename: str, data: bytes) -> list[ValueRow]:
    """Every row with its verdict. A blank municipality is the whole network's figure."""
    table = read_table(filename, data, VALUE_COLUMNS, required=("year", "value", "source"))
    municipalities = {m.name.casefold(): m.id for m in db.session.scalars(sa.select(Municipality))}
    checked = []
    for offset, cells in enumerate(table.rows):
        number = table.first_row_number + offset
        year_text, place = cells.get("year", ""), cells.get("municipality", "").strip()
        year = int(year_text) if year_text.isdigit() and MIN_YEAR <= int(year_text) <= MAX_YEAR else None
        value = parse_number(cells.get("value", ""))
        source = cells.get("source", "").strip()
        municipality_id = municipalities.get(place.casefold()) if place else None
        problem = None
        if year is None:
            problem = "year"
        elif value is None:
            problem = "value"
        elif not source:
            problem = "source"
        elif place and municipality_id is None:
            problem = "municipality"
        checked.append(ValueRow(number, year, municipality_id, value, source, problem))
    keys = [(row.year, row.municipality_id) for row in checked]
    return [
        ValueRow(row.row, row.year, row.municipality_id, row.value, row.source, "duplicate")
        if row.problem is None and keys.count((row.year, row.municipality_id)) > 1
        else row
        for row in checked
    ]


def import_values(indicator: Indicator, rows: list[ValueRow], *, actor, ip: str | None) -> int:
    """All rows or none: a file with any bad row is refused whole (the caller shows the verdicts)."""
    if any(row.problem for row in rows):
        raise GoalError("the file has rows with problems", "rows")
    for row in rows:
        set_indicator_value(
            indicator,
            year=row.year,
            municipality_id=row.municipality_id,
            value=row.value,
            source=row.source,
            actor=actor,
            ip=ip,
        )
    return len(rows)
