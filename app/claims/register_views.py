"""Claims: registration by the handler, for a client who called, wrote or
emailed: choose the client's contract (a search, or ``?contract_id=``
from the contract's page), then the portal's declaration form; the client
gets the procedure and the deadlines by email when the firm has their
address."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import requires
from app.auth.rules import Permission
from app.claims import labels, queue, queue_labels, rules
from app.claims import services as claims
from app.claims.declaration_form import form_values, uploads_of
from app.claims.views import bp
from app.contracts import listing
from app.contracts.labels import STATUS_BADGES, STATUS_LABELS
from app.contracts.models import Contract
from app.crm.models import Client
from app.extensions import db
from app.portal.models import PortalAccount

STATUS_WORDS = {"contract_status_labels": STATUS_LABELS, "contract_status_badges": STATUS_BADGES}
MAX_CHOICES = 20


def can_declare_on(contract: Contract) -> bool:
    return rules.contract_problem(contract.status, contract.ended_on, None) is None


def _problems(codes: dict[str, str], contract: Contract | None = None) -> dict[str, str]:
    status = str(STATUS_LABELS.get(contract.status, contract.status)).lower() if contract else ""
    return {name: queue_labels.problem(code, status=status) if code in queue_labels.PROBLEMS
            else labels.problem(code) for name, code in codes.items()}


def _choose_page(client: Client | None, problems: dict | None = None, status: int = 200):
    """Step one: find the contract (by its reference, policy number or the client's name)."""
    q = request.values.get("q", "").strip()[:100]
    rows = []
    if q or client:
        query = listing.filtered(listing.ContractFilters(q=q))
        if client:
            query = query.where(Contract.client_id == client.id)
        rows = db.session.execute(query.limit(MAX_CHOICES)).all()
    return render_template("claims/new.html", step="contract", q=q, client=client, rows=rows, can_declare_on=can_declare_on,
                           problems=problems or {}, **STATUS_WORDS), status


def _form_page(contract: Contract, client: Client | None, problems: dict | None = None, status: int = 200):
    """Step two: the declaration, as the portal asks it."""
    return render_template("claims/new.html", step="form", contract=contract, client=client,
                           holder=db.session.get(Client, contract.client_id), kinds=rules.kinds_for(contract.line),
                           sections=rules.sections_for(contract.line), channels=queue_labels.HANDLER_CHANNELS,
                           values=request.form, problems=problems or {}, **STATUS_WORDS), status


def _locale_of(client: Client) -> str:
    return db.session.scalar(select(PortalAccount.locale).where(PortalAccount.client_id == client.id,
                                                                PortalAccount.locale.is_not(None)).limit(1)) or "fr"


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.WRITE)
def new():
    client_id = queue.as_id(request.values.get("client_id"))
    client = (db.session.get(Client, client_id) or abort(404)) if client_id else None
    contract_id = queue.as_id(request.values.get("contract_id"))
    if not contract_id:
        missing = {"contract_id": "contract_required"} if request.method == "POST" else None
        return _choose_page(client, _problems(missing or {}), 422 if missing else 200)
    contract = db.session.get(Contract, contract_id) or abort(404)
    if client and contract.client_id != client.id:
        return _choose_page(client, _problems({"contract_id": "contract_of_another_client"}), 422)
    if rules.contract_problem(contract.status, contract.ended_on, None):
        return _choose_page(client, _problems({"contract_id": "contract_not_in_force"}, contract), 422)
    if request.method == "GET":
        return _form_page(contract, client)
    values, problems = form_values(request.form)
    channel = request.form.get("channel", "")
    if channel not in queue_labels.HANDLER_CHANNELS:
        problems["channel"] = "channel_invalid"
    if rules.contract_problem(contract.status, contract.ended_on, values.get("occurred_on")):
        problems["occurred_on"] = "loss_after_end"
    if problems:
        problems = rules.declaration_problems(contract.line, values.get("kind", ""), values, date.today()) | problems
        return _form_page(contract, client, _problems(problems), 422)
    try:
        claim = claims.declare(db.session, current_user, contract, values.get("kind", ""), values,
                               uploads_of(request.files, "attachments"), channel=channel)
    except claims.ClaimError as exc:
        db.session.rollback()
        return _form_page(contract, client, _problems(exc.problems or {"attachments": exc.code}), 422)
    holder = db.session.get(Client, contract.client_id)
    if holder.email:
        claims.email_receipt(db.session, claim, contract, holder.email, holder.display_name, _locale_of(holder))
    db.session.commit()
    flash(_("Claim %(reference)s registered; the procedure and the deadlines were emailed to %(email)s.",
            reference=claim.reference, email=holder.email) if holder.email else
          _("Claim %(reference)s registered. The client has no email address: tell them the procedure and the "
            "deadlines.", reference=claim.reference), "success")
    return redirect(url_for("claims.show", claim_id=claim.id), code=303)
