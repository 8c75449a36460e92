"""Portal rules: sign-in throttling rather than lockout (OWASP's
authentication guidance), session lifetime, and the ground of a client's
online cancellation (Code des assurances L113-14, L113-15-2, L113-12, L121-11)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.portal import rules

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def test_the_first_failures_cost_nothing():
    assert all(rules.throttle_delay(n) == timedelta(0) for n in range(rules.FREE_ATTEMPTS))
    assert rules.retry_allowed_at(NOW, rules.FREE_ATTEMPTS - 1) is None


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes():
    delays = [rules.throttle_delay(rules.FREE_ATTEMPTS + k) for k in range(4)]
    assert delays == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    assert rules.throttle_delay(40) == rules.MAX_DELAY == timedelta(minutes=15)
    assert rules.retry_allowed_at(NOW, rules.FREE_ATTEMPTS + 2) == NOW + timedelta(seconds=4)


def test_no_failure_recorded_means_no_wait():
    assert rules.retry_allowed_at(None, 10) is None


def test_a_session_idle_more_than_thirty_days_has_ended():
    assert not rules.session_expired(NOW - timedelta(days=30), NOW)
    assert rules.session_expired(NOW - timedelta(days=30, seconds=1), NOW)


# --- L113-14: the ground of a client's online cancellation --------------------------

def ground(reason="other_insurer", line="motor", start=date(2024, 3, 1), renewal=date(2027, 3, 1),
           notice_days=60, today=date(2026, 11, 25)):
    return rules.client_cancellation_ground(reason, line=line, contract_start=start, renewal_date=renewal,
                                            notice_days=notice_days, today=today)


def test_motor_and_home_after_one_year_use_loi_hamon():
    assert ground(line="motor") == ("hamon", None)
    assert ground(line="home") == ("hamon", None)


def test_health_after_one_year_uses_the_any_time_ground():
    assert ground(line="health") == ("health", None)


def test_before_one_year_the_contract_ends_at_its_renewal_while_the_notice_period_is_open():
    assert ground(start=date(2026, 3, 1), today=date(2026, 11, 25)) == ("renewal", None)


def test_after_the_notice_deadline_it_ends_at_the_following_renewal():
    # deadline: 2027-03-01 minus 60 days = 2026-12-31
    assert ground(line="professional_liability", today=date(2027, 1, 5)) == ("other", date(2028, 3, 1))
    assert ground(line="professional_liability", today=date(2026, 12, 31)) == ("renewal", None)


def test_a_sold_insured_object_uses_the_sale_ground():
    assert ground(reason="sale") == ("sale", None)


def test_an_unknown_reason_is_refused():
    with pytest.raises(ValueError):
        ground(reason="because")


# --- change requests -------------------------------------------------------------------

TODAY = date(2026, 11, 25)


def test_a_vehicle_change_normalises_the_french_registration():
    details, problems = rules.request_details("vehicle_change", {
        "vehicle": "Renault Clio V", "registration": "ab 123cd", "from_date": "2026-12-01"}, TODAY)
    assert problems == {} and details["registration"] == "AB-123-CD"


def test_siv_letters_i_o_u_are_not_registrations():
    _, problems = rules.request_details("vehicle_change", {
        "vehicle": "Clio", "registration": "IO-123-UU", "from_date": "2026-12-01"}, TODAY)
    assert problems == {"registration": "registration_invalid"}


def test_required_fields_bad_dates_and_postcodes_are_reported_by_field():
    _, problems = rules.request_details("address_change", {"postal_code": "6900", "from_date": "31/12/2026"}, TODAY)
    assert problems == {"address_line1": "required", "postal_code": "postcode_invalid", "city": "required",
                        "from_date": "date_invalid"}


def test_a_change_cannot_date_back_more_than_thirty_days():
    _, problems = rules.request_details("other_change", {"from_date": "2026-10-25"}, TODAY)
    assert problems == {"from_date": "too_far_back"}
    assert rules.request_details("other_change", {"from_date": "2026-10-26"}, TODAY)[1] == {}


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        rules.request_details("pet_added", {}, TODAY)
