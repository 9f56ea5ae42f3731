from datetime import UTC, datetime, timedelta, timezone

import pytest

from coaction.core.text import slugify
from coaction.extensions import db
from coaction.members.models import Organisation
from tests.factories import make_organisation


def test_timestamps_come_back_aware_and_in_utc(app):
    stockholm = timezone(timedelta(hours=1))
    organisation = make_organisation(status_changed_at=datetime(2026, 1, 1, 12, 0, tzinfo=stockholm))
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(Organisation, organisation.id)
    assert loaded.status_changed_at == datetime(2026, 1, 1, 11, 0, tzinfo=UTC)
    assert loaded.status_changed_at.tzinfo is not None
    assert loaded.created_at < datetime.now(UTC) + timedelta(seconds=1)


def test_naive_datetimes_are_refused(app):
    with pytest.raises(Exception, match="naive datetime"):
        make_organisation(status_changed_at=datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Södertälje kommun", "sodertalje-kommun"),
        ("Åkers Ångbåt & Co", "akers-angbat-co"),
        ("  --  ", "org"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug
