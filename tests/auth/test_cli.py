import sqlalchemy as sa

from coaction.auth.models import Role, User
from coaction.auth.services import authenticate
from coaction.extensions import db
from tests.factories import make_user

STRONG = "Tyresö-Slott-Kaffe-Grön"


def test_create_admin_makes_a_new_account(runner):
    result = runner.invoke(
        args=["coaction", "create-admin", "Chef@Example.se", "--name", "Chef"], input=f"{STRONG}\n{STRONG}\n"
    )
    assert result.exit_code == 0, result.output
    user = authenticate("chef@example.se", STRONG)
    assert user.role == Role.ADMIN


def test_create_admin_promotes_an_existing_account(runner, app):
    make_user(email="anna@example.se", role=Role.MEMBER, active=False)
    db.session.commit()
    result = runner.invoke(args=["coaction", "create-admin", "anna@example.se", "--password", STRONG])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.scalar(sa.select(User))
    assert (user.role, user.active) == (Role.ADMIN, True)


def test_create_admin_refuses_bad_input(runner):
    assert runner.invoke(args=["coaction", "create-admin", "not-an-email", "--password", STRONG]).exit_code != 0
    weak = runner.invoke(args=["coaction", "create-admin", "a@example.se", "--name", "A", "--password", "password12"])
    assert weak.exit_code != 0
    assert "för lätt att gissa" in weak.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
