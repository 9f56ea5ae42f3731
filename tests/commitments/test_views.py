"""The commitment pages as people use them: forms that say what is wrong next to the field, reports with
evidence, files served only to those allowed, the report file, verification, templates and reminders by mail."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.commitments.listing import state_for
from coaction.commitments.models import Commitment, CommitmentTemplate, ProgressReport, ReportReminder, Unit
from coaction.commitments.progress import Verification
from coaction.commitments.services import remind_due
from coaction.core.settings import set_setting
from coaction.extensions import db
from tests.conftest import sign_in
from tests.factories import make_commitment, make_organisation, make_report, make_user, tiny_pdf

FORM = {
    "title": "Laddpunkter vid kontoret",
    "focus_area": "0",
    "category": "charging_infrastructure",
    "indicator": "Laddpunkter",
    "unit": "charging_points",
    "baseline_value": "4",
    "baseline_year": "2024",
    "target_value": "40",
    "target_year": "2028",
    "visibility": "public",
    "responsible": "0",
}


@pytest.fixture
def admin_of_a(client, app):
    organisation = make_organisation(name="Alfa AB")
    admin = make_user(role=Role.ORG_ADMIN, organisation=organisation)
    db.session.commit()
    sign_in(client, admin, lang="en")
    return admin


def test_a_new_commitment_with_mistakes_is_shown_again_with_each_message_by_its_field(client, admin_of_a):
    bad = FORM | {"target_year": "2020", "baseline_value": "fyra", "milestones": "2026 hälften"}
    response = client.post("/organisation/commitments/new", data=bad)
    assert response.status_code == 422
    page = response.text
    assert 'id="baseline_value-error"' in page and "Enter a number" in page
    assert "milestone per line" in page
    assert 'value="Laddpunkter vid kontoret"' in page  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Commitment)) == 0
    response = client.post("/organisation/commitments/new", data=bad | {"baseline_value": "4,5", "milestones": ""})
    assert response.status_code == 422 and "cannot be before the baseline year" in response.text
    response = client.post("/organisation/commitments/new", data=FORM | {"unit": "mwh"})
    assert response.status_code == 422 and "does not belong to the category" in response.text


def test_create_report_with_evidence_and_see_it(client, admin_of_a):
    response = client.post("/organisation/commitments/new", data=FORM | {"baseline_value": "4,5"})
    assert response.status_code == 302
    commitment = db.session.scalar(sa.select(Commitment))
    assert commitment.baseline_value == 4.5
    response = client.post(
        f"/commitments/{commitment.id}/reports",
        data={"reported_on": "2025-05-01", "value": "22", "evidence": (io.BytesIO(tiny_pdf()), "kvitto.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/commitments/{commitment.id}").text
    assert "kvitto.pdf" in page and "Evidence attached" in page and "<svg" in page
    report = db.session.scalar(sa.select(ProgressReport))
    evidence = client.get(f"/commitments/{commitment.id}/reports/{report.id}/evidence")
    assert evidence.status_code == 200 and evidence.data.startswith(b"%PDF-")
    assert evidence.headers["Content-Type"] == "application/pdf" and "no-store" in evidence.headers["Cache-Control"]


def test_a_file_that_only_claims_to_be_a_pdf_is_refused(client, admin_of_a):
    commitment = make_commitment(admin_of_a.organisation)
    db.session.commit()
    response = client.post(
        f"/commitments/{commitment.id}/reports",
        data={"reported_on": "2025-05-01", "value": "22", "evidence": (io.BytesIO(b"MZ\x90 an exe"), "rapport.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'id="evidence-error"' in response.text and "Only PDF, PNG and JPEG" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressReport)) == 0


def test_a_future_date_and_a_negative_count_are_refused(client, admin_of_a):
    commitment = make_commitment(admin_of_a.organisation)
    db.session.commit()
    response = client.post(f"/commitments/{commitment.id}/reports", data={"reported_on": "2999-01-01", "value": "-2"})
    assert response.status_code == 422 and "cannot be in the future" in response.text


def test_another_organisation_can_neither_report_edit_nor_fetch_private_evidence(client, app):
    owner = make_organisation(name="Ägaren AB")
    other_admin = make_user(role=Role.ORG_ADMIN, organisation=make_organisation(name="Andra AB"))
    public = make_commitment(owner)
    from coaction.commitments.models import Visibility

    private = make_commitment(owner, visibility=Visibility.PRIVATE)
    report = make_report(private, evidence_file="0" * 32 + ".pdf", evidence_type="application/pdf")
    db.session.commit()
    sign_in(client, other_admin)
    assert (
        client.post(f"/commitments/{public.id}/reports", data={"reported_on": "2025-01-01", "value": "1"}).status_code
        == 403
    )
    assert client.post(f"/commitments/{public.id}/edit", data=FORM).status_code == 403
    assert client.post(f"/commitments/{public.id}/withdraw").status_code == 403
    assert client.get(f"/commitments/{private.id}").status_code == 404
    assert client.get(f"/commitments/{private.id}/reports/{report.id}/evidence").status_code == 404
    assert client.get(f"/commitments/{public.id}/reports/{report.id}/evidence").status_code == 404  # wrong pair
    db.session.expire_all()
    assert db.session.get(Commitment, public.id).reports == []


def test_the_coordinator_verifies_and_it_is_audited(client, app):
    commitment = make_commitment(make_organisation())
    make_report(commitment, evidence_url="https://example.se/kvitto")
    office = make_user(role=Role.COORDINATOR)
    db.session.commit()
    sign_in(client, office, lang="en")
    assert "Waiting for verification" in client.get("/coordinator/commitments").text
    response = client.post(f"/commitments/{commitment.id}/verify", data={"note": "Kvittot stämmer"})
    assert response.status_code == 302
    db.session.expire_all()
    assert state_for(commitment).verification == Verification.VERIFIED
    assert "Verified by the network office" in client.get(f"/commitments/{commitment.id}").text
    assert (
        db.session.scalar(sa.select(AuditEvent.actor_id).where(AuditEvent.action == "commitment.verified")) == office.id
    )


def test_adopting_a_template_fills_the_form(client, admin_of_a):
    template = CommitmentTemplate(
        title="Cykelpool för anställda", category="bike_pool", indicator="Cyklar att låna", unit=Unit.BIKES
    )
    db.session.add(template)
    db.session.commit()
    assert "Adopt: Cykelpool för anställda" in client.get("/organisation/commitments").text
    page = client.get(f"/organisation/commitments/new?template={template.id}").text
    assert 'value="Cykelpool för anställda"' in page and '<option selected value="bikes">' in page
    response = client.post(
        "/organisation/commitments/new",
        data=FORM | {"template": str(template.id), "title": "Cykelpool", "category": "bike_pool", "unit": "bikes"},
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Commitment.template_id)) == template.id


def test_report_file_saves_all_or_nothing(client, admin_of_a):
    mine = make_commitment(admin_of_a.organisation)
    theirs = make_commitment(make_organisation())
    db.session.commit()
    template = client.get("/organisation/commitments/report-file/template.csv?lang=en")
    listed = [line.split(",")[0] for line in template.data.decode("utf-8-sig").splitlines()[1:]]
    assert listed == [str(mine.id)] and str(theirs.id) not in listed
    bad = f"commitment_id;date;value\n{mine.id};2025-03-01;12,5\n{theirs.id};2025-03-01;3\n{mine.id};2025-13-01;4\n"
    response = client.post(
        "/organisation/commitments/report-file",
        data={"file": (io.BytesIO(bad.encode()), "rapporter.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Not a standing commitment of your organisation" in response.text and "YYYY-MM-DD" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressReport)) == 0
    good = f"åtagande,datum,värde,kommentar\n{mine.id},2025-03-01,12.5,Första\n{mine.id},2025-09-01,20,\n"
    response = client.post(
        "/organisation/commitments/report-file",
        data={"file": (io.BytesIO(("\ufeff" + good).encode()), "rapporter.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert [r.value for r in db.session.scalars(sa.select(ProgressReport).order_by(ProgressReport.reported_on))] == [
        12.5,
        20,
    ]


def test_the_public_list_and_its_csv_show_status_in_words(client, app):
    done = make_commitment(make_organisation(name="Klara AB"), title="Nådd", target_value=20)
    make_report(done, value=25)
    make_commitment(make_organisation(name="Nya AB"), title="Ny")
    db.session.commit()
    swedish = client.get("/commitments").text
    assert "Klar" in swedish and "Planerad" in swedish and "status-green" in swedish
    english = client.get("/commitments?lang=en&status=done").text
    assert "Nådd" in english and ">Ny<" not in english and "Done" in english
    csv = client.get("/commitments.csv?lang=en&sort=status")
    assert csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,organisation,title") and "Done" in lines[1] and len(lines) == 3


def test_an_unknown_commitment_is_404(client, app):
    assert client.get("/commitments/999999").status_code == 404
    assert client.get("/commitments/999999/reports/1/evidence").status_code == 404


def test_remind_mails_the_admins_once_per_window(app, mailbox):
    organisation = make_organisation(name="Glömska AB")
    admin = make_user(role=Role.ORG_ADMIN, organisation=organisation, locale="en")
    make_user(role=Role.MEMBER, organisation=organisation)
    quiet = make_organisation(name="Flitiga AB")
    make_user(role=Role.ORG_ADMIN, organisation=quiet)
    forgotten = make_commitment(organisation, title="Glömt åtagande", baseline_year=2024)
    make_report(forgotten, reported_on=date(2025, 3, 1), value=20)
    diligent = make_commitment(quiet, baseline_year=2024)
    make_report(diligent, reported_on=date(2026, 3, 1), value=20)
    set_setting("reporting_period", "yearly")
    db.session.commit()
    first = remind_due(date(2026, 11, 1))
    db.session.commit()
    assert (first.window, first.organisations, first.mails) == ("2026", 1, 1)
    message = mailbox.wait_for(1)[0]
    assert message["To"] == admin.email and "Glömt åtagande" in mailbox.text(message)
    assert "/organisation/commitments" in mailbox.text(message)
    again = remind_due(date(2026, 11, 15))
    db.session.commit()
    assert again.mails == 0 and db.session.scalar(sa.select(sa.func.count()).select_from(ReportReminder)) == 1
    set_setting("reporting_period", "half_yearly")
    db.session.commit()
    assert remind_due(date(2027, 2, 1)).mails == 2  # a new window: both are due again


def test_remind_command(runner, app):
    result = runner.invoke(args=["coaction", "remind"])
    assert result.exit_code == 0 and "organisations reminded" in result.output


def test_follow_up_settings_change_the_tolerance(client, app):
    commitment = make_commitment(make_organisation(), baseline_year=2024, target_year=2027)
    make_report(commitment, reported_on=date(2026, 6, 1), value=40)
    office = make_user(role=Role.COORDINATOR)
    db.session.commit()
    sign_in(client, office)
    response = client.post("/coordinator/commitments/settings", data={"tolerance": "101", "period": "yearly"})
    assert response.status_code == 422
    assert (
        client.post("/coordinator/commitments/settings", data={"tolerance": "0", "period": "half_yearly"}).status_code
        == 302
    )
    from coaction.commitments.listing import reporting_period, tolerance

    assert tolerance() == 0 and reporting_period().value == "half_yearly"
