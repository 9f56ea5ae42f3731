"""Imports every model so that Alembic and the tests see the whole schema."""

from coaction.audit.models import AuditEvent
from coaction.core.models import Setting
from coaction.members.models import Organisation
from coaction.regions.models import Municipality, MunicipalityFigure

__all__ = ["AuditEvent", "Municipality", "MunicipalityFigure", "Organisation", "Setting"]
