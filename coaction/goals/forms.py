from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from coaction.commitments.forms import NumberField
from coaction.core.forms import required

YEAR_MESSAGE = _l("Give a year between 1990 and 2100.")


def plan_year_field(label):
    return IntegerField(
        label,
        validators=[required(), NumberRange(min=1990, max=2100, message=YEAR_MESSAGE)],
        render_kw={"inputmode": "numeric"},
    )


class GoalForm(FlaskForm):
    plan_year = plan_year_field(_l("Plan year"))
    parent = SelectField(_l("Sub-goal of"), coerce=int)
    focus_area = StringField(_l("Focus area"), validators=[Optional(), Length(max=200)])
    title = StringField(_l("Goal"), validators=[required(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    responsible = StringField(
        _l("Responsible"),
        validators=[Optional(), Length(max=500)],
        description=_l("The networks or bodies that answer for the goal."),
    )
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=10_000)])
    indicators = SelectMultipleField(_l("Indicators"), coerce=int)

    def __init__(self, *args, parents=(), indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parent.choices = [SelectChoice(0, _l("None: a goal of its own"))] + [
            SelectChoice(goal.id, f"{goal.title} ({goal.plan_year})") for goal in parents
        ]
        self.indicators.choices = [SelectChoice(i.id, f"{i.name} ({i.unit})") for i in indicators]


class CopyPlanForm(FlaskForm):
    from_year = plan_year_field(_l("Copy the plan of"))
    to_year = plan_year_field(_l("Into the new plan year"))


class IndicatorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    unit = StringField(_l("Unit"), validators=[required(), Length(max=50)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])


class IndicatorValueForm(FlaskForm):
    year = plan_year_field(_l("Year"))
    municipality = SelectField(_l("Municipality"), coerce=int)
    value = NumberField(_l("Value"))
    source = StringField(
        _l("Source"), validators=[required(), Length(max=300)], description=_l("Where the figure comes from.")
    )

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [SelectChoice(0, _l("The whole network"))] + [
            SelectChoice(m.id, m.name) for m in municipalities
        ]


class IndicatorFileForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileSize(5 * 1024 * 1024, message=_l("The file is larger than 5 MB."))],
        description=_l("Columns: year, municipality (empty for the whole network), value, source."),
    )


VALUE_ROW_MESSAGES = {
    "year": YEAR_MESSAGE,
    "value": _l("Enter a number, as in 12 or 12,5."),
    "source": _l("Every figure says where it comes from."),
    "municipality": _l("Not a municipality of the region."),
    "duplicate": _l("The same year and place twice in the file."),
}
