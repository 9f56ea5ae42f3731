"""Importing prospects: every verdict, the check before the import, the import in one transaction, the files."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from coaction.audit.models import AuditEvent
from coaction.auth.models import Role
from coaction.core.tables import Table
from coaction.extensions import db
from coaction.members import prospects
from coaction.members.models import MembershipStatus, Organisation, Sector
from coaction.members.prospects import CheckedRow, Finding, Known, Lookups, Verdict, check_rows, parse_employees
from tests.conftest import sign_in
from tests.factories import make_municipality, make_organisation, make_user

# Valid organisation numbers (Luhn): the first is Volvo's, the rest made with OrgNumber.from_nine.
NUMBER_1 = "556036-0793"
NUMBER_2 = "556012-5790"
NUMBER_3 = "212000-0142"
NUMBER_4 = "556677-8898"  # check digit wrong (8899 would be right)


def csv_file(*rows: str, header: str = "name,org_number,employees,municipality,sector") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def upload(data: bytes, filename: str = "lista.csv"):
    return (io.BytesIO(data), filename)


@pytest.fixture
def places(app):
    alby = make_municipality(name="Alby", code="0101", latitude=59.1, longitude=17.1)
    nykvarn = make_municipality(name="Nykvarn", code="0140", latitude=59.18, longitude=17.43)
    db.session.commit()
    return {"alby": alby, "nykvarn": nykvarn}


def check(client, data: bytes, filename: str = "lista.csv"):
    return client.post(
        "/coordinator/prospects",
        data={"action": "check", "file": upload(data, filename)},
        content_type="multipart/form-data",
    )


def checked_token(page: str) -> str:
    return re.search(r'name="checked" value="([^"]+)"', page).group(1)


def import_file(client, data: bytes, token: str, filename: str = "lista.csv"):
    return client.post(
        "/coordinator/prospects",
        data={"action": "import", "checked": token, "file": upload(data, filename)},
        content_type="multipart/form-data",
    )


def organisations() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))


def import_events() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "organisation.prospects_imported")))


# ---- the check, pure -------------------------------------------------------------------------------------------

LOOKUPS = Lookups(
    municipalities={"alby": 1, "0101": 1, "nykvarn": 2},
    sectors={"business": Sector.BUSINESS, "industry": Sector.INDUSTRY, "fastigheter": Sector.REAL_ESTATE},
    by_number={
        NUMBER_2: Known(10, "Gamla Prospekt AB", MembershipStatus.PROSPECT, NUMBER_2),
        NUMBER_3: Known(11, "Medlemmen AB", MembershipStatus.MEMBER, NUMBER_3),
    },
    by_name={"inbjudna ab": Known(12, "Inbjudna AB", MembershipStatus.INVITED, None)},
)


def table(*rows: dict) -> Table:
    return Table(columns=("name", "org_number", "employees", "municipality", "sector"), rows=list(rows))


def row(name="Ny AB", org_number="", employees="10", municipality="Alby", sector="business") -> dict:
    return {
        "name": name,
        "org_number": org_number,
        "employees": employees,
        "municipality": municipality,
        "sector": sector,
    }


@pytest.mark.parametrize(
    ("values", "verdict"),
    [
        (row(), Verdict.NEW),
        (row(org_number=NUMBER_1, municipality="Nykvarns kommun", sector="Fastigheter"), Verdict.NEW),
        (row(org_number=NUMBER_2), Verdict.UPDATE),
        (row(name="Annat namn AB", org_number=NUMBER_3), Verdict.EXISTING),
        (row(name="Inbjudna AB"), Verdict.EXISTING),
        (row(name=""), Verdict.MISSING_NAME),
        (row(name="x" * 201), Verdict.MISSING_NAME),
        (row(org_number=NUMBER_4), Verdict.INVALID_ORG_NUMBER),
        (row(org_number="abc"), Verdict.INVALID_ORG_NUMBER),
        (row(municipality="Atlantis"), Verdict.UNKNOWN_MUNICIPALITY),
        (row(municipality=""), Verdict.UNKNOWN_MUNICIPALITY),
        (row(sector="Tillverkning"), Verdict.UNKNOWN_SECTOR),
        (row(employees="många"), Verdict.BAD_EMPLOYEES),
        (row(employees="-3"), Verdict.BAD_EMPLOYEES),
        (row(employees="12.5"), Verdict.BAD_EMPLOYEES),
        (row(employees=""), Verdict.BAD_EMPLOYEES),
        (row(employees="99999999999"), Verdict.BAD_EMPLOYEES),
    ],
)
def test_each_row_gets_its_verdict(app, values, verdict):
    [checked] = check_rows(table(values), LOOKUPS)
    assert checked.verdict == verdict
    assert checked.row == 2
    assert prospects.message(checked)  # every verdict has words


def test_the_known_record_is_named_and_its_status_given(app):
    [existing] = check_rows(table(row(name="Annat namn AB", org_number=NUMBER_3)), LOOKUPS)
    assert existing.organisation_id == 11
    assert existing.findings == (Finding(Verdict.EXISTING, "Medlemmen AB", by="number", status="member"),)
    [update] = check_rows(table(row(org_number=NUMBER_2)), LOOKUPS)
    assert update.organisation_id == 10 and update.importable


def test_every_problem_of_a_row_is_listed_the_first_gives_the_verdict(app):
    [checked] = check_rows(table(row(org_number="12", employees="x", sector="?")), LOOKUPS)
    assert [finding.verdict for finding in checked.findings] == [
        Verdict.INVALID_ORG_NUMBER,
        Verdict.UNKNOWN_SECTOR,
        Verdict.BAD_EMPLOYEES,
    ]
    assert not checked.importable


def test_duplicates_by_number_by_name_and_by_record_keep_the_first(app):
    rows = check_rows(
        table(
            row(name="Alfa AB", org_number=NUMBER_1),
            row(name="Alfa Holding AB", org_number="5560360793"),  # the same number, written without the dash
            row(name="alfa ab"),  # the same name, other case
            row(name="Beta AB"),
            row(name="Gamla Prospekt AB"),  # no number, but the name of the record NUMBER_2 is ...
            row(name="Nytt namn AB", org_number=NUMBER_2),  # ... and this row updates it by number
        ),
        Lookups(
            LOOKUPS.municipalities,
            LOOKUPS.sectors,
            by_number=LOOKUPS.by_number,
            by_name={"gamla prospekt ab": LOOKUPS.by_number[NUMBER_2]},
        ),
    )
    assert [r.verdict for r in rows] == [
        Verdict.NEW,
        Verdict.DUPLICATE,
        Verdict.DUPLICATE,
        Verdict.NEW,
        Verdict.UPDATE,
        Verdict.DUPLICATE,
    ]
    assert rows[1].findings[0] == Finding(Verdict.DUPLICATE, NUMBER_1, 2, "number")
    assert rows[2].findings[0] == Finding(Verdict.DUPLICATE, "alfa ab", 2, "name")
    assert rows[5].findings[0].other_row == 6 and rows[5].findings[0].by == "record"


def test_a_row_with_a_number_matches_a_record_by_name_only_when_the_record_has_no_number(app):
    lookups = Lookups(
        LOOKUPS.municipalities,
        LOOKUPS.sectors,
        by_name={
            "utan nummer ab": Known(20, "Utan nummer AB", MembershipStatus.PROSPECT, None),
            "med nummer ab": Known(21, "Med nummer AB", MembershipStatus.PROSPECT, NUMBER_2),
        },
    )
    first, second = check_rows(
        table(row(name="Utan nummer AB", org_number=NUMBER_1), row(name="Med nummer AB", org_number=NUMBER_3)),
        lookups,
    )
    assert (first.verdict, first.organisation_id) == (Verdict.UPDATE, 20)
    assert (second.verdict, second.organisation_id) == (Verdict.NEW, None)  # another legal entity, same name


@pytest.mark.parametrize(("text", "number"), [("1200", 1200), ("1 200", 1200), ("1\u00a0200", 1200), ("0", 0)])
def test_employees_as_people_write_them(text, number):
    assert parse_employees(text) == number


def test_sectors_by_code_and_by_swedish_and_english_name(app):
    lookup = prospects.sector_lookup()
    assert lookup["real_estate"] == lookup["real estate"] == lookup["fastigheter"] == Sector.REAL_ESTATE
    assert lookup["kommun"] == lookup["municipality"] == Sector.MUNICIPALITY
    assert lookup["övrigt"] == Sector.OTHER


def test_the_report_survives_its_round_trip_and_refuses_a_forgery(app):
    rows = [
        CheckedRow(2, (Finding(Verdict.NEW),)),
        CheckedRow(3, (Finding(Verdict.DUPLICATE, "Alfa AB", 2, "name"), Finding(Verdict.BAD_EMPLOYEES, "x"))),
    ]
    token = prospects.report_token(rows, "secret")
    assert prospects.report_from_token(token, "secret") == rows
    assert prospects.report_from_token(token, "another secret") is None
    assert prospects.report_from_token(token[:-2], "secret") is None


# ---- the pages -------------------------------------------------------------------------------------------------

GOOD_FILE = csv_file(
    f"Verkstaden AB,{NUMBER_1},120,Alby,industry",
    "Fastighetsbolaget AB,,45,Nykvarns kommun,Fastigheter",
)


def test_checking_writes_nothing_and_importing_the_same_file_creates_the_prospects(client, coordinator, places):
    before = organisations()
    response = check(client, GOOD_FILE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("New prospect") >= 2 and "2 rows will be imported" in page
    assert organisations() == before and import_events() == []  # nothing written until imported

    response = import_file(client, GOOD_FILE, checked_token(page))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 new prospects" in page
    verkstaden = db.session.scalar(sa.select(Organisation).filter_by(org_number=NUMBER_1))
    assert verkstaden.status == MembershipStatus.PROSPECT
    assert (verkstaden.sector, verkstaden.employees, verkstaden.slug) == (Sector.INDUSTRY, 120, "verkstaden-ab")
    assert (verkstaden.latitude, verkstaden.longitude) == (59.1, 17.1)  # the municipality's coordinates
    fastighet = db.session.scalar(sa.select(Organisation).filter_by(name="Fastighetsbolaget AB"))
    assert fastighet.municipality_id == places["nykvarn"].id and fastighet.sector == Sector.REAL_ESTATE
    [event] = import_events()
    assert event.actor_id == coordinator.id
    assert event.changes == {"file": "lista.csv", "rows": 2, "created": 2, "updated": 0, "skipped": 0}


def test_every_verdict_through_the_page_and_only_valid_rows_imported(client, coordinator, places):
    make_organisation(name="Medlemmen AB", org_number=NUMBER_3, status=MembershipStatus.MEMBER)
    old = make_organisation(
        name="Gamla Prospekt AB", org_number=NUMBER_2, status=MembershipStatus.PROSPECT, employees=5
    )
    make_organisation(name="Inbjudna AB", status=MembershipStatus.INVITED)
    make_organisation(name="Sökande AB", status=MembershipStatus.APPLIED)
    db.session.commit()
    data = csv_file(
        f"Ny AB,{NUMBER_1},10,Alby,business",  # 2 new
        f"Gamla Prospekt AB,{NUMBER_2},250,Nykvarn,transport",  # 3 update
        f"Medlemmen AB,{NUMBER_3},1,Alby,business",  # 4 existing member
        "Inbjudna AB,,1,Alby,business",  # 5 existing invited
        "Sökande AB,,1,Alby,business",  # 6 existing applied
        f"Felnummer AB,{NUMBER_4},1,Alby,business",  # 7 invalid number
        "Ingenstans AB,,1,Atlantis,business",  # 8 unknown municipality
        "Konstig AB,,1,Alby,tillverkning",  # 9 unknown sector
        "Många AB,,många,Alby,business",  # 10 not a number
        f"Kopia AB,{NUMBER_1},10,Alby,business",  # 11 duplicate number of row 2
        "ny ab,,10,Alby,business",  # 12 duplicate name of row 2
        ",,10,Alby,business",  # 13 missing name
    )
    page = check(client, data).get_data(as_text=True)
    for text in [
        "New prospect",
        "Updates the prospect “Gamla Prospekt AB” with the same organisation number.",
        "Already in the records as “Medlemmen AB” (Member): left as it is.",
        "(Invited)",
        "(Applied)",
        "“556677-8898” is not a valid organisation number",
        "No municipality is called “Atlantis”.",
        "“tillverkning” is not one of the sectors.",
        "“många” is not a number of employees",
        "The same organisation number as row 2.",
        "The same name as row 2.",
        "The name is missing.",
    ]:
        assert text in page, text
    assert organisations() == 4

    page = import_file(client, data, checked_token(page)).get_data(as_text=True)
    assert "1 new prospect" in page and "1 prospect updated" in page and "10 rows left out" in page
    assert organisations() == 5
    db.session.refresh(old)
    assert (old.employees, old.sector, old.municipality_id) == (250, Sector.TRANSPORT, places["nykvarn"].id)
    assert (old.latitude, old.longitude) == (59.18, 17.43)
    assert old.name == "Gamla Prospekt AB" and old.status == MembershipStatus.PROSPECT
    statuses = dict(db.session.execute(sa.select(Organisation.name, Organisation.status)).tuples().all())
    assert statuses["Medlemmen AB"] == MembershipStatus.MEMBER
    assert statuses["Inbjudna AB"] == MembershipStatus.INVITED
    assert statuses["Sökande AB"] == MembershipStatus.APPLIED
    [event] = import_events()
    assert event.changes["created"] == 1 and event.changes["updated"] == 1 and event.changes["skipped"] == 10


def test_swedish_headings_and_an_xlsx_file(client, coordinator, places):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Namn", "Orgnr", "Anställda", "Kommun", "Bransch"])
    sheet.append(["Excelbolaget AB", NUMBER_1, 1200, "0101", "Industri"])
    sheet.append(["Kalkyl AB", None, 15, "nykvarn", "IT"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    page = check(client, data, "lista.xlsx").get_data(as_text=True)
    assert page.count("A new prospect will be added.") == 2
    import_file(client, data, checked_token(page), "lista.xlsx")
    excel = db.session.scalar(sa.select(Organisation).filter_by(name="Excelbolaget AB"))
    assert (excel.employees, excel.sector, excel.municipality_id) == (1200, Sector.INDUSTRY, places["alby"].id)
    assert db.session.scalar(sa.select(Organisation).filter_by(name="Kalkyl AB")).sector == Sector.IT


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (csv_file("A AB,,1,Alby,business", header="name,org_number,staff,municipality,sector"), "x.csv", "employees"),
        (b"%PDF-1.4", "lista.pdf", "Choose a CSV or XLSX file."),
        ("namn,anställda\n".encode("utf-16"), "lista.csv", "not UTF-8 text"),
        (b"", "lista.csv", "The file is empty."),
        (b"not a workbook", "lista.xlsx", "cannot be read as an XLSX workbook"),
    ],
    ids=["wrong-column", "pdf", "utf16", "empty", "bad-xlsx"],
)
def test_a_file_that_cannot_be_read_is_explained_on_the_form(client, coordinator, places, data, filename, message):
    response = check(client, data, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="file-error"' in page and message in page
    assert organisations() == 0


def test_a_file_over_five_megabytes_is_refused_with_a_message(client, coordinator, places):
    data = csv_file("Stort AB,,1,Alby,business")
    data += b"x" * (5 * 1024 * 1024 + 1 - len(data))  # one byte over
    response = check(client, data)
    assert response.status_code == 422
    assert "larger than 5 MB" in response.get_data(as_text=True)


def test_no_file_chosen(client, coordinator):
    response = client.post("/coordinator/prospects", data={"action": "check"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file." in response.get_data(as_text=True)


def test_importing_needs_the_file_that_was_checked(client, coordinator, places):
    token = checked_token(check(client, GOOD_FILE).get_data(as_text=True))
    other = csv_file("Helt annat AB,,3,Alby,business")
    for data, checked in [(other, token), (GOOD_FILE, "forged"), (GOOD_FILE, "")]:
        response = import_file(client, data, checked)
        assert response.status_code == 422
        assert "This is not the file that was checked" in response.get_data(as_text=True)
    assert organisations() == 0 and import_events() == []


def test_the_rows_are_checked_again_at_import(client, coordinator, places):
    """A prospect invited between the check and the import is left as it is."""
    prospect = make_organisation(name="Verkstaden AB", org_number=NUMBER_1, status=MembershipStatus.PROSPECT)
    db.session.commit()
    token = checked_token(check(client, GOOD_FILE).get_data(as_text=True))
    prospect.status = MembershipStatus.INVITED
    db.session.commit()
    page = import_file(client, GOOD_FILE, token).get_data(as_text=True)
    assert "(Invited)" in page
    db.session.refresh(prospect)
    assert prospect.status == MembershipStatus.INVITED and prospect.employees == 50  # untouched


def test_the_import_is_one_transaction(client, coordinator, places, monkeypatch):
    token = checked_token(check(client, GOOD_FILE).get_data(as_text=True))
    real = prospects.unique_slug
    calls = []

    def fail_on_the_second(name):
        calls.append(name)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(name)

    monkeypatch.setattr(prospects, "unique_slug", fail_on_the_second)
    response = import_file(client, GOOD_FILE, token)
    assert response.status_code == 500
    assert len(calls) == 2  # the first row was written to the session ...
    assert organisations() == 0 and import_events() == []  # ... and rolled back with the rest


def test_the_report_downloads_as_csv(client, coordinator, places):
    data = csv_file("Bra AB,,10,Alby,business", "Dålig AB,,=1+1,Alby,business")
    page = check(client, data).get_data(as_text=True)
    report = re.search(r'name="report" value="([^"]+)"', page).group(1)
    response = client.post("/coordinator/prospects/report", data={"report": report})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Verdict,Message"
    assert lines[1] == "2,New prospect,A new prospect will be added."
    assert lines[2].startswith("3,Not a number of employees,")


def test_a_forged_report_is_refused(client, coordinator):
    assert client.post("/coordinator/prospects/report", data={"report": "e30.forged"}).status_code == 400


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ORG_ADMIN])
def test_only_coordinators_import(client, app, places, role):
    sign_in(client, make_user(role=role))
    db.session.commit()
    assert check(client, GOOD_FILE).status_code == 403
    assert organisations() == 0
