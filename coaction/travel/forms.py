from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from coaction.commitments.forms import NumberField
from coaction.core.forms import ProblemsForm, optional_int, required
from coaction.travel.labels import BARRIER_LABELS, FIGURE_LABELS, MODE_LABELS, WILLING_LABELS
from coaction.travel.results import BUSINESS_MODES, MODES

PROBLEM_MESSAGES = {
    "missing": _l("This field is required."),
    "closes_before_opening": _l("The survey cannot close before it opens."),
    "employees": _l("Give the number of employees, at least 1."),
    "work_weeks": _l("Give the work weeks per year, from 1 to 53."),
    "distance": _l("Give the distance one way in km, from 0 to 300."),
    "days": _l("Give whole days from 0 to 7."),
    "week": _l("The commuting days and the remote days add up to more than 7."),
    "km": _l("Give the km per year, not negative."),
    "choice": _l("Choose from the list."),
    "factor": _l("Give kg CO2e per person-km from 0 to 10."),
    "figure_unit": _l(
        "This figure does not fit the commitment's unit: shares fit a commitment in per cent, CO2e one in tonnes."
    ),
    "already_linked": _l("The survey already reports to this commitment."),
}


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes: every choice visible at once, easy on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SurveyForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    opens_on = DateField(_l("Opens"), validators=[required()])
    closes_on = DateField(_l("Closes"), validators=[required()])
    employees = IntegerField(
        _l("Number of employees"),
        validators=[required(), NumberRange(min=1, max=1_000_000, message=PROBLEM_MESSAGES["employees"])],
        description=_l("For the response rate."),
    )
    work_weeks = FloatField(
        _l("Work weeks per year"),
        default=44,
        validators=[required(), NumberRange(min=1, max=53, message=PROBLEM_MESSAGES["work_weeks"])],
    )
    sites = TextAreaField(
        _l("Workplaces (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One per line, if you have several: the form then asks where the person works."),
    )


def day_field(label) -> IntegerField:
    return IntegerField(
        label,
        default=0,
        validators=[Optional(), NumberRange(min=0, max=7, message=PROBLEM_MESSAGES["days"])],
        render_kw={"inputmode": "numeric", "min": 0, "max": 7},
    )


