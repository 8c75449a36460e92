"""A claim's disputes: mediation (a proposal, a counter-proposal that
supersedes it, the accepted compromise that closes the dispute), then
litigation with a lawyer of the directory, hearings that give the claim's
handler a dated high-priority task, papers kept in the workspace and sent
to the lawyer over real SMTP, the outcome; validation (422, typed values
kept), stale versions (409), roles (403) and another firm (404)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.claims import services as claims
from app.claims.dispute_models import ClaimDispute, DisputeHearing, DisputeProposal
from app.claims.models import ClaimAttachment, ClaimEvent
from app.contracts.models import Contract
from app.crm.models import Task
from app.providers.models import Provider
from tests.conftest import add_user
from tests.integration.test_contracts import make_contract, other_firm_client, portfolio, readonly_client  # noqa: F401

TODAY = date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def make_claim(bound, tenant, portfolio, *, handler_id=None, number="MRH-D") -> int:  # noqa: F811
    """A fire claim on a home contract of ``portfolio``'s client, entered by phone 18 days ago."""
    contract_id = make_contract(bound, tenant, client_id=portfolio["client"], insurer_id=portfolio["insurer"],
                                line="home", policy_number=number)
    with bound(tenant) as session:
        claim = claims.declare(session, None, session.get(Contract, contract_id), "fire", {
            "occurred_on": TODAY - timedelta(days=20), "place": "12 rue des Lilas, Lyon",
            "circumstances": "Feu de cuisine."}, [], channel="phone", today=TODAY - timedelta(days=18))
        claim.handler_id = handler_id
        session.commit()
        return claim.id


def add_provider(bound, tenant, kind: str, name: str, email: str | None) -> int:
    with bound(tenant) as session:
        provider = Provider(kind=kind, name=name, email=email, contact_name=None, specialties=[], areas=[])
        session.add(provider)
        session.commit()
        return provider.id


def the_dispute(bound, tenant) -> tuple[int, int]:
    with bound(tenant) as session:
        dispute = session.scalar(select(ClaimDispute).order_by(ClaimDispute.id.desc()))
        return dispute.id, dispute.version


def open_one(admin_client, claim_id: int, **changes):
    data = {"origin": "client_contests", "summary": "Le client conteste la vétusté appliquée.",
            "opened_on": (TODAY - timedelta(days=5)).isoformat(), "mediator": "Mme Rey"} | changes
    return admin_client.post(f"/claims/{claim_id}/disputes/new", data=data)


def kinds(bound, tenant, claim_id: int) -> list[str]:
    """The claim's timeline, without the automatic take-up (status and handler) entries."""
    with bound(tenant) as session:
        return list(session.scalars(select(ClaimEvent.kind).where(
            ClaimEvent.claim_id == claim_id, ClaimEvent.kind.not_in(("status_changed", "assigned")))
            .order_by(ClaimEvent.id)))


@pytest.fixture
def claim_id(bound, tenant, portfolio):  # noqa: F811
    return make_claim(bound, tenant, portfolio)


