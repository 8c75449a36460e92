"""Reading insurers' commission statements (bordereaux) with a column mapping:
CSV with ``;`` or ``,``, decimal comma or point, dates in the chosen format
or a workbook's own, headers below a title, XLSX written by openpyxl, the
type of a file told by its content, bad rows reported with their number and
nothing typed from them, total lines skipped, a mapping's own problems."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.commissions import statement_formats as formats
from app.commissions.statement_formats import CellProblem, FormatProblem, Mapping, RowError, StatementRow

DATA = Path(__file__).parent.parent / "data" / "statements"
AXA = Mapping(columns={"policy_number": "N° police", "client_name": "Assuré", "due_date": "Date d'échéance",
                       "premium": "Prime HT", "rate": "Taux", "amount": "Commission"})
GENERALI = Mapping(columns={"policy_number": "Policy", "client_name": "Insured", "due_date": "Period",
                            "premium": "Premium", "amount": "Commission"},
                   decimal_comma=False, date_format="%Y-%m", header_row=3)


def workbook(rows: list[list], title: str = "Bordereau", before: list[list] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for cells in (before or []) + rows:
        sheet.append(cells)
    book.create_sheet("Notes").append(["nothing here"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_semicolon_csv_with_decimal_commas_is_read_and_its_total_line_skipped():
    parsed = formats.parse((DATA / "axa_semicolon_decimal_comma.csv").read_bytes(), AXA)
    assert parsed.ok and parsed.errors == [] and parsed.skipped == [5]
    assert parsed.rows == [
        StatementRow(2, "AX-1001", date(2026, 1, 1), D("1200.00"), D("180.00"), D("15.00"), "Martin Léa"),
        StatementRow(3, "AX-1002", date(2026, 1, 15), D("800.00"), D("110.50"), D("15.00"), "Durand Paul"),
        StatementRow(4, "ax 1003", date(2026, 1, 20), D("2400.00"), D("300.00"), D("12.50"), "Petit SARL"),
    ]


def test_a_windows_1252_file_reads_like_its_utf8_twin():
    utf8 = formats.parse((DATA / "axa_semicolon_decimal_comma.csv").read_bytes(), AXA)
    windows = formats.parse((DATA / "axa_windows_1252.csv").read_bytes(), AXA)
    assert windows.rows == utf8.rows


def test_a_comma_csv_with_decimal_points_month_periods_and_a_title_above_the_headers():
    parsed = formats.parse((DATA / "generali_comma_decimal_point.csv").read_bytes(), GENERALI)
    assert parsed.ok
    assert [(r.row_number, r.policy_number, r.due_date, r.premium, r.amount, r.rate, r.client_name)
            for r in parsed.rows] == [
        (4, "GN-501", date(2026, 1, 1), D("1000.00"), D("100.00"), None, "Bernard"),
        (5, "GN-502", date(2026, 1, 1), D("500.50"), D("50.05"), None, "Roux"),
    ]


def test_an_xlsx_written_by_openpyxl_is_read_with_its_own_dates_and_numbers():
    content = workbook([["Police", "Echéance", "Prime", "Com."],
                        ["MMA-1", datetime(2026, 1, 5), 1000, 150.5],
                        [12345, "31/01/2026", "2 000,00", D("300")],
                        [None, None, None, None]],
                       before=[["MMA — bordereau janvier 2026"], []])
    mapping = Mapping(columns={"policy_number": "Police", "due_date": "Echéance", "premium": "Prime",
                               "amount": "Com."}, header_row=3, sheet="Bordereau")
    parsed = formats.parse(content, mapping)
    assert parsed.ok
    assert [(r.row_number, r.policy_number, r.due_date, r.premium, r.amount) for r in parsed.rows] == [
        (4, "MMA-1", date(2026, 1, 5), D("1000.00"), D("150.50")),
        (5, "12345", date(2026, 1, 31), D("2000.00"), D("300.00")),
    ]
    assert formats.sheet_names(content) == ["Bordereau", "Notes"]


def test_bad_rows_are_reported_with_their_row_field_and_value_and_none_is_typed():
    parsed = formats.parse((DATA / "bad_rows.csv").read_bytes(), AXA)
    assert not parsed.ok
    assert [row.row_number for row in parsed.rows] == [2]
    assert parsed.errors == [
        RowError(3, "due_date", "date_format", "2026-01-15"),
        RowError(4, "policy_number", "required"),
        RowError(4, "amount", "number_format_comma", "abc"),
        RowError(5, "premium", "required"),
        RowError(5, "amount", "number_format_comma", "12.5.0"),
    ]


@pytest.mark.parametrize("text,comma,expected", [
    ("1 234,56", True, "1234.56"), ("1.234,56", True, "1234.56"), ("1\u202f234,56 €", True, "1234.56"),
    ("-12,50", True, "-12.50"), ("(12,50)", True, "-12.50"), ("12,50-", True, "-12.50"), ("12", True, "12.00"),
    ("1,234.56", False, "1234.56"), ("1234.5", False, "1234.50"), ("0.125", False, "0.13"),
])
def test_amounts_in_the_files_convention(text, comma, expected):
    assert formats.parse_amount(text, comma) == D(expected)


@pytest.mark.parametrize("text,comma,code", [
    ("12.50", True, "number_format_comma"),      # a decimal point in a decimal-comma file: the mapping is wrong
    ("12,50", False, "number_format_point"),
    ("1.2.3", True, "number_format_comma"),
    ("douze", False, "number_format_point"),
])
def test_amounts_not_in_the_files_convention_are_refused(text, comma, code):
    with pytest.raises(CellProblem) as refused:
        formats.parse_amount(text, comma)
    assert refused.value.code == code


def test_dates_in_the_chosen_format_and_month_only_formats_read_as_the_first():
    assert formats.parse_day("31/01/2026", "%d/%m/%Y") == date(2026, 1, 31)
    assert formats.parse_day("01/2026", "%m/%Y") == date(2026, 1, 1)
    assert formats.parse_day(datetime(2026, 1, 31, 0, 0), "%d/%m/%Y") == date(2026, 1, 31)
    with pytest.raises(CellProblem):
        formats.parse_day("2026-01-31", "%d/%m/%Y")


@pytest.mark.parametrize("content,code", [
    (b"", "file_empty"),
    (b"%PDF-1.4\n\x00\x01\x02binary", "not_a_spreadsheet"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_a_spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "xls_legacy"),
    (b"PK\x03\x04not really a zip", "not_a_spreadsheet"),
])
def test_the_type_of_a_file_is_told_by_its_content(content, code):
    with pytest.raises(FormatProblem) as refused:
        formats.file_kind(content)
    assert refused.value.code == code


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(FormatProblem) as refused:
        formats.file_kind(buffer.getvalue())
    assert refused.value.code == "not_a_spreadsheet"


def test_columns_missing_from_the_file_unknown_sheets_and_empty_files_are_named():
    content = (DATA / "axa_semicolon_decimal_comma.csv").read_bytes()
    with pytest.raises(FormatProblem) as refused:
        formats.parse(content, GENERALI)
    assert refused.value.code == "columns_not_found"   # row 3 of this file is a statement line
    with pytest.raises(FormatProblem) as refused:
        formats.parse(content, Mapping(columns=AXA.columns, header_row=9))
    assert (refused.value.code, refused.value.params) == ("header_row_missing", {"row": 9})
    with pytest.raises(FormatProblem) as refused:
        formats.parse(content, Mapping(columns=AXA.columns | {"amount": "Montant"}))
    assert (refused.value.code, refused.value.params) == ("columns_not_found", {"columns": "Montant"})
    with pytest.raises(FormatProblem) as refused:
        formats.parse(workbook([["a"]]), Mapping(columns=AXA.columns, sheet="Février"))
    assert (refused.value.code, refused.value.params["sheets"]) == ("sheet_unknown", "Bordereau, Notes")
    with pytest.raises(FormatProblem) as refused:
        formats.parse("N° police;Assuré;Date d'échéance;Prime HT;Taux;Commission\r\n".encode(), AXA)
    assert refused.value.code == "no_rows"


def test_two_columns_of_the_same_name_are_ambiguous():
    content = b"Police;Police;Date;Prime;Commission\r\nA;B;01/01/2026;1;1\r\n"
    mapping = Mapping(columns={"policy_number": "Police", "due_date": "Date", "premium": "Prime",
                               "amount": "Commission"})
    with pytest.raises(FormatProblem) as refused:
        formats.parse(content, mapping)
    assert refused.value.params == {"column": "Police"}


def test_a_mapping_names_its_own_problems():
    assert AXA.problems() == {}
    bad = Mapping(columns={"policy_number": "A", "due_date": "A", "amount": "C"}, date_format="%m/%Y",
                  match_by="day", header_row=0)
    assert bad.problems() == {"premium": "column_required", "due_date": "column_twice",
                              "match_by": "month_format_needs_month_match", "header_row": "header_row_range"}
    assert Mapping(columns=AXA.columns, date_format="%B").problems() == {"date_format": "date_format_unknown"}


def test_a_mapping_is_saved_and_read_back_the_same():
    mapping = Mapping(columns=GENERALI.columns, decimal_comma=False, date_format="%Y-%m", header_row=3,
                      sheet="", match_by="month", headers=("Policy", "Insured", "Period", "Premium", "Commission"))
    assert Mapping.from_saved(dict(mapping.columns), mapping.options()) == mapping


def test_the_sample_shows_headers_and_first_rows_and_guesses_the_columns():
    headers, rows = formats.sample((DATA / "axa_semicolon_decimal_comma.csv").read_bytes())
    assert headers == ["N° police", "Assuré", "Date d'échéance", "Prime HT", "Taux", "Commission"]
    assert rows[0] == ["AX-1001", "Martin Léa", "01/01/2026", "1 200,00", "15", "180,00"] and len(rows) == 4
    assert formats.guess_columns(headers) == AXA.columns


def test_a_sample_flags_the_fields_no_row_can_be_read_for():
    content = (DATA / "axa_semicolon_decimal_comma.csv").read_bytes()
    assert formats.sample_problems(content, AXA) == {}
    wrong = Mapping(columns=AXA.columns, decimal_comma=False, date_format="%Y-%m-%d")
    found = formats.sample_problems(content, wrong)
    assert set(found) == {"due_date", "premium", "amount"}
    assert found["due_date"] == RowError(2, "due_date", "date_format", "01/01/2026")
    # one bad row among good ones is the import's business, not the mapping's
    assert formats.sample_problems((DATA / "bad_rows.csv").read_bytes(), AXA) == {}
