"""Importing answers from a file: checked row by row, all or (when asked) the valid rows, never the same file twice;
from the web (a background job with a progress page) and from the command line."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.extensions import db
from coaction.jobs import wait_for_background_jobs
from coaction.travel.imports import TEMPLATE_HEADER, ImportRefused, check_file, fingerprint, import_checked
from coaction.travel.models import SurveyImport, SurveyResponse
from coaction.travel.services import create_survey, ensure_default_factors
from tests.conftest import sign_in
from tests.factories import make_municipality, make_organisation, make_user

HEADER = ",".join(TEMPLATE_HEADER[:15])
GOOD = "Salem,12,0,1,0,0,2,2,0,0,0,500,1200,0,0"
TODAY = date(2026, 6, 1)


@pytest.fixture
def survey(app):
    ensure_default_factors()
    make_municipality(name="Salem", in_network=True)
    organisation = make_organisation(slug="importbolaget")
    admin = make_user(role=Role.ORG_ADMIN, organisation=organisation)
    made = create_survey(
        organisation,
        title="Gammal enkät",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
        employees=100,
        actor=admin,
        ip=None,
    )
    db.session.commit()
    made.admin = admin
    return made


def count_answers() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))


def test_every_bad_value_is_named_by_row_and_column(survey):
    rows = [
        GOOD,
        "Atlantis,12,0,1,0,0,2,2,0,0,0,0,0,0,0",  # row 3: unknown municipality
        "other,400,0,0,0,0,0,5,0,0,0,0,0,0,0",  # row 4: too far
        "Salem,5,0,0,0,0,0,5,0,0,3,0,0,0,0",  # row 5: eight days
        "Salem,5,1.5,0,0,0,0,3,0,0,0,0,0,0,0",  # row 6: half a day
        "Salem,5,0,0,0,0,0,5,0,0,0,-10,0,0,0",  # row 7: negative km
    ]
    checked = check_file(survey, "svar.csv", "\n".join([HEADER, *rows]).encode(), TODAY)
    found = {(problem.row, problem.column, problem.code) for problem in checked.problems}
    assert found == {
        (3, "home_municipality", "municipality"),
        (4, "distance_km", "distance"),
        (5, "days_remote", "week"),
        (6, "days_walk", "days"),
        (7, "business_km_car", "km"),
    }
    assert len(checked.rows) == 1 and checked.total == 6
    with pytest.raises(ImportRefused):
        import_checked(survey, checked, digest="x", filename="svar.csv", valid_only=False, actor="test", ip=None)
    log = import_checked(survey, checked, digest="x", filename="svar.csv", valid_only=True, actor="test", ip=None)
    db.session.commit()
    assert log.imported == 1 and count_answers() == 1


def test_swedish_headings_semicolons_bom_and_codes(survey):
    header = (
        "hemkommun;avstånd_km;dagar_gång;dagar_cykel;dagar_elcykel;dagar_buss;dagar_tåg;dagar_bil;dagar_samåkning;"
        "dagar_moped;dagar_distans;tjänsteresor_km_bil;tjänsteresor_km_tåg;tjänsteresor_km_flyg;tjänsteresor_km_buss;"
        "hinder;vilja"
    )
    data = ("\ufeff" + header + '\nsalem;3,5;5;;;;;;;;;;;;;weather;"ebike_trial;showers"\n').encode()
    checked = check_file(survey, "svar.csv", data, TODAY)
    assert checked.problems == []
    row = checked.rows[0]
    assert row["distance_km"] == 3.5 and row["days_walk"] == 5 and row["willing"] == "ebike_trial;showers"
    bad = check_file(survey, "svar.csv", (header + "\nSalem;3;5;;;;;;;;;;;;;weather;free_lunch\n").encode(), TODAY)
    assert [(p.column, p.code) for p in bad.problems] == [("willing", "choice")]


def test_the_same_file_twice_is_refused(survey):
    data = f"{HEADER}\n{GOOD}\n".encode()
    checked = check_file(survey, "svar.csv", data, TODAY)
    import_checked(survey, checked, digest=fingerprint(data), filename="a.csv", valid_only=False, actor="t", ip=None)
    db.session.commit()
    with pytest.raises(ImportRefused) as refused:
        import_checked(
            survey, checked, digest=fingerprint(data), filename="b.csv", valid_only=False, actor="t", ip=None
        )
    assert refused.value.code == "duplicate" and count_answers() == 1


def test_the_xlsx_template_reads_back_as_its_example_rows(client, survey):
    sign_in(client, survey.admin)
    template = client.get("/organisation/surveys/import-template.xlsx")
    assert template.status_code == 200
    checked = check_file(survey, "mall.xlsx", template.data, TODAY)
    assert checked.problems == [] and len(checked.rows) == 2


def test_a_web_upload_runs_as_a_job_with_a_progress_page(client, survey):
    sign_in(client, survey.admin, lang="en")
    data = f"{HEADER}\n{GOOD}\n{GOOD}\nAtlantis,1,0,0,0,0,0,1,0,0,0,0,0,0,0\n".encode()
    response = client.post(
        f"/organisation/surveys/{survey.id}/import",
        data={"file": (io.BytesIO(data), "svar.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    wait_for_background_jobs()
    status_page = client.get(response.headers["Location"])
    assert "Nothing was imported" in status_page.text and "Not a municipality of the region" in status_page.text
    assert count_answers() == 0
    response = client.post(
        f"/organisation/surveys/{survey.id}/import",
        data={"file": (io.BytesIO(data), "svar.csv"), "valid_only": "y"},
        content_type="multipart/form-data",
    )
    wait_for_background_jobs()
    progress = client.get(response.headers["Location"] + "/progress.json").get_json()
    assert progress["finished"] and "2 answers imported" in progress["text"]
    assert count_answers() == 2
    again = client.post(
        f"/organisation/surveys/{survey.id}/import",
        data={"file": (io.BytesIO(data), "svar.csv"), "valid_only": "y"},
        content_type="multipart/form-data",
    )
    assert again.status_code == 422 and "imported into the survey already" in again.text
    assert db.session.scalar(sa.select(SurveyImport.data).where(SurveyImport.status == "done")) is None


def test_another_organisation_cannot_import_into_the_survey(client, survey):
    sign_in(client, make_user(role=Role.ORG_ADMIN, organisation=make_organisation()))
    db.session.commit()
    response = client.post(
        f"/organisation/surveys/{survey.id}/import",
        data={"file": (io.BytesIO(f"{HEADER}\n{GOOD}\n".encode()), "svar.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404 and count_answers() == 0


def test_import_from_the_command_line(runner, survey, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(f"{HEADER}\n{GOOD}\n{GOOD}\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{GOOD}\nSalem,-1,0,0,0,0,0,1,0,0,0,0,0,0,0\n", encoding="utf-8")
    refused = runner.invoke(args=["coaction", "import-survey", str(bad), "--survey", str(survey.id)])
    assert refused.exit_code != 0 and "row 3, distance_km: distance" in refused.output
    assert count_answers() == 0
    done = runner.invoke(args=["coaction", "import-survey", str(good), "--survey", str(survey.id)])
    assert done.exit_code == 0 and "2 answers imported" in done.output
    twice = runner.invoke(args=["coaction", "import-survey", str(good), "--survey", str(survey.id)])
    assert twice.exit_code != 0 and "imported into the survey already" in twice.output
    assert count_answers() == 2
