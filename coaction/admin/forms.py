from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Optional

from coaction.auth.models import Role

ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.ORG_ADMIN: _l("Organisation admin"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()])


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Search by name or email"), validators=[Optional()])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("", _l("All roles")),
            *[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        ],
        validators=[Optional()],
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = StringField(_l("Action starts with"), validators=[Optional()])
    actor = StringField(_l("Actor"), validators=[Optional()])
    target_type = StringField(_l("Target type"), validators=[Optional()])
    since = DateField(_l("From date"), validators=[Optional()])
    until = DateField(_l("To date"), validators=[Optional()])
