"""The month's generation: choose a month and preview what falls due, start
the run (a job), follow its progress bar, restart it after a failure."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.billing import runs
from app.billing.errors import BillingError
from app.billing.generation_forms import MonthForm, PreviewForm, next_month
from app.billing.messages import billing_error_message
from app.billing.models import BillingRun
from app.billing.views import bp
from app.extensions import db, htmx

CONFLICT = {"run_in_progress": 409, "run_not_restartable": 409}


@bp.context_processor
def run_labels() -> dict:
    return {"run_status_labels": runs.STATUS_LABELS, "run_status_badges": runs.STATUS_BADGES}


def _generate_page(form: MonthForm, status: int = 200):
    month = form.first_day if not form.month.errors else None
    context = {"form": form, "month": month, "runs": runs.runs(db.session),
               "preview": runs.preview(db.session, month) if month else None,
               "active": runs.active_run(db.session, month) if month else None}
    return render_template("billing/generation/generate.html", **context), status


@bp.get("/generate")
def generate():
    form = PreviewForm(request.args)
    if "month" not in request.args:
        form.month.data = next_month().strftime("%Y-%m")
        return _generate_page(form)
    if not form.validate():
        return _generate_page(form, 400)
    form.month.data = form.first_day.strftime("%Y-%m")
    return _generate_page(form)


@bp.post("/generate")
def start_run():
    form = MonthForm()
    if not form.validate_on_submit():
        return _generate_page(form, 422)
    try:
        run = runs.start_run(db.session, current_user, form.first_day, tenant_slug=g.tenant.slug)
    except BillingError as exc:
        db.session.rollback()
        form.month.errors = [billing_error_message(exc.code)]
        return _generate_page(form, CONFLICT.get(exc.code, 422))
    db.session.commit()
    flash(_("The calls are being generated."), "success")
    return redirect(url_for("billing.run", run_id=run.id), code=303)


def run_or_404(run_id: int) -> BillingRun:
    return db.session.get(BillingRun, run_id) or abort(404)


def _run_context(run: BillingRun) -> dict:
    emails = runs.emails_notices(db.session)
    counts = runs.notice_counts(db.session, run.month)
    return {"run": run, "errors": runs.error_messages(run), "stalled": runs.stalled(run), "notices": counts,
            "emails_notices": emails, "sending": emails and runs.sending_notices(run, counts)}


@bp.get("/runs/<int:run_id>")
def run(run_id: int):
    """The run's page; for htmx, only its progress (polled until the run ends)."""
    found = run_or_404(run_id)
    template = "billing/generation/_progress.html" if htmx else "billing/generation/run.html"
    return render_template(template, **_run_context(found))


@bp.post("/runs/<int:run_id>/restart")
def restart_run(run_id: int):
    found = run_or_404(run_id)
    try:
        runs.restart_run(db.session, current_user, found, tenant_slug=g.tenant.slug)
    except BillingError as exc:
        db.session.rollback()
        flash(billing_error_message(exc.code), "danger")
        return render_template("billing/generation/run.html", **_run_context(run_or_404(run_id))), \
            CONFLICT.get(exc.code, 422)
    db.session.commit()
    flash(_("The run is queued again."), "success")
    return redirect(url_for("billing.run", run_id=run_id), code=303)
