from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from coaction.commitments.forms import choice_list
from coaction.core.forms import ProblemsForm, required
from coaction.ties.labels import KIND_LABELS


class IntroductionForm(ProblemsForm):
    """Asks the partner's admins for an introduction; one per suggestion, so each has its own prefix."""

    MESSAGES = {
        "choice": _l("This organisation cannot be asked."),
        "already_asked": _l("An introduction between the two of you is waiting for an answer already."),
        "required": _l("Write a few words."),
    }

    kind = SelectField(_l("What you would do together"), choices=choice_list(KIND_LABELS))
    message = TextAreaField(
        _l("Message to their admins"),
        validators=[required(), Length(max=1000)],
        description=_l("Who you are and what you would like to do together; at most 1,000 characters."),
    )
