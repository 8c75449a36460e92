"""The subscription proposal: the placement document as a PDF an insurer's
underwriter reads, attached to the email with the JSON document."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import render_template

from app.catalog.messages import number_text
from app.documents.models import DOCUMENT_KIND_LABELS, DocumentKind
from app.letters.pdf import render_pdf
from app.quotes.display import risk_row


def _amount(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def _kind_label(kind: str):
    try:
        return DOCUMENT_KIND_LABELS[DocumentKind(kind)]
    except ValueError:
        return kind


def proposal_html(document: dict) -> str:
    """The proposal's HTML, in the current locale."""
    return render_template(
        "documents/proposal.html", doc=document, amount=_amount, kind_label=_kind_label,
        risk_row=risk_row, risk_number=number_text,
        birth_date=date.fromisoformat(document["client"]["birth_date"]) if document["client"].get("birth_date") else None,
        wanted_effective_date=date.fromisoformat(document["wanted_effective_date"]),
        created_at=datetime.fromisoformat(document["created_at"]))


def proposal_pdf(document: dict) -> bytes:
    return render_pdf(proposal_html(document))
