"""The client's 360 page, rendered whole by GET and again, with the posted
form's errors, by any POST of its sections that fails."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template
from wtforms.fields.choices import SelectChoice

from app.crm import followup, records, services
from app.crm.forms import (AmlForm, ConsentForm, ContactForm, DismissForm, HeldElsewhereForm, InteractionForm,
                           TaskForm)
from app.crm.models import Client
from app.documents import services as documents
from app.documents.forms import DocumentForm
from app.documents.models import DOCUMENT_KIND_LABELS
from app.extensions import db


def client_or_404(client_id: int) -> Client:
    return services.get(db.session, client_id) or abort(404)


def staff_choices() -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [SelectChoice(user.id, user.full_name) for user in services.staff(db.session)]


def task_form(formdata=None) -> TaskForm:
    form = TaskForm(formdata=formdata)
    form.assignee_id.choices = staff_choices()
    return form


def blank_forms(client: Client) -> dict:
    """Every form of the page, filled from the client (none from the request)."""
    return {
        "aml_form": AmlForm(formdata=None, obj=client),
        "consent_form": ConsentForm(formdata=None, obj=client),
        "held_form": HeldElsewhereForm(formdata=None, obj=client),
        "contact_form": ContactForm(formdata=None),
        "interaction_form": InteractionForm(formdata=None),
        "task_form": task_form(),
        "dismiss_form": DismissForm(formdata=None),
        "document_form": DocumentForm(formdata=None),
    }


def timeline_context(client: Client) -> dict:
    return {"client": client, "timeline": followup.timeline(db.session, client),
            "history": records.history(db.session, client)}


def tasks_context(client: Client) -> dict:
    return {"client": client, "tasks": followup.tasks(db.session, client), "today": date.today()}


def render_client(client: Client, status: int = 200, **forms):
    """The 360 page; ``forms`` replace the blank ones (a posted form with its errors)."""
    context = blank_forms(client) | forms | timeline_context(client) | tasks_context(client) | {
        "handler": client.handler_id and services.staff_member(db.session, client.handler_id),
        "suggestions": records.suggestions(db.session, client),
        "documents": documents.for_client(db.session, client.id), "document_kinds": DOCUMENT_KIND_LABELS,
    }
    return render_template("crm/client.html", **context), status
