"""The annual report: its figures are the pages' own, it shows nothing the public may not see elsewhere, a published
report keeps its figures, drafts are the coordinator's, texts are sanitised, bad input is refused and loses nothing,
and the PDF is drawn without fetching anything."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from coaction.activities.listing import Filters as ActivityFilters
from coaction.activities.listing import find_activities
from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.auth.permissions import PUBLIC_VIEWER
from coaction.commitments.listing import Filters, find_commitments, local_today, status_counts
from coaction.extensions import db
from coaction.members.coverage import members_by_sector
from coaction.members.fee_services import fee_list
from coaction.network.models import Scope
from coaction.network.services import latest_snapshot
from coaction.priorities.services import ordered
from coaction.reports.figures import compile_figures
from coaction.reports.models import AnnualReport
from coaction.reports.pdf import _refusing_fetcher, html_to_pdf, with_chart_styles
from coaction.reports.services import publish, report_for_editing
from coaction.travel.overview import published_waves
from tests.conftest import sign_in
from tests.factories import make_commitment, make_user
from tests.reports.conftest import SECRET, YEAR


@pytest.fixture
def coordinator(app):
    user = make_user(role=Role.COORDINATOR)
    db.session.commit()
    return user


def test_every_figure_is_the_one_the_pages_show(app, report_world):
    figures = compile_figures(YEAR, local_today())
    end = date(YEAR, 12, 31)
    by_sector = members_by_sector()  # the coordinator's coverage page
    assert figures["members"]["members"] == sum(tally.members for tally in by_sector.values()) == 4
    assert figures["members"]["undated"] == 2  # gamma and delta have no date of joining: counted in every year
    assert figures["members"]["joined"] == 1 and figures["members"]["growth"] == [[2023, 3], [2024, 3], [2025, 4]]
    assert compile_figures(2024, local_today())["members"]["members"] == 3  # Beta joined in 2025

    listed = find_commitments(PUBLIC_VIEWER, Filters())  # /commitments
    assert figures["commitments"]["total"] == listed.total == 2
    assert figures["commitments"]["by_status"] == {
        status.value: count for status, count in status_counts(PUBLIC_VIEWER, Filters()).items()
    }  # the goal pages' counts

    year = find_activities(PUBLIC_VIEWER, ActivityFilters(period_from=date(YEAR, 1, 1), period_to=end))  # /activities
    assert figures["activities"]["total"] == year.total == 1

    wave = next(wave for wave in published_waves(local_today()) if wave.year == YEAR)  # /data/travel_waves.csv
    travel = figures["travel"]["wave"]
    assert (travel["surveys"], travel["organisations"], travel["responses"]) == (3, 3, 15)
    assert travel["modal_split"] == pytest.approx(wave.figures.modal_split_trips)
    assert figures["travel"]["previous"] is None  # 2024 pooled two members only: never published

    snapshot = latest_snapshot(Scope.PUBLIC)  # /network
    assert figures["network"]["growth"] == [[found, then] for found, then in snapshot.growth if found <= YEAR]

    assert [(item["name"], item["status"]) for item in figures["priorities"]] == [
        (priority.name, priority.status.value) for priority in ordered()
    ]  # /priorities
    assert Decimal(figures["fees"]["total_sek"]) == fee_list(YEAR).totals.total  # the coordinator's fee list

    decisions = figures["decisions"]
    assert decisions["total"] == 1 and decisions["listed"][0]["text"] == "Ta fram en gemensam cykelkarta"


def test_the_report_shows_nothing_that_visibility_or_the_five_rule_hides(client, report_world, coordinator):
    publish(report_for_editing(YEAR), local_today(), actor=coordinator, ip=None)
    db.session.commit()
    for url in (f"/reports/{YEAR}", f"/reports/{YEAR}?lang=en"):
        body = client.get(url).get_data(as_text=True)
        assert SECRET not in body.upper()  # private, members-only and withdrawn commitments, prospects, minutes
    figures = db.session.scalar(sa.select(AnnualReport.figures).where(AnnualReport.year == YEAR))
    assert SECRET not in str(figures).upper()
    assert figures["activities"]["total"] == 1  # the members-only activity is left out
    assert figures["travel"]["wave"]["responses"] == 15  # Delta's 4 answers are not pooled
    assert figures["decisions"]["total"] == 1  # the unpublished minutes' decision is left out


def test_a_published_report_keeps_its_figures_and_a_withdrawn_one_is_live_again(client, report_world, coordinator):
    sign_in(client, coordinator)
    edit = f"/coordinator/reports/{YEAR}"
    assert client.post(f"{edit}/publish", data={}).status_code == 302
    make_commitment(report_world["alfa"], title="Ny publik plan")
    db.session.commit()
    report = db.session.scalar(sa.select(AnnualReport).where(AnnualReport.year == YEAR))
    assert report.figures["commitments"]["total"] == 2  # as published
    assert "Ny publik plan" not in str(report.figures)
    public = client.get(f"/reports/{YEAR}").get_data(as_text=True)
    assert "2 offentliga åtaganden" in public
    assert client.post(f"{edit}/withdraw", data={}).status_code == 302
    db.session.expire_all()
    assert report.figures is None and report.published_at is None
    assert "3 offentliga åtaganden" in client.get(f"/reports/{YEAR}").get_data(as_text=True)  # the draft is live
    client.post("/logout")
    assert client.get(f"/reports/{YEAR}").status_code == 404
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("report.%"))))
    assert actions == {"report.published", "report.withdrawn"}


def test_drafts_are_the_coordinators_only(client, report_world, coordinator):
    member = make_user(role=Role.ORG_ADMIN, organisation=report_world["alfa"])
    db.session.commit()
    for url in (f"/reports/{YEAR}", f"/reports/{YEAR}.pdf", "/reports/2024"):
        assert client.get(url).status_code == 404
    sign_in(client, member)
    assert client.get(f"/reports/{YEAR}").status_code == 404
    assert client.get("/coordinator/reports").status_code == 403
    assert client.post(f"/coordinator/reports/{YEAR}/publish", data={}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AnnualReport)) == 0
    client.post("/logout")
    sign_in(client, coordinator)
    draft = client.get(f"/reports/{YEAR}")
    assert draft.status_code == 200 and "Utkast" in draft.get_data(as_text=True)
    assert 'name="robots" content="noindex"' in draft.get_data(as_text=True)
    assert client.get(f"/reports/{local_today().year + 1}").status_code == 404  # a year not begun
    assert client.get("/reports/1999").status_code == 404
    for huge in ("/reports/99999999999", "/reports/99999999999.pdf", "/coordinator/reports/99999999999"):
        assert client.get(huge).status_code == 404  # never reaches the database's integer column
    assert client.post("/coordinator/reports/99999999999/withdraw", data={}).status_code == 404
    assert "Inga årsredovisningar" not in client.get("/reports").get_data(as_text=True)


def test_texts_are_markdown_rendered_safe_on_the_page(client, report_world, coordinator):
    sign_in(client, coordinator)
    text = "Året i **korthet**.\n\n<script>alert(1)</script> [länk](javascript:alert(2))"
    response = client.post(f"/coordinator/reports/{YEAR}", data={"introduction": text, "fees": "Avgiften var 4 kr."})
    assert response.status_code == 302
    body = client.get(f"/reports/{YEAR}").get_data(as_text=True)
    assert "<strong>korthet</strong>" in body and "Avgiften var 4 kr." in body
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body  # shown as text, never run
    assert 'href="javascript:' not in body
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.texts_saved"))
    assert event.changes == {"year": YEAR, "sections": ["introduction", "fees"]}


def test_bad_input_is_named_beside_the_field_and_nothing_is_saved(client, coordinator):
    sign_in(client, coordinator)
    too_long = client.post(f"/coordinator/reports/{YEAR}", data={"introduction": "x" * 20_001, "fees": "Kvar"})
    assert too_long.status_code == 422
    assert "20000" in too_long.get_data(as_text=True).replace("\u00a0", "").replace(" ", "")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AnnualReport)) == 0
    for year in ("1999", str(local_today().year + 1), "tjugo", ""):
        response = client.post("/coordinator/reports", data={"year": year})
        assert response.status_code == 422, year
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert client.post("/coordinator/reports", data={"year": "2025"}).headers["Location"].endswith("/reports/2025")
    assert client.get(f"/coordinator/reports/{local_today().year + 1}").status_code == 404


@pytest.mark.app_config(CACHE_TYPE="SimpleCache")  # drawn twice, the bytes differ: WeasyPrint dates each PDF
def test_the_pdf_is_the_report_and_fetches_nothing(client, report_world, coordinator):
    publish(report_for_editing(YEAR), local_today(), actor=coordinator, ip=None)
    db.session.commit()
    response = client.get(f"/reports/{YEAR}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-") and response.data.rstrip().endswith(b"%%EOF")
    assert response.headers["Content-Disposition"] == f'inline; filename="coaction-{YEAR}.pdf"'
    assert client.get(f"/reports/{YEAR}.pdf").data == response.data  # drawn once, then from the cache
    with pytest.raises(ValueError, match="loads nothing"):
        _refusing_fetcher().fetch("file:///etc/passwd")
    assert html_to_pdf('<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">')
    two_charts = with_chart_styles('<p>a</p><svg class="chart" viewBox="0 0 1 1"></svg><svg></svg>')
    assert two_charts.count("<style>") == 2  # each chart its own
    assert "chart-series-0" in two_charts.split("<svg", 2)[2]


def test_the_public_list_names_published_reports_only(client, report_world, coordinator):
    publish(report_for_editing(2024), local_today(), actor=coordinator, ip=None)
    report_for_editing(YEAR)
    db.session.commit()
    body = client.get("/reports").get_data(as_text=True)
    assert "/reports/2024" in body and f"/reports/{YEAR}" not in body
    english = client.get("/reports/2024?lang=en").get_data(as_text=True)
    assert "Annual report 2024" in english and "Members and how the membership grew" in english


def test_a_published_report_without_a_part_says_so_instead_of_failing(client, report_world, coordinator):
    report = report_for_editing(YEAR)
    publish(report, local_today(), actor=coordinator, ip=None)
    report.figures = {key: value for key, value in report.figures.items() if key not in ("fees", "network", "members")}
    db.session.commit()
    for url in (f"/reports/{YEAR}", f"/reports/{YEAR}.pdf"):
        assert client.get(url).status_code == 200
    assert client.get(f"/reports/{YEAR}").get_data(as_text=True).count("inte med i redovisningen") == 3


@pytest.mark.app_config(CACHE_TYPE="SimpleCache")
def test_the_cached_pdf_follows_the_text_and_is_drawn_by_one_request_at_a_time(client, report_world, coordinator):
    from coaction.extensions import cache
    from coaction.reports.views import pdf_cache_key

    publish(report_for_editing(YEAR), local_today(), actor=coordinator, ip=None)
    db.session.commit()
    first = client.get(f"/reports/{YEAR}.pdf").data
    assert client.get(f"/reports/{YEAR}.pdf").data == first
    sign_in(client, coordinator)
    client.post(f"/coordinator/reports/{YEAR}", data={"introduction": "En ny text efter publiceringen."})
    client.post("/logout")
    second = client.get(f"/reports/{YEAR}.pdf").data
    assert second != first  # the edited text, not the old PDF from the cache
    report = db.session.scalar(sa.select(AnnualReport).where(AnnualReport.year == YEAR))
    cache.clear()
    cache.set(pdf_cache_key(YEAR, report, "sv") + ":drawing", True)  # another request is drawing it
    busy = client.get(f"/reports/{YEAR}.pdf")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "30"
    assert client.get(f"/reports/{YEAR}.pdf?lang=en").status_code == 200  # the English one is not being drawn
