"""Premiums on the portal: the calls to pay and the payment history, saving
a card or a SEPA mandate (Stripe.js confirms a SetupIntent), paying chosen
calls with it, following a payment until Stripe's webhook records it, the
receipts, and automatic payment."""

from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from app.extensions import db, htmx
from app.portal import payment_labels, payment_progress, payment_rules, payments, premiums, receipts
from app.portal.views import bp

#: HTTP status of each refusal; 422 for the others
_STATUS = {"not_found": 404, "stale": 409, "unreachable": 503}


@bp.context_processor
def premium_labels() -> dict:
    return {"call_state_labels": payment_labels.CALL_STATE_LABELS,
            "call_state_badges": payment_labels.CALL_STATE_BADGES,
            "payment_method_labels": payment_labels.METHOD_LABELS, "method_kind_labels": payment_labels.KIND_LABELS,
            "payment_status_labels": payment_labels.PAYMENT_STATUS_LABELS}


def _page(error: payments.PaymentError | None = None, chosen: frozenset[int] = frozenset()):
    account = g.portal_account
    saved = payments.saved_method(db.session, account)
    saved = saved if saved is not None and saved.is_saved else None
    page = render_template(
        "portal/premiums.html", lines=premiums.calls_to_pay(db.session, account), saved=saved,
        history=premiums.history(db.session, account), online=payments.available(db.session),
        kinds=payments.allowed_kinds(db.session), chosen=chosen,
        expired=saved is not None and payment_rules.card_expired(saved.exp_month, saved.exp_year, date.today()),
        error=payment_labels.error_message(error.code, error.detail) if error else None)
    return page, _STATUS.get(error.code, 422) if error else 200


def _refused(error: payments.PaymentError, chosen: frozenset[int] = frozenset()):
    db.session.rollback()
    if error.code == "not_found":
        abort(404)
    return _page(error, chosen)


@bp.get("/premiums")
def premiums_page():
    return _page()


def _chosen_calls() -> list[int] | None:
    values = request.form.getlist("call")
    return [int(value) for value in values] if all(value.isdigit() for value in values) else None


@bp.post("/premiums/pay")
def pay_premiums():
    call_ids = _chosen_calls()
    if call_ids is None:
        abort(404)
    try:
        started = payments.pay(db.session, g.portal_account, call_ids, today=date.today())
    except payments.PaymentError as exc:
        if exc.code == "declined":
            db.session.commit()  # the declined attempt stays on record; the calls did not change
            return _page(exc, frozenset(call_ids))
        if exc.code == "under_way" and exc.payment is not None:
            db.session.rollback()
            flash(payment_labels.error_message("under_way"), "info")
            return redirect(url_for("portal.premium_payment", payment_id=exc.payment.id), code=303)
        return _refused(exc, frozenset(call_ids))
    db.session.commit()
    return redirect(url_for("portal.premium_payment", payment_id=started.id), code=303)


@bp.get("/premiums/payments/<int:payment_id>")
def premium_payment(payment_id: int):
    """Where a payment is; htmx asks again every 2 seconds until it is settled."""
    started = payment_progress.payment_of(db.session, g.portal_account, payment_id) or abort(404)
    progress = payment_progress.progress(db.session, started)
    db.session.commit()
    confirmation = None
    if progress.state == payment_rules.PaymentState.ACTION_REQUIRED:
        try:
            confirmation = payment_progress.browser_confirmation(db.session, progress)
        except payments.PaymentError as exc:
            flash(payment_labels.error_message(exc.code), "danger")
    context = {"started": started, "progress": progress, "confirmation": confirmation,
               "autorun": not request.args.get("after"),
               "settled": payment_rules.is_settled(progress.state),
               "failure": payment_labels.error_message("declined", progress.failure) if progress.failure else None}
    if htmx:
        return render_template("portal/_pay_status.html", **context)
    return render_template("portal/premiums_payment.html", **context)


@bp.get("/premiums/method/new")
def new_payment_method():
    kind = request.args.get("kind", "card")
    try:
        setup = payments.start_setup(db.session, g.portal_account, kind)
    except payments.PaymentError as exc:
        return _refused(exc)
    db.session.commit()
    return render_template("portal/premiums_method.html", setup=setup, account=g.portal_account)


@bp.post("/premiums/method")
def save_payment_method():
    try:
        saved = payments.finish_setup(db.session, g.portal_account, request.form.get("setup_intent", ""))
    except payments.PaymentError as exc:
        return _refused(exc)
    db.session.commit()
    flash(_("Your card ending in %(last4)s is saved.", last4=saved.last4) if saved.kind == "card" else
          _("Your SEPA mandate for the account ending in %(last4)s is saved.", last4=saved.last4), "success")
    return redirect(url_for("portal.premiums_page"), code=303)


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else -1


@bp.post("/premiums/method/remove")
def remove_payment_method():
    try:
        payments.remove_method(db.session, g.portal_account, _version())
    except payments.PaymentError as exc:
        return _refused(exc)
    db.session.commit()
    flash(_("Your means of payment is removed; automatic payment is off."), "success")
    return redirect(url_for("portal.premiums_page"), code=303)


@bp.post("/premiums/autopay")
def set_autopay():
    enabled = request.form.get("enabled") == "on"
    try:
        payments.set_autopay(db.session, g.portal_account, enabled, _version(), date.today())
    except payments.PaymentError as exc:
        return _refused(exc)
    db.session.commit()
    flash(_("Automatic payment is on: your next premiums will be paid on their due date.") if enabled else
          _("Automatic payment is off."), "success")
    return redirect(url_for("portal.premiums_page"), code=303)


@bp.get("/premiums/receipts/<int:payment_id>")
def payment_receipt(payment_id: int):
    line = premiums.receipt_of(db.session, g.portal_account, payment_id) or abort(404)
    pdf = receipts.receipt_pdf(db.session, line, g.tenant)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=receipts.filename(line.payment), max_age=0)
