"""Fees: rules stored as data and edited on a form, the year's list from the figures of the year before, the CSV."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.core.settings import get_setting, set_setting
from coaction.core.spreadsheet import safe_cell, spreadsheet_csv
from coaction.extensions import db
from coaction.members import fee_services
from coaction.members.fee_services import (
    DEFAULT_BANDS,
    RuleError,
    bands_text,
    default_rules,
    fee_list,
    load_rules,
    parse_bands,
    parse_sek_per_inhabitant,
    rules_from_json,
    rules_to_json,
)
from coaction.members.fees import Band, EmployeeBands, PerInhabitant
from coaction.members.models import MembershipStatus, Sector
from tests.conftest import sign_in
from tests.factories import make_municipality, make_organisation, make_user

# ---- rules as data and as text ---------------------------------------------------------------------------------


def test_defaults_four_kronor_per_inhabitant_and_example_bands(app):
    rules = default_rules()
    assert rules[Sector.MUNICIPALITY] == PerInhabitant(Decimal(4))
    assert all(rules[sector] == DEFAULT_BANDS for sector in Sector if sector != Sector.MUNICIPALITY)
    assert [(b.min_employees, b.max_employees, b.sek) for b in DEFAULT_BANDS.bands] == [
        (1, 49, 5000),
        (50, 249, 15000),
        (250, 999, 30000),
        (1000, None, 50000),
    ]


def test_rules_round_trip_through_the_stored_json(app):
    rules = default_rules() | {Sector.IT: PerInhabitant(Decimal("2.50"))}
    text = rules_to_json(rules)
    stored = json.loads(text)
    assert stored["municipality"] == {"type": "per_inhabitant", "sek": "4"}
    assert stored["business"]["bands"][-1] == [1000, None, "50000"]
    assert rules_from_json(text) == rules


def test_a_stored_rule_that_cannot_be_read_gives_no_rule_not_a_default(app):
    text = json.dumps({"business": {"type": "bands", "bands": [[1, 49, "5000"], [40, None, "9"]]}})
    rules = rules_from_json(text)
    assert Sector.BUSINESS not in rules
    assert rules[Sector.IT] == DEFAULT_BANDS  # sectors not stored keep the default
    assert rules_from_json("not json") == {}


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("1-49: 5000\n50–249: 15 000\n250+: 30000 kr", [(1, 49, 5000), (50, 249, 15000), (250, None, 30000)]),
        ("0–9: 0\n\n10+:100", [(0, 9, 0), (10, None, 100)]),
    ],
)
def test_bands_as_the_coordinator_writes_them(text, bands):
    parsed = parse_bands(text)
    assert [(b.min_employees, b.max_employees, b.sek) for b in parsed.bands] == bands


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1–49: 5000\n40–99: 9000", "The bands 1–49 and 40–99 overlap."),
        ("1–49: 5000\n60+: 9000", "Between the bands 1–49 and 60+ there is a gap"),
        ("1+: 5000\n50–99: 9000", "Only the last band may be open-ended"),
        ("5–49: 5000", "The first band must start at 0 or 1 employees."),
        ("1–49 5000", "Line 1: write “from–to: fee”"),
        ("1–49: 5000\n50–10: 100", "Line 2: the band ends before it starts."),
        ("1+: 5,000", "Line 1: give the fee in whole kronor"),
        ("", "Give at least one band."),
    ],
)
def test_bands_that_cannot_be_used_are_explained(app, text, message):
    with app.test_request_context(), force_locale("en"), pytest.raises(RuleError) as caught:
        parse_bands(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(("text", "sek"), [("4", "4"), ("4,50", "4.50"), (" 3.5 kr", "3.5")])
def test_kronor_per_inhabitant(text, sek):
    assert parse_sek_per_inhabitant(text) == PerInhabitant(Decimal(sek))


@pytest.mark.parametrize("text", ["", "fyra", "4,500", "-4", "1e3"])
def test_kronor_per_inhabitant_refused(app, text):
    with app.test_request_context(), pytest.raises(RuleError):
        parse_sek_per_inhabitant(text)


def test_bands_text_reads_back_as_the_same_bands():
    assert parse_bands(bands_text(DEFAULT_BANDS)) == DEFAULT_BANDS


# ---- the year's list -------------------------------------------------------------------------------------------


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["coaction", "demo"])
    assert result.exit_code == 0, result.output
    return result


def municipality_totals(year: int):
    return dict(fee_list(year).by_sector)[Sector.MUNICIPALITY]


def test_the_demo_reproduces_the_2021_fee_of_the_annual_report(app, demo):
    totals = municipality_totals(2021)
    assert totals.total == Decimal(2_030_208)  # 507,552 inhabitants at the end of 2020 × 4 SEK
    assert (totals.known, totals.unknown) == (8, 0)
    fees = fee_list(2021)
    assert [unit.name for unit in fees.units] == ["Södertörns kansli"]  # in Södertälje kommun's fee, not again
    assert fees.units[0].paid_by == "Södertälje kommun"
    assert fees.figure_year == 2020


def test_the_fee_uses_the_inhabitants_of_the_year_before(app, demo):
    assert municipality_totals(2022).total == Decimal(513_445 * 4)  # the end of 2021
    early = municipality_totals(2020)  # no figures for 2019: every municipality's fee is unknown
    assert (early.total, early.known, early.unknown) == (0, 0, 8)


def test_the_fee_page_shows_the_demo_total(client, demo, coordinator):
    response = client.get("/coordinator/fees?year=2021")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2,030,208" in page
    assert "100,806 inhabitants in Södertälje at 31 December 2020 (approximate)" in page
    assert "Södertörns kansli" in page and "set by the coordinator" in page
    assert page.count("<caption>") >= 3


def test_unknown_fees_are_listed_and_not_counted(client, coordinator):
    place = make_municipality(name="Utan siffror", code="0199")  # the factory's codes outgrow 4 digits
    counted = make_organisation(name="Räknas AB", employees=60)  # 15,000
    make_organisation(name="Okänt antal AB", employees=None)
    make_organisation(name="Ingen anställd AB", employees=0)  # the default bands start at 1
    make_organisation(name="Utan kommun", sector=Sector.MUNICIPALITY, municipality=None)
    make_organisation(name="Utan siffra kommun", sector=Sector.MUNICIPALITY, municipality=place)
    make_organisation(name="Pausad AB", employees=2, status=MembershipStatus.PAUSED)  # 5,000
    make_organisation(name="Inbjuden AB", employees=2, status=MembershipStatus.INVITED)  # not a member
    db.session.commit()
    fees = fee_list(2024)
    reasons = {line.member.name: (line.fee.amount, line.fee.reason) for line in fees.lines}
    assert reasons == {
        "Räknas AB": (Decimal(15_000), "band"),
        "Okänt antal AB": (None, "no_employee_count"),
        "Ingen anställd AB": (None, "no_band"),
        "Utan kommun": (None, "no_inhabitant_figure"),
        "Utan siffra kommun": (None, "no_inhabitant_figure"),
        "Pausad AB": (Decimal(5_000), "band"),
    }
    assert (fees.totals.total, fees.totals.known, fees.totals.unknown) == (Decimal(20_000), 2, 4)
    assert counted.name in reasons
    page = client.get("/coordinator/fees?year=2024").get_data(as_text=True)
    assert page.count("<strong>unknown</strong>") == 4
    assert "4 fees are unknown: the sum leaves them out." in page
    assert "20,000" in page
    assert "Unknown: no number of inhabitants for Utan siffror at 31 December 2023." in page


def test_the_list_is_gathered_in_one_query(app):
    for number in range(20):
        make_organisation(name=f"Medlem {number} AB", employees=number + 1)
    db.session.commit()
    statements = []

    def remember(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        members = fee_services.members_for_fees(2024)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)
    assert len(members) == 20 and len(statements) == 1


def test_a_bad_year_falls_back_to_this_year(client, coordinator):
    assert client.get("/coordinator/fees?year=drölf").status_code == 200
    assert client.get("/coordinator/fees?year=99999").status_code == 200


# ---- editing the rules -----------------------------------------------------------------------------------------


def rules_form(**changes) -> dict:
    data = {}
    for sector in Sector:
        municipality = sector == Sector.MUNICIPALITY
        data[f"{sector.value}_kind"] = "per_inhabitant" if municipality else "bands"
        data[f"{sector.value}_sek"] = "4"
        data[f"{sector.value}_bands"] = bands_text(DEFAULT_BANDS)
    return data | changes


def test_the_coordinator_changes_the_rules_and_the_list_follows(client, coordinator):
    make_organisation(name="Bolaget AB", sector=Sector.BUSINESS, employees=60)
    db.session.commit()
    response = client.post(
        "/coordinator/fees?year=2024",
        data=rules_form(business_bands="0–99: 1000\n100+: 2000", it_kind="per_inhabitant"),
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/coordinator/fees?year=2024")
    rules = load_rules()
    assert rules[Sector.BUSINESS] == EmployeeBands((Band(0, 99, Decimal(1000)), Band(100, None, Decimal(2000))))
    assert rules[Sector.IT] == PerInhabitant(Decimal(4))
    assert json.loads(get_setting("fee_rules"))["business"]["bands"] == [[0, 99, "1000"], [100, None, "2000"]]
    [line] = fee_list(2024).lines
    assert line.fee.amount == Decimal(1000)
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "fees.rules_changed"))
    assert event.actor_id == coordinator.id
    assert set(event.changes) == {"business", "it"}
    assert event.changes["it"][1] == {"type": "per_inhabitant", "sek": "4"}


def test_a_bad_band_set_is_refused_with_the_error_next_to_the_field(client, coordinator):
    set_setting("fee_rules", rules_to_json(default_rules()))
    db.session.commit()
    before = get_setting("fee_rules")
    response = client.post("/coordinator/fees", data=rules_form(industry_bands="1–49: 5000\n40–99: 9000"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="industry_bands-error"' in page and "The bands 1–49 and 40–99 overlap." in page
    assert "40–99: 9000" in page  # what was typed is kept
    assert get_setting("fee_rules") == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_an_unknown_kind_of_rule_is_refused(client, coordinator):
    response = client.post("/coordinator/fees", data=rules_form(region_kind="free"))
    assert response.status_code == 422
    assert get_setting("fee_rules") == ""


def test_a_member_cannot_change_the_rules(client, app):
    sign_in(client, make_user(role=Role.ORG_ADMIN))
    db.session.commit()
    assert client.post("/coordinator/fees", data=rules_form(business_bands="0+: 1")).status_code == 403
    assert get_setting("fee_rules") == ""


# ---- the CSV ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+46", "'+46"), ("-1", "'-1"), ("@x", "'@x"), ("Scania", "Scania"), (None, "")],
)
def test_cells_that_look_like_formulas_are_neutralised(cell, safe):
    assert safe_cell(cell) == safe


def test_spreadsheet_csv_has_a_bom_and_the_delimiter_asked_for():
    body = spreadsheet_csv(["a", "b"], [["Å; ä", 1]], delimiter=";")
    assert body == '\ufeffa;b\r\n"Å; ä";1\r\n'.encode()


def test_the_fee_list_downloads_as_csv(client, demo, coordinator):
    make_organisation(name='=HYPERLINK("http://evil.example")', employees=10)
    db.session.commit()
    response = client.get("/coordinator/fees.csv?year=2021")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="fees-2021.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Organisation",
        "Organisation number",
        "Sector",
        "Municipality",
        "Status",
        "Rule",
        "Basis",
        "Fee (SEK)",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Botkyrka kommun"][7] == "378396"  # 94,599 × 4
    assert by_name['\'=HYPERLINK("http://evil.example")'][7] == "5000"  # a cell of text, not a formula
    assert by_name["Södertörns kansli"][6] == "Included in the fee of Södertälje kommun"
    municipalities = [row for row in rows[1:] if row[2] == "Municipality" and row[7].isdigit()]
    assert len(municipalities) == 8 and sum(int(row[7]) for row in municipalities) == 2_030_208
    assert sum(int(row[7]) for row in rows[1:] if row[7].isdigit()) == fee_list(2021).totals.total


def test_swedish_csv_uses_semicolons(client, demo, app):
    sign_in(client, make_user(role=Role.COORDINATOR))
    db.session.commit()
    text = client.get("/coordinator/fees.csv?year=2021").data.decode("utf-8-sig")
    assert len(text.splitlines()[0].split(";")) == 8
