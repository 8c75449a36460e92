"""Payment screens (encaissements): the list (filters, totals, pages,
export), recording a payment (the payer's open calls loaded by htmx, what
stays as credit shown before saving), a payment's page with its allocations
and history, its refund after a confirmation, and using a payer's credit."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.auth.access import requires
from app.auth.rules import Permission
from app.billing import payment_listing as listing
from app.billing import payments
from app.billing.errors import BillingError
from app.billing.messages import billing_error_message
from app.billing.models import Payment, PremiumCall
from app.billing.payment_forms import METHOD_LABELS, STATUS_BADGES, STATUS_LABELS, PaymentForm, RefundForm
from app.billing.payment_listing import PaymentFilters
from app.billing.views import bp
from app.crm import services as clients
from app.crm.models import Client
from app.extensions import db, htmx
from app.quotes.services import search_clients
from app.web.downloads import EXPORT_FORMATS, spreadsheet

PER_PAGE = 50
#: where each refusal of record_payment is shown
ERROR_FIELDS = {"amount_invalid": "amount", "payment_not_positive": "amount", "method_invalid": "method",
                "call_not_open": "call_ids", "payer_unknown": "payer"}


@bp.context_processor
def payment_labels() -> dict:
    return {"method_labels": METHOD_LABELS, "payment_status_labels": STATUS_LABELS,
            "payment_status_badges": STATUS_BADGES}


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def list_filters() -> PaymentFilters:
    args = request.args
    return PaymentFilters(q=args.get("q", "")[:100], method=args.get("method", "") if args.get("method") in
                          METHOD_LABELS else "", received_from=_day("from"), received_to=_day("to"),
                          status=args.get("status", "") if args.get("status") in STATUS_LABELS else "",
                          with_credit=args.get("credit") == "1")


def list_url(endpoint: str = "billing.payments", **changes) -> str:
    args = {key: value for key, value in (request.args.to_dict() | changes).items() if value not in (None, "")}
    return url_for(endpoint, **args)


@bp.get("/payments", endpoint="payments")
def payments_list():
    filters = list_filters()
    page = max(request.args.get("page", 1, type=int), 1)
    context = {"filters": filters, "page": page, "per_page": PER_PAGE, "list_url": list_url,
               "rows": listing.page_of(db.session, filters, page, PER_PAGE),
               "totals": listing.totals(db.session, filters)}
    if htmx and not htmx.history_restore_request:
        return render_template("billing/payments/_results.html", **context)
    return render_template("billing/payments/index.html", **context)


@bp.get("/payments/export.<fmt>")
def export_payments(fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    response = spreadsheet(listing.export_rows(db.session, list_filters(), METHOD_LABELS), fmt, sheet="Payments",
                           stem="payments")
    audit.record(db.session, current_user, "payment.export", "payment", None, after={"format": fmt})
    db.session.commit()
    return response


@bp.get("/payments/payers")
def payer_options():
    """Client references for the payer field's suggestions (a datalist)."""
    return render_template("billing/payments/_payer_options.html",
                           clients=search_clients(db.session, request.args.get("payer", "")[:100]))



def _payer(form: PaymentForm, *, quiet: bool = False) -> Client | None:
    """The client the payer field names; an error next to it when unknown (unless ``quiet``)."""
    typed = (form.payer.data or "").strip()
    payer = clients.by_reference(db.session, typed) if typed else None
    if payer is None and typed and not quiet:
        form.payer.errors = [*form.payer.errors, billing_error_message("payer_unknown")]
    return payer


def _prefilled() -> PaymentForm:
    """The blank form, or the one typed so far (htmx reloads, the no-script
    button), or pre-filled from a call (``call_id``) or a client (``client_id``)."""
    if "payer" in request.args:
        return PaymentForm(formdata=request.args, meta={"csrf": False})
    form = PaymentForm(formdata=None, received_on=date.today())
    if call_id := request.args.get("call_id", type=int):
        call = db.session.get(PremiumCall, call_id) or abort(404)
        form.payer.data, form.call_ids.data = clients.get(db.session, call.client_id).reference, [call.id]
        form.amount.data = call.outstanding or None
    elif client_id := request.args.get("client_id", type=int):
        form.payer.data = (clients.get(db.session, client_id) or abort(404)).reference
    return form


def _payment_page(form: PaymentForm, payer: Client | None, status: int = 200):
    calls = listing.open_calls(db.session, payer.id) if payer else []
    chosen = form.chosen_calls()
    context = {"form": form, "payer": payer, "calls": calls, "chosen": chosen,
               "preview": listing.preview([call for call, _ in calls], chosen, form.amount.data),
               "credit": payments.client_credit(db.session, payer.id) if payer else None}
    if htmx and htmx.target == "payment-calls":
        return render_template("billing/payments/_calls.html", **context), status
    return render_template("billing/payments/new.html", **context), status


