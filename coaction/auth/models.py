from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from coaction.core.types import UTCDateTime, casefold_key, enum_column, utcnow
from coaction.extensions import db
from coaction.members.models import Organisation


class Role(StrEnum):
    MEMBER = "member"
    ORG_ADMIN = "org_admin"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


ROLE_RANK = {Role.MEMBER: 1, Role.ORG_ADMIN: 2, Role.COORDINATOR: 3, Role.ADMIN: 4}


def normalise_email(email: str) -> str:
    """One spelling per address: trimmed and lower-cased (the local part too, as every provider here treats it)."""
    return (email or "").strip().lower()


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200), default="")  # casefolded, for search on any database
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.MEMBER)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(sa.String(5), default="sv")
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped when the password changes or the account is deactivated: every older session and
    # remember-me cookie stops working, because Flask-Login's id carries it.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = casefold_key(name)
        return name

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return normalise_email(email)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105  # nosec B105 (a purpose, not a password)
    EMAIL_CHANGE = "email_change"


class UserToken(db.Model):
    """A single-use, expiring token mailed to a user. Only its SHA-256 is stored."""

    __tablename__ = "user_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
