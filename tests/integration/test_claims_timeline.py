"""A claim's timeline: entries of every side (client, firm, insurer,
system), newest first, filtered by side and by part of the handling,
exported as CSV and XLSX; the claim's documents with who sees them, and
sharing one with the client changes what the portal shows; roles and
tenants."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from app.claims import timeline
from app.auth.models import User
from app.claims.models import Claim, ClaimAttachment, ClaimEvent
from tests.integration.test_claims_disputes import PDF, make_claim, open_one
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401
from tests.integration.test_portal_access import new_client, policyholder  # noqa: F401
from tests.integration.test_portal_claims import declare, home


def test_the_timeline_shows_every_side_in_order_and_filters(policyholder, admin_client, bound, tenant, portfolio):
    contract_id = home(bound, tenant, portfolio)
    assert declare(policyholder, contract_id).status_code == 303
    with bound(tenant) as session:
        claim = session.scalar(select(Claim))
        claim_id = claim.id
        timeline.record(session, None, claim, "insurer_acknowledged", "Accusé de réception AXA",
                        {"insurer_reference": "AX-1"}, side="insurer")
        timeline.record(session, None, claim, "expert_reminder", "Relance automatique", {"due_on": "2026-03-02"},
                        side="system")
        session.commit()
    admin_client.post(f"/claims/{claim_id}/messages", data={"body": "Un expert passera jeudi."})
    open_one(admin_client, claim_id, opened_on=date.today().isoformat())
    page = admin_client.get(f"/claims/{claim_id}/timeline")
    assert page.status_code == 200
    order = [page.text.index(f'data-kind="{kind}"') for kind in
             ("dispute_opened", "message_firm", "expert_reminder", "insurer_acknowledged", "declared")]
    assert order == sorted(order)
    for words in ("Dispute opened", "Message to the client", "Insurer acknowledged the claim", "Claim declared",
                  "Accusé de réception AXA", "Mme Rey", "Client space"):
        assert words in page.text, words
    assert 'data-side="client"' in page.text and 'data-side="system"' in page.text
    client_only = admin_client.get(f"/claims/{claim_id}/timeline?side=client")
    assert 'data-kind="declared"' in client_only.text and 'data-kind="message_firm"' not in client_only.text
    disputes = admin_client.get(f"/claims/{claim_id}/timeline?group=dispute")
    assert 'data-kind="dispute_opened"' in disputes.text and 'data-kind="declared"' not in disputes.text
    odd = admin_client.get(f"/claims/{claim_id}/timeline?side=nobody&group=nothing")
    assert odd.status_code == 200 and 'data-kind="declared"' in odd.text
    csv = admin_client.get(f"/claims/{claim_id}/timeline.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("When;What;Side") and "Dispute opened" in lines[1] and "Claim declared" in lines[-1]
    filtered = admin_client.get(f"/claims/{claim_id}/timeline.csv?side=insurer").data.decode("utf-8-sig")
    assert len(filtered.splitlines()) == 2 and "AXA" in filtered
    sheet = load_workbook(io.BytesIO(admin_client.get(f"/claims/{claim_id}/timeline.xlsx").data)).active
    assert sheet.max_row == len(lines)
    assert admin_client.get(f"/claims/{claim_id}/timeline.pdf").status_code == 404
    assert f'href="/claims/{claim_id}#messages"' in page.text


def test_sharing_a_document_changes_what_the_portal_shows(policyholder, admin_client, bound, tenant, portfolio):
    claim_id = make_claim(bound, tenant, portfolio)
    admin_client.post(f"/claims/{claim_id}/disputes/papers", content_type="multipart/form-data",
                      data={"papers": [(io.BytesIO(PDF), "rapport-contradictoire.pdf")]})
    with bound(tenant) as session:
        attachment_id = session.scalar(select(ClaimAttachment.id).where(ClaimAttachment.category == "litigation"))
    portal_file = f"/portal/claims/{claim_id}/attachments/{attachment_id}"
    assert policyholder.get(portal_file).status_code == 404
    page = admin_client.get(f"/claims/{claim_id}/timeline")
    assert "rapport-contradictoire.pdf" in page.text and "Workspace only" in page.text
    shared = admin_client.post(f"/claims/{claim_id}/attachments/{attachment_id}/share", data={"shared": "yes"})
    assert shared.status_code == 303
    assert policyholder.get(portal_file).data.startswith(b"%PDF")
    assert f"attachments/{attachment_id}" in policyholder.get(f"/portal/claims/{claim_id}").text
    assert "Client sees it" in admin_client.get(f"/claims/{claim_id}/timeline").text
    assert admin_client.post(f"/claims/{claim_id}/attachments/{attachment_id}/share",
                             data={"shared": "no"}).status_code == 303
    assert policyholder.get(portal_file).status_code == 404
    with bound(tenant) as session:
        events = list(session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id,
                                                               ClaimEvent.kind.in_(("document_added", "document_shared")))
                                      .order_by(ClaimEvent.id)))
        assert [event.details.get("visible_to_client") for event in events] == [False, True, False]


def test_timeline_routes_check_roles_and_tenants(admin_client, readonly_client, other_firm_client, bound, tenant,
                                                 portfolio):
    claim_id = make_claim(bound, tenant, portfolio)
    other_id = make_claim(bound, tenant, portfolio, number="MRH-F")
    admin_client.post(f"/claims/{claim_id}/disputes/papers", content_type="multipart/form-data",
                      data={"papers": [(io.BytesIO(PDF), "piece.pdf")]})
    with bound(tenant) as session:
        attachment_id = session.scalar(select(ClaimAttachment.id))
    share = f"/claims/{claim_id}/attachments/{attachment_id}/share"
    page = readonly_client.get(f"/claims/{claim_id}/timeline")
    assert page.status_code == 200 and "Share with the client" not in page.text
    assert readonly_client.get(f"/claims/{claim_id}/timeline.csv").status_code == 200
    assert readonly_client.post(share, data={"shared": "yes"}).status_code == 403
    assert admin_client.post(f"/claims/{other_id}/attachments/{attachment_id}/share",
                             data={"shared": "yes"}).status_code == 404
    for path in ("timeline", "timeline.csv"):
        assert other_firm_client.get(f"/claims/{claim_id}/{path}").status_code == 404
    assert other_firm_client.post(share, data={"shared": "yes"}).status_code == 404
    with bound(tenant) as session:
        assert not session.get(ClaimAttachment, attachment_id).visible_to_client


def test_the_first_handling_step_takes_the_claim_up(admin_client, bound, tenant, portfolio):
    """A declared, unassigned claim becomes "being handled" and the handler's at the firm's first step of
    handling; the insurer's answers and the client's messages do not count."""
    claim_id = make_claim(bound, tenant, portfolio)
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        claim.handler_id = None
        session.commit()
        assert claim.status == "declared"
    assert admin_client.post(f"/claims/{claim_id}/messages", data={"body": "Nous avons bien reçu vos photos."}
                             ).status_code == 303
    with bound(tenant) as session:
        claim = session.get(Claim, claim_id)
        admin = session.scalar(select(User).where(User.role == "admin"))
        assert (claim.status, claim.handler_id) == ("in_progress", admin.id)
        automatic = list(session.scalars(select(ClaimEvent).where(
            ClaimEvent.claim_id == claim_id, ClaimEvent.kind.in_(("status_changed", "assigned")))))
        assert sorted(event.kind for event in automatic) == ["assigned", "status_changed"]