def _calls_of_payer(form: PaymentForm, payer: Client) -> bool:
    """Whether every call chosen is one the payer still owes."""
    if form.call_ids.errors:
        form.call_ids.errors = [billing_error_message("call_not_open")]
        return False
    owed = {call.id for call in payments.open_calls(db.session, payer.id)}
    if set(form.chosen_calls()) <= owed:
        return True
    form.call_ids.errors = [billing_error_message("call_not_open")]
    return False


def _record(form: PaymentForm, payer: Client) -> Payment | None:
    try:
        payment = payments.record_payment(
            db.session, current_user, client_id=payer.id, amount=form.amount.data, method=form.method.data,
            received_on=form.received_on.data, reference=form.reference.data, call_ids=form.chosen_calls() or None)
    except BillingError as exc:
        db.session.rollback()
        field = getattr(form, ERROR_FIELDS.get(exc.code, ""), None)
        if field is None:
            flash(billing_error_message(exc.code), "danger")
        else:
            field.errors = [*field.errors, billing_error_message(exc.code)]
        return None
    db.session.commit()
    return payment


@bp.route("/payments/new", methods=["GET", "POST"])
@requires(Permission.WRITE)
def new_payment():
    if request.method == "GET":
        form = _prefilled()
        return _payment_page(form, _payer(form, quiet=True))
    form = PaymentForm()
    valid = form.validate_on_submit()
    payer = _payer(form)
    calls_ok = payer is not None and _calls_of_payer(form, payer)
    payment = _record(form, payer) if valid and calls_ok else None
    if payment is None:
        db.session.rollback()
        return _payment_page(form, payer, 422)
    flash(_("The payment of %(amount)s is recorded.", amount=format_currency(payment.amount, "EUR")), "success")
    return redirect(url_for("billing.payment", payment_id=payment.id), code=303)


def payment_or_404(payment_id: int) -> Payment:
    return db.session.get(Payment, payment_id) or abort(404)


@bp.get("/payments/<int:payment_id>")
def payment(payment_id: int):
    payment = payment_or_404(payment_id)
    return render_template("billing/payments/show.html", payment=payment,
                           payer=clients.get(db.session, payment.payer_client_id),
                           allocations=listing.allocations(db.session, payment),
                           history=listing.history(db.session, payment),
                           credit=payments.client_credit(db.session, payment.payer_client_id),
                           owes=bool(payments.open_calls(db.session, payment.payer_client_id)))


def _refund_page(payment: Payment, form: RefundForm, status: int = 200):
    return render_template("billing/payments/refund.html", payment=payment, form=form,
                           payer=clients.get(db.session, payment.payer_client_id),
                           allocations=listing.allocations(db.session, payment)), status


@bp.route("/payments/<int:payment_id>/refund", methods=["GET", "POST"])
@requires(Permission.WRITE)
def refund(payment_id: int):
    payment = payment_or_404(payment_id)
    if request.method == "GET":
        return _refund_page(payment, RefundForm(formdata=None, version=payment.version, refunded_on=date.today()))
    form = RefundForm()
    if not form.validate_on_submit():
        return _refund_page(payment, form, 422)
    try:
        payments.refund_payment(db.session, current_user, payment, refunded_on=form.refunded_on.data,
                                version=form.version.data)
        db.session.commit()
    except (BillingError, StaleDataError) as exc:
        db.session.rollback()
        flash(billing_error_message(getattr(exc, "code", "stale")), "danger")
        return _refund_page(payment_or_404(payment_id), form, 409)
    flash(_("The payment is refunded."), "success")
    return redirect(url_for("billing.payment", payment_id=payment.id), code=303)


def _back_to(client: Client) -> str:
    """The page the button was on (a path of this site), else the client's page."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("crm.show", client_id=client.id)


@bp.post("/clients/<int:client_id>/use-credit")
def use_credit(client_id: int):
    """Pay the client's open calls with their credit (oldest payments and calls first)."""
    client = clients.get(db.session, client_id) or abort(404)
    used = payments.apply_credit(db.session, current_user, client.id)
    db.session.commit()
    if used:
        flash(_("%(amount)s of credit paid open premium calls.", amount=format_currency(used, "EUR")), "success")
    else:
        flash(billing_error_message("no_credit_to_use"), "warning")
    return redirect(_back_to(client), code=303)
