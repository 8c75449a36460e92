"""Sections of the 360 page: contacts, timeline, tasks, AML, consent, lines
held elsewhere, cross-selling. Timeline and tasks answer htmx with their
section; every form also works as a plain POST (303 back to the page)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.crm import followup, records
from app.crm.forms import (AmlForm, ConsentForm, ContactForm, DismissForm, HeldElsewhereForm, InteractionForm)
from app.crm.labels import problem_message
from app.crm.models import Client
from app.crm.services import ClientError
from app.crm.views import bp
from app.crm.views.page import client_or_404, render_client, task_form, tasks_context, timeline_context
from app.extensions import db, htmx


def _back(client: Client, anchor: str):
    return redirect(url_for("crm.show", client_id=client.id, _anchor=anchor), code=303)


def _section(template: str, context: dict, status: int = 200, **forms):
    return render_template(template, **context, **forms), status


@bp.post("/<int:client_id>/contacts")
def add_contact(client_id: int):
    client = client_or_404(client_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return render_client(client, 422, contact_form=form)
    followup.add_contact(db.session, current_user, client, form.data)
    db.session.commit()
    flash(_("Contact %(name)s is added.", name=form.last_name.data), "success")
    return _back(client, "contacts")


@bp.route("/<int:client_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
def edit_contact(client_id: int, contact_id: int):
    client = client_or_404(client_id)
    contact = followup.contact_of(db.session, client, contact_id) or abort(404)
    form = ContactForm(obj=contact)
    if request.method == "POST":
        if form.validate_on_submit():
            followup.update_contact(db.session, current_user, client, contact, form.data)
            db.session.commit()
            flash(_("The contact is updated."), "success")
            return _back(client, "contacts")
        return render_template("crm/contact.html", client=client, contact=contact, form=form), 422
    return render_template("crm/contact.html", client=client, contact=contact, form=form)


@bp.post("/<int:client_id>/contacts/<int:contact_id>/remove")
def remove_contact(client_id: int, contact_id: int):
    client = client_or_404(client_id)
    contact = followup.contact_of(db.session, client, contact_id) or abort(404)
    followup.remove_contact(db.session, current_user, client, contact)
    db.session.commit()
    flash(_("The contact is removed."), "success")
    return _back(client, "contacts")


@bp.post("/<int:client_id>/interactions")
def log_interaction(client_id: int):
    client = client_or_404(client_id)
    form = InteractionForm()
    if not form.validate_on_submit():
        if htmx:
            return _section("crm/_timeline.html", timeline_context(client), 422, interaction_form=form)
        return render_client(client, 422, interaction_form=form)
    followup.log_interaction(db.session, current_user, client, form.values())
    db.session.commit()
    if htmx:
        return _section("crm/_timeline.html", timeline_context(client), interaction_form=InteractionForm(formdata=None))
    flash(_("The exchange is logged."), "success")
    return _back(client, "timeline")


@bp.post("/<int:client_id>/tasks")
def add_task(client_id: int):
    client = client_or_404(client_id)
    form = task_form(request.form)
    if not form.validate_on_submit():
        if htmx:
            return _section("crm/_tasks.html", tasks_context(client), 422, task_form=form)
        return render_client(client, 422, task_form=form)
    followup.add_task(db.session, current_user, client, title=form.title.data, details=form.details.data,
                      due_on=form.due_on.data, assignee_id=form.assignee_id.data)
    db.session.commit()
    if htmx:
        return _section("crm/_tasks.html", tasks_context(client), task_form=task_form())
    flash(_("The task is added."), "success")
    return _back(client, "tasks")


@bp.post("/<int:client_id>/tasks/<int:task_id>/done")
def complete_task(client_id: int, task_id: int):
    client = client_or_404(client_id)
    task = followup.task_of(db.session, client, task_id) or abort(404)
    followup.complete_task(db.session, current_user, client, task)
    db.session.commit()
    if htmx:
        return _section("crm/_tasks.html", tasks_context(client), task_form=task_form())
    return _back(client, "tasks")


def _record(client: Client, form, anchor: str, change, message: str):
    """Validate ``form``, apply ``change``; a stale version answers 409."""
    if not form.validate_on_submit():
        return render_client(client, 422, **{f"{anchor}_form": form})
    try:
        change()
    except ClientError as exc:
        db.session.rollback()
        flash(problem_message(next(iter(exc.problems.values()))), "danger")
        return render_client(client_or_404(client.id), 409 if "version" in exc.problems else 422,
                             **{f"{anchor}_form": form})
    flash(message, "success")
    return _back(client, anchor)


@bp.post("/<int:client_id>/aml")
def update_aml(client_id: int):
    client = client_or_404(client_id)
    form = AmlForm()
    return _record(client, form, "aml", lambda: records.update_aml(
        db.session, current_user, client, version=form.version.data, risk=form.aml_risk.data,
        reason=form.aml_reason.data, checks=form.aml_checks.data, checked_on=form.aml_checked_on.data,
    ), _("The anti-money-laundering record is updated."))


@bp.post("/<int:client_id>/consent")
def update_consent(client_id: int):
    client = client_or_404(client_id)
    form = ConsentForm()
    return _record(client, form, "consent", lambda: records.update_consent(
        db.session, current_user, client, version=form.version.data, consent=form.marketing_consent.data,
        on=form.marketing_consent_on.data,
    ), _("The marketing consent is updated."))


@bp.post("/<int:client_id>/held-elsewhere")
def update_held_elsewhere(client_id: int):
    client = client_or_404(client_id)
    form = HeldElsewhereForm()
    return _record(client, form, "held", lambda: records.update_held_elsewhere(
        db.session, current_user, client, version=form.version.data, lines=form.held_elsewhere.data,
    ), _("The lines held elsewhere are updated."))


@bp.post("/<int:client_id>/suggestions/<rule>/dismiss")
def dismiss_suggestion(client_id: int, rule: str):
    client = client_or_404(client_id)
    form = DismissForm()
    if rule not in {suggestion.code for suggestion in records.suggestions(db.session, client)}:
        abort(404)
    if not form.validate_on_submit():
        return render_client(client, 422, dismiss_form=form, dismiss_rule=rule)
    records.dismiss(db.session, current_user, client, rule, form.reason.data)
    db.session.commit()
    flash(_("The suggestion is set aside."), "success")
    return _back(client, "suggestions")
