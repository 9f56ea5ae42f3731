"""An organisation's own files, for reporting once: everything of its own whatever the visibility, nobody else's,
and survey figures only from 5 answers, never an answer itself."""

import csv
import io

from coaction.auth.models import Role
from coaction.extensions import db
from coaction.opendata.services import ORGANISATION_DATASETS
from tests.conftest import sign_in
from tests.factories import make_user


def rows_of(response) -> list[dict]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ","))


def test_an_organisation_gets_all_its_own_commitments_whatever_their_visibility(client, world, admin_of):
    sign_in(client, admin_of("alfa"), lang="en")
    response = client.get("/organisation/data/commitments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = {row["title"]: row for row in rows_of(response)}
    assert set(rows) == {
        "Laddpunkter i Södertälje", "Medlemmarnas HEMLIG plan", "Privat HEMLIG plan", "Återtagen HEMLIG plan",
    }  # fmt: skip
    private = rows["Privat HEMLIG plan"]
    assert (private["visibility"], private["base_year"], private["base_value"]) == ("private", "2024", "10.0")
    assert (private["target_year"], private["target_value"], private["target_change_percent"]) == (
        "2028",
        "110.0",
        "1000.0",
    )
    assert (private["latest_value"], private["latest_year"], private["category_name"]) == (
        "4242.5",
        "2025",
        "Charging infrastructure",
    )
    assert private["percent_achieved"] == "100.0" and private["status"] == "done" and private["withdrawn_on"] == ""
    assert rows["Återtagen HEMLIG plan"]["withdrawn_on"] != ""
    assert list(rows_of(response)[0]) == ORGANISATION_DATASETS["commitments"].header


def test_a_member_of_the_organisation_gets_them_too_in_swedish_spreadsheet_form(client, world):
    member = make_user(role=Role.MEMBER, organisation=world["alfa"])
    db.session.commit()
    sign_in(client, member, lang="sv")
    body = client.get("/organisation/data/commitments.csv").get_data(as_text=True)
    assert body.startswith("\ufeffid;title;") and "Privat HEMLIG plan" in body
    assert ";Laddinfrastruktur;" in body  # the words in the reader's language, beside the codes
    assert client.get("/organisation/data/surveys.csv").status_code == 403  # survey results are the admins'
    assert "/organisation/data/surveys.csv" not in client.get("/data").get_data(as_text=True)


def test_another_organisation_gets_only_its_own_and_the_office_without_one_is_refused(client, world, admin_of):
    sign_in(client, admin_of("beta"), lang="en")
    titles = [row["title"] for row in rows_of(client.get("/organisation/data/commitments.csv"))]
    assert titles == ["'" + world["formula"].title]  # Beta's own, neutralised; none of Alfa's
    coordinator = make_user(role=Role.COORDINATOR)
    db.session.commit()
    sign_in(client, coordinator)
    assert client.get("/organisation/data/commitments.csv").status_code == 403
    assert client.get("/organisation/data/surveys.csv").status_code == 403


def test_the_anonymous_are_sent_to_log_in(client, world):
    response = client.get("/organisation/data/surveys.csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_survey_figures_only_from_five_answers_and_never_an_answer(client, world, admin_of):
    sign_in(client, admin_of("alfa"), lang="en")
    rows = rows_of(client.get("/organisation/data/surveys.csv"))
    assert [(row["title"], row["responses"]) for row in rows] == [("Resvanor 2025", "5"), ("Resvanor 2024", "5")]
    row = rows[0]
    assert row["response_rate"] == "0.125" and float(row["share_trips_car"]) == 0.75
    assert float(row["co2e_total_kg_per_employee"]) > 0 and float(row["co2e_total_tonnes"]) > 0
    assert list(row) == ORGANISATION_DATASETS["surveys"].header
    sign_in(client, admin_of("delta"), lang="en")
    body = client.get("/organisation/data/surveys.csv").get_data(as_text=True)
    assert "Resvanor" not in body and "123.4" not in body  # 4 answers: nothing, not even the survey
