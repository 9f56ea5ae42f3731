"""Working groups as the network office and the groups meet them: a group with a chair and changing members,
meetings with a numbered agenda, attendance, minutes approved by an attendee before they are published,
attachments checked by content, decisions followed up, the log and the reminders."""

import io
import zipfile
from datetime import date, timedelta
from html.parser import HTMLParser

import icalendar
import pytest
import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.extensions import db
from coaction.groups.markdown import render_markdown
from coaction.groups.models import Decision, Meeting, WorkingGroup
from coaction.groups.services import agenda_titles, remind_decisions
from coaction.mail.models import OutgoingMail
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user, tiny_pdf

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klicka](javascript:alert(1))",
    "[klicka](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">länk</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    '<iframe src="https://example.com"></iframe>',
    "![bild](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
)


class Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML (text, escaped or not, is no element)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_renders_every_payload_harmless(payload):
    html = str(render_markdown(f"# Protokoll\n\n{payload}\n\n**fet** och [källa](https://example.se)"))
    for tag, attrs in Elements(html).found:
        assert tag in {"h2", "p", "strong", "a", "em"}, html
        assert not {name for name in attrs if name.startswith("on") or name == "style"}, html
        assert tag != "a" or attrs["href"].startswith(("https://", "http://", "mailto:")), html
    assert "<h2>Protokoll</h2>" in html and "<strong>fet</strong>" in html
    assert '<a href="https://example.se" rel="noopener noreferrer">källa</a>' in html


def test_agenda_lines_are_numbered_in_order():
    assert agenda_titles("1. Välkommen\n\n2) Föregående möte\nÖvrigt\n 10. Avslut ") == [
        "Välkommen",
        "Föregående möte",
        "Övrigt",
        "Avslut",
    ]


@pytest.fixture
def cast(app):
    office = make_user(role=Role.COORDINATOR)
    organisation = make_organisation(name="Kommunen")
    chair = make_user(role=Role.ORG_ADMIN, organisation=organisation, name="Ada Ordförande")
    member = make_user(role=Role.MEMBER, organisation=organisation, name="Bo Ledamot")
    outsider = make_user(role=Role.ORG_ADMIN, organisation=make_organisation(), name="Cay Utomstående")
    db.session.commit()
    return {"office": office, "chair": chair, "member": member, "outsider": outsider}


def make_group(client, cast) -> WorkingGroup:
    sign_in(client, cast["office"], lang="en")
    assert client.post("/coordinator/groups/new", data={"name": "Klimatnätverket"}).status_code == 302
    group = db.session.scalar(sa.select(WorkingGroup))
    for person, chair in ((cast["chair"], "y"), (cast["member"], "")):
        data = {"user": person.id, "starts_on": "2025-01-01"} | ({"chair": chair} if chair else {})
        assert client.post(f"/groups/{group.slug}/members", data=data).status_code == 302
    return group


def decision(item, **fields) -> dict:
    """The form under an agenda item: its fields carry the item's prefix."""
    return {f"item{item.id}-{name}": value for name, value in fields.items()}


def call_meeting(client, group, held_on: str) -> Meeting:
    data = {"held_on": held_on, "starts_at": "09:00", "ends_at": "11:00", "place": "Tyresö",
            "agenda": "1. Välkommen\n2. Laddinfrastruktur"}  # fmt: skip
    response = client.post(f"/groups/{group.slug}/meetings", data=data)
    assert response.status_code == 302, response.text
    return db.session.scalar(sa.select(Meeting).order_by(Meeting.id.desc()))


