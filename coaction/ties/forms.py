from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from coaction.commitments.forms import choice_list
from coaction.core.forms import ProblemsForm, optional_int, required
from coaction.ties.labels import KIND_LABELS

PROBLEM_MESSAGES = {
    "choice": _l("Choose from the list."),
    "ends_before_start": _l("It cannot end before it starts."),
    "already_tied": _l("The two organisations already have this tie, or it has been proposed."),
}


def organisation_choices(organisations) -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose…"))] + [SelectChoice(o.id, o.name) for o in organisations]


class TieForm(ProblemsForm):
    MESSAGES = PROBLEM_MESSAGES

    organisation = SelectField(_l("Organisation"), coerce=optional_int)  # the office's form only
    partner = SelectField(_l("Partner"), coerce=optional_int)
    kind = SelectField(_l("Kind of tie"), choices=choice_list(KIND_LABELS))
    starts_on = DateField(_l("From"), validators=[required()])
    ends_on = DateField(_l("To"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])

    def __init__(self, *args, organisations=(), office=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner.choices = organisation_choices(organisations)
        if office:
            self.organisation.choices = organisation_choices(organisations)
        else:
            del self.organisation

    def validate_partner(self, field) -> None:
        if field.data is None:
            raise ValidationError(PROBLEM_MESSAGES["choice"])
