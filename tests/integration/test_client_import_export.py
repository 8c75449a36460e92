"""Export of the filtered list (CSV, XLSX) and import from a spreadsheet:
preview with per-row problems, all rows or none."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.crm import services
from app.crm.models import Client
from tests.integration.test_clients import VALID_SIREN, admin_client, make_client  # noqa: F401  (fixture reused)

HEADER = "kind;last_name;first_name;birth_date;legal_name;siren;email;postal_code;city\r\n"


def csv_file(text: str, name: str = "clients.csv"):
    return (io.BytesIO(text.encode("utf-8-sig")), name)


def upload(admin_client, text: str, name: str = "clients.csv"):
    return admin_client.post("/clients/import", data={"file": csv_file(text, name)},
                             content_type="multipart/form-data")


def preview_path(response) -> str:
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def count(bound, tenant) -> int:
    with bound(tenant) as session:
        return session.scalar(select(func.count()).select_from(Client))


# --- export ---------------------------------------------------------------------

def test_csv_export_is_french_friendly_and_follows_the_filters(admin_client, bound, tenant):
    make_client(bound, tenant, kind="business", legal_name="Société Générale de Pain", siren=VALID_SIREN,
                turnover=Decimal("1234.50"), city="Lyon")
    make_client(bound, tenant, last_name="Durand", city="Paris")
    response = admin_client.get("/clients/export.csv?city=Lyon")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf"), "BOM for Excel"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["reference", "display_name", "kind"]
    assert len(rows) == 2 and rows[1][1] == "Société Générale de Pain"
    assert rows[1][rows[0].index("turnover")] == "1234,50"


def test_xlsx_export_reads_back_with_every_page(admin_client, bound, tenant):
    with bound(tenant) as session:
        for number in range(60):
            services.create(session, None, {"kind": "individual", "last_name": f"Nom{number:02d}"})
        session.commit()
    response = admin_client.get("/clients/export.xlsx?sort=name&dir=desc")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 61, "all pages, not only the first 50"
    assert rows[1][1] == "Nom59" and rows[-1][1] == "Nom00"
    assert admin_client.get("/clients/export.pdf").status_code == 404


# --- import ----------------------------------------------------------------------

def test_the_import_page_documents_the_columns_and_offers_a_template(admin_client):
    page = admin_client.get("/clients/import")
    assert page.status_code == 200 and "<code>siren</code>" in page.text
    template = admin_client.get("/clients/import/template.csv")
    assert template.data.decode("utf-8-sig").startswith("kind;status;civility;first_name;last_name")


def test_a_file_with_one_bad_row_imports_nothing(admin_client, bound, tenant):
    text = HEADER + ("individual;Durand;Léa;12/04/1985;;;lea@ex.fr;69001;Lyon\r\n"
                     "business;;;;ACME;123456789;;75001;Paris\r\n"
                     "individual;Martin;Paul;;;;paul@;7500;Paris\r\n")
    path = preview_path(upload(admin_client, text))
    preview = admin_client.get(path)
    assert preview.status_code == 200
    errors = re.findall(r"<tr><td>(\d+)</td><td><code>(\w+)</code></td>", preview.text)
    assert errors == [("3", "siren"), ("4", "email"), ("4", "postal_code")]
    assert "This SIREN number is not valid" in preview.text
    assert re.search(r'<button class="btn btn-primary" type="submit"\s+disabled', preview.text)
    refused = admin_client.post(path)
    assert refused.status_code == 422
    assert count(bound, tenant) == 0


def test_a_good_file_imports_every_row_once(admin_client, bound, tenant):
    text = HEADER + ("particulier;Dupont-Lefèvre;Éléonore;1985-04-12;;;e@ex.fr;69001;Lyon\r\n"
                     f"entreprise;;;;Boulangerie;{VALID_SIREN};;29000;Quimper\r\n")
    path = preview_path(upload(admin_client, text))
    assert "Import 2 clients" in admin_client.get(path).text
    done = admin_client.post(path)
    assert done.status_code == 303
    with bound(tenant) as session:
        clients = session.scalars(select(Client).order_by(Client.id)).all()
        assert [c.display_name for c in clients] == ["Dupont-Lefèvre Éléonore", "Boulangerie"]
        assert clients[0].birth_date == date(1985, 4, 12) and clients[0].reference.startswith("CLI-")
        assert clients[1].version == 1 and clients[1].status == "prospect"
    assert admin_client.post(path).status_code == 404, "the staged file is gone: no double import"
    found = admin_client.get("/clients?q=lefev")
    assert "Dupont-Lefèvre Éléonore" in found.text, "search vector computed at import"


def test_duplicates_in_the_file_and_with_existing_clients_are_errors(admin_client, bound, tenant):
    make_client(bound, tenant, kind="business", legal_name="Existing", siren=VALID_SIREN)
    text = HEADER + (f"business;;;;Again;{VALID_SIREN};;;\r\n"
                     "individual;Roux;Ana;01/02/1990;;;;;\r\n"
                     "individual;ROUX;ana;1990-02-01;;;;;\r\n")
    preview = admin_client.get(preview_path(upload(admin_client, text)))
    assert "This client already exists: CLI-" in preview.text
    assert "The same client appears earlier in the file (row 3)." in preview.text


def test_an_xlsx_file_is_read_too(admin_client, bound, tenant):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kind", "Last name", "First name", "Birth date", "Postal code", "Turnover"])
    sheet.append(["individual", "Bernard", "Chloé", date(1970, 5, 6), 1000, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    response = admin_client.post("/clients/import", data={"file": (buffer, "portfolio.xlsx")},
                                 content_type="multipart/form-data")
    assert admin_client.post(preview_path(response)).status_code == 303
    with bound(tenant) as session:
        client = session.scalar(select(Client))
        assert (client.display_name, client.birth_date, client.postal_code) == ("Bernard Chloé", date(1970, 5, 6), "01000")


def test_unreadable_or_empty_files_are_refused_on_the_upload_page(admin_client):
    assert upload(admin_client, "").status_code == 422
    assert upload(admin_client, "kind;last_name\r\n").status_code == 422
    broken = admin_client.post("/clients/import", data={"file": (io.BytesIO(b"PK\x03\x04garbage"), "x.xlsx")},
                               content_type="multipart/form-data")
    assert broken.status_code == 422 and "cannot be read" in broken.text
    assert admin_client.post("/clients/import", data={}).status_code == 422


def test_unknown_columns_are_reported(admin_client):
    preview = admin_client.get(preview_path(upload(admin_client, "kind;last_name;colour\r\nindividual;X;blue\r\n")))
    assert "Unknown column" in preview.text


def test_a_forged_or_foreign_token_finds_nothing(admin_client, make_tenant, client_for):
    path = preview_path(upload(admin_client, HEADER + "individual;Durand;;;;;;;\r\n"))
    assert admin_client.get("/clients/import/forged-token").status_code == 404
    other = make_tenant("b")
    other_admin = client_for(other)
    other_admin.post("/login", data={"email": "admin@example.fr", "password": "correct horse battery"})
    assert other_admin.get(path).status_code == 404
    assert other_admin.post(path).status_code == 404


def test_five_thousand_rows_import_and_are_found(admin_client, bound, tenant):
    """Five thousand rows in one all-or-nothing import; speed belongs to the benchmarks."""
    lines = [f"individual;Nom{number};Prénom{number};;;;p{number}@ex.fr;75001;Paris\r\n" for number in range(5000)]
    path = preview_path(upload(admin_client, HEADER + "".join(lines)))
    assert admin_client.post(path).status_code == 303
    assert count(bound, tenant) == 5000
    assert "Nom4321 Prénom4321" in admin_client.get("/clients?q=prenom4321").text
