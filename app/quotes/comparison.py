"""Offers of a needs analysis: quoting every eligible product from its tariff,
offers typed in from insurers' answers, withdrawing one, and scoring them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.catalog import services as catalog
from app.catalog.lines import line_definition
from app.catalog.messages import eligibility_reason, pricing_reason
from app.catalog.models import Insurer, Product
from app.catalog.rules import TariffError, eligibility_problems, price
from app.columns import utcnow
from app.documents import services as documents
from app.documents.models import DocumentKind
from app.quotes import rules
from app.quotes.models import NeedsAnalysis, NeedsStatus, Offer, OfferSource
from app.quotes.services import QuotesError, commit, live_offers, require_open

ZERO = Decimal("0.00")


def score(offer: Offer, needs: NeedsAnalysis) -> None:
    """Set the offer's fit score and its explanation against the needs."""
    points, lines = rules.fit_score(needs.wanted or [], offer.guarantees or [], offer.total, needs.budget)
    offer.fit_score, offer.fit = points, [line.as_dict() for line in lines]


def rescore(needs: NeedsAnalysis) -> None:
    for offer in needs.offers:
        score(offer, needs)


def _wanted_codes(needs: NeedsAnalysis) -> set[str]:
    return {item["code"] for item in needs.wanted or ()}


def _guarantee_snapshot(product: Product, wanted: set[str]) -> list[dict]:
    """The product's guarantees as compared; an option counts only when the
    client wants it (and is then priced in)."""
    return [
        {"code": g.code, "label": g.label, "ceiling": None if g.ceiling is None else str(g.ceiling),
         "deductible": None if g.deductible is None else str(g.deductible), "exclusions": g.exclusions,
         "included": not g.is_option or g.code in wanted, "option": g.is_option,
         "option_premium": None if g.option_premium is None else str(g.option_premium)}
        for g in product.guarantees
    ]


def _chosen_options(product: Product, wanted: set[str]) -> list[tuple[str, Decimal]]:
    return [(g.label, g.option_premium or ZERO) for g in product.guarantees if g.is_option and g.code in wanted]


def _tariff_offer(session: Session, needs: NeedsAnalysis, product: Product, tax_rate: Decimal, today: date) -> Offer:
    """Price ``product`` for the needs; raises TariffError."""
    wanted = _wanted_codes(needs)
    pricing = price(product.tariff or {}, needs.risk or {}, options=_chosen_options(product, wanted), as_of=today)
    commission_rate = catalog.commission_rate(session, product, today)
    amounts = rules.offer_amounts(pricing.net, pricing.fees, tax_rate, commission_rate)
    offer = Offer(
        source=OfferSource.TARIFF.value, product_id=product.id, insurer_id=product.insurer_id,
        label=product.name, premium_net=amounts.net, fees=amounts.fees, tax_rate=tax_rate, tax=amounts.tax,
        total=amounts.total, payment_options=list(product.payment_options or []),
        guarantees=_guarantee_snapshot(product, wanted), commission_rate=commission_rate,
        commission=amounts.commission,
        breakdown=[{"label": s.label, "detail": s.detail, "amount": str(s.amount)} for s in pricing.steps],
    )
    score(offer, needs)
    return offer


def _mark_compared(needs: NeedsAnalysis) -> None:
    needs.compared_at = utcnow()
    if needs.status == NeedsStatus.DRAFT:
        needs.status = NeedsStatus.COMPARED.value


def _forget_recommendation_of(needs: NeedsAnalysis, offers: list[Offer]) -> None:
    if needs.recommended_offer_id in {offer.id for offer in offers}:
        needs.recommended_offer_id = None
        needs.status = NeedsStatus.COMPARED.value


def compare(session: Session, actor, needs: NeedsAnalysis, *, today: date | None = None) -> list[Offer]:
    """Quote every eligible product of the line, replacing the previous tariff
    offers (offers typed in by hand stay); return the new offers."""
    require_open(needs)
    today = today or date.today()
    previous = [offer for offer in needs.offers if offer.source == OfferSource.TARIFF]
    _forget_recommendation_of(needs, previous)
    for offer in previous:
        needs.offers.remove(offer)
    session.flush()
    tax_rate = catalog.tax_rate(session, needs.line)
    created = []
    for product in catalog.eligible_products(session, needs.line):
        if eligibility_problems(product.eligibility or [], needs.risk or {}, as_of=today):
            continue
        try:
            offer = _tariff_offer(session, needs, product, tax_rate, today)
        except TariffError:
            continue
        needs.offers.append(offer)
        created.append(offer)
    _mark_compared(needs)
    session.flush()
    audit.record(session, actor, "needs.compare", "needs_analysis", needs.id,
                 after={"offers": [{"id": o.id, "label": o.label, "total": o.total} for o in created],
                        "replaced": [o.id for o in previous]})
    commit(session)
    return created


