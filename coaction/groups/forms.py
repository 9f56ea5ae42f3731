from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from coaction.commitments.forms import choice_list
from coaction.core.forms import ProblemsForm, optional_int, required
from coaction.core.status import WORK_STATUS_LABELS

PROBLEM_MESSAGES = {
    "missing": _l("This field is required."),
    "ends_before_start": _l("It cannot end before it starts."),
    "choice": _l("Choose from the list."),
    "approved": _l("The minutes are approved and can no longer be changed."),
    "not_approved": _l("The minutes must be approved before they are published."),
    "not_attendee": _l("Choose someone who attended the meeting."),
    "future": _l("The date cannot be in the future."),
    "document_empty": _l("The file is empty."),
    "document_size": _l("The file is larger than 10 MB."),
    "document_type": _l("Only PDF files and office documents (Word, Excel, PowerPoint, OpenDocument)."),
}


CHOOSE = _l("Choose…")


def people_choices(people, blank=CHOOSE) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(p.id, f"{p.name} ({p.email})") for p in people]


class GroupForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=5000)])
    started_on = DateField(_l("Started"), validators=[Optional()])
    wound_up_on = DateField(_l("Wound up"), validators=[Optional()], description=_l("Empty while the group is active."))


class MemberForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    user = SelectField(_l("Person"), coerce=optional_int)
    chair = BooleanField(_l("Chair"))
    starts_on = DateField(_l("From"), validators=[required()])
    ends_on = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user.choices = people_choices(people)

    def validate_user(self, field) -> None:
        if field.data is None:
            raise ValidationError(PROBLEM_MESSAGES["choice"])


class MeetingForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    held_on = DateField(_l("Date"), validators=[required()])
    starts_at = TimeField(_l("Starts at"), validators=[Optional()])
    ends_at = TimeField(_l("Ends at"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    agenda = TextAreaField(
        _l("Agenda"), validators=[Optional(), Length(max=10_000)], description=_l("One item a line; they are numbered.")
    )


class ItemForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    title = StringField(_l("New agenda item"), validators=[required(), Length(max=300)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AttendanceForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    attendees = MultiCheckboxField(_l("Who attended"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees.choices = [SelectChoice(p.id, p.name) for p in people]


class MinutesForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    minutes = TextAreaField(
        _l("Minutes"),
        validators=[required(), Length(max=100_000)],
        description=_l("Markdown: **bold**, *italic*, lists with -, headings with #, links as [text](https://…)."),
    )
    approver = SelectField(_l("Approved by"), coerce=optional_int, description=_l("An attendee approves the minutes."))

    def __init__(self, *args, attendees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.approver.choices = people_choices(attendees)


class DocumentForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    document = FileField(
        _l("Attachment (PDF or office document)"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileSize(10 * 1024 * 1024, message=_l("The file is larger than 10 MB.")),
        ],
    )


class DecisionForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    text = TextAreaField(_l("Decision"), validators=[required(), Length(max=5000)])
    owner = SelectField(_l("Owner"), coerce=optional_int)
    owner_organisation = SelectField(_l("Owner organisation"), coerce=optional_int)
    due_on = DateField(_l("Due"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choice_list(WORK_STATUS_LABELS))

    def __init__(self, *args, people=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = people_choices(people, blank=_l("No one"))
        self.owner_organisation.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(o.id, o.name) for o in organisations
        ]


class NoteForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    noted_on = DateField(_l("Date"), validators=[required()])
    text = TextAreaField(_l("Follow-up"), validators=[required(), Length(max=2000)])
    status = SelectField(_l("Status"), choices=choice_list(WORK_STATUS_LABELS))


class LogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    group = SelectField(_l("Group"))
    status = SelectField(_l("Status"), choices=choice_list(WORK_STATUS_LABELS, blank=_l("Every status")))
    owner = SelectField(_l("Owner"))
    overdue = BooleanField(_l("Overdue only"))
    mine = BooleanField(_l("Mine only"))

    def __init__(self, *args, groups=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice("", _l("All groups"))] + [SelectChoice(str(g.id), g.name) for g in groups]
        self.owner.choices = [SelectChoice("", _l("Every owner"))] + [SelectChoice(str(p.id), p.name) for p in owners]
