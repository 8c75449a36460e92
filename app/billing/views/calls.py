"""Premium calls: the list (filters, totals, pages, export), a call's page
with its payments, history, commission and non-payment procedure, its notice
(PDF, email), and the calls shown on a contract's and a client's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.audit.services import SYSTEM_ACTOR
from app.billing import dunning_listing, listing, notices, payments, stripe_gateway
from app.billing import services as billing
from app.billing.errors import BillingError
from app.billing.listing import CallFilters
from app.billing.messages import billing_error_message
from app.billing.payment_forms import METHOD_LABELS
from app.billing.models import BillingSettings, NonPaymentProcedure, Payment, PaymentAllocation, PremiumCall
from app.billing.views import bp
from app.catalog.lines import LINES
from app.catalog.models import Insurer
from app.commissions.models import CommissionLine
from app.contracts.models import Contract
from app.crm.models import Client
from app.extensions import db, htmx
from app.web.downloads import EXPORT_FORMATS, attachment, spreadsheet

PER_PAGE = 50


@bp.app_context_processor
def call_labels() -> dict:
    """Call statuses and kinds, for any page that shows a call."""
    return {"call_status_labels": listing.STATUS_LABELS, "call_status_badges": listing.STATUS_BADGES,
            "call_kind_labels": listing.KIND_LABELS, "call_outstanding": listing.outstanding_of,
            "call_last_day": listing.last_day, "payment_method_labels": METHOD_LABELS}


def list_filters() -> CallFilters:
    args = request.args
    status = args.get("status", "")
    return CallFilters(
        q=args.get("q", "")[:100], insurer_id=args.get("insurer", type=int),
        status=status if status in listing.STATUS_LABELS or status == listing.OPEN_FILTER else "",
        line=args.get("line", "") if args.get("line", "") in LINES else "",
        kind=args.get("kind", "") if args.get("kind", "") in listing.KIND_LABELS else "",
        due_month=args.get("due", "")[:10], contract_id=args.get("contract", type=int),
        client_id=args.get("client", type=int), sort="due" if args.get("sort") == "due" else "")


def list_url(endpoint: str = "billing.index", **changes) -> str:
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


def _refresh_overdue() -> None:
    if billing.refresh_overdue(db.session):
        db.session.commit()


def _scope(filters: CallFilters) -> dict:
    """The contract and client the list is narrowed to, for their chips."""
    return {"scope_contract": db.session.get(Contract, filters.contract_id) if filters.contract_id else None,
            "scope_client": db.session.get(Client, filters.client_id) if filters.client_id else None}


@bp.get("/")
def index():
    _refresh_overdue()
    filters = list_filters()
    page = max(request.args.get("page", 1, type=int), 1)
    bad = filters.month_invalid
    # htmx leaves a 4xx answer unswapped: the live filter shows the message in the results instead
    status = 400 if bad and not htmx else 200
    context = {"filters": filters, "page": page, "per_page": PER_PAGE, "list_url": list_url,
               "month_error": billing_error_message("month_invalid") if bad else None,
               "rows": [] if bad else listing.page_of(db.session, filters, page, PER_PAGE),
               "totals": None if bad else listing.totals(db.session, filters)} | _scope(filters)
    if htmx and not htmx.history_restore_request:
        return render_template("billing/calls/_results.html", **context), status
    return render_template("billing/calls/index.html", insurers=listing.insurers(db.session), lines=LINES,
                           **context), status


@bp.get("/export.<fmt>")
def export(fmt: str):
    filters = list_filters()
    if fmt not in EXPORT_FORMATS:
        abort(404)
    if filters.month_invalid:
        abort(400, billing_error_message("month_invalid"))
    response = spreadsheet(listing.export_rows(db.session, filters), fmt, sheet="Premium calls",
                           stem="premium-calls")
    audit.record(db.session, current_user, "premium_call.export", "premium_call", None, after={"format": fmt})
    db.session.commit()
    return response


def call_or_404(call_id: int) -> PremiumCall:
    return db.session.get(PremiumCall, call_id) or abort(404)


def payment_url(payment: Payment) -> str | None:
    """The payment's page, once the payments screens have one."""
    endpoint = "billing.payment"
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, payment_id=payment.id)


@dataclass(frozen=True)
class Step:
    """One line of a call's history, read from the audit log."""

    at: datetime
    action: str
    actor: str | None
    was: str | None
    now: str | None
    amount: Decimal | None
    sent_to: str | None


def _history(call: PremiumCall) -> list[Step]:
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "premium_call", AuditEntry.object_id == str(call.id))
        .order_by(AuditEntry.at, AuditEntry.id))
    steps = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        amount = after.get("amount")
        steps.append(Step(entry.at, entry.action, None if entry.actor_label == SYSTEM_ACTOR else entry.actor_label,
                          before.get("status"), after.get("status"), Decimal(amount) if amount else None,
                          after.get("sent_to")))
    return steps


