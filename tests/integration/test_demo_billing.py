"""The demo firm's premiums: the current year's calls of its contracts, money
received in several ways (a partial payment, an overpayment kept as credit, a
refund reversing its commission), commissions earned over the months,
calls left unpaid at the ages of the L113-3 steps, an introducer with a
share; made once (a second run adds nothing), and the reports page shows it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.billing.models import Payment, PaymentAllocation, PremiumCall
from app.commissions.models import Beneficiary, CommissionLine, CommissionShare, ContractBeneficiary
from app.contracts.models import Contract


def _counts(session) -> tuple:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (PremiumCall, Payment, PaymentAllocation, Beneficiary, ContractBeneficiary))


def test_demo_premiums_are_realistic_and_made_once(app):
    from app.auth import services as accounts
    from app.demo import ADMIN, DEMO_PASSWORD, DEMO_SLUG, ensure_demo
    from app.demo.billing import OVERPAID_BY, UNPAID_AGES, add_billing
    from app.extensions import db
    from tenants.jobs import tenant_context
    from tenants.provisioning import delete_tenant

    today = date.today()
    with app.app_context():
        ensure_demo(app)
        try:
            with tenant_context(db.session, db.engine, DEMO_SLUG):
                first = _counts(db.session)
                assert add_billing(db.session, accounts.find_by_email(db.session, ADMIN[1])) == 0
            ensure_demo(app)
            with tenant_context(db.session, db.engine, DEMO_SLUG):
                session = db.session
                assert _counts(session) == first

                contracts = session.scalar(select(func.count(func.distinct(PremiumCall.contract_id))))
                assert contracts == session.scalar(select(func.count()).select_from(Contract)) and first[0] > contracts
                methods = set(session.scalars(select(Payment.method)))
                assert {"transfer", "cheque", "card"} <= methods
                assert session.scalar(select(func.sum(Payment.unallocated))) == OVERPAID_BY
                assert session.scalar(select(func.count()).select_from(PremiumCall)
                                      .where(PremiumCall.paid > 0, PremiumCall.paid < PremiumCall.total)) == 1

                late = sorted((today - call.due_date).days for call in session.scalars(
                    select(PremiumCall).where(PremiumCall.due_date < today, PremiumCall.paid == 0,
                                              PremiumCall.total > 0)))
                assert len(late) == len(UNPAID_AGES)
                steps = [(0, 9), (5, 10), (10, 40), (40, 50), (50, 400)]
                assert all(any(low <= age < high for age in late) for low, high in steps), late
                payers = session.scalars(select(PremiumCall.client_id).where(PremiumCall.due_date < today,
                                                                             PremiumCall.paid == 0)).all()
                assert len(set(payers)) == len(payers)
                assert not session.scalar(select(func.count()).select_from(PremiumCall).where(
                    PremiumCall.due_date > today + timedelta(days=1), PremiumCall.paid > 0))

                refunded = session.scalars(select(Payment).where(Payment.status == "refunded")).all()
                assert [payment.method for payment in refunded] == ["card"]
                assert session.scalar(select(func.count()).select_from(CommissionLine)
                                      .where(CommissionLine.reversed_amount > 0)) == 1
                earned_months = session.scalar(select(func.count(func.distinct(
                    func.date_trunc("month", CommissionLine.earned_on)))))
                assert earned_months >= 6

                introducer = session.scalar(select(Beneficiary))
                assert introducer.kind == "introducer" and first[4] >= 2
                assert session.scalar(select(func.count()).select_from(CommissionShare)
                                      .where(CommissionShare.beneficiary_id == introducer.id)) > 0

            client = app.test_client()
            base = f"http://{DEMO_SLUG}.localhost"
            signed = client.post("/login", base_url=base, data={"email": ADMIN[1], "password": DEMO_PASSWORD})
            assert signed.status_code == 303
            page = client.get("/premiums/reports?tab=collection", base_url=base)
            assert page.status_code == 200 and page.text.count("<svg") == 2
        finally:
            db.session.remove()  # the requests above shared this app context's session: end its transaction
            delete_tenant(db.engine, DEMO_SLUG, app.config["FILES_ROOT"])
