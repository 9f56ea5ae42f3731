"""A consultation response's draft goes round the organisations taking part; its final text is public."""

import io

import sqlalchemy as sa

from coaction.activities.models import ActivityDocument, ActivityKind, Answer, Participant
from coaction.activities.services import ActivityDetails, create_activity
from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.extensions import db
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user, tiny_pdf


def test_the_draft_is_for_the_participants_and_the_final_text_for_everyone(app, client):
    lead, partner, outsider = (make_organisation(name=name) for name in ("Ledaren", "Partnern", "Utanför"))
    lead_admin = make_user(role=Role.ORG_ADMIN, organisation=lead)
    partner_member = make_user(role=Role.MEMBER, organisation=partner)
    outsider_admin = make_user(role=Role.ORG_ADMIN, organisation=outsider)
    details = ActivityDetails(title="Remissvar: Länsplanen", kind=ActivityKind.CONSULTATION, starts_on=local_today(),
                              consulting_body="Region Stockholm")  # fmt: skip
    activity = create_activity(details, lead=lead, actor=lead_admin, ip=None)
    activity.participants.append(Participant(organisation=partner, role="partner", answer=Answer.ACCEPTED))
    db.session.commit()
    sign_in(client, lead_admin, lang="en")
    url = f"/activities/{activity.id}/documents"
    for kind, name in (("draft", "utkast.pdf"), ("final", "yttrande.pdf")):
        sent = client.post(url, data={"kind": kind, "document": (io.BytesIO(tiny_pdf()), name)},
                           content_type="multipart/form-data")  # fmt: skip
        assert sent.status_code == 302
    fake = client.post(url, data={"kind": "final", "document": (io.BytesIO(b"MZ\x90\x00"), "virus.pdf")},
                       content_type="multipart/form-data")  # fmt: skip
    assert fake.status_code == 422 and "Only PDF files and office documents" in fake.text
    draft, final = db.session.scalars(sa.select(ActivityDocument).order_by(ActivityDocument.id)).all()

    reader = app.test_client()
    sign_in(reader, partner_member)
    assert reader.get(f"{url}/{draft.id}").data == tiny_pdf()
    other = app.test_client()
    sign_in(other, outsider_admin)
    assert other.get(f"{url}/{draft.id}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"{url}/{draft.id}").status_code == 404
    public = anonymous.get(f"{url}/{final.id}")
    assert public.status_code == 200 and "sandbox" in public.headers["Content-Security-Policy"]
    page = anonymous.get(f"/activities/{activity.id}").text
    assert "yttrande.pdf" in page and "utkast.pdf" not in page
    assert other.post(url, data={"kind": "final"}).status_code == 403  # only the organisers add documents
