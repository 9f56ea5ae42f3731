from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from coaction.auth.forms import new_password_fields
from coaction.core.forms import email_address, required
from coaction.invitations.bulk import MAX_BYTES as BULK_MAX_BYTES
from coaction.members.forms import sector_choices

LANGUAGES = [SelectChoice("sv", "Svenska"), SelectChoice("en", "English")]


class ActorInvitationForm(FlaskForm):
    organisation = SelectField(
        _l("Organisation"),
        coerce=int,
        description=_l("A prospect from the list, or choose “a new organisation” and name it below."),
    )
    new_name = StringField(_l("Name of a new organisation"), validators=[Optional(), Length(max=200)])
    new_sector = SelectField(_l("Sector of a new organisation"), choices=sector_choices(), default="business")
    email = StringField(_l("Email"), validators=email_address(), render_kw={"type": "email"})
    message = TextAreaField(_l("Personal message"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 5})
    locale = SelectField(_l("Language of the invitation"), choices=LANGUAGES)

    def __init__(self, *args, prospects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(0, _l("A new organisation"))] + [
            SelectChoice(organisation.id, organisation.name) for organisation in prospects
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.organisation.data == 0 and not (self.new_name.data or "").strip():
            self.new_name.errors.append(_l("Name the new organisation, or choose one from the list."))
            return False
        return valid


class ColleagueInvitationForm(FlaskForm):
    email = StringField(_l("Your colleague's email"), validators=email_address(), render_kw={"type": "email"})
    locale = SelectField(_l("Language of the invitation"), choices=LANGUAGES)


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=1000)])


class NewAccountForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[required(), Length(max=200)], render_kw={"autocomplete": "name"})
    password, confirm = new_password_fields()


class BulkInvitationForm(FlaskForm):
    file = FileField(
        _l("The list of organisations to invite (CSV or XLSX)"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileSize(max_size=BULK_MAX_BYTES, message=_l("The file is larger than 5 MB: split it into smaller files.")),
        ],
        description=_l(
            "Columns: name, org_number (optional), email, sector, municipality, employees, language (optional: sv "
            "or en, Swedish when empty) — or in Swedish: namn, organisationsnummer, e-post, sektor, kommun, "
            "anställda, språk. One row per organisation and address."
        ),
        render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    message = TextAreaField(
        _l("Personal message"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Goes into every invitation of the file."),
        render_kw={"rows": 5},
    )
