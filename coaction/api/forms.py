from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import Length, NumberRange

from coaction.core.forms import ProblemsForm, required

TOKEN_DAYS = 90


class TokenForm(ProblemsForm):
    MESSAGES = {
        "no_organisation": _l("Only a user of an organisation can make an API token."),
        "days_range": _l("Choose a number of days the token may live, from 1 to the longest allowed."),
        "required": _l("This field is required."),
    }

    name = StringField(
        _l("What the token is for"),
        validators=[required(), Length(max=100)],
        description=_l("For example the script or system that reports, so you know which to revoke."),
    )
    days = IntegerField(
        _l("Valid for (days)"),
        default=TOKEN_DAYS,
        validators=[required(), NumberRange(min=1, message=_l("Give at least one day."))],
    )
