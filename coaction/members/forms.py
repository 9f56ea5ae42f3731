from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, ValidationError

from coaction.auth.forms import new_password_fields
from coaction.core.forms import REQUIRED, email_address, required
from coaction.core.text import parse_coordinates
from coaction.members.fee_services import (
    BANDS,
    PER_INHABITANT,
    RuleError,
    bands_text,
    parse_bands,
    parse_sek_per_inhabitant,
    sek_text,
)
from coaction.members.fees import PerInhabitant
from coaction.members.labels import SECTOR_LABELS
from coaction.members.orgnr import InvalidOrgNumber, normalise_org_number
from coaction.members.prospects import MAX_BYTES as PROSPECT_MAX_BYTES

ORG_NUMBER_MESSAGES = {
    "empty": _l("Enter the organisation number."),
    "characters": _l("Use only digits and a dash, as in 556036-0793."),
    "prefix": _l("A 12-digit number must start with 16, as in 16556036-0793."),
    "length": _l("An organisation number has 10 digits, as in 556036-0793."),
    "check_digit": _l("The last digit does not match: check the number for a typing error."),
}


def valid_org_number(_form: FlaskForm, field) -> None:
    """Normalises the field to NNNNNN-NNNN, or says in words what is wrong with it."""
    try:
        field.data = normalise_org_number(field.data or "")
    except InvalidOrgNumber as error:
        raise ValidationError(ORG_NUMBER_MESSAGES[error.code]) from error


def sector_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(sector.value, label) for sector, label in SECTOR_LABELS.items()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def employees_field(*first_validators) -> IntegerField:
    return IntegerField(
        _l("Number of employees"),
        validators=[*first_validators, NumberRange(min=0, max=1_000_000, message=_l("Give a number from 0 upwards."))],
        render_kw={"inputmode": "numeric"},
    )


