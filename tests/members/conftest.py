import pytest

from coaction.auth.models import Role
from coaction.extensions import db
from tests.conftest import sign_in
from tests.factories import make_user


@pytest.fixture
def coordinator(client, app):
    """The `client`, signed in as a coordinator reading the pages in English."""
    user = make_user(role=Role.COORDINATOR)
    db.session.commit()
    sign_in(client, user, lang="en")
    return user
