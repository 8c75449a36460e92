"""Placements and their outbox stay in their firm: another firm's staff, on
its own host, gets 404 for this firm's placements and offers on every route;
a read-only user reads but changes nothing (403)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.integration.test_needs_data import admin, firm, other_firm_client, readonly_client  # noqa: F401
from tests.integration.test_placements_data import offer_by_email, placement_of, send_placement  # noqa: F401

VALID = {"version": "1", "policy_number": "X-1", "effective_date": date.today().isoformat(),
         "final_premium": "500", "reason": "No", "message": "Why?", "body": "Because.",
         "wanted_effective_date": date.today().isoformat()}


@pytest.fixture
def placed(admin, firm, offer_by_email, bound):
    assert send_placement(admin, offer_by_email).status_code == 303
    with bound(firm["tenant"]) as session:
        placement = placement_of(session, offer_by_email)[0]
        return {"placement_id": placement.id, "offer_id": offer_by_email}


def _routes(placed):
    p, o = placed["placement_id"], placed["offer_id"]
    reads = [f"/placements/{p}", f"/placements/new/{o}", f"/placements/{p}/resend", f"/placements/{p}/cancel"]
    writes = [f"/placements/new/{o}", f"/placements/{p}/accept", f"/placements/{p}/decline",
              f"/placements/{p}/information", f"/placements/{p}/reply", f"/placements/{p}/resend",
              f"/placements/{p}/cancel"]
    return reads, writes


def test_another_firm_cannot_read_or_change_this_firms_placements(placed, other_firm_client, firm, bound):
    from app.placements.models import Placement

    reads, writes = _routes(placed)
    for url in reads:
        assert other_firm_client.get(url).status_code == 404, url
    for url in writes:
        assert other_firm_client.post(url, data=VALID).status_code == 404, url
    assert "PLC-" not in other_firm_client.get("/placements/").text
    with bound(firm["tenant"]) as session:
        placement = session.get(Placement, placed["placement_id"])
        assert placement.status == "sent" and placement.messages == []


def test_a_read_only_user_reads_placements_but_changes_nothing(placed, readonly_client, firm, bound):
    from app.placements.models import Placement

    assert readonly_client.get("/placements/").status_code == 200
    page = readonly_client.get(f"/placements/{placed['placement_id']}")
    assert page.status_code == 200 and "Record the insurer" not in page.text and "Resend" not in page.text
    reads, writes = _routes(placed)
    for url in reads[1:]:
        assert readonly_client.get(url).status_code == 403, url
    for url in writes:
        assert readonly_client.post(url, data=VALID).status_code == 403, url
    with bound(firm["tenant"]) as session:
        assert session.get(Placement, placed["placement_id"]).status == "sent"


def test_unknown_ids_are_404_and_signed_out_visitors_are_sent_to_sign_in(app, admin, client_for, firm):
    for url in ("/placements/999999", "/placements/new/999999", "/placements/999999/cancel"):
        assert admin.get(url).status_code == 404, url
    assert admin.post("/placements/999999/accept", data=VALID).status_code == 404
    visitor = client_for(firm["tenant"])
    assert visitor.get("/placements/").status_code == 302