class OrganisationDetailsForm(FlaskForm):
    """The fields an organisation's profile and its application share."""

    municipality = SelectField(_l("Municipality"), coerce=int)
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    website = URLField(
        _l("Website"),
        validators=[Optional(), Length(max=300), URL(message=_l("Give the whole address, as in https://example.se."))],
    )
    description = TextAreaField(_l("About the organisation"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [SelectChoice(0, _l("Choose a municipality"))] + [
            SelectChoice(m.id, m.name) for m in municipalities
        ]


class JoinForm(OrganisationDetailsForm):
    name = StringField(_l("Name of the organisation"), validators=[required(), Length(max=200)])
    org_number = StringField(
        _l("Organisation number"),
        validators=[valid_org_number],
        description=_l("Ten digits, as in 556036-0793."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    sector = SelectField(_l("Sector"), choices=sector_choices())
    employees = employees_field(InputRequired(message=REQUIRED))  # 0 is an answer: an association of volunteers
    motivation = TextAreaField(
        _l("Why do you want to join?"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 4}
    )
    contact_name = StringField(
        _l("Your name"), validators=[required(), Length(max=200)], render_kw={"autocomplete": "name"}
    )
    contact_email = StringField(
        _l("Your email"), validators=email_address(), render_kw={"autocomplete": "email", "type": "email"}
    )
    password, confirm = new_password_fields()
    locale = SelectField(_l("Your language"), choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.personal_words = [self.name.data or "", self.contact_name.data or "", self.contact_email.data or ""]


class DirectoryFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Search by name"), validators=[Optional(), Length(max=100)])
    sector = SelectField(_l("Sector"), choices=sector_choices(_l("All sectors")), validators=[Optional()])
    municipality = SelectField(_l("Municipality"), validators=[Optional()])

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [SelectChoice("", _l("All municipalities"))] + [
            SelectChoice(str(m.id), m.name) for m in municipalities
        ]


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Message to the applicant"), validators=[Optional(), Length(max=2000)])


class InfoAnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), validators=[required(), Length(max=4000)])


# ---- coordinator: prospects and fees ---------------------------------------------------------------------------


class ProspectFileForm(FlaskForm):
    file = FileField(
        _l("The list of employers (CSV or XLSX)"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileSize(
                max_size=PROSPECT_MAX_BYTES, message=_l("The file is larger than 5 MB: split it into smaller files.")
            ),
        ],
        description=_l(
            "Columns: name, org_number (optional), employees, municipality, sector — or in Swedish: namn, "
            "organisationsnummer, anställda, kommun, sektor. The sector is written as in the list of sectors, "
            "in Swedish or English."
        ),
        render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    checked = HiddenField()  # the signed fingerprint of the file that was checked, when importing


class ProspectReportForm(FlaskForm):
    report = HiddenField()


FEE_RULE_CHOICES = [
    SelectChoice(PER_INHABITANT, _l("Kronor per inhabitant")),
    SelectChoice(BANDS, _l("By number of employees")),
]


class FeeRulesForm(FlaskForm):
    """A rule per sector: the kind, and the kronor per inhabitant or the employee bands (fields added below)."""

    def __init__(self, *args, rules=None, **kwargs):
        if rules is not None and "data" not in kwargs:
            kwargs["data"] = {
                key: value
                for sector, rule in rules.items()
                for key, value in (
                    (f"{sector.value}_kind", PER_INHABITANT if isinstance(rule, PerInhabitant) else BANDS),
                    (f"{sector.value}_sek", sek_text(rule)),
                    (f"{sector.value}_bands", bands_text(rule)),
                )
            }
        super().__init__(*args, **kwargs)
        self.rules = {}

    def sector_fields(self):
        return [
            (sector, label, self[f"{sector.value}_kind"], self[f"{sector.value}_sek"], self[f"{sector.value}_bands"])
            for sector, label in SECTOR_LABELS.items()
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for sector, _label, kind, sek, bands in self.sector_fields():
            field = sek if kind.data == PER_INHABITANT else bands
            if kind.errors or field.errors:
                continue
            try:
                self.rules[sector] = (
                    parse_sek_per_inhabitant(sek.data) if kind.data == PER_INHABITANT else parse_bands(bands.data)
                )
            except RuleError as error:
                field.errors = [*field.errors, str(error)]
                valid = False
        return valid


for _sector, _label in SECTOR_LABELS.items():
    setattr(
        FeeRulesForm,
        f"{_sector.value}_kind",
        SelectField(_l("%(sector)s: the fee is", sector=_label), choices=FEE_RULE_CHOICES),
    )
    setattr(
        FeeRulesForm,
        f"{_sector.value}_sek",
        StringField(
            _l("%(sector)s: kronor per inhabitant", sector=_label),
            validators=[Length(max=20)],
            render_kw={"inputmode": "decimal"},
        ),
    )
    setattr(
        FeeRulesForm,
        f"{_sector.value}_bands",
        TextAreaField(
            _l("%(sector)s: fee by number of employees", sector=_label),
            validators=[Length(max=2000)],
            description=_l(
                "One band per line: from–to employees, a colon, the yearly fee in kronor. The last band may be "
                "open, as in 1000+: 50000."
            ),
            render_kw={"rows": 5},
        ),
    )
del _sector, _label


class OrganisationProfileForm(OrganisationDetailsForm):
    employees = employees_field(Optional())
    place = StringField(
        _l("Place on the map (optional)"),
        validators=[Optional(), Length(max=100)],
        description=_l("Latitude, longitude, as in: 59.19, 17.63. Empty: the centre of the municipality."),
    )

    def validate_place(self, field):
        places = parse_coordinates(field.data)
        if not places or len(places) != 1:
            raise ValidationError(_l("Write one place as latitude, longitude, as in: 59.19, 17.63"))
        latitude, longitude = places[0]
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationError(_l("Latitude goes from -90 to 90 and longitude from -180 to 180."))

    def coordinates(self) -> tuple[float | None, float | None]:
        """(latitude, longitude) typed, or (None, None)."""
        places = parse_coordinates(self.place.data) if self.place.data else None
        return places[0] if places else (None, None)


class LogoForm(FlaskForm):
    logo = FileField(
        _l("Logo"),
        validators=[FileRequired(message=_l("Choose a PNG or JPEG file."))],
        description=_l("PNG or JPEG, at most 2 MB. It is shown at most 512 pixels wide."),
        render_kw={"accept": "image/png,image/jpeg"},
    )
