from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coaction.extensions import db


class Setting(db.Model):
    """The network's own data that is not a table of its own: its name, its region, whether it is a demo."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)
