"""The firm's bank details: set by an administrator in the billing settings
(IBAN and BIC checked by schwifty, a clear message next to a wrong field,
what was typed kept, nothing saved), audited, and printed on the premium
notice's PDF under "How to pay" with the call's reference as the transfer's
reference; roles and tenants."""

from __future__ import annotations

import io
import re

import pypdf
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.billing import firm_settings
from app.billing.models import PremiumCall
from tests.conftest import add_user, sign_in
from tests.integration.test_billing_stripe import calls_for
from tests.integration.test_contracts import portfolio  # noqa: F401  (fixture)

IBAN = "FR76 3000 6000 0112 3456 7890 189"
COMPACT = IBAN.replace(" ", "")


def stored(bound, tenant) -> tuple:
    with bound(tenant) as session:
        settings = firm_settings.load(session)
        session.commit()
        return settings.bank_account_holder, settings.iban, settings.bic, settings.version


def settings_form(bound, tenant, **values) -> dict:
    """The settings as they stand (Stripe unused), with ``values`` typed over them."""
    version = stored(bound, tenant)[3]
    return {"reminder_days": "5", "email_notices": "y", "stripe_mode": "none", "version": str(version),
            "bank_account_holder": "Cabinet Durand SARL", "iban": IBAN.lower(), "bic": "agrifrpp"} | values


def field_block(page: str, name: str) -> str:
    """The markup of field ``name`` up to the next field: its input and its messages."""
    found = re.search(rf'<input[^>]*name="{name}".*?(?=<label|</fieldset>)', page, re.S)
    assert found, name
    return found.group(0)


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return " ".join(page.extract_text() for page in reader.pages)


def test_an_administrator_sets_the_bank_details_normalised_and_audited(bound, tenant, admin_client):
    response = admin_client.post("/premiums/settings", data=settings_form(bound, tenant))
    assert response.status_code == 303, response.text
    holder, iban, bic, _version = stored(bound, tenant)
    assert (holder, iban, bic) == ("Cabinet Durand SARL", COMPACT, "AGRIFRPP")
    page = admin_client.get("/premiums/settings").text
    assert f'value="{IBAN}"' in page and 'value="AGRIFRPP"' in page and "The billing settings are saved." in page
    with bound(tenant) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "billing_settings.update")
                               .order_by(AuditEntry.id.desc()))
        assert entry.after == {"bank_account_holder": "Cabinet Durand SARL", "iban": COMPACT, "bic": "AGRIFRPP"}
        assert entry.before == {"bank_account_holder": None, "iban": None, "bic": None}
    again = admin_client.post("/premiums/settings", data=settings_form(bound, tenant))
    assert again.status_code == 303
    with bound(tenant) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "billing_settings.update")).all()
        assert len(entries) == 1  # nothing changed the second time: nothing audited


def test_a_bad_iban_is_refused_next_to_its_field_and_what_was_typed_is_kept(bound, tenant, admin_client):
    typed = "FR76 3000 6000 0112 3456 7890 180"
    response = admin_client.post("/premiums/settings", data=settings_form(bound, tenant, iban=typed))
    assert response.status_code == 422
    iban = field_block(response.text, "iban")
    assert "is-invalid" in iban and f'value="{typed}"' in iban
    assert "The IBAN&#39;s check digits do not match the rest" in iban
    assert "is-invalid" not in field_block(response.text, "bic")
    assert stored(bound, tenant)[:3] == (None, None, None)


def test_every_wrong_bank_field_is_named_in_one_submission(bound, tenant, admin_client):
    response = admin_client.post("/premiums/settings", data=settings_form(
        bound, tenant, iban="ZZ12 3456", bic="BNPA", bank_account_holder="", reminder_days="0"))
    assert response.status_code == 422
    assert "This is not a valid IBAN" in field_block(response.text, "iban")
    assert "This is not a valid BIC" in field_block(response.text, "bic")
    assert "Enter the account holder" in field_block(response.text, "bank_account_holder")
    assert "Give a number of days between 1 and 60." in response.text
    assert stored(bound, tenant)[:3] == (None, None, None)


def test_a_holder_without_an_iban_asks_for_the_iban_and_blank_details_clear_them(bound, tenant, admin_client):
    lonely = admin_client.post("/premiums/settings", data=settings_form(bound, tenant, iban="", bic=""))
    assert lonely.status_code == 422 and "Enter the IBAN of the account" in field_block(lonely.text, "iban")
    assert admin_client.post("/premiums/settings", data=settings_form(bound, tenant)).status_code == 303
    cleared = admin_client.post("/premiums/settings", data=settings_form(
        bound, tenant, iban="", bic="", bank_account_holder=""))
    assert cleared.status_code == 303 and stored(bound, tenant)[:3] == (None, None, None)


def test_the_notice_pdf_gives_the_account_and_the_call_reference_to_quote(bound, tenant, portfolio,  # noqa: F811
                                                                          admin_client):
    call_id = calls_for(bound, tenant, portfolio, "NOT-1")[0]
    before = pdf_text(admin_client.get(f"/premiums/calls/{call_id}/notice.pdf"))
    assert "IBAN" not in before and "By bank transfer to" in before
    assert admin_client.post("/premiums/settings", data=settings_form(bound, tenant)).status_code == 303
    text = pdf_text(admin_client.get(f"/premiums/calls/{call_id}/notice.pdf"))
    with bound(tenant) as session:
        reference = session.get(PremiumCall, call_id).reference
    how_to_pay = text.split("How to pay", 1)[1]
    assert IBAN in how_to_pay and COMPACT in how_to_pay.replace(" ", "")
    assert "AGRIFRPP" in how_to_pay and "Cabinet Durand SARL" in how_to_pay
    assert f"with {reference} as the transfer" in " ".join(how_to_pay.split())
    assert re.search(rf"Transfer reference\s+{reference}", how_to_pay)


def test_only_administrators_change_the_bank_details(app, bound, tenant, client_for):
    for email, role in (("manager@example.fr", "manager"), ("handler@example.fr", "handler"),
                        ("reader@example.fr", "readonly")):
        add_user(app, tenant, email, role)
        staff = client_for(tenant)
        assert sign_in(staff, email).status_code == 303
        assert staff.post("/premiums/settings", data=settings_form(bound, tenant)).status_code == 403, role
    assert stored(bound, tenant)[:3] == (None, None, None)


def test_each_firm_prints_its_own_account(bound, tenant, make_tenant, portfolio, client_for,  # noqa: F811
                                          admin_client):
    assert admin_client.post("/premiums/settings", data=settings_form(bound, tenant)).status_code == 303
    other = make_tenant("b")
    other_admin = client_for(other)
    assert sign_in(other_admin, "admin@example.fr").status_code == 303
    assert IBAN not in other_admin.get("/premiums/settings").text
    call_id = calls_for(bound, tenant, portfolio, "NOT-2")[0]
    assert other_admin.get(f"/premiums/calls/{call_id}/notice.pdf").status_code == 404
