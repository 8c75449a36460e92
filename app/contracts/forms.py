"""Forms of the contracts area. Amounts are typed the French way and kept as
Decimals (``AmountField``); every edit carries the row's version."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.contracts.labels import ENDORSEMENT_KINDS, GROUND_LABELS, PLAN_LABELS, STATUS_LABELS
from app.crm.forms import AmountField, ConfirmImportForm, ImportForm, VersionField  # noqa: F401  (reused as they are)


def optional_id(value):
    return int(value) if value not in (None, "", "None") else None


def choices(labels: dict, blank: bool = False) -> list[SelectChoice]:
    return ([SelectChoice("", "—")] if blank else []) + [SelectChoice(value, label) for value, label in labels.items()]


class GuaranteeForm(Form):
    """One standard guarantee of the line, as placed."""

    code = HiddenField()
    included = BooleanField(_l("Included"))
    ceiling = AmountField(_l("Ceiling"))
    deductible = AmountField(_l("Deductible"))
    exclusions = StringField(_l("Exclusions"), validators=[Length(max=500)])


def placed_guarantees(rows, definition, kept: list | None = None) -> list[dict]:
    """The guarantees ticked in ``rows`` (standard guarantees of the line),
    after the non-standard ones of ``kept`` (an offer's own guarantees)."""
    standard = {guarantee.code for guarantee in definition.guarantees}
    others = [dict(g) for g in kept or [] if g.get("code") not in standard]
    return others + [
        {"code": row.form.code.data, "label": str(definition.guarantee_label(row.form.code.data)), "included": True,
         "ceiling": None if row.form.ceiling.data is None else str(row.form.ceiling.data),
         "deductible": None if row.form.deductible.data is None else str(row.form.deductible.data),
         "exclusions": (row.form.exclusions.data or "").strip() or None}
        for row in rows if row.form.included.data and row.form.code.data in standard]


def fill_guarantees(rows, definition, placed: list | None = None) -> None:
    """One row per standard guarantee of the line, filled from ``placed``."""
    by_code = {g.get("code"): g for g in placed or [] if g.get("included", True)}
    while len(rows) < len(definition.guarantees):
        rows.append_entry()
    for row, standard in zip(rows, definition.guarantees):
        row.form.code.data = row.form.code.data or standard.code
        if placed is not None and not row.form.ceiling.raw_data:
            guarantee = by_code.get(standard.code)
            row.form.included.data = guarantee is not None
            row.form.ceiling.data = guarantee and guarantee.get("ceiling")
            row.form.deductible.data = guarantee and guarantee.get("deductible")
            row.form.exclusions.data = guarantee and guarantee.get("exclusions")


class RiskForm(Form):
    name = HiddenField()
    value = StringField(validators=[Length(max=200)])


class PolicyForm(FlaskForm):
    """What can be changed on a contract without an endorsement."""

    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=200)])
    policy_number = StringField(_l("Policy number"), validators=[Length(max=60)])
    payer_reference = StringField(_l("Payer, if not the client (client reference)"), validators=[Length(max=20)])
    insured_name = StringField(_l("Insured, if not the client"), validators=[Length(max=250)])
    effective_date = DateField(_l("Effective date"), validators=[InputRequired()])
    renewal_date = DateField(_l("Main renewal date (échéance principale)"), validators=[Optional()])
    term_months = IntegerField(_l("Duration (months)"), default=12, validators=[InputRequired(), NumberRange(1, 120)])
    tacit_renewal = BooleanField(_l("Tacit renewal"), default=True)
    notice_days = IntegerField(_l("Notice period (days before renewal)"), default=60,
                               validators=[InputRequired(), NumberRange(0, 365)])
    instalment_plan = SelectField(_l("Instalment plan"), choices=choices(PLAN_LABELS), default="annual")
    handler_id = SelectField(_l("Handler"), coerce=optional_id)

    def policy_values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "label", "policy_number", "insured_name", "effective_date", "renewal_date", "term_months",
            "tacit_renewal", "notice_days", "instalment_plan", "handler_id")}


class ContractForm(PolicyForm):
    """Manual entry of a contract of the existing portfolio."""

    client_reference = StringField(_l("Client (reference)"), validators=[DataRequired(), Length(max=20)])
    insurer_id = SelectField(_l("Insurer"), coerce=optional_id, validators=[InputRequired()])
    product_id = SelectField(_l("Product (optional)"), coerce=optional_id)
    premium_net = AmountField(_l("Annual net premium"), validators=[InputRequired()])
    fees = AmountField(_l("Fees"))
    guarantees = FieldList(FormField(GuaranteeForm))


class EditForm(PolicyForm):
    version = VersionField()


class EndorsementForm(FlaskForm):
    effective_date = DateField(_l("Effective date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind of change"), choices=choices(ENDORSEMENT_KINDS))
    description = TextAreaField(_l("What changes"), validators=[DataRequired(), Length(max=5000)])
    premium_net = AmountField(_l("New annual net premium"), validators=[InputRequired()])
    guarantees = FieldList(FormField(GuaranteeForm))
    risk = FieldList(FormField(RiskForm))
    version = VersionField()


class ConfirmEndorsementForm(FlaskForm):
    insurer_reference = StringField(_l("Insurer's reference"), validators=[Length(max=60)])


class StatusForm(FlaskForm):
    to_status = SelectField(_l("New status"), choices=choices(STATUS_LABELS))
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    effective_on = DateField(lazy_pgettext("start date", "From"), validators=[InputRequired()])
    version = VersionField()


class CancellationForm(FlaskForm):
    ground = SelectField(_l("Ground"), choices=choices(GROUND_LABELS))
    notice_on = DateField(_l("Notice received on"), validators=[InputRequired()])
    chosen_date = DateField(_l("Effective on (insurer, non-payment, other grounds)"), validators=[Optional()])
    reason = StringField(_l("Details"), validators=[Length(max=500)])
    version = VersionField()


class ClauseForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)])
    is_active = BooleanField(_l("Offered for new contracts"), default=True)
    stamp = HiddenField()


class ContractClauseForm(FlaskForm):
    """A library clause to copy, or a clause written for the contract."""

    clause_id = SelectField(_l("From the library"), coerce=optional_id)
    title = StringField(_l("Title"), validators=[Length(max=200)])
    text = TextAreaField(_l("Text"), validators=[Length(max=20000)])


class EditContractClauseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)])
    stamp = HiddenField()
