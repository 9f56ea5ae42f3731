"""Column types and defaults shared by every model."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database: SQLite hands back naive values, so attach UTC on the way out."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(enum_class: type[enum.Enum], name: str | None = None) -> sa.Enum:
    """A string enum checked by a constraint, never a native PostgreSQL type (those outlive a downgrade).
    `name` names the constraint when one table has two columns of the same enum."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        name=name or enum_class.__name__.lower(),
    )


def casefold_key(text: str | None) -> str:
    """A search and sort key that behaves the same on SQLite and PostgreSQL (å, ä, ö included)."""
    return (text or "").casefold().strip()
