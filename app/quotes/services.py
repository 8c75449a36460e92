"""Needs analyses: create, edit, list; what is missing and asking the client for it."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.catalog.lines import Line, line_definition
from app.columns import utcnow
from app.crm.rules import normalise
from app.crm.models import Client, ClientStatus, Interaction, InteractionKind
from app.documents import services as documents
from app.documents.models import DOCUMENT_KIND_LABELS, DocumentKind
from app.mail.services import queue_email
from app.quotes import rules
from app.quotes.models import NeedsAnalysis, NeedsStatus, Offer

EDITABLE = ("insured_name", "risk", "wanted", "budget", "wanted_effective_date", "notes")
OPEN_STATUSES = (NeedsStatus.DRAFT, NeedsStatus.COMPARED, NeedsStatus.RECOMMENDED)


class QuotesError(Exception):
    """An operation refused; ``code`` names why (translated by the views)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def commit(session: Session) -> None:
    """Commit, turning a concurrent edit into ``QuotesError("stale")``."""
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise QuotesError("stale") from exc


def is_open(needs: NeedsAnalysis) -> bool:
    return needs.status in OPEN_STATUSES


def require_open(needs: NeedsAnalysis) -> None:
    if not is_open(needs):
        raise QuotesError("not_open")


# --- reading ----------------------------------------------------------------

def get_needs(session: Session, needs_id: int) -> NeedsAnalysis | None:
    return session.get(NeedsAnalysis, needs_id)


def get_client(session: Session, client_id: int) -> Client | None:
    return session.get(Client, client_id)


def client_of(session: Session, needs: NeedsAnalysis) -> Client:
    return session.get(Client, needs.client_id)


def search_clients(session: Session, query: str, limit: int = 20) -> list[Client]:
    """Clients whose name (accents ignored) or reference contains ``query``."""
    folded = normalise(query)
    statement = select(Client).order_by(Client.sort_name, Client.id).limit(limit)
    if folded:
        pattern = f"%{folded.replace('%', '').replace('_', '')}%"
        statement = statement.where(or_(Client.sort_name.like(pattern), func.lower(Client.reference).like(pattern)))
    return list(session.scalars(statement))


