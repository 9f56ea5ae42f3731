from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from coaction.activities.labels import DOCUMENT_LABELS, KIND_LABELS, ROLE_LABELS, VISIBILITY_LABELS
from coaction.commitments.forms import choice_list
from coaction.core.forms import ProblemsForm, email_address, optional_int, required
from coaction.core.status import WORK_STATUS_LABELS
from coaction.members.forms import sector_choices, valid_org_number

PROBLEM_MESSAGES = {
    "missing": _l("This field is required."),
    "ends_before_start": _l("It cannot end before it starts."),
    "time_missing": _l("Give the start time too."),
    "negative": _l("Give a whole number, not negative."),
    "choice": _l("Choose from the list."),
    "already_taking_part": _l("The organisation already takes part, or has been asked to."),
    "answered": _l("This has been answered already."),
    "org_number": _l("Not a valid organisation number."),
    "closed": _l("Registration is not open for this activity."),
    "document_empty": _l("The file is empty."),
    "document_size": _l("The file is larger than 10 MB."),
    "document_type": _l("Only PDF files and office documents (Word, Excel, PowerPoint, OpenDocument)."),
    "already_registered": _l("This email address is registered already."),
}
AMOUNT = [Optional(), NumberRange(min=0, max=10**12, message=PROBLEM_MESSAGES["negative"])]


class ActivityForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES
    FIELDS = {"goal_ids": "goals", "commitment_ids": "commitments"}

    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    kind = SelectField(_l("Type"), choices=choice_list(KIND_LABELS))
    focus_area = SelectField(_l("Focus area"), coerce=optional_int)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    starts_on = DateField(_l("Starts"), validators=[required()])
    ends_on = DateField(_l("Ends"), validators=[Optional()], description=_l("Leave empty for one day."))
    starts_at = TimeField(_l("Start time"), validators=[Optional()], description=_l("For a meeting or an event."))
    ends_at = TimeField(_l("End time"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choice_list(WORK_STATUS_LABELS))
    visibility = SelectField(_l("Who sees it"), choices=choice_list(VISIBILITY_LABELS))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online = BooleanField(_l("Online"))
    municipality = SelectField(_l("Municipality"), coerce=optional_int)
    funding_source = StringField(
        _l("Funding from"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example ERDF, the Swedish Energy Agency, Viable Cities or Vinnova."),
    )
    funding_sek = IntegerField(_l("Funding in SEK"), validators=AMOUNT)
    own_funding_sek = IntegerField(_l("Own contributions in SEK"), validators=AMOUNT)
    outcomes = TextAreaField(_l("Outcomes"), validators=[Optional(), Length(max=10_000)])
    capacity = IntegerField(_l("Places"), validators=AMOUNT, description=_l("For an event; empty for no cap."))
    registration_open = BooleanField(
        _l("People can register"), description=_l("Up to the places, then a waiting list.")
    )
    attendance = IntegerField(_l("Attendance"), validators=AMOUNT, description=_l("How many came."))
    consulting_body = StringField(
        _l("Consulting body"),
        validators=[Optional(), Length(max=200)],
        description=_l("For a consultation response: who asks."),
    )
    response_deadline = DateField(_l("Deadline for the response"), validators=[Optional()])
    goals = SelectMultipleField(_l("Plan goals"), coerce=int)
    commitments = SelectMultipleField(
        _l("Commitments"), coerce=int, description=_l("Commitments of the organisations taking part.")
    )

    def __init__(self, *args, focus_areas=(), municipalities=(), goals=(), commitments=(), locale="sv", **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_area.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(area.id, area.name(locale)) for area in focus_areas
        ]
        self.municipality.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(m.id, m.name) for m in municipalities
        ]
        self.goals.choices = [SelectChoice(goal_id, label) for goal_id, label in goals]
        self.commitments.choices = [SelectChoice(c.id, f"{c.title} ({c.organisation.name})") for c in commitments]


class ParticipantForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    organisation = SelectField(_l("Organisation"), coerce=optional_int)
    role = SelectField(_l("Role"), choices=choice_list(ROLE_LABELS))
    # The network office may add an organisation that is not in the register yet (always external).
    external_name = StringField(_l("Or a new external organisation"), validators=[Optional(), Length(max=200)])
    external_sector = SelectField(_l("Its sector"), choices=sector_choices(), default="other", validators=[Optional()])
    external_number = StringField(
        _l("Its organisation number (optional)"), validators=[Optional(), Length(max=20), valid_org_number]
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(o.id, o.name) for o in organisations
        ]

    def validate_organisation(self, field) -> None:
        if field.data is None and not (self.external_name.data or "").strip():
            raise ValidationError(PROBLEM_MESSAGES["choice"])


class ActivityFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Type"), choices=choice_list(KIND_LABELS, blank=_l("Every type")), validators=[Optional()])
    focus_area = SelectField(_l("Focus area"), validators=[Optional()])
    status = SelectField(
        _l("Status"), choices=choice_list(WORK_STATUS_LABELS, blank=_l("Every status")), validators=[Optional()]
    )
    municipality = SelectField(_l("Municipality"), validators=[Optional()])
    period_from = DateField(_l("From"), validators=[Optional()])
    period_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, focus_areas=(), municipalities=(), locale="sv", **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_area.choices = [SelectChoice("", _l("All focus areas"))] + [
            SelectChoice(str(area.id), area.name(locale)) for area in focus_areas
        ]
        self.municipality.choices = [SelectChoice("", _l("All municipalities"))] + [
            SelectChoice(str(m.id), m.name) for m in municipalities
        ]


class RegistrationForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES
    FIELDS = {"registration": "name"}

    name = StringField(_l("Your name"), validators=[required(), Length(max=200)])
    email = StringField(_l("Your email"), validators=email_address())
    organisation_name = StringField(_l("Organisation (optional)"), validators=[Optional(), Length(max=200)])


class CancelForm(FlaskForm):
    """Only the CSRF token: cancelling is a POST from the page the mailed link opens."""


class DocumentForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    kind = SelectField(_l("Which text"), choices=choice_list(DOCUMENT_LABELS))
    document = FileField(
        _l("File (PDF or office document)"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileSize(10 * 1024 * 1024, message=_l("The file is larger than 10 MB.")),
        ],
    )
