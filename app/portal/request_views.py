"""The client's change requests and contact details, on the portal."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.crm.models import Client, ClientKind, Contact
from app.extensions import db
from app.portal import records, requests, rules, services
from app.portal.views import bp

KIND_LABELS = {
    "vehicle_change": _l("New vehicle"),
    "address_change": _l("New address"),
    "person_added": _l("Add a person"),
    "other_change": _l("Another change"),
}
STATUS_LABELS = {"open": _l("Being handled"), "done": _l("Done"), "refused": _l("Refused")}
STATUS_BADGES = {"open": "text-bg-info", "done": "text-bg-success", "refused": "text-bg-secondary"}
FIELD_LABELS = {
    "vehicle": _l("Vehicle (make and model)"), "registration": _l("Registration number"),
    "first_registration": _l("First registration"), "from_date": _l("From"),
    "address_line1": _l("Address"), "postal_code": _l("Postcode"), "city": _l("City"),
    "full_name": _l("Full name"), "birth_date": _l("Date of birth"), "relationship": _l("Relationship"),
}
PROBLEMS = {
    "required": _l("This field is required."),
    "date_invalid": _l("Enter a date."),
    "registration_invalid": _l("Enter a French registration number, such as AB-123-CD."),
    "postcode_invalid": _l("Enter a 5-digit postcode."),
    "too_far_back": _l("A change cannot date back more than 30 days: call your broker."),
    "phone_invalid": _l("Enter a phone number, such as 06 12 34 56 78."),
}


@bp.context_processor
def request_labels() -> dict:
    return {"request_kind_labels": KIND_LABELS, "request_status_labels": STATUS_LABELS,
            "request_status_badges": STATUS_BADGES, "request_field_labels": FIELD_LABELS}


def _form_page(contract, kind: str, problems: dict | None = None, status: int = 200):
    return render_template("portal/request_form.html", contract=contract, kind=kind,
                           kinds=requests.kinds_for(contract), fields=rules.REQUEST_FIELDS[kind],
                           values=request.form, problems={name: PROBLEMS[code] for name, code in
                                                          (problems or {}).items()}), status


@bp.route("/contracts/<int:contract_id>/requests/new", methods=["GET", "POST"])
def new_request(contract_id: int):
    contract = records.contract_of(db.session, g.portal_account, contract_id) or abort(404)
    kinds = requests.kinds_for(contract)
    kind = request.values.get("kind", kinds[0])
    if kind not in kinds:
        abort(404)
    if request.method == "GET":
        return _form_page(contract, kind)
    try:
        created = requests.submit(db.session, g.portal_account, contract, kind, request.form.to_dict(),
                                  request.form.get("message"))
    except requests.RequestError as exc:
        db.session.rollback()
        return _form_page(contract, kind, exc.problems, 422)
    db.session.commit()
    flash(_("Your request %(reference)s is sent to your broker.", reference=created.reference), "success")
    return redirect(url_for("portal.request_list"), code=303)


@bp.get("/requests")
def request_list():
    return render_template("portal/requests.html", items=requests.of_account(db.session, g.portal_account))


def _contact_target():
    """What the account's contact details are: the individual client, or the business contact."""
    account = g.portal_account
    if account.contact_id:
        return db.session.get(Contact, account.contact_id)
    return db.session.get(Client, account.client_id)


@bp.route("/account/contact", methods=["GET", "POST"])
def contact_details():
    target = _contact_target() or abort(404)
    is_person = isinstance(target, Client) and target.kind == ClientKind.INDIVIDUAL.value
    if request.method == "POST":
        problems = services.update_contact_details(db.session, g.portal_account, target, request.form.to_dict(),
                                                   with_address=is_person)
        if not problems:
            db.session.commit()
            flash(_("Your contact details are updated."), "success")
            return redirect(url_for("portal.account"), code=303)
        db.session.rollback()
        return render_template("portal/contact.html", target=target, with_address=is_person, values=request.form,
                               problems={name: PROBLEMS[code] for name, code in problems.items()}), 422
    return render_template("portal/contact.html", target=target, with_address=is_person, values=None, problems={})
