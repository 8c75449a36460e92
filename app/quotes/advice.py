"""The advice document (DDA, Code des assurances L521-4): the client's needs,
the offers compared, the recommendation and its reasons, as a PDF kept with
the client's documents and sent to the client on demand."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.catalog.lines import line_definition
from app.columns import utcnow
from app.crm.models import Interaction, InteractionKind
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.letters.pdf import render_pdf
from app.mail.services import queue_email
from app.quotes import display
from app.quotes.comparison import names_of
from app.quotes.models import AdviceDocument, NeedsAnalysis
from app.quotes.services import QuotesError, client_of, live_offers, require_open


def advice_context(session: Session, needs: NeedsAnalysis, tenant) -> dict:
    offers = sorted(live_offers(needs), key=lambda offer: (offer.total, offer.id))
    insurers, products = names_of(session, offers)
    recommended = next((o for o in offers if o.id == needs.recommended_offer_id), None)
    matches = display.guarantee_matches(needs, recommended) if recommended else {}
    wanted_rows = display.wanted_rows(needs)
    return {
        "firm": tenant.name, "orias": (tenant.settings or {}).get("orias"), "siren": (tenant.settings or {}).get("siren"),
        "client": client_of(session, needs), "needs": needs, "line": line_definition(needs.line),
        "risk_rows": display.risk_rows(needs), "wanted_rows": wanted_rows, "offers": offers,
        "insurers": insurers, "products": products, "recommended": recommended,
        "uncovered": [row for row in wanted_rows if row.code in matches and not matches[row.code].covered],
        "today": date.today(),
    }


def generate(session: Session, actor, needs: NeedsAnalysis, *, tenant, locale: str) -> AdviceDocument:
    """Write the PDF in ``locale``, keep it with the client's documents."""
    require_open(needs)
    if needs.recommended_offer_id is None:
        raise QuotesError("no_recommendation")
    context = advice_context(session, needs, tenant)
    with force_locale(locale):
        pdf = render_pdf(render_template("documents/advice.html", **context))
        title = _("Advice document — %(line)s", line=context["line"].label)
    client = context["client"]
    stored = documents.store(session, actor, content=pdf, kind=DocumentKind.ADVICE_DOCUMENT, title=title,
                             filename=f"advice-{client.reference}-{needs.id}-{date.today():%Y%m%d}.pdf",
                             client_id=client.id, content_type="application/pdf")
    advice = AdviceDocument(needs_id=needs.id, document_id=stored.id, offer_id=needs.recommended_offer_id,
                            generated_by_id=getattr(actor, "id", None))
    session.add(advice)
    session.flush()
    audit.record(session, actor, "advice.generate", "advice_document", advice.id,
                 after={"needs_id": needs.id, "document_id": stored.id, "offer_id": advice.offer_id})
    session.commit()
    return advice


def advice_documents(session: Session, needs: NeedsAnalysis) -> list[AdviceDocument]:
    return list(session.scalars(select(AdviceDocument).where(AdviceDocument.needs_id == needs.id)
                                .order_by(AdviceDocument.created_at.desc(), AdviceDocument.id.desc())))


def get_advice(session: Session, needs: NeedsAnalysis, advice_id: int) -> AdviceDocument | None:
    advice = session.get(AdviceDocument, advice_id)
    return advice if advice is not None and advice.needs_id == needs.id else None




def send(session: Session, actor, needs: NeedsAnalysis, advice: AdviceDocument, *, tenant, locale: str) -> str:
    """Email the PDF to the client, note it on the timeline; return the address."""
    client = client_of(session, needs)
    if not (client.email or "").strip():
        raise QuotesError("no_email")
    document, pdf = documents.file_of(session, advice.document_id)
    with force_locale(locale):
        line_label = str(line_definition(needs.line).label)
        subject = _("%(firm)s: our advice for your %(line)s insurance", firm=tenant.name, line=line_label)
        queue_email(session, tenant.slug, client.email, subject, "advice_document", sender_name=tenant.name,
                    locale=locale, firm=tenant.name, client=client, line=line_label,
                    attachments=((document.filename, "application/pdf", pdf),))
    advice.sent_at, advice.sent_to = utcnow(), client.email
    session.add(Interaction(client_id=client.id, kind=InteractionKind.EMAIL.value, direction="out",
                            occurred_at=advice.sent_at, subject=subject[:200], author_id=getattr(actor, "id", None)))
    audit.record(session, actor, "advice.send", "advice_document", advice.id, after={"sent_to": client.email})
    session.commit()
    return client.email
