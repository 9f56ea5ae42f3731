from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, Length, ValidationError

from coaction.auth.passwords import password_problems
from coaction.core.forms import email_address, required


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


class LoginForm(FlaskForm):
    email = StringField(
        _l("Email"), validators=[required(), Length(max=254)], render_kw={"autocomplete": "username", "type": "email"}
    )
    password = PasswordField(
        _l("Password"), validators=[required(), Length(max=200)], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Remember me on this device"))


class ResetRequestForm(FlaskForm):
    email = StringField(_l("Email"), validators=email_address(), render_kw={"autocomplete": "email", "type": "email"})


class NewPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[required(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()


class EmailChangeForm(FlaskForm):
    email = StringField(
        _l("New email address"), validators=email_address(), render_kw={"autocomplete": "email", "type": "email"}
    )
    password = PasswordField(
        _l("Your password"),
        validators=[required(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), Length(max=200)], render_kw={"autocomplete": "name"})
    locale = SelectField(_l("Language"), choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")])


class ConfirmForm(FlaskForm):
    """A button with a CSRF token: links in mails lead to a page that changes state only by POST."""
