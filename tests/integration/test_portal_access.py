"""Portal access: the firm invites a client, the client sets a password or
signs in with a one-time link read from a real SMTP server, sees only their
own contracts and documents, downloads a certificate, manages their
sessions; portal and staff sessions never open each other's pages, nor work
on another firm's host; failed sign-ins are slowed down."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from app.columns import utcnow
from app.crm import services as clients
from app.portal import rules
from app.portal import services as portal
from app.portal.models import PortalAccount
from tests.conftest import sign_in
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401

PASSWORD = "un-mot-de-passe-solide"


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def new_client(bound, tenant, email: str, last_name: str = "Durand", **values) -> int:
    with bound(tenant) as session:
        client = clients.create(session, None, {"kind": "individual", "last_name": last_name, "first_name": "Paul",
                                                "email": email} | values)
        session.commit()
        return client.id


def invite_and_activate(admin_client, client_for, tenant, mailbox, jobs, client_id: int, email: str):
    """The firm invites, the client sets a password; returns the client's signed-in test client."""
    response = admin_client.post(f"/clients/{client_id}/portal/invite")
    assert response.status_code == 303
    jobs()
    browser = client_for(tenant)
    link = path_of(mailbox.link(email))
    assert link.startswith("/portal/invitation/")
    assert browser.get(link).status_code == 200
    response = browser.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].endswith("/portal/")
    return browser


@pytest.fixture
def policyholder(admin_client, client_for, tenant, mailbox, jobs, bound, portfolio):  # noqa: F811
    """Léa Martin of ``portfolio`` (one motor contract), invited and signed in."""
    with bound(tenant) as session:
        from app.crm.models import Client
        session.get(Client, portfolio["client"]).email = "lea.martin@example.fr"
        session.commit()
    browser = invite_and_activate(admin_client, client_for, tenant, mailbox, jobs, portfolio["client"],
                                  "lea.martin@example.fr")
    return browser


def test_an_invited_client_sets_a_password_and_sees_their_contract(policyholder, portfolio):
    page = policyholder.get("/portal/")
    assert page.status_code == 200
    assert "motor policy" in page.text and "P-" in page.text
    detail = policyholder.get(f"/portal/contracts/{portfolio['contract']}")
    assert detail.status_code == 200 and "Third-party liability" in detail.text


def test_the_invitation_link_works_once(admin_client, client_for, tenant, mailbox, jobs, bound):
    client_id = new_client(bound, tenant, "once@example.fr")
    invite_and_activate(admin_client, client_for, tenant, mailbox, jobs, client_id, "once@example.fr")
    again = client_for(tenant).get(path_of(mailbox.link("once@example.fr")))
    assert again.status_code == 410


def test_password_sign_in_and_sign_out(policyholder, client_for, tenant):
    browser = client_for(tenant)
    assert browser.get("/portal/").status_code == 302
    response = browser.post("/portal/login", data={"email": "lea.martin@example.fr", "password": PASSWORD})
    assert response.status_code == 303
    assert browser.get("/portal/").status_code == 200
    assert browser.post("/portal/logout").status_code == 303
    assert browser.get("/portal/").status_code == 302


def test_wrong_password_is_refused_and_repeated_failures_are_slowed_down(policyholder, client_for, tenant, bound):
    browser = client_for(tenant)
    for _ in range(rules.FREE_ATTEMPTS):
        response = browser.post("/portal/login", data={"email": "lea.martin@example.fr", "password": "wrong-one-!"})
        assert response.status_code == 401 and "Wrong email or password" in response.text
    throttled = browser.post("/portal/login", data={"email": "lea.martin@example.fr", "password": PASSWORD})
    assert throttled.status_code == 429 and "Too many failed attempts" in throttled.text
    with bound(tenant) as session:
        account = portal._find(session, "lea.martin@example.fr")
        retry_at = rules.retry_allowed_at(account.last_failure_at, account.failed_attempts)
        assert retry_at is not None
        assert portal.authenticate(session, "lea.martin@example.fr", PASSWORD, now=retry_at + timedelta(seconds=1))


def test_a_one_time_sign_in_link_from_the_mailbox_works_once(policyholder, client_for, tenant, mailbox, jobs):
    browser = client_for(tenant)
    mailbox.messages.clear()
    assert browser.post("/portal/login/link", data={"email": "lea.martin@example.fr"}).status_code == 303
    jobs()
    link = path_of(mailbox.link("lea.martin@example.fr"))
    assert browser.get(link).status_code == 200          # a mail scanner's GET spends nothing
    assert browser.post(link).status_code == 303
    assert browser.get("/portal/").status_code == 200
    assert client_for(tenant).post(link).status_code == 410


