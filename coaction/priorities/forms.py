from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from coaction.commitments.forms import choice_list
from coaction.core.forms import required
from coaction.maps.geojson import MAX_BYTES, GeometryError, parse_geometry
from coaction.priorities.labels import PLAN_LABELS, STATUS_LABELS
from coaction.priorities.models import Plan, PriorityStatus
from coaction.priorities.services import PriorityDetails


class PriorityForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    status = SelectField(_l("Status"), choices=choice_list(STATUS_LABELS))
    status_note = TextAreaField(
        _l("Status note"),
        validators=[Optional(), Length(max=2000)],
        description=_l("What happened last; a change of status or of this note is kept, dated, in the history."),
    )
    responsible_body = StringField(_l("Responsible body"), validators=[Optional(), Length(max=200)])
    plan = SelectField(_l("Plan"), choices=choice_list(PLAN_LABELS, blank=_l("Not in a plan yet")))
    cost_msek = FloatField(
        _l("Cost estimate (million SEK)"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    geometry_text = TextAreaField(
        _l("Geometry (GeoJSON)"),
        description=_l(
            "Paste a GeoJSON geometry, Feature or FeatureCollection, longitude before latitude (WGS 84), "
            'as in {"type": "LineString", "coordinates": [[17.63, 59.2], [17.9, 59.22]]}. Empty: no geometry.'
        ),
    )
    geometry_file = FileField(_l("…or upload a GeoJSON file"))
    approximate = BooleanField(_l("Cost, responsible body or geometry are approximate"))

    parsed_geometry: dict | None = None

    def validate_geometry_text(self, field):
        upload = self.geometry_file.data
        text = upload.read(MAX_BYTES + 1) if upload and getattr(upload, "filename", "") else (field.data or "")
        if isinstance(text, str) and not text.strip():
            self.parsed_geometry = None
            return
        try:
            self.parsed_geometry = parse_geometry(text)
        except GeometryError as problem:
            raise ValidationError(str(problem.message)) from problem

    def details(self) -> PriorityDetails:
        return PriorityDetails(
            name=self.name.data,
            description=self.description.data or "",
            status=PriorityStatus(self.status.data),
            status_note=self.status_note.data or "",
            responsible_body=self.responsible_body.data or "",
            plan=Plan(self.plan.data) if self.plan.data else None,
            cost_msek=self.cost_msek.data,
            geometry=self.parsed_geometry,
            approximate=self.approximate.data,
        )


class SupportForm(FlaskForm):
    statement = TextAreaField(
        _l("Why your organisation supports it"),
        validators=[required(), Length(max=500)],
        description=_l("A sentence or two, shown with your organisation's name once the coordinator approves it."),
    )
