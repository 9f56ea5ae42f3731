"""What an organisation's own admins do: its profile and logo, its people, its membership."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import sqlalchemy as sa
from PIL import Image, UnidentifiedImageError

from coaction.audit.services import record
from coaction.auth.models import Role, User
from coaction.auth.services import end_sessions_and_links
from coaction.extensions import db
from coaction.members.models import MembershipStatus, Organisation
from coaction.members.services import change_status

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000  # refuse decompression bombs before decoding
LOGO_BOX = (512, 512)
PROFILE_FIELDS = ("description", "website", "address", "employees", "municipality_id", "latitude", "longitude")


class OrganisationError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def update_profile(organisation: Organisation, *, actor: User, ip: str | None, **values) -> None:
    changes = {
        field: [getattr(organisation, field), values[field]]
        for field in PROFILE_FIELDS
        if field in values and getattr(organisation, field) != values[field]
    }
    for field, (_, new) in changes.items():
        setattr(organisation, field, new)
    if changes:
        record(actor, "organisation.profile_updated", organisation, changes, ip)


def normalised_logo(data: bytes) -> bytes:
    """A PNG of at most 512×512 from an uploaded PNG or JPEG; anything else (SVG, GIF, a PDF renamed
    .png, a damaged or huge image) is refused. Re-encoding drops metadata and anything hidden in the file."""
    if len(data) > LOGO_MAX_BYTES:
        raise OrganisationError("the file is larger than 2 MB", "size")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise OrganisationError("only PNG and JPEG images", "type")
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise OrganisationError("the image has too many pixels", "pixels")
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise OrganisationError("not a readable PNG or JPEG image", "type") from error
    picture.thumbnail(LOGO_BOX)
    output = io.BytesIO()
    picture.save(output, format="PNG", optimize=True)
    return output.getvalue()


def store_logo(organisation: Organisation, data: bytes, *, upload_path: str, actor: User, ip: str | None) -> str:
    png = normalised_logo(data)
    folder = Path(upload_path) / "logos"
    folder.mkdir(parents=True, exist_ok=True)
    filename = f"{organisation.id}-{secrets.token_hex(8)}.png"  # a new name, so caches never show an old logo
    (folder / filename).write_bytes(png)
    previous = organisation.logo_filename
    organisation.logo_filename = filename
    record(actor, "organisation.logo_changed", organisation, {"logo": [previous, filename]}, ip)
    if previous:
        (folder / previous).unlink(missing_ok=True)
    return filename


def logo_file(organisation: Organisation, upload_path: str) -> Path | None:
    if not organisation.logo_filename:
        return None
    path = Path(upload_path) / "logos" / organisation.logo_filename
    return path if path.is_file() else None


def people(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(sa.select(User).where(User.organisation_id == organisation.id).order_by(User.name_key))
    )


def admins_of(organisation: Organisation) -> list[User]:
    """The organisation's active admins: who answers for it, and who is told."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == organisation.id, User.role == Role.ORG_ADMIN, User.active.is_(True))
            .order_by(User.id)
        )
    )


def _admins(organisation: Organisation) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(User.organisation_id == organisation.id, User.role == Role.ORG_ADMIN, User.active.is_(True))
    )


def _keep_one_admin(organisation: Organisation, person: User) -> None:
    if person.role == Role.ORG_ADMIN and _admins(organisation) <= 1:
        raise OrganisationError("an organisation always keeps at least one admin", "last_admin")


def _own_person(organisation: Organisation, person: User | None) -> User:
    if person is None or person.organisation_id != organisation.id or person.role not in (Role.MEMBER, Role.ORG_ADMIN):
        raise OrganisationError("not a person of this organisation", "not_ours")
    return person


def set_admin(organisation: Organisation, person: User | None, admin: bool, *, actor: User, ip: str | None) -> None:
    person = _own_person(organisation, person)
    role = Role.ORG_ADMIN if admin else Role.MEMBER
    if person.role == role:
        return
    if not admin:
        _keep_one_admin(organisation, person)
    record(actor, "user.role_changed", person, {"role": [str(person.role), str(role)]}, ip)
    person.role = role


def remove_person(organisation: Organisation, person: User | None, *, actor: User, ip: str | None) -> None:
    """The account stays (its owner may join elsewhere); it no longer belongs to the organisation."""
    person = _own_person(organisation, person)
    _keep_one_admin(organisation, person)
    record(actor, "user.removed_from_organisation", person, {"organisation_id": organisation.id}, ip)
    person.organisation_id = None
    person.role = Role.MEMBER
    end_sessions_and_links(person)


MEMBERSHIP_CHANGES = {
    "pause": ((MembershipStatus.MEMBER,), MembershipStatus.PAUSED),
    "resume": ((MembershipStatus.PAUSED,), MembershipStatus.MEMBER),
    "leave": ((MembershipStatus.MEMBER, MembershipStatus.PAUSED), MembershipStatus.LEFT),
}


def change_membership(organisation: Organisation, change: str, *, actor: User, ip: str | None) -> None:
    """Pause, resume or leave; the data stays, the profile shows the status."""
    allowed_from, to = MEMBERSHIP_CHANGES[change]
    if organisation.status not in allowed_from:
        raise OrganisationError(f"cannot {change} from {organisation.status}", "status")
    change_status(organisation, to, actor=actor, ip=ip)