def test_a_group_meets_decides_and_the_next_meeting_shows_what_is_still_open(app, client, cast):
    group = make_group(client, cast)
    chair = app.test_client()
    sign_in(chair, cast["chair"], lang="en")
    first = call_meeting(chair, group, "2026-03-01")
    assert [(item.number, item.title) for item in first.items] == [(1, "Välkommen"), (2, "Laddinfrastruktur")]
    item = first.items[1]
    for text in ("Kartlägg laddplatserna", "Bjud in energibolagen"):
        made = chair.post(
            f"/groups/{group.slug}/meetings/{first.id}/items/{item.id}/decisions",
            data=decision(item, text=text, owner=cast["member"].id, due_on="2026-04-01", status="planned"),
        )
        assert made.status_code == 302
    done, still_open = db.session.scalars(sa.select(Decision).order_by(Decision.id)).all()
    owner = app.test_client()
    sign_in(owner, cast["member"], lang="en")
    noted = owner.post(
        f"/decisions/{done.id}/notes", data={"noted_on": "2026-03-20", "text": "Klart", "status": "done"}
    )
    assert noted.status_code == 302
    second = call_meeting(chair, group, "2026-05-01")
    page = chair.get(f"/groups/{group.slug}/meetings/{second.id}").text
    earlier = page[page.index("Still open from earlier meetings") : page.index("Agenda and decisions")]
    assert "Bjud in energibolagen" in earlier and "Kartlägg laddplatserna" not in earlier
    assert "Overdue" in earlier  # due 1 April, open on the network's today
    outsider = app.test_client()
    sign_in(outsider, cast["outsider"])
    assert (
        outsider.post(f"/decisions/{still_open.id}/notes", data={"noted_on": "2026-05-02", "text": "x"}).status_code
        == 404
    )


def test_minutes_are_approved_by_an_attendee_then_published(app, client, cast):
    group = make_group(client, cast)
    meeting = call_meeting(client, group, "2026-03-01")
    url = f"/groups/{group.slug}/meetings/{meeting.id}"
    refused = client.post(f"{url}/minutes", data={"minutes": "Text", "approver": cast["member"].id})
    assert refused.status_code == 422 and "Record the attendance first" in refused.text  # nobody has attended yet
    client.post(f"{url}/attendance", data={"attendees": [cast["chair"].id, cast["member"].id]})
    assert (
        client.post(
            f"{url}/minutes", data={"minutes": "# Protokoll\n\nVi beslutade.", "approver": cast["member"].id}
        ).status_code
        == 302
    )
    assert client.post(f"{url}/publish").status_code == 400  # not approved yet
    anonymous = app.test_client()
    assert (
        "Vi beslutade" not in anonymous.get(url).text
        and "until the minutes are published" in anonymous.get(f"{url}?lang=en").text
    )
    chair = app.test_client()
    sign_in(chair, cast["chair"])
    assert chair.post(f"{url}/approve").status_code == 403  # not the named approver
    member = app.test_client()
    sign_in(member, cast["member"])
    assert member.post(f"{url}/approve").status_code == 302
    changed = client.post(f"{url}/minutes", data={"minutes": "Ändrat", "approver": cast["member"].id})
    assert changed.status_code == 422 and "can no longer be changed" in changed.text
    assert client.post(f"{url}/publish").status_code == 302
    public = anonymous.get(url).text
    assert "<h2>Protokoll</h2>" in public and "Vi beslutade." in public


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_attachments_are_checked_by_content_and_served_to_those_who_may_see_them(app, client, cast):
    group = make_group(client, cast)
    meeting = call_meeting(client, group, "2026-03-01")
    url = f"/groups/{group.slug}/meetings/{meeting.id}"
    for data, name in ((tiny_pdf(), "kallelse.pdf"), (docx(), "underlag.docx")):
        sent = client.post(
            f"{url}/documents", data={"document": (io.BytesIO(data), name)}, content_type="multipart/form-data"
        )
        assert sent.status_code == 302
    fake = b"<html><script>alert(1)</script></html>"
    refused = client.post(
        f"{url}/documents", data={"document": (io.BytesIO(fake), "falsk.pdf")}, content_type="multipart/form-data"
    )
    assert refused.status_code == 422 and "Only PDF files and office documents" in refused.text
    first = db.session.get(Meeting, meeting.id).documents[0]
    download = client.get(f"{url}/documents/{first.id}")
    assert download.status_code == 200 and download.data == tiny_pdf()
    assert (
        download.headers["Cache-Control"] == "private, no-store"
        and "sandbox" in download.headers["Content-Security-Policy"]
    )
    outsider = app.test_client()
    sign_in(outsider, cast["outsider"])
    assert outsider.get(f"{url}/documents/{first.id}").status_code == 404
    assert app.test_client().get(f"{url}/documents/{first.id}").status_code == 404


