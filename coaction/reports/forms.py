from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from coaction.reports.figures import SECTIONS
from coaction.reports.labels import SECTION_LABELS
from coaction.reports.services import FIRST_YEAR, TEXT_MAX


def year_form(this_year: int) -> FlaskForm:
    class YearForm(FlaskForm):
        year = IntegerField(
            _l("Year"),
            validators=[
                InputRequired(message=_l("Enter the year the report covers.")),
                NumberRange(
                    min=FIRST_YEAR,
                    max=this_year,
                    message=_l("Choose a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=this_year),
                ),
            ],
            default=this_year - 1,
        )

    return YearForm()


class TextsForm(FlaskForm):
    """One Markdown text per section, each shown above the section's figures."""


for _section in SECTIONS:
    setattr(
        TextsForm,
        _section,
        TextAreaField(
            SECTION_LABELS[_section],
            validators=[Optional(), Length(max=TEXT_MAX)],
            description=_l("Markdown: paragraphs, lists, links. Shown above the section's figures."),
        ),
    )