def test_mediation_proposal_counter_and_compromise(admin_client, bound, tenant, claim_id):
    empty = admin_client.get(f"/claims/{claim_id}/disputes")
    assert empty.status_code == 200 and 'data-testid="no-dispute"' in empty.text
    assert open_one(admin_client, claim_id).status_code == 303
    dispute_id, version = the_dispute(bound, tenant)
    base = f"/claims/{claim_id}/disputes/{dispute_id}"
    first = admin_client.post(f"{base}/proposals", data={
        "side": "firm", "amount": "1 200,00", "made_on": (TODAY - timedelta(days=4)).isoformat(),
        "note": "Offre initiale", "version": version})
    assert first.status_code == 303
    stale = admin_client.post(f"{base}/proposals", data={"side": "client", "amount": "2000", "version": version,
                                                         "made_on": TODAY.isoformat()})
    assert stale.status_code == 409 and "changed this dispute meanwhile" in stale.text
    _id, version = the_dispute(bound, tenant)
    counter = admin_client.post(f"{base}/proposals", data={
        "side": "client", "amount": "2000", "made_on": (TODAY - timedelta(days=3)).isoformat(), "version": version})
    assert counter.status_code == 303
    with bound(tenant) as session:
        proposals = list(session.scalars(select(DisputeProposal).order_by(DisputeProposal.id)))
        assert [(p.side, p.amount, p.status) for p in proposals] == [
            ("firm", Decimal("1200.00"), "superseded"), ("client", Decimal("2000.00"), "open")]
        counter_id = proposals[1].id
    page = admin_client.get(f"/claims/{claim_id}/disputes")
    assert "Superseded" in page.text and "Offre initiale" in page.text and "In dispute" in page.text
    _id, version = the_dispute(bound, tenant)
    accepted = admin_client.post(f"{base}/proposals/{counter_id}/accept",
                                 data={"accepted_on": TODAY.isoformat(), "version": version})
    assert accepted.status_code == 303
    with bound(tenant) as session:
        dispute = session.get(ClaimDispute, dispute_id)
        assert (dispute.stage, dispute.compromise_amount, dispute.compromise_on, dispute.closed_on) == (
            "closed", Decimal("2000.00"), TODAY, TODAY)
        assert session.get(DisputeProposal, counter_id).status == "accepted"
    page = admin_client.get(f"/claims/{claim_id}/disputes")
    assert 'data-testid="compromise"' in page.text and "In dispute" not in page.text
    assert kinds(bound, tenant, claim_id)[-4:] == ["dispute_opened", "proposal_made", "proposal_made",
                                                   "proposal_accepted"]
    late = admin_client.post(f"{base}/proposals", data={"side": "firm", "amount": "10", "made_on": TODAY.isoformat(),
                                                        "version": the_dispute(bound, tenant)[1]})
    assert late.status_code == 422 and "no longer at a stage" in late.text


def test_a_refused_proposal_keeps_mediation_open(admin_client, bound, tenant, claim_id):
    open_one(admin_client, claim_id)
    dispute_id, version = the_dispute(bound, tenant)
    base = f"/claims/{claim_id}/disputes/{dispute_id}"
    admin_client.post(f"{base}/proposals", data={"side": "third_party", "amount": "800", "version": version,
                                                 "made_on": TODAY.isoformat()})
    with bound(tenant) as session:
        proposal_id = session.scalar(select(DisputeProposal.id))
    refused = admin_client.post(f"{base}/proposals/{proposal_id}/refuse",
                                data={"version": the_dispute(bound, tenant)[1]})
    assert refused.status_code == 303
    again = admin_client.post(f"{base}/proposals/{proposal_id}/accept",
                              data={"accepted_on": TODAY.isoformat(), "version": the_dispute(bound, tenant)[1]})
    assert again.status_code == 422 and "no longer open" in again.text
    with bound(tenant) as session:
        assert session.get(DisputeProposal, proposal_id).status == "refused"
        assert session.get(ClaimDispute, dispute_id).stage == "mediation"
    assert kinds(bound, tenant, claim_id)[-1] == "proposal_refused"


def test_forms_check_amounts_dates_and_keep_what_was_typed(admin_client, bound, tenant, claim_id):
    missing = open_one(admin_client, claim_id, summary="", mediator="Médiateur typé")
    assert missing.status_code == 422 and "This field is required" in missing.text
    assert "Médiateur typé" in missing.text
    future = open_one(admin_client, claim_id, opened_on=(TODAY + timedelta(days=1)).isoformat())
    assert future.status_code == 422 and "in the future" in future.text
    before_loss = open_one(admin_client, claim_id, opened_on=(TODAY - timedelta(days=60)).isoformat())
    assert before_loss.status_code == 422 and "comes before" in before_loss.text
    assert open_one(admin_client, claim_id, origin="nonsense").status_code == 422
    assert open_one(admin_client, claim_id).status_code == 303
    second = open_one(admin_client, claim_id)
    assert second.status_code == 422 and "already has an open dispute" in second.text
    dispute_id, version = the_dispute(bound, tenant)
    url = f"/claims/{claim_id}/disputes/{dispute_id}/proposals"
    for amount, message in (("abc", "Enter an amount"), ("-5", "above zero"), ("0", "above zero"),
                            ("99999999999999", "too large"), ("", "required"), ("NaN", "Enter an amount")):
        response = admin_client.post(url, data={"side": "firm", "amount": amount, "made_on": TODAY.isoformat(),
                                                "note": "Note gardée", "version": version})
        assert response.status_code == 422 and message in response.text, amount
        assert "Note gardée" in response.text
    too_early = admin_client.post(url, data={"side": "firm", "amount": "10", "version": version,
                                             "made_on": (TODAY - timedelta(days=6)).isoformat()})
    assert too_early.status_code == 422 and "comes before" in too_early.text
    garbage_date = admin_client.post(url, data={"side": "firm", "amount": "10", "made_on": "hier", "version": version})
    assert garbage_date.status_code == 422 and "Enter a date" in garbage_date.text
    with bound(tenant) as session:
        assert session.scalar(select(DisputeProposal)) is None
    close = admin_client.post(f"/claims/{claim_id}/disputes/{dispute_id}/close", data={
        "outcome": "", "awarded_amount": "beaucoup", "closed_on": TODAY.isoformat(), "version": version})
    assert close.status_code == 422 and "This field is required" in close.text and "Enter an amount" in close.text
    assert admin_client.post(f"/claims/{claim_id}/disputes/999999/close", data={"version": version}).status_code == 404


