"""The premium notice (avis d'échéance): the PDF says what the law wants
read (amount, due date, tax and its rate, L113-3), the email carries it
through real SMTP and is recorded on the call, refused without an address
or for a cancelled call; roles and tenant isolation."""

from __future__ import annotations

import io
from datetime import date

import pypdf
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.billing import services as billing
from app.billing.models import PremiumCall
from app.columns import utcnow
from app.crm.models import Interaction
from tests.conftest import sign_in
from tests.integration.test_billing_calls import book, calls_where, issued, reader  # noqa: F401


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).split())


def test_the_notice_pdf_states_amounts_due_date_payment_and_l113_3(admin_client, bound, tenant, book, issued):
    call = calls_where(bound, tenant, PremiumCall.id == issued["quarterly"][1])[0]
    response = admin_client.get(f"/premiums/calls/{call.id}/notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"notice-{call.reference}.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for expected in (tenant.name, "Léa", "Martin", "Assur Beta", "QUA-1", f"Premium notice {call.reference}",
                     f"€{call.net:,.2f}", f"€{call.tax:,.2f}", f"€{call.total:,.2f}", "Fees",
                     f"Insurance tax ({call.tax_rate.normalize():f}%)",
                     f"Amount to pay: €{call.total:,.2f} — due date: {call.due_date:%B} {call.due_date.day}, "
                     f"{call.due_date.year}", f"quoting the reference {call.reference}", "L113-3",
                     "suspended thirty days after"):
        assert expected in text, expected


def test_a_partly_paid_call_notice_asks_for_what_is_left(admin_client, bound, tenant, book, issued):
    call = calls_where(bound, tenant, PremiumCall.id == issued["half"][1])[0]
    with bound(tenant) as session:
        billing.record_payment(session, None, client_id=book["paul"], amount="10.00", method="cheque",
                               received_on=date.today(), call_ids=[call.id])
        session.commit()
    text = pdf_text(admin_client.get(f"/premiums/calls/{call.id}/notice.pdf").data)
    assert "Already received €10.00" in text and f"Amount to pay: €{call.total - 10:,.2f}" in text


def test_email_the_notice_with_its_pdf(admin_client, bound, tenant, book, issued, jobs, mailbox):
    call_id = issued["monthly"][2]
    page = admin_client.get(f"/premiums/calls/{call_id}")
    assert "Send the notice of" in page.text and "lea@example.fr" in page.text
    response = admin_client.post(f"/premiums/calls/{call_id}/notice")
    assert response.status_code == 303
    assert "The notice is on its way to lea@example.fr." in admin_client.get(response.location).text
    jobs()
    call = calls_where(bound, tenant, PremiumCall.id == call_id)[0]
    assert call.notice_sent_at is not None
    [message] = mailbox.to("lea@example.fr")
    assert call.reference in message["Subject"] and tenant.name in message["Subject"]
    assert "quote the reference " + call.reference in mailbox.text(message)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"notice-{call.reference}.pdf"
    assert f"Premium notice {call.reference}" in pdf_text(attachment.get_content())
    with bound(tenant) as session:
        assert session.scalar(select(AuditEntry.after).where(AuditEntry.action == "premium_call.notice_email",
                                                           AuditEntry.object_id == str(call_id))) == {
            "sent_to": "lea@example.fr"}
        assert session.scalar(select(Interaction.subject).where(Interaction.client_id == book["lea"])) == \
            message["Subject"]
    assert "Emailed on" in admin_client.get(f"/premiums/calls/{call_id}").text
    assert "Premium notice emailed" in admin_client.get(f"/premiums/calls/{call_id}").text


def test_no_email_address_or_a_cancelled_call_sends_nothing(admin_client, bound, tenant, book, issued, jobs,
                                                             mailbox):
    paul_call = issued["half"][0]
    refused = admin_client.post(f"/premiums/calls/{paul_call}/notice")
    assert refused.status_code == 422
    assert "The payer has no email address: download the notice and send it by post." in refused.text
    lea_call = issued["monthly"][5]
    with bound(tenant) as session:
        session.get(PremiumCall, lea_call).cancelled_at = utcnow()
        session.get(PremiumCall, lea_call).status = "cancelled"
        session.commit()
    cancelled = admin_client.post(f"/premiums/calls/{lea_call}/notice")
    assert cancelled.status_code == 422 and "cancelled or refunded" in cancelled.text
    jobs()
    assert mailbox.messages == []
    assert all(call.notice_sent_at is None for call in calls_where(bound, tenant))


def test_a_credit_note_notice_credits_instead_of_asking(admin_client, bound, tenant, book, issued):
    with bound(tenant) as session:
        model = session.get(PremiumCall, issued["monthly"][3])
        credit = PremiumCall(id=model.id + 1000, reference="QUI-900001", contract_id=model.contract_id,
                             client_id=model.client_id, insurer_id=model.insurer_id, line=model.line,
                             kind="credit_note", number=1, period_start=model.period_start,
                             period_end=model.period_end, due_date=model.due_date, net=-model.net, fees=0,
                             tax_rate=model.tax_rate, tax=-model.tax, total=-(model.net + model.tax),
                             status="paid")
        session.add(credit)
        session.commit()
        credit_id, amount = credit.id, model.net + model.tax
    text = pdf_text(admin_client.get(f"/premiums/calls/{credit_id}/notice.pdf").data)
    assert "Credit note QUI-900001" in text and f"Amount credited to you: €{amount:,.2f}" in text
    assert "How to pay" not in text


def test_read_only_staff_download_but_cannot_send(reader, bound, tenant, book, issued, jobs, mailbox):
    call_id = issued["monthly"][2]
    assert reader.get(f"/premiums/calls/{call_id}/notice.pdf").status_code == 200
    assert reader.post(f"/premiums/calls/{call_id}/notice").status_code == 403
    jobs()
    assert mailbox.messages == []


def test_another_firm_cannot_read_or_send_a_notice(make_tenant, client_for, bound, tenant, book, issued):
    outsider = client_for(make_tenant("b"))
    assert sign_in(outsider, "admin@example.fr").status_code == 303
    call_id = issued["monthly"][2]
    assert outsider.get(f"/premiums/calls/{call_id}/notice.pdf").status_code == 404
    assert outsider.post(f"/premiums/calls/{call_id}/notice").status_code == 404
    assert calls_where(bound, tenant, PremiumCall.id == call_id)[0].notice_sent_at is None
