"""Importing answers from a file: checked row by row, all or (when asked) the valid rows, never the same file twice;
from the web (a background job with a progress page) and from the command line."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.extensions import db
from coaction.jobs import wait_for_background_jobs
from coaction.travel.imports import MAX_PROBLEMS_KEPT, TEMPLATE_HEADER, ImportRefused, fingerprint, import_file
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


def load(survey, data: bytes, *, filename="svar.csv", valid_only=False):
    """An import of `data` (the caller commits or rolls back, as the command and the job do)."""
    return import_file(
        survey,
        filename,
        io.BytesIO(data),
        digest=fingerprint(data),
        valid_only=valid_only,
        today=TODAY,
        actor="test",
        ip=None,
    )


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
    data = "\n".join([HEADER, *rows]).encode()
    with pytest.raises(ImportRefused) as refused:
        load(survey, data)
    db.session.rollback()
    found = {(problem.row, problem.column, problem.code) for problem in refused.value.outcome.problems}
    assert found == {
        (3, "home_municipality", "municipality"),
        (4, "distance_km", "distance"),
        (5, "days_remote", "week"),
        (6, "days_walk", "days"),
        (7, "business_km_car", "km"),
    }
    assert refused.value.outcome.total == 6 and count_answers() == 0  # the good first row went back out
    log = load(survey, data, valid_only=True)
    db.session.commit()
    assert log.imported == 1 and log.problem_count == 5 and count_answers() == 1


def test_many_bad_rows_keep_only_the_first_problems(survey):
    bad = "Atlantis,1,0,0,0,0,0,1,0,0,0,0,0,0,0"
    with pytest.raises(ImportRefused) as refused:
        load(survey, "\n".join([HEADER, GOOD, *[bad] * (MAX_PROBLEMS_KEPT + 10)]).encode())
    outcome = refused.value.outcome
    assert outcome.problem_count == outcome.bad_rows == MAX_PROBLEMS_KEPT + 10
    assert len(outcome.problems) == MAX_PROBLEMS_KEPT and outcome.problems[0].row == 3


def test_swedish_headings_semicolons_bom_and_codes(survey):
    header = (
        "hemkommun;avstånd_km;dagar_gång;dagar_cykel;dagar_elcykel;dagar_buss;dagar_tåg;dagar_bil;dagar_samåkning;"
        "dagar_moped;dagar_distans;tjänsteresor_km_bil;tjänsteresor_km_tåg;tjänsteresor_km_flyg;tjänsteresor_km_buss;"
        "hinder;vilja"
    )
    data = ("\ufeff" + header + '\nsalem;3,5;5;;;;;;;;;;;;;weather;"ebike_trial;showers"\n').encode()
    load(survey, data)
    row = db.session.scalar(sa.select(SurveyResponse))
    assert row.distance_km == 3.5 and row.days_walk == 5 and row.willing == "ebike_trial;showers"
    with pytest.raises(ImportRefused) as bad:
        load(survey, (header + "\nSalem;3;5;;;;;;;;;;;;;weather;free_lunch\n").encode())
    assert [(p.column, p.code) for p in bad.value.outcome.problems] == [("willing", "choice")]


def test_the_same_file_twice_is_refused(survey):
    data = f"{HEADER}\n{GOOD}\n".encode()
    load(survey, data, filename="a.csv")
    db.session.commit()
    with pytest.raises(ImportRefused) as refused:
        load(survey, data, filename="b.csv")
    assert refused.value.code == "duplicate" and count_answers() == 1


def test_the_xlsx_template_reads_back_as_its_example_rows(client, survey):
    sign_in(client, survey.admin)
    template = client.get("/organisation/surveys/import-template.xlsx")
    assert template.status_code == 200
    log = load(survey, template.data, filename="mall.xlsx")
    assert log.problem_count == 0 and log.imported == 2


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