def test_a_link_for_an_unknown_address_sends_nothing_and_says_the_same(client_for, tenant, mailbox, jobs):
    response = client_for(tenant).post("/portal/login/link", data={"email": "nobody@example.fr"})
    assert response.status_code == 303
    jobs()
    assert mailbox.messages == []


def test_another_clients_contract_and_documents_are_not_found(policyholder, bound, tenant, portfolio):  # noqa: F811
    other_id = new_client(bound, tenant, "autre@example.fr", last_name="Autre")
    other_contract = make_contract(bound, tenant, client_id=other_id, insurer_id=portfolio["insurer"],
                                   policy_number="OTHER-1")
    with bound(tenant) as session:
        from app.documents import services as documents
        document = documents.store(session, None, content=b"%PDF-1.4 conditions", filename="cp.pdf",
                                   kind="specific_conditions", client_id=other_id, content_type="application/pdf")
        document.contract_id = other_contract
        session.commit()
        document_id = document.id
    assert "OTHER-1" not in policyholder.get("/portal/").text
    assert policyholder.get(f"/portal/contracts/{other_contract}").status_code == 404
    assert policyholder.get(f"/portal/contracts/{other_contract}/attestation").status_code == 404
    assert policyholder.get(f"/portal/documents/{document_id}").status_code == 404


def test_the_client_downloads_their_own_documents_but_not_internal_ones(policyholder, bound, tenant, portfolio):
    with bound(tenant) as session:
        from app.documents import services as documents
        shared = documents.store(session, None, content=b"%PDF-1.4 cg", filename="cg.pdf", kind="general_conditions",
                                 client_id=portfolio["client"], content_type="application/pdf")
        internal = documents.store(session, None, content=b"%PDF-1.4 id", filename="id.pdf", kind="id_card",
                                   client_id=portfolio["client"], content_type="application/pdf")
        shared.contract_id = internal.contract_id = portfolio["contract"]
        session.commit()
        shared_id, internal_id = shared.id, internal.id
    assert "cg.pdf" in policyholder.get(f"/portal/contracts/{portfolio['contract']}").text or \
        "General conditions" in policyholder.get(f"/portal/contracts/{portfolio['contract']}").text
    assert policyholder.get(f"/portal/documents/{shared_id}").status_code == 200
    assert policyholder.get(f"/portal/documents/{internal_id}").status_code == 404


def test_a_contract_missing_what_its_certificate_must_state_gets_none_and_a_clear_message(policyholder,
                                                                                          portfolio):
    response = policyholder.get(f"/portal/contracts/{portfolio['contract']}/attestation", follow_redirects=True)
    assert response.status_code == 200 and "No certificate can be issued" in response.text


def test_the_certificate_is_issued_on_demand_then_reused(policyholder, portfolio, bound, tenant):
    contract_id = make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"],
                                policy_number="AUTO-77", effective_date=date.today() - timedelta(days=30), risk={"vehicle": "Peugeot 208", "registration": "GH-123-JK"})
    first = policyholder.get(f"/portal/contracts/{contract_id}/attestation")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first.data)).pages)
    assert "Martin" in text and "GH-123-JK" in text
    second = policyholder.get(f"/portal/contracts/{contract_id}/attestation")
    assert second.data == first.data
    with bound(tenant) as session:
        from sqlalchemy import func, select
        from app.contracts.models import Attestation
        assert session.scalar(select(func.count()).select_from(Attestation)) == 1


def test_a_portal_session_never_opens_the_workspace_and_a_staff_session_never_the_portal(policyholder, admin_client):
    assert policyholder.get("/clients").status_code == 302
    assert policyholder.get("/").status_code == 302
    assert admin_client.get("/portal/").status_code == 302


def test_a_portal_session_does_not_work_on_another_firms_host(policyholder, make_tenant, app, tenant):
    from tests.conftest import host_client
    other = make_tenant("autre")
    foreign = host_client(app, f"{other.slug}.localhost")
    cookie = policyholder.get_cookie("session", domain=f"{tenant.slug}.localhost")
    assert cookie is not None
    foreign.set_cookie("session", cookie.value, domain=f"{other.slug}.localhost")
    assert foreign.get("/portal/").status_code == 302


def test_the_client_sees_and_ends_their_sessions_and_a_password_change_ends_the_others(policyholder, client_for,
                                                                                       tenant, bound):
    second = client_for(tenant)
    assert second.post("/portal/login", data={"email": "lea.martin@example.fr", "password": PASSWORD}).status_code == 303
    page = policyholder.get("/portal/account")
    assert page.status_code == 200 and page.text.count("portal/account/sessions/") == 2
    new = "un-autre-mot-de-passe"
    bad = policyholder.post("/portal/account/password", data={"current": "nope-nope-nope", "password": new,
                                                              "confirm": new})
    assert bad.status_code == 422 and "current password is not right" in bad.text
    assert policyholder.post("/portal/account/password", data={"current": PASSWORD, "password": new,
                                                               "confirm": new}).status_code == 303
    assert second.get("/portal/").status_code == 302
    assert policyholder.get("/portal/").status_code == 200


