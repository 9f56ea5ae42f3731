"""Bulk invitations from a file: the check of every row before anything is sent, sending once as a background
job with progress, every verdict, XLSX, the CSV report, and who may do it."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role, User
from coaction.core.tables import Table
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.invitations import bulk
from coaction.invitations.bulk import BulkVerdict, judge, parse_email, parse_language
from coaction.invitations.models import Invitation, InvitationBatch, InvitationStatus
from coaction.jobs import wait_for_background_jobs
from coaction.mail.models import OutgoingMail
from coaction.members.models import MembershipStatus, Organisation, Sector
from coaction.members.prospects import Known, Lookups, check_rows
from tests.conftest import sign_in
from tests.factories import make_invitation, make_municipality, make_organisation, make_user

# Valid organisation numbers (Luhn), as in tests/members/test_prospects.py; the last one's check digit is wrong.
NUMBER_1 = "556036-0793"
NUMBER_2 = "556012-5790"
NUMBER_3 = "212000-0142"
BAD_NUMBER = "556677-8898"

HEADER = "name,org_number,email,sector,municipality,employees,language"

FIVE_ACTORS = [
    f"Alfa Energi AB,{NUMBER_1},vd@alfa.example,energy,Alby,120,sv",
    "Beta Bygg AB,,Info@Beta.example,business,Nykvarn,15,en",
    f"Gamma Gods AB,{BAD_NUMBER},kontakt@gamma.example,transport,Alby,40,",
    "Delta Data AB,,not-an-address,it,Alby,8,sv",
    f"Epsilon El AB,{NUMBER_2},el@epsilon.example,energy,Nykvarns kommun,300,English",
]


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def places(app):
    alby = make_municipality(name="Alby", code="0101", latitude=59.1, longitude=17.1)
    nykvarn = make_municipality(name="Nykvarn", code="0140", latitude=59.18, longitude=17.43)
    db.session.commit()
    return {"alby": alby, "nykvarn": nykvarn}


@pytest.fixture
def coordinator(app, places):
    user = make_user(role=Role.COORDINATOR, name="Kim Koordinator")
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def check(client, data: bytes, filename: str = "inbjudningar.csv", message: str = ""):
    return client.post(
        "/coordinator/invitations/bulk",
        data={"file": (io.BytesIO(data), filename), "message": message},
        content_type="multipart/form-data",
    )


def checked_batch(client, data: bytes, filename: str = "inbjudningar.csv", message: str = "") -> InvitationBatch:
    response = check(client, data, filename, message)
    assert response.status_code == 302, response.get_data(as_text=True)
    batch_id = int(re.fullmatch(r"/coordinator/invitations/bulk/(\d+)", response.headers["Location"]).group(1))
    return db.session.get(InvitationBatch, batch_id)


def send(client, batch: InvitationBatch):
    return client.post(f"/coordinator/invitations/bulk/{batch.id}/send")


def page(client, batch: InvitationBatch) -> str:
    return client.get(f"/coordinator/invitations/bulk/{batch.id}").get_data(as_text=True)


def verdicts(batch: InvitationBatch) -> dict[int, str]:
    db.session.refresh(batch)
    return {row["row"]: row["verdict"] for row in batch.rows}


def outcomes(batch: InvitationBatch) -> dict[int, str | None]:
    db.session.refresh(batch)
    return {row["row"]: row.get("outcome") for row in batch.rows}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def organisation_named(name: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).filter_by(name=name))


# ---- the check, pure -------------------------------------------------------------------------------------------


def test_addresses_and_languages_are_read_leniently_and_refused_clearly():
    assert parse_email(" Vd@Verkstad.Example ") == "vd@verkstad.example"
    assert parse_email("not-an-address") is None
    assert parse_email("") is None
    assert parse_email("a@" + "b" * 250 + ".example") is None
    assert [parse_language(text) for text in ("", "sv", "Svenska", "EN", "english", "Engelska")] == [
        "sv", "sv", "sv", "en", "en", "en",
    ]  # fmt: skip
    assert parse_language("suomi") is None


def test_judge_adds_the_invitation_verdicts_to_the_prospect_check():
    lookups = Lookups(
        municipalities={"alby": 1},
        sectors={"business": Sector.BUSINESS},
        by_number={NUMBER_3: Known(11, "Medlemmen AB", MembershipStatus.MEMBER, NUMBER_3)},
        by_name={
            "inbjudna ab": Known(12, "Inbjudna AB", MembershipStatus.INVITED, None),
            "prospektet ab": Known(13, "Prospektet AB", MembershipStatus.PROSPECT, None),
            "externa ab": Known(14, "Externa AB", MembershipStatus.EXTERNAL, None),
        },
    )
    base = {"sector": "business", "municipality": "Alby", "employees": "10"}
    rows = [
        base | {"name": "Ny AB", "email": "a@ny.example"},
        base | {"name": "Medlemmen AB", "org_number": NUMBER_3, "email": "b@m.example"},
        base | {"name": "Inbjudna AB", "email": "c@i.example"},
        base | {"name": "Prospektet AB", "email": "d@p.example"},
        base | {"name": "Externa AB", "email": "e@e.example", "language": "en"},
        base | {"name": "Annan AB", "email": "A@ny.example"},
        base | {"name": "Tredje AB", "email": "f@t.example", "language": "fi"},
    ]
    table = Table(columns=tuple(rows[0]), rows=rows)
    judged = judge(table, check_rows(table, lookups), open_invitations={("d@p.example", 13)})
    assert [row.verdict for row in judged] == [
        BulkVerdict.NEW,
        BulkVerdict.ALREADY_MEMBER,
        BulkVerdict.ALREADY_INVITED,
        BulkVerdict.ALREADY_INVITED,
        BulkVerdict.KNOWN,
        BulkVerdict.DUPLICATE,
        BulkVerdict.UNKNOWN_LANGUAGE,
    ]
    assert judged[5].notes[0].other_row == 2 and judged[5].notes[0].by == "email"
    assert (judged[0].email, judged[0].locale, judged[4].locale) == ("a@ny.example", "sv", "en")


# ---- the whole journey -----------------------------------------------------------------------------------------


def test_the_check_sends_nothing_then_sending_invites_the_valid_rows_once(app, coordinator, places, mailbox):
    organisations_before = count(Organisation)
    batch = checked_batch(coordinator, csv_file(*FIVE_ACTORS), message="Välkomna till nätverket!")
    assert verdicts(batch) == {
        2: "new",
        3: "new",
        4: "invalid_org_number",
        5: "invalid_email",
        6: "new",
    }
    assert (batch.to_send, batch.sent, batch.started_at, batch.finished_at) == (3, 0, None, None)
    preview = page(coordinator, batch)
    assert "Send 3 invitations" in preview and "Nothing is sent yet" in preview
    assert "“not-an-address” is not a valid email address." in preview
    assert f"“{BAD_NUMBER}” is not a valid organisation number" in preview
    assert "batch-progress.js" not in preview  # nothing is being sent yet
    # Nothing is sent, no invitation and no organisation made, before "send".
    wait_for_background_jobs()
    assert mailbox.messages == [] and count(OutgoingMail) == 0
    assert count(Invitation) == 0 and count(Organisation) == organisations_before
    created = db.session.scalar(sa.select(AuditEvent).filter_by(action="invitation_batch.created"))
    assert created.changes["to_send"] == 3 and created.changes["verdicts"] == {
        "new": 3, "invalid_org_number": 1, "invalid_email": 1,
    }  # fmt: skip

    assert send(coordinator, batch).status_code == 302
    messages = mailbox.wait_for(3)
    wait_for_background_jobs()
    assert len(mailbox.messages) == 3  # exactly three, through the real SMTP server
    assert sorted(message["To"] for message in messages) == [
        "el@epsilon.example", "info@beta.example", "vd@alfa.example",
    ]  # fmt: skip
    assert all("Välkomna till nätverket!" in mailbox.text(message) for message in messages)
    invitations = list(db.session.scalars(sa.select(Invitation).order_by(Invitation.id)))
    assert [(i.email, i.locale, i.batch_id, i.status) for i in invitations] == [
        ("vd@alfa.example", "sv", batch.id, InvitationStatus.PENDING),
        ("info@beta.example", "en", batch.id, InvitationStatus.PENDING),
        ("el@epsilon.example", "en", batch.id, InvitationStatus.PENDING),
    ]
    alfa = organisation_named("Alfa Energi AB")
    assert (alfa.status, alfa.org_number, alfa.sector, alfa.employees) == (
        MembershipStatus.INVITED, NUMBER_1, Sector.ENERGY, 120,
    )  # fmt: skip
    assert (alfa.municipality_id, alfa.latitude) == (places["alby"].id, 59.1)
    assert organisation_named("Epsilon El AB").municipality_id == places["nykvarn"].id
    assert organisation_named("Gamma Gods AB") is None and organisation_named("Delta Data AB") is None
    db.session.refresh(batch)
    assert (batch.sent, batch.to_send) == (3, 3) and batch.finished_at is not None
    assert outcomes(batch) == {2: "sent", 3: "sent", 4: None, 5: None, 6: "sent"}
    done = page(coordinator, batch)
    assert 'role="status"' in done and "3 invitations sent." in done and "2 rows were not sent" in done
    assert "batch-progress.js" not in done and "Send 3 invitations" not in done
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("invitation.sent") == 3 and "invitation_batch.finished" in actions

    # A second "send" changes nothing.
    started_at = batch.started_at
    again = send(coordinator, batch)
    assert again.status_code == 302
    assert "sent already" in coordinator.get(again.headers["Location"]).get_data(as_text=True)
    wait_for_background_jobs()
    assert len(mailbox.messages) == 3 and count(Invitation) == 3
    db.session.refresh(batch)
    assert (batch.started_at, batch.sent) == (started_at, 3)


def test_sending_is_claimed_once_even_when_pressed_twice_at_once(app, coordinator, mailbox):
    batch = checked_batch(coordinator, csv_file(*FIVE_ACTORS))
    coordinator_user = db.session.scalar(sa.select(User).filter_by(role=Role.COORDINATOR))
    first = bulk.start_sending(batch, actor=coordinator_user, ip=None)
    second = bulk.start_sending(batch, actor=coordinator_user, ip=None)  # the same transaction: already claimed
    db.session.commit()
    assert (first, second) == ("started", "started_before")
    assert send(coordinator, batch).status_code == 302  # and another request after the commit
    mailbox.wait_for(3)
    wait_for_background_jobs()
    assert len(mailbox.messages) == 3 and count(Invitation) == 3


def test_every_verdict(app, coordinator, places, mailbox):
    make_organisation(name="Medlemmen AB", org_number=NUMBER_3, status=MembershipStatus.MEMBER)
    make_organisation(name="Pausade AB", status=MembershipStatus.PAUSED)
    make_organisation(name="Inbjudna AB", status=MembershipStatus.INVITED)
    make_organisation(name="Sökande AB", status=MembershipStatus.APPLIED)
    with_open_invitation = make_organisation(name="Prospektet AB", status=MembershipStatus.PROSPECT)
    make_invitation(with_open_invitation, email="vd@prospektet.example")
    prospect = make_organisation(name="Gamla Prospekt AB", org_number=NUMBER_2, status=MembershipStatus.PROSPECT)
    left = make_organisation(name="Lämnade AB", status=MembershipStatus.LEFT)
    db.session.commit()
    rows = [
        f"Ny AB,{NUMBER_1},ny@ny.example,business,Alby,10,sv",  # 2
        f"Fel Nummer AB,{BAD_NUMBER},a@fel.example,business,Alby,10,",  # 3
        "Fel Adress AB,,inte en adress,business,Alby,10,",  # 4
        f"Medlemmen AB,{NUMBER_3},b@medlem.example,business,Alby,10,",  # 5
        "Pausade AB,,c@pausade.example,business,Alby,10,",  # 6
        "Inbjudna AB,,d@inbjudna.example,business,Alby,10,",  # 7
        "Sökande AB,,e@sokande.example,business,Alby,10,",  # 8
        "Prospektet AB,,VD@prospektet.example,business,Alby,10,",  # 9
        "Annan AB,,ny@ny.example,business,Alby,10,",  # 10
        "Ny AB,,f@ny2.example,business,Alby,10,",  # 11
        f"Gamla Prospekt AB,{NUMBER_2},g@gamla.example,industry,Nykvarn,25,en",  # 12
        "Lämnade AB,,h@lamnade.example,business,Alby,10,svenska",  # 13
        "Finska AB,,i@finska.example,business,Alby,10,suomi",  # 14
        "Rymden AB,,j@rymden.example,rymdfart,Alby,10,",  # 15
        ",,k@tom.example,business,Alby,10,",  # 16
        "Ingenstans AB,,l@ingen.example,business,Atlantis,10,",  # 17
        "Många AB,,m@manga.example,business,Alby,tusen,",  # 18
    ]
    batch = checked_batch(coordinator, csv_file(*rows))
    assert verdicts(batch) == {
        2: "new",
        3: "invalid_org_number",
        4: "invalid_email",
        5: "already_member",
        6: "already_member",
        7: "already_invited",
        8: "already_invited",
        9: "already_invited",
        10: "duplicate",
        11: "duplicate",
        12: "update",
        13: "known",
        14: "unknown_language",
        15: "unknown_sector",
        16: "missing_name",
        17: "unknown_municipality",
        18: "bad_employees",
    }
    assert batch.to_send == 3
    preview = page(coordinator, batch)
    for text in (
        "The same email address as row 2.",
        "The same name as row 2.",
        "“Medlemmen AB” is in the network already (Member).",
        "“Inbjudna AB” is on its way in already (Invited): it is not invited again.",
        "An invitation of “Prospektet AB” to this address is still open.",
        "Updates the prospect “Gamla Prospekt AB” from the file and invites it.",
        "“suomi” is not a language of the invitations: write sv or en.",
    ):
        assert text in preview
    assert re.search(r"<th scope=\"row\">Already invited</th><td class=\"number\">3</td>", preview)

    send(coordinator, batch)
    assert sorted(message["To"] for message in mailbox.wait_for(3)) == [
        "g@gamla.example", "h@lamnade.example", "ny@ny.example",
    ]  # fmt: skip
    db.session.expire_all()
    assert (prospect.status, prospect.sector, prospect.employees) == (MembershipStatus.INVITED, Sector.INDUSTRY, 25)
    assert prospect.municipality_id == places["nykvarn"].id
    assert left.status == MembershipStatus.INVITED
    assert count(Invitation) == 4  # the three and the one that was open already


def test_each_row_is_checked_again_when_it_is_sent(app, coordinator, mailbox):
    batch = checked_batch(coordinator, csv_file(*FIVE_ACTORS))
    make_organisation(name="Alfa Energi Aktiebolag", org_number=NUMBER_1, status=MembershipStatus.MEMBER)
    db.session.commit()  # Alfa became a member between the check and the sending
    send(coordinator, batch)
    mailbox.wait_for(2)
    wait_for_background_jobs()
    assert len(mailbox.messages) == 2
    assert outcomes(batch) == {2: "already_member", 3: "sent", 4: None, 5: None, 6: "sent"}
    assert batch.sent == 2
    assert "Not sent: Already a member" in page(coordinator, batch)


def test_a_row_that_fails_undoes_nothing_else(app, coordinator, mailbox, monkeypatch):
    invite_actor = bulk.invite_actor

    def failing_for_beta(organisation, email, **kwargs):
        if email == "info@beta.example":
            raise RuntimeError("the mail template broke")
        return invite_actor(organisation, email, **kwargs)

    monkeypatch.setattr(bulk, "invite_actor", failing_for_beta)
    batch = checked_batch(coordinator, csv_file(*FIVE_ACTORS))
    send(coordinator, batch)
    mailbox.wait_for(2)
    wait_for_background_jobs()
    assert outcomes(batch) == {2: "sent", 3: "failed", 4: None, 5: None, 6: "sent"}
    assert (batch.sent, count(Invitation)) == (2, 2) and batch.finished_at is not None
    assert organisation_named("Beta Bygg AB") is None  # its new record went with the failed row
    assert "Not sent: something went wrong" in page(coordinator, batch)


def test_the_page_shows_progress_while_the_job_sends(app, coordinator):
    batch = checked_batch(coordinator, csv_file(*FIVE_ACTORS))
    batch.started_at, batch.sent = utcnow(), 1  # as the job leaves it after one row
    db.session.commit()
    sending = page(coordinator, batch)
    assert "batch-progress.js" in sending
    assert '<p role="status">Sending: 1 of 3 invitations sent.</p>' in sending
    assert '<progress max="3" value="1"' in sending
    assert "Send 3 invitations" not in sending
    assert "Every row of the file" not in sending  # not the whole table every two seconds; the counts stay
    assert "Rows by verdict" in sending


# ---- files -----------------------------------------------------------------------------------------------------


def test_an_xlsx_file_with_swedish_columns(app, coordinator, mailbox):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Namn", "Organisationsnummer", "E-post", "Sektor", "Kommun", "Anställda", "Språk"])
    sheet.append(["Alfa Energi AB", NUMBER_1, "vd@alfa.example", "Energi", "Alby kommun", 120, "Svenska"])
    sheet.append(["Beta Bygg AB", None, "info@beta.example", "Företag", "0140", 15, "English"])
    sheet.append(["Gamma AB", None, "vd@alfa.example", "Företag", "Alby", 3, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = checked_batch(coordinator, buffer.getvalue(), filename="inbjudningar.xlsx")
    assert verdicts(batch) == {2: "new", 3: "new", 4: "duplicate"}
    assert [(row["email"], row["locale"]) for row in batch.rows] == [
        ("vd@alfa.example", "sv"), ("info@beta.example", "en"), ("vd@alfa.example", "sv"),
    ]  # fmt: skip
    send(coordinator, batch)
    assert {message["To"] for message in mailbox.wait_for(2)} == {"vd@alfa.example", "info@beta.example"}


def test_the_report_has_every_row_with_its_verdict_and_outcome(app, coordinator, mailbox):
    formula = '=HYPERLINK("http://evil.example","click")'
    rows = [*FIVE_ACTORS, f'"{formula.replace(chr(34), chr(34) * 2)}",,nope,business,Alby,3,']
    batch = checked_batch(coordinator, csv_file(*rows))
    before = coordinator.get(f"/coordinator/invitations/bulk/{batch.id}/report.csv")
    assert "Ready to send" in before.get_data().decode("utf-8-sig")
    send(coordinator, batch)
    mailbox.wait_for(3)
    wait_for_background_jobs()
    response = coordinator.get(f"/coordinator/invitations/bulk/{batch.id}/report.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="invitations-{batch.id}.csv"'
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM, so that Excel reads å, ä and ö
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == [
        "Row", "Organisation", "Organisation number", "Email", "Language", "Verdict", "Message", "Outcome",
    ]  # fmt: skip
    assert len(table) == 1 + 6
    assert table[1][:6] == ["2", "Alfa Energi AB", NUMBER_1, "vd@alfa.example", "sv", "New organisation"]
    assert table[1][7] == "Sent"
    assert table[4][5:] == ["Invalid email address", "“not-an-address” is not a valid email address.", "Not sent"]
    assert table[6][1] == "'" + formula  # neutralised: a spreadsheet shows it as text


def test_unreadable_files_are_refused_next_to_the_field(app, coordinator):
    not_a_table = check(coordinator, b"%PDF-1.7", filename="lista.pdf")
    assert not_a_table.status_code == 422 and "Choose a CSV or XLSX file." in not_a_table.get_data(as_text=True)
    no_email = check(
        coordinator, csv_file("Alfa AB,,energy,Alby,3", header="name,org_number,sector,municipality,employees")
    )
    assert no_email.status_code == 422 and "name, email, employees" in no_email.get_data(as_text=True)
    broken = check(coordinator, b"PK\x03\x04 not really a workbook", filename="lista.xlsx")
    assert broken.status_code == 422
    too_big = check(coordinator, csv_file(*FIVE_ACTORS) + b"x" * bulk.MAX_BYTES)
    assert too_big.status_code == 422 and "larger than 5 MB" in too_big.get_data(as_text=True)
    nothing = coordinator.post("/coordinator/invitations/bulk", data={"message": "Hej"})
    assert nothing.status_code == 422
    assert count(InvitationBatch) == 0


# ---- who may ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ORG_ADMIN])
def test_only_coordinators_check_send_and_read_files(app, coordinator, mailbox, role):
    batch = checked_batch(coordinator, csv_file(*FIVE_ACTORS))
    other = app.test_client()
    sign_in(other, make_user(role=role, organisation=make_organisation()))
    db.session.commit()
    base = f"/coordinator/invitations/bulk/{batch.id}"
    assert other.get("/coordinator/invitations/bulk").status_code == 403
    assert check(other, csv_file(*FIVE_ACTORS)).status_code == 403
    assert other.get(base).status_code == 403
    assert other.get(f"{base}/report.csv").status_code == 403
    assert other.post(f"{base}/send").status_code == 403
    anonymous = app.test_client()
    assert anonymous.post(f"{base}/send").headers["Location"].startswith("/login")
    assert anonymous.get(f"{base}/report.csv").headers["Location"].startswith("/login")
    wait_for_background_jobs()
    db.session.refresh(batch)
    assert batch.started_at is None and count(Invitation) == 0 and mailbox.messages == []
    assert count(InvitationBatch) == 1
    assert coordinator.get("/coordinator/invitations/bulk/999999").status_code == 404
    assert coordinator.post("/coordinator/invitations/bulk/999999/send").status_code == 404


def test_a_file_with_nothing_to_send_cannot_be_sent(app, coordinator, mailbox):
    batch = checked_batch(coordinator, csv_file(FIVE_ACTORS[3]))
    assert batch.to_send == 0
    assert "No row of this file can be invited" in page(coordinator, batch)
    send(coordinator, batch)
    wait_for_background_jobs()
    db.session.refresh(batch)
    assert batch.started_at is None and mailbox.messages == []


def test_the_progress_the_sending_page_polls(app, people):
    from tests.conftest import sign_in

    coordinator = app.test_client()
    sign_in(coordinator, people["coordinator"])
    batch = people["invitation_batch"]
    progress = coordinator.get(f"/coordinator/invitations/bulk/{batch.id}/progress.json").get_json()
    assert progress["sent"] == batch.sent and progress["total"] == batch.to_send
    assert progress["finished"] is (batch.finished_at is not None)
    assert "av" in progress["text"]  # a sentence in the reader's language, for the status line
