"""A client's documents: upload checked by content, download, delete, tenants and roles."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from app.documents.models import Document
from tests.conftest import add_user, sign_in
from tests.integration.test_clients import admin_client, make_client  # noqa: F401  (fixture reused)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def send(client, client_id: int, content: bytes, name: str = "id.pdf", **fields):
    data = {"file": (io.BytesIO(content), name), "kind": "id_card"} | fields
    return client.post(f"/clients/{client_id}/documents", data=data, content_type="multipart/form-data")


def test_upload_list_download_and_delete(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    expired = (date.today() - timedelta(days=1)).isoformat()
    response = send(admin_client, client_id, PDF, "carte d'identité.pdf", title="ID card", expires_on=expired)
    assert response.status_code == 303 and response.headers["Location"].endswith("#documents")
    page = admin_client.get(f"/clients/{client_id}").text
    assert "ID card" in page and "data-expired" in page and "Expired" in page
    with bound(tenant) as session:
        document = session.scalar(select(Document))
        assert (document.content_type, document.client_id) == ("application/pdf", client_id)
    download = admin_client.get(f"/documents/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf" and "attachment" in download.headers["Content-Disposition"]
    assert admin_client.post(f"/documents/{document.id}/delete").status_code == 303
    assert admin_client.get(f"/documents/{document.id}").status_code == 404
    with bound(tenant) as session:
        assert session.scalar(select(Document)) is None


def test_a_pdf_named_text_file_is_refused_next_to_the_field(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    response = send(admin_client, client_id, b"just some text, not a PDF", "fake.pdf")
    assert response.status_code == 422
    assert "checked by their content" in response.text
    assert send(admin_client, client_id, b"", "empty.pdf").status_code == 422
    assert send(admin_client, client_id, PDF, kind="nonsense").status_code == 422
    assert admin_client.post(f"/clients/{client_id}/documents", data={"kind": "id_card"}).status_code == 422
    with bound(tenant) as session:
        assert session.scalar(select(Document)) is None


def test_the_documents_page_works_without_the_client_page(admin_client, bound, tenant):
    client_id = make_client(bound, tenant)
    assert admin_client.get(f"/clients/{client_id}/documents").status_code == 200
    assert admin_client.get("/clients/424242/documents").status_code == 404


def test_another_firms_admin_cannot_download_or_delete(make_tenant, bound, client_for):
    alpha, bravo = make_tenant("a"), make_tenant("b")
    alpha_client = make_client(bound, alpha)
    make_client(bound, bravo)
    alpha_admin = client_for(alpha)
    assert sign_in(alpha_admin, "admin@example.fr").status_code == 303
    assert send(alpha_admin, alpha_client, PDF).status_code == 303
    with bound(alpha) as session:
        document_id = session.scalar(select(Document.id))
    bravo_admin = client_for(bravo)
    assert sign_in(bravo_admin, "admin@example.fr").status_code == 303
    assert bravo_admin.get(f"/documents/{document_id}").status_code == 404
    assert bravo_admin.post(f"/documents/{document_id}/delete").status_code == 404
    assert send(bravo_admin, alpha_client + 1000, PDF).status_code == 404
    assert alpha_admin.get(f"/documents/{document_id}").status_code == 200


def test_a_read_only_colleague_downloads_but_cannot_upload_or_delete(app, admin_client, client_for, bound, tenant):
    client_id = make_client(bound, tenant)
    send(admin_client, client_id, PDF)
    with bound(tenant) as session:
        document_id = session.scalar(select(Document.id))
    add_user(app, tenant, "reader@example.fr", "readonly")
    reader = client_for(tenant)
    assert sign_in(reader, "reader@example.fr").status_code == 303
    assert reader.get(f"/documents/{document_id}").status_code == 200
    assert send(reader, client_id, PDF).status_code == 403
    assert reader.post(f"/documents/{document_id}/delete").status_code == 403