def test_a_client_cannot_end_someone_elses_session(policyholder, admin_client, client_for, tenant, mailbox, jobs,
                                                  bound):
    other_id = new_client(bound, tenant, "b@example.fr", last_name="Bernard")
    other = invite_and_activate(admin_client, client_for, tenant, mailbox, jobs, other_id, "b@example.fr")
    with bound(tenant) as session:
        account = portal._find(session, "b@example.fr")
        other_session = portal.live_sessions(session, account.id)[0].id
    assert policyholder.post(f"/portal/account/sessions/{other_session}/end").status_code == 404
    assert other.get("/portal/").status_code == 200


def test_the_firm_disables_an_account_and_its_sessions_end(policyholder, admin_client, bound, tenant, portfolio):
    with bound(tenant) as session:
        account = portal._find(session, "lea.martin@example.fr")
        account_id, version = account.id, account.version
    response = admin_client.post(f"/clients/{portfolio['client']}/portal/accounts/{account_id}/active",
                                 data={"active": "0", "version": version})
    assert response.status_code == 303
    assert policyholder.get("/portal/").status_code == 302
    stale = admin_client.post(f"/clients/{portfolio['client']}/portal/accounts/{account_id}/active",
                              data={"active": "1", "version": version}, follow_redirects=True)
    assert "changed this client space meanwhile" in stale.text


def test_a_business_contact_sees_the_business_contracts(admin_client, client_for, tenant, mailbox, jobs, bound,
                                                        portfolio):  # noqa: F811
    with bound(tenant) as session:
        business = clients.create(session, None, {"kind": "business", "legal_name": "Boulangerie Lefèvre",
                                                  "siren": "732829320"})
        session.flush()
        from app.crm.models import Contact
        contact = Contact(client_id=business.id, first_name="Anne", last_name="Lefèvre", email="anne@lefevre.fr",
                          is_primary=True)
        session.add(contact)
        session.commit()
        business_id, contact_id = business.id, contact.id
    contract = make_contract(bound, tenant, client_id=business_id, insurer_id=portfolio["insurer"],
                             policy_number="PRO-1", line="motor")
    refused = admin_client.post(f"/clients/{business_id}/portal/invite", follow_redirects=True)
    assert "choose which of its contacts" in refused.text
    assert admin_client.post(f"/clients/{business_id}/portal/invite",
                             data={"contact_id": contact_id}).status_code == 303
    jobs()
    browser = client_for(tenant)
    link = path_of(mailbox.link("anne@lefevre.fr"))
    assert browser.post(link, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 303
    assert browser.get(f"/portal/contracts/{contract}").status_code == 200
    assert browser.get(f"/portal/contracts/{portfolio['contract']}").status_code == 404


def test_the_client_page_loads_its_client_space_section(admin_client, portfolio):
    page = admin_client.get(f"/clients/{portfolio['client']}")
    assert f"/clients/{portfolio['client']}/portal" in page.text
    section = admin_client.get(f"/clients/{portfolio['client']}/portal", headers={"HX-Request": "true"})
    assert section.status_code == 200 and 'data-testid="client-portal"' in section.text
    assert "<html" not in section.text


def test_staff_portal_routes_check_roles_and_tenants(admin_client, readonly_client, other_firm_client, portfolio):
    assert readonly_client.get(f"/clients/{portfolio['client']}/portal").status_code == 200
    assert readonly_client.post(f"/clients/{portfolio['client']}/portal/invite").status_code == 403
    assert other_firm_client.get(f"/clients/{portfolio['client']}/portal").status_code == 404
    assert other_firm_client.post(f"/clients/{portfolio['client']}/portal/invite").status_code == 404
    assert admin_client.post(f"/clients/{portfolio['client']}/portal/invite").status_code == 303
    nobody_email = admin_client.post(f"/clients/{portfolio['client']}/portal/invite", follow_redirects=True)
    assert "has no email address" in nobody_email.text


def test_the_session_table_keeps_only_a_digest_of_the_cookie_token(policyholder, bound, tenant, app):
    from flask.sessions import SecureCookieSessionInterface
    from sqlalchemy import select
    from app.portal.models import PortalSession

    cookie = policyholder.get_cookie("session", domain=f"{tenant.slug}.localhost")
    token = SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie.value)["portal"]
    with bound(tenant) as session:
        digests = set(session.scalars(select(PortalSession.token_digest)))
        assert PortalSession.digest(token) in digests and token not in digests
        assert session.scalar(select(PortalAccount.failed_attempts)) == 0
        assert utcnow() - session.scalar(select(PortalSession.last_seen_at)) < rules.SESSION_IDLE_LIMIT
