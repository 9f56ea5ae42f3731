"""Validators shared by every feature's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import DataRequired, Email, Length

REQUIRED = _l("This field is required.")


def required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def email_address() -> list:
    return [required(), Length(max=254), Email(message=_l("Enter a valid email address."))]


def optional_int(value) -> int | None:
    """A select's coercion when its first choice is the empty "Choose…" (no answer is picked for the person)."""
    return None if value in ("", None) else int(value)


class ProblemsForm(FlaskForm):
    """A form that shows a service's problem codes as messages next to their fields."""

    MESSAGES: dict = {}
    FIELDS: dict = {}  # a service's name for a problem, where it is not the field's

    def show_problems(self, problems: dict[str, str]) -> None:
        for name, code in problems.items():
            field = getattr(self, self.FIELDS.get(name, name), None) or next(iter(self))
            field.errors = [*field.errors, self.MESSAGES.get(code, code)]


class EndDateForm(FlaskForm):
    """The last day of something that ran (a membership of a group, a tie)."""

    ends_on = DateField(_l("Last day"), validators=[required()])