class ResponseForm(FlaskForm):
    """The employee's form: anonymous, short, without JavaScript. Built with a field per mode."""

    home_municipality = SelectField(_l("Where do you live?"), coerce=optional_int)
    site = SelectField(_l("Where do you work?"), validators=[Optional()])
    distance_km = NumberField(_l("How far is it from home to work, one way, in km?"))
    barriers = MultiCheckboxField(
        _l("What makes it hard to travel without a car? (optional)"),
        choices=[SelectChoice(code, label) for code, label in BARRIER_LABELS.items()],
    )
    willing = MultiCheckboxField(
        _l("What would make you travel more sustainably? (optional)"),
        choices=[SelectChoice(code, label) for code, label in WILLING_LABELS.items()],
    )

    def __init__(self, *args, municipalities=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        # No municipality is chosen for the person: an answer left at a default would be a wrong answer.
        self.home_municipality.choices = [
            SelectChoice("", _l("Choose…")),
            *(SelectChoice(m.id, m.name) for m in municipalities),
            SelectChoice(0, _l("Another municipality")),
        ]
        self.site.choices = [SelectChoice(site, site) for site in sites]

    def validate_home_municipality(self, field) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose where you live, or “Another municipality”."))


for _mode in MODES:
    setattr(ResponseForm, f"days_{_mode}", day_field(MODE_LABELS[_mode]))
ResponseForm.days_remote = day_field(_l("Working remotely"))
for _mode in BUSINESS_MODES:
    setattr(
        ResponseForm,
        f"business_km_{_mode}",
        NumberField(MODE_LABELS[_mode], optional=True, render_kw={"inputmode": "decimal"}),
    )


class FactorForm(FlaskForm):
    kg_per_pkm = NumberField(_l("kg CO2e per person-km"))
    publication = StringField(_l("Publication"), validators=[required(), Length(max=300)])
    table_ref = StringField(_l("Table"), validators=[Optional(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[required(), NumberRange(min=1990, max=2100)])
    approximate = BooleanField(_l("Approximate"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileSize(5 * 1024 * 1024, message=_l("The file is larger than 5 MB.")),
        ],
    )
    valid_only = BooleanField(
        _l("Import the valid rows"),
        description=_l("Without this, a file with any row that is wrong imports nothing."),
    )


IMPORT_COLUMNS_MESSAGE = _l(
    "The first row must name the columns of the template: home_municipality, distance_km, days_walk … days_remote "
    "and business_km_car … business_km_bus (Swedish headings welcome)."
)
IMPORT_REFUSED_MESSAGES = {
    "duplicate": _l("This file has been imported into the survey already."),
    "empty": _l("The file has no row that can be imported."),
    "rows": _l(
        "Nothing was imported: the file has rows with problems. Correct them, or choose “Import the valid rows”."
    ),
}
ROW_MESSAGES = PROBLEM_MESSAGES | {
    "municipality": _l("Not a municipality of the region, nor “other”."),
    "not_a_number": _l("Enter a number, as in 12 or 12,5."),
}


class PlanForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    baseline_survey = SelectField(_l("Baseline survey"), coerce=int)

    def __init__(self, *args, surveys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.baseline_survey.choices = [SelectChoice(s.id, s.title) for s in surveys]


def share_field(label) -> NumberField:
    return NumberField(label, optional=True, description=_l("In per cent, as in 40."))


class TargetForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[required(), NumberRange(min=1990, max=2100)])
    car_share = share_field(_l("Share of trips by car (car alone and carpool)"))
    sustainable_share = share_field(_l("Share of trips on foot, by bike or by public transport"))
    co2e_kg_per_employee = NumberField(_l("kg CO2e per employee and year"), optional=True)


class MeasureForm(FlaskForm):
    kind = SelectField(_l("Measure"))
    description = StringField(_l("Description"), validators=[Optional(), Length(max=1000)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=200)])
    cost_sek = IntegerField(_l("Cost in SEK"), validators=[Optional(), NumberRange(min=0, max=10**10)])
    expected_effect = StringField(_l("Expected effect"), validators=[Optional(), Length(max=500)])
    status = SelectField(_l("Status"))
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        from coaction.core.status import WORK_STATUS_LABELS
        from coaction.travel.labels import MEASURE_LABELS

        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(code, label) for code, label in MEASURE_LABELS.items()]
        self.status.choices = [SelectChoice(code.value, label) for code, label in WORK_STATUS_LABELS.items()]


class FollowUpForm(FlaskForm):
    survey = SelectField(_l("Follow-up survey"), coerce=int)

    def __init__(self, *args, surveys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.survey.choices = [SelectChoice(0, _l("None yet"))] + [SelectChoice(s.id, s.title) for s in surveys]


PLAN_MESSAGES = {
    "missing": _l("This field is required."),
    "choice": _l("Choose from the list."),
    "share": _l("Give a share from 0 to 100 per cent."),
    "negative": _l("The value cannot be negative."),
    "year": _l("Give a year between 1990 and 2100."),
    "ends_before_start": _l("A measure cannot end before it starts."),
}


class FeedForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    commitment = SelectField(_l("Commitment"), coerce=optional_int)
    figure = SelectField(_l("Survey figure it measures"))

    def __init__(self, *args, commitments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(commitment.id, commitment.title) for commitment in commitments
        ]
        self.figure.choices = [SelectChoice(code, label) for code, label in FIGURE_LABELS.items()]

    def validate_commitment(self, field) -> None:
        if field.data is None:
            raise ValidationError(PROBLEM_MESSAGES["choice"])
