"""The comparison: quoting the catalog's products (tax, total, commission),
products not eligible with their reasons, manual offers with the insurer's
document, withdrawal, sorting and filters, and the recommendation."""

from __future__ import annotations

import io
from decimal import Decimal

from sqlalchemy import select

from app.documents.models import Document
from app.quotes.models import NeedsAnalysis, Offer
from tests.integration.test_needs_data import PDF, admin, firm  # noqa: F401

D = Decimal


def _offers(bound, firm) -> dict[str, Offer]:
    with bound(firm["tenant"]) as session:
        offers = session.scalars(select(Offer).where(Offer.needs_id == firm["needs_id"], Offer.is_withdrawn.is_(False)))
        result = {offer.label: offer for offer in offers}
        session.expunge_all()
        return result


def test_compare_quotes_each_eligible_product_with_exact_amounts(admin, firm, bound):
    response = admin.post(f"/offers/{firm['needs_id']}/compare")
    assert response.status_code == 303
    offers = _offers(bound, firm)
    assert set(offers) == {"RC Pro Essentiel", "RC Pro Premium"}
    essentiel = offers["RC Pro Essentiel"]
    # 400 × 1.20 (5 people) × 1.00 (office) + 60 legal protection option wanted = 540; fees 20
    assert (essentiel.premium_net, essentiel.fees) == (D("540.00"), D("20.00"))
    assert essentiel.tax_rate == D("9.00") and essentiel.tax == D("50.40")  # 9 % of 560
    assert essentiel.total == D("610.40")
    assert (essentiel.commission_rate, essentiel.commission) == (D("15.00"), D("81.00"))
    assert essentiel.source == "tariff" and essentiel.breakdown[0]["label"] == "Base premium"
    premium = offers["RC Pro Premium"]
    assert (premium.premium_net, premium.tax, premium.total, premium.commission) == (
        D("700.00"), D("63.00"), D("763.00"), D("84.00"))
    # Essentiel's professional liability ceiling (1 M) is below the 2 M wanted
    assert essentiel.fit_score == 50 + 8 + 15 + 20
    assert premium.fit_score < 100  # over the 700 budget
    assert {line["code"] for line in premium.fit} == {"coverage", "ceilings", "deductibles", "price"}
    with bound(firm["tenant"]) as session:
        needs = session.get(NeedsAnalysis, firm["needs_id"])
        assert needs.status == "compared" and needs.compared_at is not None


def test_the_table_shows_ineligible_products_with_their_reasons(admin, firm):
    admin.post(f"/offers/{firm['needs_id']}/compare")
    page = admin.get(f"/offers/{firm['needs_id']}/comparison")
    assert page.status_code == 200
    assert "RC Pro Solo" in page.text and "is not at most 2" in page.text
    assert "Not covered" not in page.text  # both priced offers cover the three wanted guarantees
    assert "staff only" in page.text
    assert "RC Pro Solo" not in admin.get(f"/offers/{firm['needs_id']}/comparison?eligible_only=1").text


def test_each_quote_shows_how_its_premium_was_computed(admin, firm):
    admin.post(f"/offers/{firm['needs_id']}/compare")
    page = admin.get(f"/offers/{firm['needs_id']}/comparison").text
    breakdowns = page.split('data-testid="offer-breakdown"')[1:]
    assert len(breakdowns) == 2
    assert all("Base premium" in part.split("</details>")[0] for part in breakdowns)
    assert "Fees" in breakdowns[0].split("</details>")[0]
    assert "Headcount 5, from 3: × 1.20" in page and "Premises Office: × 1.00" in page


def test_the_breakdown_keeps_structured_details_and_shows_older_sentences(admin, firm, bound):
    admin.post(f"/offers/{firm['needs_id']}/compare")
    with bound(firm["tenant"]) as session:
        offer = session.scalars(select(Offer).where(Offer.label == "RC Pro Essentiel")).one()
        assert offer.breakdown[1]["detail"] == {"kind": "bands", "attribute": "headcount", "value": "5", "min": "3",
                                                "max": None, "multiplier": "1.20"}
        offer.breakdown = [{**offer.breakdown[1], "detail": "headcount 5 in [3, ∞): × 1.20"}]
        session.commit()
    assert "headcount 5 in [3, ∞): × 1.20" in admin.get(f"/offers/{firm['needs_id']}/comparison").text


def test_a_product_whose_tariff_lacks_an_answer_names_it(admin, firm, bound):
    with bound(firm["tenant"]) as session:
        needs = session.get(NeedsAnalysis, firm["needs_id"])
        needs.risk = {**needs.risk, "claims_3y": None}
        session.commit()
    admin.post(f"/offers/{firm['needs_id']}/compare")
    assert set(_offers(bound, firm)) == {"RC Pro Essentiel"}
    page = admin.get(f"/offers/{firm['needs_id']}/comparison")
    assert "Answer missing: Claims in the last 3 years" in page.text


def test_comparing_again_replaces_tariff_offers_and_keeps_manual_ones(admin, firm, bound):
    admin.post(f"/offers/{firm['needs_id']}/compare")
    _add_manual(admin, firm)
    admin.post(f"/offers/{firm['needs_id']}/compare")
    labels = sorted(offer.label for offer in _offers(bound, firm).values())
    assert labels == ["Proposition AXA RC Pro", "RC Pro Essentiel", "RC Pro Premium"]