def list_needs(session: Session, *, status: str | None = None, line: str | None = None,
               handler_id: int | None = None, page: int = 1, per_page: int = 25):
    """One page of (needs analysis, client), newest first, and the total."""
    statement = select(NeedsAnalysis, Client).join(Client, Client.id == NeedsAnalysis.client_id)
    if status:
        statement = statement.where(NeedsAnalysis.status == status)
    if line:
        statement = statement.where(NeedsAnalysis.line == line)
    if handler_id:
        statement = statement.where(NeedsAnalysis.handler_id == handler_id)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.execute(statement.order_by(NeedsAnalysis.created_at.desc(), NeedsAnalysis.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [tuple(row) for row in rows], total


def needs_for_client(session: Session, client_id: int) -> list[NeedsAnalysis]:
    return list(session.scalars(select(NeedsAnalysis).where(NeedsAnalysis.client_id == client_id)
                                .order_by(NeedsAnalysis.created_at.desc(), NeedsAnalysis.id.desc())))


def live_offers(needs: NeedsAnalysis) -> list[Offer]:
    return [offer for offer in needs.offers if not offer.is_withdrawn]


# --- creating and editing ---------------------------------------------------

def _snapshot(needs: NeedsAnalysis) -> dict:
    return {name: getattr(needs, name) for name in EDITABLE}


def create_needs(session: Session, actor, client: Client, *, line: str, **fields) -> NeedsAnalysis:
    """Open a needs analysis of ``client`` for ``line`` (ValueError when unknown)."""
    needs = NeedsAnalysis(client_id=client.id, line=Line(line).value, status=NeedsStatus.DRAFT.value,
                          handler_id=getattr(actor, "id", None), **{k: fields.get(k) for k in EDITABLE})
    needs.risk, needs.wanted = needs.risk or {}, needs.wanted or []
    session.add(needs)
    session.flush()
    audit.record(session, actor, "needs.create", "needs_analysis", needs.id,
                 after={"client_id": client.id, "line": needs.line, **_snapshot(needs)})
    session.commit()
    return needs


def update_needs(session: Session, actor, needs: NeedsAnalysis, *, version: int | None, **fields) -> NeedsAnalysis:
    """Change the answers; refuse a stale edit. Offers already compared keep
    their prices but are scored again against the new wishes."""
    require_open(needs)
    if version != needs.version:
        raise QuotesError("stale")
    before = _snapshot(needs)
    for name in EDITABLE:
        setattr(needs, name, fields.get(name))
    after = _snapshot(needs)
    if before != after:
        from app.quotes.comparison import rescore

        rescore(needs)
        audit.record(session, actor, "needs.update", "needs_analysis", needs.id,
                     before=_changed(before, after), after=_changed(after, before))
    commit(session)
    return needs


def _changed(one: dict, other: dict) -> dict:
    return {key: value for key, value in one.items() if other.get(key) != value}


# --- completeness -----------------------------------------------------------

def held_document_kinds(session: Session, client_id: int, today: date | None = None) -> set[str]:
    """The kinds of the client's documents still valid ``today``."""
    today = today or date.today()
    return {d.kind for d in documents.for_client(session, client_id) if not d.is_expired(today)}


def completeness_of(session: Session, needs: NeedsAnalysis, today: date | None = None) -> rules.Completeness:
    return rules.completeness(line_definition(needs.line), needs.risk or {},
                              held_document_kinds(session, needs.client_id, today))


def record_waiver(session: Session, actor, needs: NeedsAnalysis, reason: str) -> None:
    """Go on although answers or documents are missing, saying why."""
    require_open(needs)
    before = needs.completeness_waiver
    needs.completeness_waiver = reason.strip()
    audit.record(session, actor, "needs.waive_completeness", "needs_analysis", needs.id,
                 before={"completeness_waiver": before}, after={"completeness_waiver": needs.completeness_waiver})
    commit(session)


def missing_labels(needs: NeedsAnalysis, gaps: rules.Completeness) -> tuple[list[str], list[str]]:
    """(answers, documents) missing, as labels in the current locale."""
    definition = line_definition(needs.line)
    answers = [str(definition.attribute(name).label) for name in gaps.missing_answers]
    kinds = [str(DOCUMENT_KIND_LABELS.get(DocumentKind(kind), kind)) for kind in gaps.missing_documents]
    return answers, kinds


def request_missing_documents(session: Session, actor, needs: NeedsAnalysis, *, tenant, locale: str) -> str:
    """Email the client the list of what is missing, note it on the timeline;
    return the address written to."""
    client = client_of(session, needs)
    if not (client.email or "").strip():
        raise QuotesError("no_email")
    gaps = completeness_of(session, needs)
    if gaps.is_complete:
        raise QuotesError("nothing_missing")
    with force_locale(locale):
        answers, kinds = missing_labels(needs, gaps)
        line_label = str(line_definition(needs.line).label)
        subject = _("%(firm)s: what we still need for your %(line)s quote", firm=tenant.name, line=line_label)
        queue_email(session, tenant.slug, client.email, subject, "missing_documents", sender_name=tenant.name,
                    locale=locale, firm=tenant.name, client=client, line=line_label, answers=answers,
                    documents=kinds)
    session.add(Interaction(
        client_id=client.id, kind=InteractionKind.EMAIL.value, direction="out", occurred_at=utcnow(),
        subject=subject[:200], asked="\n".join([*answers, *kinds]), author_id=getattr(actor, "id", None),
    ))
    audit.record(session, actor, "needs.request_documents", "needs_analysis", needs.id,
                 after={"to": client.email, "answers": list(gaps.missing_answers),
                        "documents": list(gaps.missing_documents)})
    session.commit()
    return client.email


def close_needs(session: Session, actor, needs: NeedsAnalysis, reason: str) -> None:
    """Close without an accepted offer (the client went elsewhere, gave up...)."""
    require_open(needs)
    before = needs.status
    needs.status, needs.closed_reason = NeedsStatus.CLOSED.value, reason.strip()
    audit.record(session, actor, "needs.close", "needs_analysis", needs.id,
                 before={"status": before}, after={"status": needs.status, "reason": needs.closed_reason})
    commit(session)


def make_customer(session: Session, actor, client: Client) -> None:
    """A prospect whose client accepts an offer becomes a customer."""
    if client.status != ClientStatus.CUSTOMER.value:
        audit.record(session, actor, "client.become_customer", "client", client.id,
                     before={"status": client.status}, after={"status": ClientStatus.CUSTOMER.value})
        client.status = ClientStatus.CUSTOMER.value
