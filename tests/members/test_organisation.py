import io

import pytest
import sqlalchemy as sa
from PIL import Image

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.extensions import db
from coaction.members.models import MembershipStatus
from tests.conftest import sign_in
from tests.factories import make_user, tiny_png


@pytest.fixture
def admin_a(app, people):
    client = app.test_client()
    sign_in(client, people["org_admin_a"])
    return client


def test_the_profile_is_saved_and_audited(admin_a, people):
    response = admin_a.post(
        "/organisation",
        data={"employees": "230", "municipality": "0", "website": "https://a.example", "description": "Vi bygger."},
    )
    assert response.status_code == 302
    org = people["org_a"]
    db.session.refresh(org)
    assert (org.employees, org.website, org.description) == (230, "https://a.example", "Vi bygger.")
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="organisation.profile_updated"))
    assert event.changes["employees"] == [50, 230]


def test_bad_profile_values_are_shown_next_to_the_field(admin_a, people):
    response = admin_a.post("/organisation", data={"employees": "-3", "municipality": "0", "website": "not a url"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="employees-error"' in page and 'id="website-error"' in page
    db.session.refresh(people["org_a"])
    assert people["org_a"].employees == 50


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_logo_is_re_encoded_and_served_publicly(admin_a, client, people, image_format):
    upload = {"logo": (io.BytesIO(tiny_png((1600, 800), image_format)), f"logo.{image_format.lower()}")}
    assert admin_a.post("/organisation/logo", data=upload, content_type="multipart/form-data").status_code == 302
    response = client.get(f"/members/{people['org_a'].slug}/logo")
    assert response.status_code == 200 and response.mimetype == "image/png"
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.format == "PNG" and image.size == (512, 256)


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"%PDF-1.4 pretending to be a picture", "logo.png"),
        (tiny_png(image_format="GIF"), "logo.gif"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024), "huge.png"),
    ],
    ids=["svg", "pdf-named-png", "gif", "over-2mb"],
)
def test_anything_but_a_png_or_jpeg_is_refused(admin_a, people, content, filename):
    before = people["org_a"].logo_filename
    response = admin_a.post(
        "/organisation/logo", data={"logo": (io.BytesIO(content), filename)}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert 'id="logo-error"' in response.get_data(as_text=True)
    db.session.refresh(people["org_a"])
    assert people["org_a"].logo_filename == before


def test_making_admins_and_keeping_at_least_one(admin_a, people):
    member, admin = people["member_a"], people["org_admin_a"]
    admin_a.post(f"/organisation/people/{member.id}/admin")
    db.session.refresh(member)
    assert member.role == Role.ORG_ADMIN
    admin_a.post(f"/organisation/people/{member.id}/member")
    page = admin_a.post(f"/organisation/people/{admin.id}/member", follow_redirects=True).get_data(as_text=True)
    assert "minst en administratör" in page
    db.session.refresh(admin)
    assert admin.role == Role.ORG_ADMIN


def test_removing_a_colleague_ends_their_sessions(app, admin_a, people):
    member = people["member_a"]
    theirs = app.test_client()
    sign_in(theirs, member)
    assert theirs.get("/account").status_code == 200
    admin_a.post(f"/organisation/people/{member.id}/remove")
    db.session.refresh(member)
    assert member.organisation_id is None
    assert theirs.get("/account").status_code == 302
    page = admin_a.post(f"/organisation/people/{people['org_admin_a'].id}/remove", follow_redirects=True)
    assert "minst en administratör" in page.get_data(as_text=True)


def test_people_of_another_organisation_cannot_be_touched(app, people):
    other = app.test_client()
    sign_in(other, people["org_admin_b"])
    outsider = make_user()
    db.session.commit()
    for person in (people["member_a"], outsider):
        assert other.post(f"/organisation/people/{person.id}/admin").status_code == 404
    db.session.refresh(people["member_a"])
    assert people["member_a"].role == Role.MEMBER


def test_pause_resume_and_leave(admin_a, client, people):
    org = people["org_a"]
    admin_a.post("/organisation/membership/pause")
    db.session.refresh(org)
    assert org.status == MembershipStatus.PAUSED
    assert "Vilande medlemskap" in client.get(f"/members/{org.slug}").get_data(as_text=True)
    admin_a.post("/organisation/membership/resume")
    admin_a.post("/organisation/membership/leave")
    db.session.refresh(org)
    assert org.status == MembershipStatus.LEFT
    assert client.get(f"/members/{org.slug}").status_code == 404
    assert org.description is None or org.name  # the data stays
    page = admin_a.post("/organisation/membership/resume", follow_redirects=True).get_data(as_text=True)
    assert "kan inte ändras" in page
