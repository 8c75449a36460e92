"""Renewals (loi Chatel, L113-15-1): the daily job sends the notice once, at
the right date, with the cancellation deadline; a late notice opens 20 days
to cancel; on the renewal date the contract rolls with the indexed premium."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import g
from sqlalchemy import select

from app.contracts.models import Cancellation, Contract, ContractEvent, ContractVersion, RenewalNotice
from app.documents.models import Document
from tests.integration.test_letters_data import (book, intruder, make_contract, make_insurer, make_person,  # noqa: F401
                                                 pdf_text, readonly)

D = Decimal
RENEWAL = date(2027, 9, 1)  # deadline 3 July 2027 (60 days), window 3 April – 18 June 2027


def _run(app, bound, tenant, today: date) -> tuple[int, int]:
    from app.renewals import services as renewals

    with bound(tenant) as session:
        g.tenant = tenant
        return renewals.run_daily(session, today=today, tenant=tenant, locale="en")


def _setup(bound, tenant, *, kind: str = "individual", email: str | None = "paul.roux@example.fr") -> int:
    with bound(tenant) as session:
        insurer_id = make_insurer(session)
        person_id = make_person(session, name="Paul Roux", email=email, kind=kind)
        contract_id = make_contract(session, person_id, insurer_id, line="motor", effective=date(2026, 9, 1),
                                    renewal=RENEWAL, premium="600.00", policy="AUTO-1234")
        session.commit()
    return contract_id


def test_the_notice_is_sent_once_when_its_window_opens(app, tenant, bound, mailbox, jobs):
    contract_id = _setup(bound, tenant)
    assert _run(app, bound, tenant, date(2027, 4, 2)) == (0, 0)
    assert _run(app, bound, tenant, date(2027, 4, 3)) == (1, 0)
    assert _run(app, bound, tenant, date(2027, 4, 4)) == (0, 0)
    jobs()
    [message] = mailbox.to("paul.roux@example.fr")
    [attachment] = list(message.iter_attachments())
    text = pdf_text(attachment.get_content())
    assert "July 3, 2027" in text and "L113-15-1" in text and "AUTO-1234" in text
    with bound(tenant) as session:
        notice = session.scalars(select(RenewalNotice)).one()
        assert (notice.contract_id, notice.renewal_date, notice.cancellation_deadline, notice.sent_on,
                notice.is_late) == (contract_id, RENEWAL, date(2027, 7, 3), date(2027, 4, 3), False)
        assert session.get(Document, notice.document_id).kind == "renewal_notice"
        kinds = session.scalars(select(ContractEvent.kind).where(ContractEvent.contract_id == contract_id)).all()
        assert kinds.count("renewal_notice") == 1


def test_a_late_notice_gives_twenty_days_to_cancel(app, tenant, bound):
    _setup(bound, tenant)
    assert _run(app, bound, tenant, date(2027, 6, 25)) == (1, 0)
    with bound(tenant) as session:
        notice = session.scalars(select(RenewalNotice)).one()
        assert notice.is_late and notice.late_cancellation_until == date(2027, 7, 15)


def test_businesses_get_no_notice(app, tenant, bound):
    _setup(bound, tenant, kind="business")
    assert _run(app, bound, tenant, date(2027, 4, 3)) == (0, 0)


def test_the_contract_rolls_with_the_indexed_premium(app, tenant, bound, admin_client):
    contract_id = _setup(bound, tenant)
    assert admin_client.post("/renewals/settings", data={
        f"rate_{line}": "0" for line in ("home", "rc_pro", "multirisk", "decennial", "health", "protection", "cyber")
    } | {"rate_motor": "2,5"}).status_code == 303
    _run(app, bound, tenant, date(2027, 4, 3))  # the notice announces 615.00
    assert _run(app, bound, tenant, date(2027, 8, 31)) == (0, 0)
    assert _run(app, bound, tenant, RENEWAL) == (0, 1)
    assert _run(app, bound, tenant, RENEWAL) == (0, 0)
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        assert contract.renewal_date == date(2028, 9, 1)
        assert contract.premium_net == D("615.00")
        assert contract.total == D("615.00") + D("10.00") + (D("625.00") * D("0.18")).quantize(D("0.01"))
        versions = session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract_id)
                                   .order_by(ContractVersion.number)).all()
        assert [(v.number, v.valid_from, v.valid_to, v.premium_net) for v in versions] == [
            (1, date(2026, 9, 1), RENEWAL, D("600.00")), (2, RENEWAL, None, D("615.00"))]
        assert "renewed" in session.scalars(select(ContractEvent.kind)
                                            .where(ContractEvent.contract_id == contract_id)).all()


def test_a_contract_cancelled_at_its_renewal_date_is_not_renewed(app, tenant, bound):
    contract_id = _setup(bound, tenant)
    with bound(tenant) as session:
        session.add(Cancellation(contract_id=contract_id, ground="renewal", requested_by="client",
                                 notice_received_on=date(2027, 6, 1), effective_on=RENEWAL))
        session.commit()
    assert _run(app, bound, tenant, RENEWAL) == (0, 0)
    with bound(tenant) as session:
        contract = session.get(Contract, contract_id)
        assert contract.renewal_date == RENEWAL
        assert contract.status == "cancelled", "the daily pass applies the cancellation on its date"


def test_the_daily_job_runs_for_each_tenant(app, tenant, bound, jobs):
    from app.renewals.jobs import queue_daily_passes

    today = date.today()
    with bound(tenant) as session:
        person_id = make_person(session, email=None)
        contract_id = make_contract(session, person_id, make_insurer(session), effective=today - timedelta(days=300),
                                    renewal=today + timedelta(days=70))
        session.commit()
    with app.app_context():
        assert queue_daily_passes(today) >= 1
    jobs()
    with bound(tenant) as session:
        notice = session.scalars(select(RenewalNotice).where(RenewalNotice.contract_id == contract_id)).one()
        assert notice.is_late and notice.late_cancellation_until == today + timedelta(days=20)


def test_the_renewals_view_by_handler(app, tenant, bound, admin_client):
    from tests.conftest import add_user

    handler_id = add_user(app, tenant, "julie@example.fr", "handler")
    today = date.today()
    with bound(tenant) as session:
        insurer_id = make_insurer(session)
        mine = make_person(session, name="Client de Julie", handler_id=handler_id)
        other = make_person(session, name="Entreprise Dubois", kind="business")
        make_contract(session, mine, insurer_id, effective=today - timedelta(days=300),
                      renewal=today + timedelta(days=80), handler_id=handler_id)
        make_contract(session, other, insurer_id, line="rc_pro", effective=today - timedelta(days=300),
                      renewal=today + timedelta(days=30))
        make_contract(session, other, insurer_id, effective=today, renewal=today + timedelta(days=200))
        session.commit()
    page = admin_client.get("/renewals")
    assert page.status_code == 200
    assert "Client de Julie" in page.text and "Entreprise Dubois" in page.text
    assert "Not needed" in page.text and ("To send" in page.text or "Not yet due" in page.text)
    assert page.text.count('data-testid="notice-status"') == 2
    mine_only = admin_client.get(f"/renewals?handler={handler_id}")
    assert "Client de Julie" in mine_only.text and "Entreprise Dubois" not in mine_only.text
    partial = admin_client.get(f"/renewals?handler={handler_id}", headers={"HX-Request": "true",
                                                                          "HX-Target": "renewals-table"})
    assert partial.text.lstrip().startswith('<div id="renewals-table">')


def test_index_rates_are_validated_and_need_catalog_management(admin_client, readonly, intruder, tenant):
    bad = admin_client.post("/renewals/settings", data={"rate_motor": "abc"})
    assert bad.status_code == 422 and 'value="abc"' in bad.text
    assert readonly.get("/renewals").status_code == 200
    assert readonly.get("/renewals/settings").status_code == 403
    assert readonly.post("/renewals/settings", data={"rate_motor": "1"}).status_code == 403
    assert intruder.get("/renewals").status_code == 200  # its own, empty, list
    assert "No contract renews" in intruder.get("/renewals").text