@dataclass(frozen=True)
class Unpriced:
    """A product of the line that has no offer in the comparison, and why."""

    product: Product
    reasons: list[str]


def unpriced_products(session: Session, needs: NeedsAnalysis, *, today: date | None = None) -> list[Unpriced]:
    """Products of the line without a tariff offer here: not eligible (with
    the reasons), or the tariff lacks answers (naming them)."""
    today = today or date.today()
    definition = line_definition(needs.line)
    quoted = {offer.product_id for offer in live_offers(needs) if offer.source == OfferSource.TARIFF}
    result = []
    for product in catalog.eligible_products(session, needs.line):
        if product.id in quoted:
            continue
        problems = eligibility_problems(product.eligibility or [], needs.risk or {}, as_of=today)
        reasons = [eligibility_reason(problem, definition) for problem in problems]
        if not reasons:
            try:
                price(product.tariff or {}, needs.risk or {}, as_of=today)
                reasons = [_("Not compared yet: run the comparison again.")]
            except TariffError as error:
                reasons = [pricing_reason(problem, definition) for problem in error.problems]
        result.append(Unpriced(product, reasons))
    return result


def add_manual_offer(session: Session, actor, needs: NeedsAnalysis, *, insurer: Insurer, label: str,
                     premium_net: Decimal, fees: Decimal | None, tax_rate: Decimal | None,
                     commission_rate: Decimal | None, payment_options: list[str], guarantees: list[dict],
                     exclusions: str | None, valid_until: date | None,
                     document: tuple[str, bytes] | None = None) -> Offer:
    """Record an offer an insurer sent outside the system; the tax rate
    defaults to the line's. ``document`` is (file name, content): stored as
    the client's insurer_offer document (DocumentError when refused)."""
    require_open(needs)
    tax_rate = catalog.tax_rate(session, needs.line) if tax_rate is None else tax_rate
    commission_rate = ZERO if commission_rate is None else commission_rate
    amounts = rules.offer_amounts(premium_net, fees or ZERO, tax_rate, commission_rate)
    stored = None
    if document is not None:
        filename, content = document
        stored = documents.store(session, actor, content=content, filename=filename, kind=DocumentKind.INSURER_OFFER,
                                 title=f"{insurer.name} — {label}", client_id=needs.client_id)
    offer = Offer(
        source=OfferSource.MANUAL.value, insurer_id=insurer.id, label=label.strip(), premium_net=amounts.net,
        fees=amounts.fees, tax_rate=tax_rate, tax=amounts.tax, total=amounts.total,
        payment_options=list(payment_options), guarantees=guarantees, exclusions=(exclusions or "").strip() or None,
        valid_until=valid_until, document_id=stored.id if stored else None, commission_rate=commission_rate,
        commission=amounts.commission,
    )
    score(offer, needs)
    needs.offers.append(offer)
    _mark_compared(needs)
    session.flush()
    audit.record(session, actor, "offer.add_manual", "offer", offer.id,
                 after={"needs_id": needs.id, "insurer_id": insurer.id, "label": offer.label,
                        "premium_net": offer.premium_net, "fees": offer.fees, "tax": offer.tax,
                        "total": offer.total, "document_id": offer.document_id})
    commit(session)
    return offer


def withdraw_offer(session: Session, actor, needs: NeedsAnalysis, offer: Offer) -> None:
    """Take an offer out of the comparison (the insurer withdrew it, it expired)."""
    require_open(needs)
    if offer.accepted_at is not None:
        raise QuotesError("accepted")
    offer.is_withdrawn = True
    _forget_recommendation_of(needs, [offer])
    audit.record(session, actor, "offer.withdraw", "offer", offer.id, before={"is_withdrawn": False},
                 after={"is_withdrawn": True})
    commit(session)


def names_of(session: Session, offers: list[Offer]) -> tuple[dict[int, Insurer], dict[int, Product]]:
    """The insurers and products the offers come from, by id."""
    insurer_ids = {offer.insurer_id for offer in offers}
    product_ids = {offer.product_id for offer in offers if offer.product_id}
    insurers = {i.id: i for i in session.scalars(select(Insurer).where(Insurer.id.in_(insurer_ids)))}
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(product_ids)))}
    return insurers, products


def get_offer(needs: NeedsAnalysis, offer_id: int) -> Offer | None:
    """The offer ``offer_id`` of this needs analysis only."""
    return next((offer for offer in needs.offers if offer.id == offer_id), None)
