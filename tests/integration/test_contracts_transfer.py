"""The contract list's filters, its export (CSV, XLSX, read back), and the
import of the existing portfolio: preview with per-row problems, all rows or
none; isolation of staged files and roles."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.contracts.models import Contract, ContractVersion
from tests.conftest import add_user
from tests.integration.test_contracts import (make_contract, make_insurer, other_firm_client,  # noqa: F401
                                             portfolio, readonly_client)

HEADER = "client_reference;insurer;line;policy_number;effective_date;premium_net;instalment_plan\r\n"


def upload(client, text: str, name: str = "contracts.csv"):
    return client.post("/contracts/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode("utf-8-sig")), name)})


def count(bound, tenant) -> int:
    with bound(tenant) as session:
        return session.scalar(select(func.count()).select_from(Contract))


def test_the_list_filters_by_line_insurer_status_handler_and_renewal_month(app, admin_client, portfolio, bound,
                                                                             tenant):
    handler_id = add_user(app, tenant, "hugo@example.fr", "handler")
    other_insurer = make_insurer(bound, tenant, name="Beta Assurances")
    make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=other_insurer, line="home",
                  effective_date=date(2025, 4, 10), handler_id=handler_id)
    listing = admin_client.get("/contracts")
    assert listing.status_code == 200 and "2 contracts" in listing.text
    assert "1 contract" in admin_client.get("/contracts?line=home").text
    assert "1 contract" in admin_client.get(f"/contracts?insurer={other_insurer}").text
    assert "1 contract" in admin_client.get(f"/contracts?handler={handler_id}").text
    assert "1 contract" in admin_client.get("/contracts?renewal=2026-04").text
    assert "0 contracts" in admin_client.get("/contracts?status=cancelled").text
    assert "1 contract" in admin_client.get("/contracts?q=P-1-home").text
    fragment = admin_client.get("/contracts?line=home", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="contract-results">')
    assert admin_client.get("/contracts?renewal=garbage").status_code == 200


def test_exports_read_back_with_the_filters(admin_client, portfolio, bound, tenant):
    response = admin_client.get("/contracts/export.csv?line=motor")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["reference", "client_reference", "client_name", "insurer"]
    assert len(rows) == 2 and rows[1][rows[0].index("premium_net")] == "600,00"
    sheet = load_workbook(io.BytesIO(admin_client.get("/contracts/export.xlsx").data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0].startswith("CTR-") and values[1][values[0].index("total")] == 708
    assert admin_client.get("/contracts/export.pdf").status_code == 404


def test_an_import_with_a_bad_row_imports_nothing(admin_client, portfolio, bound, tenant):
    text = HEADER + (f"{portfolio['client_reference']};Mutuelle Alpha;auto;IMP-1;01/02/2025;480,50;monthly\r\n"
                     "CLI-424242;Unknown Co;boat;IMP-2;31/02/2025;abc;weekly\r\n"
                     f"{portfolio['client_reference']};mutuelle alpha;home;IMP-1;2025-03-01;300;\r\n")
    response = upload(admin_client, text)
    assert response.status_code == 303
    preview = admin_client.get(response.headers["Location"])
    assert preview.status_code == 200
    for message in ("No client has this reference.", "No insurer of the panel has this name.",
                    "Choose one of the proposed values.", "Enter a date as DD/MM/YYYY or YYYY-MM-DD.",
                    "The same policy number appears earlier in the file (row 2)."):
        assert message in preview.text, message
    confirm = admin_client.post(response.headers["Location"])
    assert confirm.status_code == 422
    assert count(bound, tenant) == 1


def test_a_good_file_imports_every_row_with_its_first_version(admin_client, portfolio, bound, tenant):
    text = HEADER + (f"{portfolio['client_reference']};Mutuelle Alpha;auto;IMP-1;01/02/2025;480,50;monthly\r\n"
                     f"{portfolio['client_reference']};mutuelle alpha;MRH;IMP-2;2025-03-01;300;\r\n")
    location = upload(admin_client, text).headers["Location"]
    assert admin_client.post(location).status_code == 303
    assert admin_client.post(location).status_code == 404, "the staged file is gone"
    with bound(tenant) as session:
        imported = session.scalars(select(Contract).where(Contract.policy_number.like("IMP-%"))
                                   .order_by(Contract.policy_number)).all()
        assert [(c.line, c.instalment_plan, c.premium_net, c.renewal_date) for c in imported] == [
            ("motor", "monthly", Decimal("480.50"), date(2026, 2, 1)),
            ("home", "annual", Decimal("300.00"), date(2026, 3, 1))]
        assert imported[1].tax == Decimal("90.00")
        assert session.scalar(select(func.count()).select_from(ContractVersion)) == 3
    again = upload(admin_client, text)
    preview = admin_client.get(again.headers["Location"])
    assert "This insurer already has a contract with this policy number." in preview.text


def test_the_import_page_and_template(admin_client):
    page = admin_client.get("/contracts/import")
    assert page.status_code == 200 and "<code>client_reference</code>" in page.text
    template = admin_client.get("/contracts/import/template.csv").data.decode("utf-8-sig")
    assert template.startswith("client_reference;insurer;line;label;policy_number")
    empty = upload(admin_client, "")
    assert empty.status_code == 422 and "This file has no contract rows." in empty.text


def test_a_staged_import_is_worthless_on_another_firm(admin_client, other_firm_client, readonly_client, portfolio):
    location = upload(admin_client, HEADER + f"{portfolio['client_reference']};Mutuelle Alpha;auto;X-1;"
                                             "01/02/2025;480;\r\n").headers["Location"]
    assert other_firm_client.get(location).status_code == 404
    assert other_firm_client.post(location).status_code == 404
    assert readonly_client.get(location).status_code == 200
    assert readonly_client.post(location).status_code == 403
    assert readonly_client.post("/contracts/import").status_code == 403
    assert admin_client.get("/contracts/import/not-a-token").status_code == 404
