import pytest
import sqlalchemy as sa

from coaction.audit.models import AuditEvent, AuditLogIsAppendOnly
from coaction.audit.services import record
from coaction.auth.models import Role
from coaction.extensions import db
from tests.conftest import sign_in
from tests.factories import make_user


def test_admin_changes_a_role_and_it_is_audited(app, client, people):
    sign_in(client, people["admin"])
    response = client.post(f"/admin/users/{people['member_a'].id}/role", data={"role": "org_admin"})
    assert response.status_code == 302
    db.session.refresh(people["member_a"])
    assert people["member_a"].role == Role.ORG_ADMIN
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
    assert event.actor_id == people["admin"].id
    assert event.changes == {"role": ["member", "org_admin"]}
    assert event.ip == "127.0.0.1"


def test_an_unknown_role_changes_nothing(app, client, people):
    sign_in(client, people["admin"])
    client.post(f"/admin/users/{people['member_a'].id}/role", data={"role": "emperor"})
    db.session.refresh(people["member_a"])
    assert people["member_a"].role == Role.MEMBER


def test_the_last_admin_can_be_neither_demoted_nor_deactivated(app, client, people):
    admin = people["admin"]
    sign_in(client, admin)
    page = client.post(f"/admin/users/{admin.id}/role", data={"role": "member"}, follow_redirects=True)
    assert "Den sista administratören kan inte få en annan roll." in page.get_data(as_text=True)
    page = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "Den sista administratören kan inte inaktiveras." in page.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN and admin.active
    second = make_user(role=Role.ADMIN)
    db.session.commit()
    client.post(f"/admin/users/{second.id}/role", data={"role": "member"})
    db.session.refresh(second)
    assert second.role == Role.MEMBER


def test_deactivating_ends_the_users_sessions(app, client, people):
    member = app.test_client()
    sign_in(member, people["member_a"])
    assert member.get("/account").status_code == 200
    sign_in(client, people["admin"])
    client.post(f"/admin/users/{people['member_a'].id}/active", data={"active": "0"})
    assert member.get("/account").status_code == 302
    client.post(f"/admin/users/{people['member_a'].id}/active", data={"active": "1"})
    db.session.refresh(people["member_a"])
    assert people["member_a"].active
    logged = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id))
    assert [action for action in logged if action.startswith("user.")][-2:] == [
        "user.deactivated",
        "user.activated",
    ]


def test_user_list_filters(app, client, people):
    sign_in(client, people["admin"])
    page = client.get("/admin/users?role=coordinator").get_data(as_text=True)
    assert people["coordinator"].email in page
    assert people["member_a"].email not in page
    page = client.get(f"/admin/users?q={people['org_admin_b'].email.upper()}").get_data(as_text=True)
    assert people["org_admin_b"].email in page
    assert people["admin"].email not in page


def test_audit_log_lists_and_filters(app, client, people):
    record(people["coordinator"], "member.approved", people["org_a"], {"status": ["applied", "member"]}, "10.0.0.1")
    record(people["admin"], "user.role_changed", people["member_a"])
    db.session.commit()
    sign_in(client, people["admin"])
    page = client.get("/admin/audit?action=member").get_data(as_text=True)
    assert "member.approved" in page and "user.role_changed" not in page
    page = client.get(f"/admin/audit?actor={people['admin'].email}").get_data(as_text=True)
    assert "user.role_changed" in page and "member.approved" not in page
    assert client.get("/admin/audit?since=not-a-date&page=-3").status_code == 200


def test_audit_events_are_append_only(app, people):
    event = record(people["admin"], "user.role_changed", people["member_a"])
    db.session.commit()
    event.action = "nothing.happened"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()


def test_user_search_casefolds_swedish_letters_on_every_database(app, client, people):
    make_user(name="Åsa Öberg", email="asa@example.se")
    make_user(name="a_a", email="underscore@example.se")
    db.session.commit()
    sign_in(client, people["admin"])
    for query in ("åsa", "ÖBERG"):
        assert "asa@example.se" in client.get(f"/admin/users?q={query}").get_data(as_text=True)
    page = client.get("/admin/users?q=a_a").get_data(as_text=True)
    assert "underscore@example.se" in page and "asa@example.se" not in page


def test_audit_days_are_the_readers_days(app, client, people):
    from datetime import UTC, datetime

    event = record(people["admin"], "test.late_evening", people["org_a"])
    db.session.execute(
        sa.update(AuditEvent).where(AuditEvent.id == event.id).values(at=datetime(2024, 6, 1, 22, 30, tzinfo=UTC))
    )
    db.session.commit()
    sign_in(client, people["admin"])
    page = client.get("/admin/audit?since=2024-06-02&until=2024-06-02").get_data(as_text=True)
    assert "test.late_evening" in page  # 00:30 on 2 June in Stockholm
    assert "test.late_evening" not in client.get("/admin/audit?since=2024-06-01&until=2024-06-01").get_data(
        as_text=True
    )
    assert client.get("/admin/audit?until=9999-12-31").status_code == 200


def test_counts_are_pluralised(app, client, people):
    sign_in(client, people["admin"])
    page = client.get("/admin/users?q=" + people["coordinator"].email + "&lang=en").get_data(as_text=True)
    assert "1 user<" in page
