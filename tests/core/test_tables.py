import io

import pytest
from openpyxl import Workbook

from coaction.core.tables import TableError, read_table, stream_table

ALIASES = {"name": "name", "namn": "name", "email": "email", "e-post": "email", "employees": "employees"}


def test_csv_with_bom_and_semicolons_and_swedish_headers():
    data = "\ufeffNamn;E-post;Övrigt\nÅkeri AB;a@b.se;x\n;;\nBageri AB;c@d.se\n".encode()
    table = read_table("lista.csv", data, ALIASES, required=("name", "email"))
    assert table.columns == ("name", "email")
    assert table.rows == [{"name": "Åkeri AB", "email": "a@b.se"}, {"name": "Bageri AB", "email": "c@d.se"}]


def test_csv_with_commas_and_quotes():
    table = read_table("x.CSV", b'name,email\n"Berg, Dal AB",e@f.se\n', ALIASES)
    assert table.rows == [{"name": "Berg, Dal AB", "email": "e@f.se"}]


def test_xlsx_first_sheet_numbers_as_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Employees"])
    sheet.append(["Verkstad AB", 120])
    sheet.append(["Tom AB", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table("lista.xlsx", buffer.getvalue(), ALIASES)
    assert table.rows == [{"name": "Verkstad AB", "employees": "120"}, {"name": "Tom AB", "employees": ""}]


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("x.pdf", b"%PDF", "type"),
        ("x.csv", b"", "empty"),
        ("x.csv", "namn\n".encode("utf-16"), "encoding"),
        ("x.csv", b"email\na@b.se\n", "columns"),
        ("x.xlsx", b"not a zip file", "xlsx"),
    ],
)
def test_unreadable_files_say_why(filename, data, code):
    with pytest.raises(TableError) as caught:
        read_table(filename, data, ALIASES, required=("name",))
    assert caught.value.code == code


def test_a_streamed_table_reads_row_by_row_and_finds_bad_text_further_down():
    good = "namn;ort\n" + "".join(f"Rad {n};Salem\n" for n in range(20_000))
    stream = stream_table("big.csv", io.BytesIO(good.encode() + b"Fel \xff;Salem\n"), {"namn": "name", "ort": "town"})
    assert stream.columns == ("name", "town")
    assert next(stream.rows) == {"name": "Rad 0", "town": "Salem"}
    with pytest.raises(TableError) as error:
        for _ in stream.rows:
            pass
    assert error.value.code == "encoding"
