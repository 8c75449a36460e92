"""The contract page, rendered whole by GET and again, with the posted form's
errors, by any POST of its sections that fails."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, render_template, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.attestations import services as attestations
from app.catalog.lines import line_definition
from app.catalog.models import Insurer, Product
from app.contracts import cancellations, clauses, endorsements, rules, services
from app.contracts.forms import CancellationForm, ContractClauseForm, StatusForm
from app.contracts.labels import STATUS_LABELS, problem_message
from app.contracts.models import Contract
from app.contracts.services import ContractError
from app.crm import services as clients
from app.documents.forms import DocumentForm
from app.documents.models import DOCUMENT_KIND_LABELS
from app.extensions import db
from app.letters import services as letters
from app.placements.models import Placement


def contract_or_404(contract_id: int) -> Contract:
    return services.get(db.session, contract_id) or abort(404)


def show_errors(form, exc: ContractError) -> int:
    """Put the problem next to its field (or flash it); return the status to answer."""
    message = problem_message(exc.code, exc.day)
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        flash(message, "danger")
    return 409 if exc.code == "stale" else 422


def as_of_date() -> date | None:
    """The ``as_of`` date asked for, None when absent; 400 when malformed."""
    value = request.args.get("as_of", "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, problem_message("date_format"))


def status_form(contract: Contract) -> StatusForm:
    form = StatusForm(formdata=None, version=contract.version, effective_on=date.today())
    form.to_status.choices = status_choices(contract)
    return form


def status_choices(contract: Contract) -> list[SelectChoice]:
    """Statuses a person may set by hand: cancelling goes through a cancellation."""
    allowed = rules.ALLOWED_TRANSITIONS.get(contract.status, frozenset()) - {"cancelled"}
    return [SelectChoice(value, label) for value, label in STATUS_LABELS.items() if value in allowed]


def clause_form(contract: Contract, formdata=None) -> ContractClauseForm:
    form = ContractClauseForm(formdata=formdata)
    form.clause_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(clause.id, f"{clause.code} — {clause.title}")
        for clause in clauses.library(db.session, contract.line, active_only=True)]
    return form


def blank_forms(contract: Contract) -> dict:
    return {
        "status_form": status_form(contract),
        "cancel_form": CancellationForm(formdata=None, version=contract.version, notice_on=date.today()),
        "clause_form": clause_form(contract),
        "document_form": DocumentForm(formdata=None, kind="insurer_document"),
    }


def _placement_url(placement: Placement | None) -> str | None:
    if placement is None or "placements.show" not in current_app.view_functions:
        return None
    return url_for("placements.show", placement_id=placement.id)


def _parties(contract: Contract) -> dict:
    placement = db.session.scalar(select(Placement).where(Placement.contract_id == contract.id))
    return {
        "client": clients.get(db.session, contract.client_id),
        "payer": clients.get(db.session, contract.payer_id) if contract.payer_id else None,
        "insurer": db.session.get(Insurer, contract.insurer_id),
        "product": db.session.get(Product, contract.product_id) if contract.product_id else None,
        "handler": contract.handler_id and clients.staff_member(db.session, contract.handler_id),
        "placement": placement, "placement_url": _placement_url(placement),
    }


def _shown_version(contract: Contract, as_of: date | None):
    if as_of is None:
        return services.current_version(db.session, contract)
    return services.version_on(db.session, contract, as_of)


def render_contract(contract: Contract, status: int = 200, **forms):
    """The contract page; ``forms`` replace the blank ones (a posted form with its errors)."""
    as_of = as_of_date()
    context = blank_forms(contract) | forms | _parties(contract) | {
        "contract": contract, "line": line_definition(contract.line), "as_of": as_of,
        "shown": _shown_version(contract, as_of), "versions": services.versions(db.session, contract),
        "endorsements": endorsements.for_contract(db.session, contract),
        "cancellation": cancellations.for_contract(db.session, contract),
        "scheduled": cancellations.scheduled(db.session, contract),
        "documents": services.contract_documents(db.session, contract), "document_kinds": DOCUMENT_KIND_LABELS,
        "timeline": services.timeline(db.session, contract), "stamp_of": clauses.stamp_of,
        "instalment": rules.instalment_amount(contract.total, contract.instalment_plan),
        "renewal_deadline": rules.renewal_deadline(contract.renewal_date, contract.notice_days),
        "today": date.today(),
        "letters": letters.letters_of(db.session, contract),
        "attestations": attestations.for_contract(db.session, contract),
    }
    return render_template("contracts/show.html", **context), status
