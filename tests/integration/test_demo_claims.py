"""`make run`'s demo firm has a claims desk that looks alive: about forty
claims over ten months at every status, with cover checks, experts,
liability, damages, reserves, payments, a recourse, a mediation, a lawsuit
and letters; a dozen complaints with each outcome; made once (a second start
adds nothing), and the desk's pages answer for the demo admin.

``ensure_demo`` declares the client space's single claim before the claims
desk is added, so this also covers a demo firm made before the claims desk
existed: one with only that claim gets the desk on its next start."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from app.claims.dispute_models import ClaimDispute, DisputeHearing, DisputeProposal
from app.claims.models import Claim, ClaimEvent, ExpertMission, LiabilityCase
from app.claims.settlement_models import ClaimDamage, ClaimPayment, ClaimRecourse, ClaimReserve
from app.complaints.models import Complaint
from app.contracts.models import Letter
from app.crm.models import Task
from app.providers.models import Provider

TABS = ("", "/cover", "/expertise", "/liability", "/settlement", "/disputes", "/letters", "/timeline")
MODELS = (Claim, ClaimEvent, ExpertMission, ClaimDamage, ClaimReserve, ClaimPayment, ClaimRecourse, ClaimDispute,
          Complaint, Letter, Provider, LiabilityCase, Task)


def _counts(session) -> tuple:
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in MODELS)


def _by(session, column) -> dict:
    return dict(session.execute(select(column, func.count()).group_by(column)).all())


def _check_claims(session, today: date) -> None:
    claims = session.scalars(select(Claim)).all()
    assert len(claims) >= 35
    statuses = _by(session, Claim.status)
    assert statuses["declared"] >= 5 and statuses["with_insurer"] >= 5 and statuses["in_progress"] >= 5
    assert statuses["settled"] >= 3 and statuses["closed"] >= 8
    assert {"phone", "letter", "email", "portal"} <= set(_by(session, Claim.channel))
    assert len({claim.handler_id for claim in claims if claim.handler_id}) >= 3
    assert sum(1 for claim in claims if claim.handler_id is None and claim.status == "declared") >= 2
    declared = sorted(claim.declared_on for claim in claims)
    assert declared[0] >= today - timedelta(days=320) and (declared[-1] - declared[0]).days >= 200
    assert {"covered", "partial", "not_covered"} <= set(_by(session, Claim.cover_decision))
    assert any(claim.cover_override_reason for claim in claims)
    assert {"settled", "no_cover", "withdrawn", "below_deductible", "no_follow_up"} <= set(
        _by(session, Claim.closed_reason))
    reopened = [claim for claim in claims if claim.reopened_count]
    assert len(reopened) >= 2 and {claim.status for claim in reopened} == {"closed", "in_progress"}
    assert any(claim.line == "motor" and claim.liability_case_id for claim in claims)
    assert any(claim.status == "in_progress" and claim.indemnity and 0 < claim.paid_total < claim.indemnity
               for claim in claims)


def _check_handling(session, today: date) -> None:
    missions = session.scalars(select(ExpertMission)).all()
    assert {"scheduled", "reported"} <= {mission.status for mission in missions}
    assert any(mission.reminders_sent and mission.report_due_on < today and mission.status != "reported"
               for mission in missions)
    assert all(mission.report_attachment_id for mission in missions if mission.status == "reported")
    assert session.scalar(select(func.count()).select_from(ClaimDamage).where(
        ClaimDamage.claimed_amount.is_not(None), ClaimDamage.expert_amount.is_not(None),
        ClaimDamage.agreed_amount.is_not(None)))
    assert max(Counter(session.scalars(select(ClaimReserve.claim_id))).values()) >= 3
    assert {"insured", "provider", "third_party"} <= set(_by(session, ClaimPayment.payee_kind))
    assert {"firm", "insurer"} <= set(_by(session, ClaimPayment.source))
    assert session.scalar(select(func.count()).select_from(ClaimRecourse)) >= 1
    mediation = session.scalars(select(ClaimDispute).where(ClaimDispute.stage == "mediation")).one()
    assert {proposal.side for proposal in session.scalars(
        select(DisputeProposal).where(DisputeProposal.dispute_id == mediation.id))} == {"firm", "client"}
    lawsuit = session.scalars(select(ClaimDispute).where(ClaimDispute.stage == "litigation")).one()
    assert lawsuit.lawyer_id and lawsuit.court
    now = datetime.now(timezone.utc)
    hearings = session.scalars(select(DisputeHearing).where(DisputeHearing.dispute_id == lawsuit.id)).all()
    assert any(hearing.kind == "hearing" and now < hearing.at < now + timedelta(days=40) for hearing in hearings)
    assert session.scalar(select(func.count()).select_from(Letter).where(Letter.claim_id.is_not(None),
                                                                         Letter.sent_at.is_not(None)))
    # the timeline reads as the months it stands for: nothing stamped after now, steps long ago
    assert session.scalar(select(func.max(ClaimEvent.at))) <= now
    assert session.scalar(select(func.min(ClaimEvent.at))) < now - timedelta(days=200)
    overdue = session.scalar(select(func.count()).select_from(Task).where(
        Task.source_type == "claim", Task.done_at.is_(None), Task.due_on < today - timedelta(days=30)))
    assert overdue == 0


def _check_complaints(session, tenant, today: date) -> None:
    complaints = session.scalars(select(Complaint)).all()
    assert len(complaints) >= 10
    assert {"upheld", "partly_upheld", "rejected"} <= {item.outcome for item in complaints}
    assert {"portal", "email", "phone", "letter"} <= {item.channel for item in complaints}
    assert {"firm", "insurer"} <= {item.about for item in complaints}
    assert any(item.status == "open" and item.acknowledge_by < today for item in complaints)
    assert any(item.status == "acknowledged" and 0 <= (item.answer_by - today).days <= 5 for item in complaints)
    assert (tenant.settings or {}).get("mediator_name") == "La Médiation de l'Assurance"
    for item in complaints:
        if item.outcome == "rejected":
            assert "La Médiation de l'Assurance" in session.get(Letter, item.answer_letter_id).body


def test_demo_claims_desk_is_alive_and_made_once(app):
    from app.auth import services as accounts
    from app.claims.notice import firm_of
    from app.demo import ADMIN, DEMO_PASSWORD, DEMO_SLUG, ensure_demo
    from app.demo.claims import add_claims
    from app.extensions import db
    from tenants.jobs import tenant_context
    from tenants.provisioning import delete_tenant

    today = date.today()
    with app.app_context():
        ensure_demo(app)
        try:
            with tenant_context(db.session, db.engine, DEMO_SLUG):
                first = _counts(db.session)
                assert add_claims(db.session, accounts.find_by_email(db.session, ADMIN[1])) == 0
            ensure_demo(app)
            with tenant_context(db.session, db.engine, DEMO_SLUG):
                session = db.session
                assert _counts(session) == first
                assert session.scalar(select(func.count()).select_from(Provider)) >= 7
                assert session.scalar(select(func.count()).select_from(LiabilityCase)) >= 10
                _check_claims(session, today)
                _check_handling(session, today)
                _check_complaints(session, firm_of(session), today)
                settled = session.scalars(select(Claim.id).where(Claim.status == "settled").order_by(Claim.id)).first()
                lawsuit = session.scalar(select(ClaimDispute.claim_id).where(ClaimDispute.stage == "litigation"))
                session.rollback()

            client = app.test_client()
            base = f"http://{DEMO_SLUG}.localhost"
            signed = client.post("/login", base_url=base, data={"email": ADMIN[1], "password": DEMO_PASSWORD})
            assert signed.status_code == 303
            for path in ("/claims", "/claims?status=settled", "/claims/workload", "/complaints", "/tasks",
                         *(f"/claims/{claim_id}{tab}" for claim_id in (settled, lawsuit) for tab in TABS)):
                assert client.get(path, base_url=base).status_code == 200, path
        finally:
            db.session.remove()  # the requests above shared this app context's session: end its transaction
            delete_tenant(db.engine, DEMO_SLUG, app.config["FILES_ROOT"])
