from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from coaction.commitments.evidence import MAX_BYTES as EVIDENCE_MAX_BYTES
from coaction.commitments.labels import (
    CATEGORY_LABELS,
    STATUS_LABELS,
    UNIT_LABELS,
    VERIFICATION_LABELS,
    VISIBILITY_LABELS,
)
from coaction.commitments.listing import SORTS
from coaction.commitments.models import CATEGORY_UNITS, Category, Unit, Visibility
from coaction.commitments.services import CommitmentDetails, plan_problems
from coaction.core.forms import REQUIRED, required
from coaction.core.text import parse_coordinates, parse_number

# What each problem code of the services means, in words, next to the field.
PROBLEM_MESSAGES = {
    "missing": _l("This field is required."),
    "not_a_number": _l("Enter a number, as in 12 or 12,5."),
    "negative": _l("The value cannot be negative."),
    "over_100": _l("A share in per cent is at most 100."),
    "year_range": _l("Give a year between 1990 and 2100."),
    "target_before_baseline": _l("The target year cannot be before the baseline year."),
    "unit_not_in_category": _l("This unit does not belong to the category; choose one listed for it."),
    "milestone_year": _l("Every milestone year lies between the baseline year and the target year."),
    "milestone_value": _l("Every milestone needs a value that is a number and not negative."),
    "milestone_twice": _l("Give each milestone year once."),
    "milestone_format": _l("Write one milestone per line as the year and the value, as in: 2025 40"),
    "coordinates_range": _l("Latitude goes from -90 to 90 and longitude from -180 to 180."),
    "coordinates_format": _l("Write one place per line as latitude, longitude, as in: 59.19, 17.63"),
    "not_ours": _l("Choose a person of your own organisation."),
    "unknown": _l("Choose one of the listed options."),
    "future": _l("The report date cannot be in the future."),
    "evidence_size": _l("The file is larger than 10 MB."),
    "evidence_empty": _l("The file is empty."),
    "evidence_type": _l("Only PDF, PNG and JPEG files are accepted; this file is none of them."),
}


class NumberField(StringField):
    """A number as people type it: '12,5', '12.5' or '1 200'. `data` is a float, or None when left empty.
    Required unless `optional`: it says itself what is missing, since DataRequired would hide "not a number"."""

    def __init__(self, label=None, validators=None, optional: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.optional = optional
        self.flags.required = not optional

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = parse_number(self.raw) if self.raw else None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}"

    def pre_validate(self, form):
        raw = getattr(self, "raw", "")
        if not raw and not self.optional:
            raise StopValidation(PROBLEM_MESSAGES["missing"])
        if raw and self.data is None:
            raise StopValidation(PROBLEM_MESSAGES["not_a_number"])


def year_field(label) -> IntegerField:
    return IntegerField(
        label,
        validators=[required(), NumberRange(min=1990, max=2100, message=PROBLEM_MESSAGES["year_range"])],
        render_kw={"inputmode": "numeric"},
    )