def test_the_decision_log_filters_and_shows_only_what_the_reader_may_see(app, client, cast):
    group = make_group(client, cast)
    meeting = call_meeting(client, group, "2026-03-01")
    item = meeting.items[1]
    today = local_today()
    for text, due, owner in (
        ("Försenat", today - timedelta(days=3), cast["member"].id),
        ("Senare", today + timedelta(days=60), None),
    ):
        data = decision(item, text=text, due_on=due.isoformat(), status="ongoing", owner=owner or "")
        client.post(f"/groups/{group.slug}/meetings/{meeting.id}/items/{item.id}/decisions", data=data)
    assert "2 decisions" in client.get("/decisions?lang=en").text
    overdue = client.get("/decisions?overdue=y&lang=en").text
    assert "Försenat" in overdue and "Senare" not in overdue
    member = app.test_client()
    sign_in(member, cast["member"], lang="en")
    mine = member.get("/decisions?mine=y").text
    assert "Försenat" in mine and "Senare" not in mine
    owned = client.get(f"/decisions?owner={cast['member'].id}").text
    assert "Försenat" in owned and "Senare" not in owned
    outsider = app.test_client()
    sign_in(outsider, cast["outsider"], lang="en")
    assert "0 decisions" in outsider.get("/decisions").text  # not the group's, and not published


def test_owners_are_reminded_once_when_due_and_once_when_overdue(app, client, cast, runner):
    group = make_group(client, cast)
    meeting = call_meeting(client, group, "2026-03-01")
    item = meeting.items[1]
    today = local_today()
    for text, due in (
        ("Snart", today + timedelta(days=3)),
        ("Sent", today - timedelta(days=1)),
        ("Långt fram", today + timedelta(days=90)),
    ):
        data = decision(item, text=text, due_on=due.isoformat(), status="planned", owner=cast["member"].id)
        client.post(f"/groups/{group.slug}/meetings/{meeting.id}/items/{item.id}/decisions", data=data)
    result = runner.invoke(args=["coaction", "remind"])
    assert result.exit_code == 0 and "Decisions: 1 owners reminded of a due date, 1 of an overdue one." in result.output
    mails = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.template == "decision_due")).all()
    assert len(mails) == 2 and {mail.recipient for mail in mails} == {cast["member"].email}
    again = remind_decisions(today)
    assert (again.due, again.overdue) == (0, 0)
    later = remind_decisions(today + timedelta(days=5))  # "Snart" is now overdue: one more mail
    assert (later.due, later.overdue) == (0, 1)


def test_members_change_and_the_feed_has_the_meetings_in_stockholm_time(app, client, cast):
    group = make_group(client, cast)
    call_meeting(client, group, "2026-06-15")
    member = next(m for m in db.session.get(WorkingGroup, group.id).members if m.user_id == cast["member"].id)
    assert (
        client.post(f"/groups/{group.slug}/members/{member.id}/end", data={"ends_on": "2026-06-30"}).status_code == 302
    )
    db.session.expire_all()
    group = db.session.get(WorkingGroup, group.id)
    assert [m.user.name for m in group.members_on(date(2026, 7, 1))] == ["Ada Ordförande"]
    assert len(group.members_on(date(2026, 6, 1))) == 2
    (event,) = icalendar.Calendar.from_ical(app.test_client().get(f"/groups/{group.slug}/meetings.ics").data).walk(
        "VEVENT"
    )
    start = event.decoded("dtstart")
    assert (start.hour, start.utcoffset().total_seconds()) == (9, 7200)
    wound_up = client.post(
        f"/groups/{group.slug}/edit",
        data={"name": "Klimatnätverket", "started_on": "2026-01-01", "wound_up_on": "2025-11-30"},
    )
    assert wound_up.status_code == 422 and 'id="wound_up_on-error"' in wound_up.text
