"""The placement document validates against its published JSON Schema
(draft 2020-12, version 1.0) for individuals and businesses, with or without
a product and documents; the placement rules (reference, states, what stops a
placement) hold."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from app.placements import document, rules

PDF = b"%PDF-1.4\n%%EOF\n"


def business_client(**changes):
    values = dict(reference="CLI-000042", kind="business", display_name="Atelier Dupont Architectes",
                  civility=None, first_name=None, last_name=None, birth_date=None, profession=None,
                  legal_name="Atelier Dupont Architectes SARL", legal_form="SARL", siren="732829320",
                  siret=None, email="contact@dupont.example", phone="04 78 00 00 00",
                  address_line1="12 rue de la République", address_line2=None, postal_code="69002",
                  city="Lyon", country="FR")
    return SimpleNamespace(**(values | changes))


def individual_client():
    return business_client(kind="individual", display_name="Mme Julie Martin", civility="mrs", first_name="Julie",
                           last_name="Martin", birth_date=date(1985, 4, 2), profession="Nurse", legal_name=None,
                           legal_form=None, siren=None)


def rc_pro_needs(insured_name=None):
    return SimpleNamespace(line="rc_pro", insured_name=insured_name, risk={
        "activity": "Architecte", "turnover": "450000.00", "headcount": 5, "premises": "office", "claims_3y": 0})


def offer(**changes):
    values = dict(label="RC Pro Essentiel", premium_net=Decimal("540"), fees=Decimal("20.00"),
                  tax_rate=Decimal("9.00"), tax=Decimal("50.4"), total=Decimal("610.40"),
                  payment_options=["annual", "quarterly"], exclusions=None, guarantees=[
                      {"code": "operating_liability", "label": "RC exploitation", "ceiling": "5000000",
                       "deductible": "500.00", "exclusions": None, "included": True, "option": False},
                      {"code": "legal", "label": "Protection juridique", "ceiling": "20000.00", "deductible": None,
                       "exclusions": "Fines", "included": True, "option": True, "option_premium": "60.00"},
                      {"code": "cyber", "label": "Cyber", "ceiling": None, "deductible": None,
                       "included": False, "option": True, "option_premium": "90.00"}])
    return SimpleNamespace(**(values | changes))


def build(client=None, product=SimpleNamespace(code="ESS", name="RC Pro Essentiel"), attachments=None,
          needs=None, the_offer=None, note="Client wants a quick answer."):
    handler = SimpleNamespace(full_name="Claire Martin", email="claire.martin@cabinet.example")
    return document.build_document(
        reference=rules.reference_for(123), created_at=datetime(2030, 1, 2, 9, 30, tzinfo=UTC),
        broker=document.broker_part("Cabinet Demo", {"orias": "12345678", "siren": "552100554"}, handler),
        client=client or business_client(), needs=needs or rc_pro_needs(), offer=the_offer or offer(),
        product=product, wanted_effective_date=date(2030, 2, 1), note=note,
        attachments=attachments if attachments is not None else [
            document.Attachment("advice_document", "Advice document", "advice.pdf", "application/pdf", PDF),
            document.Attachment("kbis", "Kbis", "kbis.pdf", "application/pdf", PDF)],
        api_base="https://demo.assurdesk.fr/api/insurer/v1")


def assert_valid(doc: dict) -> None:
    validator = Draft202012Validator(document.load_schema(), format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []
    assert document.schema_errors(doc) == []


def test_the_schema_itself_is_a_valid_draft_2020_12_schema():
    schema = document.load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"] == {"const": "1.0", "description": schema["properties"][
        "schema_version"]["description"]}
    assert document.schema_path().name == "placement-1.0.json"


def test_a_business_placement_validates_and_carries_what_the_insurer_needs():
    doc = build()
    assert_valid(doc)
    assert doc["schema_version"] == "1.0" and doc["reference"] == "PLC-000123"
    assert doc["broker"] == {"name": "Cabinet Demo", "orias": "12345678", "siren": "552100554",
                             "handler": {"name": "Claire Martin", "email": "claire.martin@cabinet.example"}}
    assert doc["client"]["siren"] == "732829320" and doc["insured"] == {"name": "Atelier Dupont Architectes",
                                                                        "is_client": True}
    assert doc["premium"] == {"currency": "EUR", "net": "540.00", "fees": "20.00", "tax_rate": "9.00",
                              "tax": "50.40", "total": "610.40", "payment_plans": ["annual", "quarterly"]}
    assert [g["code"] for g in doc["guarantees"]] == ["operating_liability", "legal"]  # the option not taken is left
    assert doc["guarantees"][0]["ceiling"] == "5000000.00" and doc["guarantees"][1]["option"] is True
    assert {row["code"]: row["value"] for row in doc["risk"]}["headcount"] == 5
    assert doc["wanted_effective_date"] == "2030-02-01"
    assert doc["answer_urls"]["accept"] == "https://demo.assurdesk.fr/api/insurer/v1/placements/PLC-000123/accept"


def test_documents_carry_their_hash_size_and_base64_content():
    kbis = build()["documents"][1]
    assert kbis["sha256"] == hashlib.sha256(PDF).hexdigest() and kbis["size"] == len(PDF)
    assert base64.b64decode(kbis["content"]) == PDF


def test_an_individual_with_a_typed_in_offer_and_no_documents_validates():
    doc = build(client=individual_client(), product=None, attachments=[], needs=rc_pro_needs("Paul Martin"),
                the_offer=offer(payment_options=[], guarantees=[]), note="  ")
    assert_valid(doc)
    assert doc["product"] is None and doc["note"] is None and doc["documents"] == []
    assert doc["insured"] == {"name": "Paul Martin", "is_client": False}
    assert doc["client"]["birth_date"] == "1985-04-02" and doc["premium"]["payment_plans"] == ["annual"]


def test_the_schema_refuses_what_an_insurer_could_not_read():
    for broken in ({"schema_version": "2.0"}, {"reference": "123"}, {"premium": {"net": 540}},
                   {"unexpected": True}):
        doc = build()
        key, value = next(iter(broken.items()))
        doc[key] = {**doc[key], **value} if isinstance(value, dict) and isinstance(doc.get(key), dict) else value
        assert document.schema_errors(doc), broken


def test_serialised_bytes_are_stable_json_and_contents_are_hidden_for_display():
    doc = build()
    assert document.serialise(doc) == document.serialise(json.loads(document.serialise(doc)))
    assert json.loads(document.serialise(doc)) == doc
    shown = document.without_contents(doc)
    assert shown["documents"][0]["content"] == f"<base64, {len(PDF)} bytes>" and doc["documents"][0]["content"] != \
        shown["documents"][0]["content"]


# --- placement rules --------------------------------------------------------

def test_references_are_plc_and_six_digits():
    assert rules.reference_for(123) == "PLC-000123" and rules.reference_for(1234567) == "PLC-1234567"


@pytest.mark.parametrize(("status", "problem"), [
    ("sent", None), ("info_requested", None), ("accepted", "already_accepted"),
    ("declined", "already_declined"), ("cancelled", "already_cancelled"),
])
def test_only_a_placement_waiting_for_the_insurer_can_change(status, problem):
    for action in ("accept", "decline", "request_information", "reply", "cancel", "resend"):
        assert rules.transition_problem(status, action) == problem


def test_a_placement_needs_an_accepted_offer_not_placed_yet_and_a_channel():
    ok = dict(offer_accepted=True, offer_withdrawn=False, has_active_placement=False, channel_problem=None)
    assert rules.sending_problems(**ok) == []
    assert rules.sending_problems(**ok | {"offer_accepted": False}) == ["offer_not_accepted"]
    assert rules.sending_problems(**ok | {"has_active_placement": True}) == ["already_placed"]
    assert rules.sending_problems(**ok | {"channel_problem": "no_api_endpoint"}) == ["no_api_endpoint"]


def test_the_wanted_effective_date_is_required_and_not_in_the_past():
    today = date(2030, 1, 10)
    assert rules.effective_date_problem(None, today) == "effective_date_required"
    assert rules.effective_date_problem(date(2030, 1, 9), today) == "effective_date_past"
    assert rules.effective_date_problem(today, today) is None


def test_amounts_are_rounded_half_up_to_the_cent():
    assert rules.amount_text(Decimal("10.005")) == "10.01" and rules.amount_text("3") == "3.00"
    assert rules.amount_text(None) is None