def choice_list(labels: dict, blank=None) -> list[SelectChoice]:
    choices = [SelectChoice(code.value, label) for code, label in labels.items()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def category_units_hint() -> str:
    return "; ".join(
        f"{CATEGORY_LABELS[category]}: {', '.join(str(UNIT_LABELS[unit]) for unit in units)}"
        for category, units in CATEGORY_UNITS.items()
        if category != Category.OTHER
    )


def parse_milestones(text: str) -> list[tuple[int, float]] | None:
    pairs = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        year_text, _, value_text = line.strip().partition(" ")
        value = parse_number(value_text.lstrip(":= ")) if value_text else None
        if not year_text.rstrip(":").isdigit() or value is None:
            return None
        pairs.append((int(year_text.rstrip(":")), value))
    return pairs


class CommitmentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    focus_area = SelectField(_l("Focus area"), coerce=int)
    category = SelectField(_l("Category"), choices=choice_list(CATEGORY_LABELS))
    indicator = StringField(
        _l("Indicator"),
        validators=[required(), Length(max=200)],
        description=_l("What you measure, as in: charging points at our workplaces."),
    )
    unit = SelectField(_l("Unit"), choices=choice_list(UNIT_LABELS))
    baseline_value = NumberField(_l("Baseline value"))
    baseline_year = year_field(_l("Baseline year"))
    target_value = NumberField(_l("Target value"))
    target_year = year_field(_l("Target year"))
    milestones = TextAreaField(
        _l("Milestones (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Intermediate targets, one per line: the year and the value, as in: 2025 40"),
    )
    visibility = SelectField(_l("Who may see it"), choices=choice_list(VISIBILITY_LABELS))
    municipalities = SelectMultipleField(
        _l("Municipalities where it is carried out"),
        coerce=int,
        description=_l("The municipality's centre is used as the place. Hold Ctrl (or Cmd) to choose several."),
    )
    coordinates = TextAreaField(
        _l("Exact places (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One place per line as latitude, longitude, as in: 59.19, 17.63"),
    )
    goals = SelectMultipleField(_l("Plan goals it contributes to"), coerce=int)
    responsible = SelectField(_l("Responsible person"), coerce=int)

    def __init__(self, *args, focus_areas=(), municipalities=(), goals=(), people=(), locale="sv", **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_area.choices = [SelectChoice(0, _l("No focus area"))] + [
            SelectChoice(area.id, area.name(locale)) for area in focus_areas
        ]
        self.municipalities.choices = [SelectChoice(m.id, m.name) for m in municipalities]
        self.goals.choices = [SelectChoice(goal_id, label) for goal_id, label in goals]
        self.responsible.choices = [SelectChoice(0, _l("Nobody named"))] + [
            SelectChoice(person.id, person.name) for person in people
        ]
        self.unit.description = _l("Units by category: %(units)s.", units=category_units_hint())

    def submitted_details(self) -> CommitmentDetails | None:
        """On a POST, every field checked (the free-text lists too, even when another field is wrong) and the plan
        checked by the service's own rules; None with the problems on their fields, or on a GET."""
        if not self.is_submitted():
            return None
        self.validate()
        milestones = parse_milestones(self.milestones.data)
        coordinates = parse_coordinates(self.coordinates.data)
        if milestones is None:
            self.milestones.errors = [*self.milestones.errors, PROBLEM_MESSAGES["milestone_format"]]
        if coordinates is None:
            self.coordinates.errors = [*self.coordinates.errors, PROBLEM_MESSAGES["coordinates_format"]]
        if self.errors:
            return None
        details = CommitmentDetails(
            title=self.title.data.strip(),
            description=(self.description.data or "").strip() or None,
            focus_area_id=self.focus_area.data or None,
            category=Category(self.category.data),
            indicator=self.indicator.data.strip(),
            unit=Unit(self.unit.data),
            baseline_value=self.baseline_value.data,
            baseline_year=self.baseline_year.data,
            target_value=self.target_value.data,
            target_year=self.target_year.data,
            visibility=Visibility(self.visibility.data),
            responsible_id=self.responsible.data or None,
            goal_ids=list(self.goals.data or []),
            municipality_ids=list(self.municipalities.data or []),
            coordinates=coordinates or [],
            milestones=milestones or [],
        )
        if self.show_problems(plan_problems(details)):
            return None
        return details

    def show_problems(self, problems: dict[str, str]) -> bool:
        """Puts each service problem next to its field; True when there were any."""
        fields = {"focus_area_id": "focus_area", "responsible_id": "responsible", "goal_ids": "goals"}
        for name, code in problems.items():
            form_field = getattr(self, fields.get(name, name), None) or self.title
            form_field.errors = [*form_field.errors, PROBLEM_MESSAGES.get(code, code)]
        return bool(problems)


class ReportForm(FlaskForm):
    reported_on = DateField(_l("Date of the value"), validators=[required()])
    value = NumberField(_l("Value"))
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    evidence_url = URLField(
        _l("Link to evidence (optional)"),
        validators=[
            Optional(),
            Length(max=500),
            URL(message=_l("Give the whole address, as in https://example.se.")),
        ],
    )
    evidence = FileField(
        _l("Evidence file (optional)"),
        validators=[FileSize(EVIDENCE_MAX_BYTES, message=PROBLEM_MESSAGES["evidence_size"])],
        description=_l("PDF, PNG or JPEG, at most 10 MB."),
    )

    def show_problems(self, problems: dict[str, str]) -> bool:
        for name, code in problems.items():
            form_field = getattr(self, name, None) or self.value
            form_field.errors = [*form_field.errors, PROBLEM_MESSAGES.get(code, code)]
        return bool(problems)


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why is it withdrawn? (optional)"), validators=[Optional(), Length(max=1000)])


class VerifyForm(FlaskForm):
    note = TextAreaField(_l("Note on the verification"), validators=[Optional(), Length(max=1000)])


class TemplateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    focus_area = SelectField(_l("Focus area"), coerce=int)
    category = SelectField(_l("Category"), choices=choice_list(CATEGORY_LABELS))
    indicator = StringField(_l("Indicator"), validators=[required(), Length(max=200)])
    unit = SelectField(_l("Unit"), choices=choice_list(UNIT_LABELS))
    active = BooleanField(_l("Offered to members"), default=True)

    def __init__(self, *args, focus_areas=(), locale="sv", **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_area.choices = [SelectChoice(0, _l("No focus area"))] + [
            SelectChoice(area.id, area.name(locale)) for area in focus_areas
        ]
        self.unit.description = _l("Units by category: %(units)s.", units=category_units_hint())

    def validate_unit(self, field):
        category, unit = self.category.data, field.data
        known = category in Category._value2member_map_ and unit in Unit._value2member_map_
        if known and Unit(unit) not in CATEGORY_UNITS[Category(category)]:
            raise ValidationError(PROBLEM_MESSAGES["unit_not_in_category"])


class ReportFileForm(FlaskForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileSize(5 * 1024 * 1024, message=_l("The file is larger than 5 MB."))],
        description=_l("Columns: commitment_id, date, value, comment (optional). Download the template below."),
    )


class FollowUpForm(FlaskForm):
    tolerance = IntegerField(
        _l("Tolerance in percentage points"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=0, max=100, message=_l("Give a number from 0 to 100.")),
        ],
        description=_l(
            "How far under the straight line from baseline to target a commitment may be before it is behind."
        ),
    )
    period = SelectField(
        _l("Reporting windows"),
        choices=[SelectChoice("yearly", _l("Yearly")), SelectChoice("half_yearly", _l("Half-yearly"))],
    )


SORT_LABELS = {
    "title": _l("Title"),
    "organisation": _l("Organisation"),
    "status": _l("Status"),
    "progress": _l("Progress, most first"),
    "target_year": _l("Target year"),
    "newest": _l("Newest first"),
}


class CommitmentFilterBase(FlaskForm):
    """The filters the commitment list and the map share (plain GET forms: a filtered view is a link)."""

    class Meta:
        csrf = False

    category = SelectField(
        _l("Category"), choices=choice_list(CATEGORY_LABELS, blank=_l("All categories")), validators=[Optional()]
    )
    focus_area = SelectField(_l("Focus area"), validators=[Optional()])
    status = SelectField(
        _l("Status"), choices=choice_list(STATUS_LABELS, blank=_l("Every status")), validators=[Optional()]
    )
    municipality = SelectField(_l("Municipality"), validators=[Optional()])

    def __init__(self, *args, focus_areas=(), municipalities=(), locale="sv", **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_area.choices = [SelectChoice("", _l("All focus areas"))] + [
            SelectChoice(str(area.id), area.name(locale)) for area in focus_areas
        ]
        self.municipality.choices = [SelectChoice("", _l("All municipalities"))] + [
            SelectChoice(str(m.id), m.name) for m in municipalities
        ]


class CommitmentFilterForm(CommitmentFilterBase):
    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    goal = SelectField(_l("Plan goal"), validators=[Optional()])
    verification = SelectField(
        _l("Verification"),
        choices=choice_list(VERIFICATION_LABELS, blank=_l("Any verification")),
        validators=[Optional()],
    )
    sort = SelectField(
        _l("Sort by"), choices=[SelectChoice(code, SORT_LABELS[code]) for code in SORTS], validators=[Optional()]
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goal.choices = [SelectChoice("", _l("All plan goals"))] + [
            SelectChoice(str(goal_id), label) for goal_id, label in goals
        ]


def table_messages(columns_message) -> dict:
    """The shared messages for a file that cannot be read as a table, with this import's own columns."""
    from coaction.members.prospects import TABLE_ERROR_MESSAGES

    return TABLE_ERROR_MESSAGES | {"columns": columns_message}


REPORT_FILE_COLUMNS = _l(
    "The first row must name the columns commitment_id, date and value, and may name comment "
    "(in Swedish: åtagande, datum, värde, kommentar)."
)
REPORT_ROW_MESSAGES = {
    "unknown_commitment": _l("Not a standing commitment of your organisation."),
    "date": _l("Not a date: write it as YYYY-MM-DD."),
    "future": PROBLEM_MESSAGES["future"],
    "not_a_number": PROBLEM_MESSAGES["not_a_number"],
    "negative": PROBLEM_MESSAGES["negative"],
    "over_100": PROBLEM_MESSAGES["over_100"],
    "duplicate": _l("The same commitment and date twice in the file."),
}
