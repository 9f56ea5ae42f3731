"""Validators shared by every feature's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Email, Length

REQUIRED = _l("This field is required.")


def required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def email_address() -> list:
    return [required(), Length(max=254), Email(message=_l("Enter a valid email address."))]