def stripe_ready() -> bool:
    """Whether the firm's Stripe account is set up for taking a card payment."""
    try:
        stripe_gateway.account_for(db.session.get(BillingSettings, 1), stripe_gateway.current_platform())
    except BillingError:
        return False
    return True


def _call_page(call: PremiumCall, status: int = 200):
    allocations = db.session.execute(
        select(PaymentAllocation, Payment).join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(PaymentAllocation.call_id == call.id).order_by(Payment.received_on, PaymentAllocation.id)).all()
    return render_template(
        "billing/calls/show.html", call=call, contract=db.session.get(Contract, call.contract_id),
        client=db.session.get(Client, call.client_id), insurer=db.session.get(Insurer, call.insurer_id),
        allocations=allocations, history=_history(call), payment_url=payment_url,
        commission=db.session.scalar(select(CommissionLine).where(CommissionLine.call_id == call.id)),
        procedure=db.session.scalar(select(NonPaymentProcedure).where(NonPaymentProcedure.call_id == call.id)),
        outstanding=listing.outstanding_of(call), closed=call.status in notices.CLOSED,
        is_open=call.status in listing.OPEN, stripe_ready=stripe_ready()), status


@bp.get("/calls/<int:call_id>")
def show(call_id: int):
    call = call_or_404(call_id)
    _refresh_overdue()
    return _call_page(call)


@bp.get("/calls/<int:call_id>/notice.pdf")
def notice(call_id: int):
    call = call_or_404(call_id)
    return attachment(notices.notice_pdf(db.session, call, g.tenant), "application/pdf", notices.filename(call))


@bp.post("/calls/<int:call_id>/notice")
def send_notice(call_id: int):
    call = call_or_404(call_id)
    try:
        address = notices.send_notice(db.session, current_user, call, tenant=g.tenant, locale=str(get_locale()))
    except BillingError as exc:
        db.session.rollback()
        flash(billing_error_message(exc.code), "danger")
        return _call_page(call_or_404(call_id), 422)
    db.session.commit()
    flash(_("The notice is on its way to %(email)s.", email=address), "success")
    return redirect(url_for("billing.show", call_id=call.id), code=303)


# --- the contract's and the client's pages ----------------------------------------

def contract_or_404(contract_id: int) -> Contract:
    return db.session.get(Contract, contract_id) or abort(404)


def current_year_start(contract: Contract, today: date) -> date:
    """The start of the insurance year (anchored on the renewal date) that
    holds ``today``, or the contract's first day if it has not started."""
    day = max(today, contract.effective_date)
    return max(start for start in billing.year_starts(contract.renewal_date, day) if start <= day)


def _contract_section(contract: Contract, template: str, status: int = 200):
    today = date.today()
    return render_template(template, contract=contract, calls=listing.contract_calls(db.session, contract.id),
                           year_start=current_year_start(contract, today),
                           can_issue=contract.status not in billing.ENDED,
                           procedures=dunning_listing.for_contract(db.session, contract.id, today)), status


@bp.get("/contracts/<int:contract_id>/calls")
def contract_calls(contract_id: int):
    """The contract page's section (htmx), or a page of its own."""
    contract = contract_or_404(contract_id)
    template = "billing/calls/_contract_section.html" if htmx else "billing/calls/contract.html"
    return _contract_section(contract, template)


@bp.post("/contracts/<int:contract_id>/calls")
def issue_contract_year(contract_id: int):
    contract = contract_or_404(contract_id)
    year_start = current_year_start(contract, date.today())
    try:
        before = {call.id for call in listing.contract_calls(db.session, contract.id)}
        calls = billing.generate_for_contract(db.session, current_user, contract, year_start)
    except BillingError as exc:
        db.session.rollback()
        flash(billing_error_message(exc.code), "danger")
        return _contract_section(contract_or_404(contract_id), "billing/calls/contract.html", 422)
    db.session.commit()
    created = len([call for call in calls if call.id not in before])
    flash(ngettext("%(num)d premium call issued for the insurance year from %(day)s.",
                   "%(num)d premium calls issued for the insurance year from %(day)s.", created,
                   day=format_date(year_start)), "success")
    return redirect(url_for("contracts.show", contract_id=contract.id, _anchor="premium-calls"), code=303)


@bp.get("/clients/<int:client_id>/premiums")
def client_premiums(client_id: int):
    """The client page's premiums summary (htmx); the client's calls otherwise."""
    client = db.session.get(Client, client_id) or abort(404)
    if not htmx:
        return redirect(url_for("billing.index", client=client.id), code=303)
    return render_template("billing/calls/_client_section.html", client=client,
                           summary=listing.client_premiums(db.session, client.id),
                           credit=payments.client_credit(db.session, client.id))
