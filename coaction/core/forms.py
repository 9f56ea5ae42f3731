"""Validators and helpers shared by every feature's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from coaction.auth.passwords import password_problems

REQUIRED = _l("This field is required.")


def required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def email_address() -> list:
    return [required(), Length(max=254), Email(message=_l("Enter a valid email address."))]


class StrongPassword:
    """Long enough, and not guessable from the person's own name, email or organisation (form.personal_words)."""

    def __call__(self, form: FlaskForm, field) -> None:
        problems = password_problems(field.data or "", list(getattr(form, "personal_words", [])))
        if problems:
            raise ValidationError(problems[0])


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("New password"),
        validators=[required(), Length(max=200), StrongPassword()],
        description=_l("At least 10 characters. A few unrelated words make a strong password."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[required(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm
