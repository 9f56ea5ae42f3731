"""The map's filters: the commitment list's, and the organisations' sector."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from coaction.commitments.forms import CommitmentFilterBase, choice_list
from coaction.members.labels import SECTOR_LABELS


class MapFilterForm(CommitmentFilterBase):
    sector = SelectField(
        _l("Sector"), choices=choice_list(SECTOR_LABELS, blank=_l("All sectors")), validators=[Optional()]
    )