def test_litigation_with_lawyer_hearing_task_papers_by_email_and_outcome(app, admin_client, bound, tenant, portfolio,
                                                                         mailbox, jobs):
    handler_id = add_user(app, tenant, "handler@example.fr", "handler")
    claim_id = make_claim(bound, tenant, portfolio, handler_id=handler_id)
    open_one(admin_client, claim_id, origin="third_party_sues", summary="Le voisin assigne pour ses dégâts.")
    dispute_id, version = the_dispute(bound, tenant)
    base = f"/claims/{claim_id}/disputes/{dispute_id}"
    page = admin_client.get(f"/claims/{claim_id}/disputes")
    assert 'data-testid="no-lawyer"' in page.text and 'href="/providers' in page.text
    expert_id = add_provider(bound, tenant, "expert", "Cabinet Expertis", "expertis@example.fr")
    lawyer_id = add_provider(bound, tenant, "lawyer", "Maître Durand", "durand@avocats.example")
    admin_client.post(f"{base}/proposals", data={"side": "firm", "amount": "500", "made_on": TODAY.isoformat(),
                                                 "version": version})
    version = the_dispute(bound, tenant)[1]
    litigation = {"lawyer_id": expert_id, "court": "Tribunal judiciaire de Lyon", "case_number": "RG 26/01234",
                  "started_on": TODAY.isoformat(), "version": version}
    wrong = admin_client.post(f"{base}/litigation", data=litigation)
    assert wrong.status_code == 422 and "Choose a lawyer" in wrong.text and "RG 26/01234" in wrong.text
    assert admin_client.post(f"{base}/litigation", data=litigation | {"lawyer_id": lawyer_id}).status_code == 303
    with bound(tenant) as session:
        dispute = session.get(ClaimDispute, dispute_id)
        assert (dispute.stage, dispute.lawyer_id, dispute.case_number) == ("litigation", lawyer_id, "RG 26/01234")
        assert session.scalar(select(DisputeProposal.status)) == "refused"
        version = dispute.version
    hearing_day = TODAY + timedelta(days=30)
    past = admin_client.post(f"{base}/hearings", data={"kind": "hearing", "at_date": "2020-01-06", "at_time": "10:00",
                                                       "place": "Salle 3", "version": version})
    assert past.status_code == 422 and "already past" in past.text and "Salle 3" in past.text
    bad_kind = admin_client.post(f"{base}/hearings", data={"kind": "party", "at_date": hearing_day.isoformat(),
                                                           "version": version})
    assert bad_kind.status_code == 422
    scheduled = admin_client.post(f"{base}/hearings", data={
        "kind": "hearing", "at_date": hearing_day.isoformat(), "at_time": "14:30", "place": "Salle 3",
        "hearing_note": "Plaidoiries", "version": version})
    assert scheduled.status_code == 303
    with bound(tenant) as session:
        hearing = session.scalar(select(DisputeHearing))
        task = session.get(Task, hearing.task_id)
        assert (task.due_on, task.assignee_id, task.priority, task.source_type, task.source_id) == (
            hearing_day, handler_id, "high", "claim", claim_id)
        assert task.title.startswith("Audience le") and "SIN-" in task.title  # tasks are in the firm's language
    upload = admin_client.post(f"/claims/{claim_id}/disputes/papers", content_type="multipart/form-data", data={
        "papers": [(io.BytesIO(PDF), "assignation.pdf"), (io.BytesIO(PDF), "conclusions.pdf")]})
    assert upload.status_code == 303
    renamed = admin_client.post(f"/claims/{claim_id}/disputes/papers", content_type="multipart/form-data",
                                data={"papers": [(io.BytesIO(b"MZ\x90\x00 program"), "photo.pdf")]})
    assert renamed.status_code == 422 and "PDF documents only" in renamed.text
    assert admin_client.post(f"/claims/{claim_id}/disputes/papers", data={}).status_code == 422
    with bound(tenant) as session:
        papers = list(session.scalars(select(ClaimAttachment).where(ClaimAttachment.category == "litigation")))
        assert len(papers) == 2 and not any(item.visible_to_client for item in papers)
        paper_ids = [item.id for item in papers]
    page = admin_client.get(f"/claims/{claim_id}/disputes")
    assert "assignation.pdf" in page.text and "Tribunal judiciaire de Lyon" in page.text and "Plaidoiries" in page.text
    nothing = admin_client.post(f"/claims/{claim_id}/disputes/papers/send",
                                data={"provider_id": lawyer_id, "attachment_ids": []})
    assert nothing.status_code == 422 and "at least one document" in nothing.text
    sent = admin_client.post(f"/claims/{claim_id}/disputes/papers/send", data={
        "provider_id": lawyer_id, "attachment_ids": paper_ids, "message": "Pour l'audience du mois prochain."})
    assert sent.status_code == 303
    jobs()
    received = mailbox.to("durand@avocats.example")
    assert received and "SIN-" in received[-1]["Subject"]
    names = sorted(part.get_filename() for part in received[-1].iter_attachments())
    assert names == ["assignation.pdf", "conclusions.pdf"]
    assert "Pour l'audience du mois prochain." in mailbox.text(received[-1])
    version = the_dispute(bound, tenant)[1]
    assert admin_client.post(f"{base}/proposals", data={"side": "firm", "amount": "10", "made_on": TODAY.isoformat(),
                                                        "version": version}).status_code == 422
    closed = admin_client.post(f"{base}/close", data={"outcome": "Le tiers est débouté de ses demandes.",
                                                      "awarded_amount": "0", "closed_on": TODAY.isoformat(),
                                                      "version": version})
    assert closed.status_code == 303
    with bound(tenant) as session:
        dispute = session.get(ClaimDispute, dispute_id)
        assert (dispute.stage, dispute.awarded_amount, dispute.closed_on) == ("closed", Decimal("0.00"), TODAY)
    assert "Le tiers est débouté" in admin_client.get(f"/claims/{claim_id}/disputes").text
    assert [kind for kind in kinds(bound, tenant, claim_id) if kind != "proposal_made"][-5:] == [
        "litigation_started", "hearing_scheduled", "document_added", "documents_sent", "dispute_closed"]


def test_routes_check_roles_and_tenants(admin_client, readonly_client, other_firm_client, bound, tenant, claim_id):
    open_one(admin_client, claim_id)
    dispute_id, version = the_dispute(bound, tenant)
    base = f"/claims/{claim_id}/disputes"
    posts = ["/new", f"/{dispute_id}/proposals", f"/{dispute_id}/proposals/1/accept",
             f"/{dispute_id}/proposals/1/refuse", f"/{dispute_id}/litigation", f"/{dispute_id}/hearings", f"/{dispute_id}/close", "/papers", "/papers/send"]
    page = readonly_client.get(base)
    assert page.status_code == 200 and 'data-testid="proposal-form"' not in page.text
    assert other_firm_client.get(base).status_code == 404
    for path in posts:
        assert readonly_client.post(base + path, data={"version": version}).status_code == 403, path
        assert other_firm_client.post(base + path, data={"version": version}).status_code == 404, path