def _add_manual(client, firm, **overrides):
    data = {"insurer_id": str(firm["insurer"]), "label": "Proposition AXA RC Pro", "premium_net": "480,00",
            "fees": "15", "tax_rate": "", "commission_rate": "14", "payment_options": ["annual", "monthly"],
            "covers_operating_liability": "y", "ceiling_operating_liability": "4000000",
            "deductible_operating_liability": "800", "covers_professional_liability": "y",
            "ceiling_professional_liability": "1500000", "exclusions_professional_liability": "Design defects",
            "exclusions": "Asbestos", "valid_until": "2030-06-30",
            "document": (io.BytesIO(PDF), "proposition.pdf"), **overrides}
    return client.post(f"/offers/{firm['needs_id']}/offers/new", data=data, content_type="multipart/form-data")


def test_a_manual_offer_with_the_insurers_document(admin, firm, bound):
    assert admin.get(f"/offers/{firm['needs_id']}/offers/new").status_code == 200
    response = _add_manual(admin, firm)
    assert response.status_code == 303, response.text
    offer = _offers(bound, firm)["Proposition AXA RC Pro"]
    # tax defaults to the line's 9 % on 495
    assert (offer.premium_net, offer.fees, offer.tax, offer.total) == (D("480.00"), D("15.00"), D("44.55"), D("539.55"))
    assert offer.commission == D("67.20")
    assert offer.payment_options == ["annual", "monthly"]
    assert [g["code"] for g in offer.guarantees] == ["operating_liability", "professional_liability"]
    assert offer.fit[0]["params"]["missing"] == ["legal"]
    with bound(firm["tenant"]) as session:
        document = session.get(Document, offer.document_id)
        assert (document.kind, document.client_id) == ("insurer_offer", firm["client_id"])
    download = admin.get(f"/offers/{firm['needs_id']}/offers/{offer.id}/document")
    assert download.status_code == 200 and download.data == PDF
    page = admin.get(f"/offers/{firm['needs_id']}/comparison")
    assert "Not covered" in page.text and "Design defects" in page.text


def test_a_manual_offer_with_bad_values_is_refused_and_kept(admin, firm, bound):
    response = _add_manual(admin, firm, premium_net="cher", document=(io.BytesIO(b"MZ\x90\x00"), "virus.exe"))
    assert response.status_code == 422
    assert 'value="cher"' in response.text and "Enter a number" in response.text
    assert _offers(bound, firm) == {}
    bad_file = _add_manual(admin, firm, document=(io.BytesIO(b"MZ\x90\x00"), "virus.exe"))
    assert bad_file.status_code == 422 and "Attach a PDF" in bad_file.text
    assert _offers(bound, firm) == {}
    unknown_insurer = _add_manual(admin, firm, insurer_id="999999")
    assert unknown_insurer.status_code == 422


def test_withdraw_takes_an_offer_out(admin, firm, bound):
    admin.post(f"/offers/{firm['needs_id']}/compare")
    offer = _offers(bound, firm)["RC Pro Premium"]
    assert admin.post(f"/offers/{firm['needs_id']}/offers/{offer.id}/withdraw").status_code == 303
    assert set(_offers(bound, firm)) == {"RC Pro Essentiel"}


def test_sort_and_budget_filter(admin, firm, bound):
    admin.post(f"/offers/{firm['needs_id']}/compare")
    by_total = admin.get(f"/offers/{firm['needs_id']}/comparison?sort=total").text
    assert by_total.index("RC Pro Essentiel") < by_total.index("RC Pro Premium")
    by_commission = admin.get(f"/offers/{firm['needs_id']}/comparison?sort=commission&eligible_only=1").text
    assert by_commission.index("RC Pro Premium") < by_commission.index("RC Pro Essentiel")
    page = admin.get(f"/offers/{firm['needs_id']}/comparison?within_budget=1&eligible_only=1").text
    within = page.split('data-testid="recommend"')[0]
    assert "RC Pro Essentiel" in within and "RC Pro Premium" not in within
    partial = admin.get(f"/offers/{firm['needs_id']}/comparison?sort=fit", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text and 'id="comparison"' in partial.text


def test_recommend_needs_reasons(admin, firm, bound):
    admin.post(f"/offers/{firm['needs_id']}/compare")
    offer = _offers(bound, firm)["RC Pro Essentiel"]
    url = f"/offers/{firm['needs_id']}/recommend"
    short = admin.post(url, data={"offer_id": str(offer.id), "reasons": "Cheap.", "version": "2"})
    assert short.status_code == 422 and "at least 30 characters" in short.text
    assert 'Cheap.' in short.text
    reasons = "Cheapest offer covering the three guarantees wanted, within budget."
    assert admin.post(url, data={"offer_id": str(offer.id), "reasons": reasons, "version": "2"}).status_code == 303
    with bound(firm["tenant"]) as session:
        needs = session.get(NeedsAnalysis, firm["needs_id"])
        assert (needs.status, needs.recommended_offer_id, needs.recommendation_reasons) == (
            "recommended", offer.id, reasons)
    stale = admin.post(url, data={"offer_id": str(offer.id), "reasons": reasons, "version": "2"}, follow_redirects=True)
    assert "Someone changed this needs analysis meanwhile" in stale.text
    foreign = admin.post(url, data={"offer_id": "999999", "reasons": reasons, "version": "3"})
    assert foreign.status_code == 422
