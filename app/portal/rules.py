"""Portal access rules, pure.

- Sign-in links (one-time, by email) live 15 minutes; invitations 7 days.
- Failed password sign-ins are slowed down, not locked out for good: after
  ``FREE_ATTEMPTS`` failures in a row for an address, each further attempt
  must wait twice as long as the last (1 s, 2 s, 4 s ... up to 15 minutes),
  the approach of OWASP's authentication guidance (throttling over hard
  lockout, so an attacker cannot lock a client out).
- A session unused for 30 days has ended.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from app.contracts.rules import ANY_TIME_AFTER_MONTHS, HAMON_LINES, HEALTH_LINES, add_months

SIGN_IN_LINK_MAX_AGE = timedelta(minutes=15)
INVITATION_MAX_AGE = timedelta(days=7)
SESSION_IDLE_LIMIT = timedelta(days=30)
#: how often a session's last-seen time is written (not on every page)
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
FREE_ATTEMPTS = 3
MAX_DELAY = timedelta(minutes=15)


def throttle_delay(consecutive_failures: int) -> timedelta:
    """How long the next attempt must wait after ``consecutive_failures``."""
    if consecutive_failures < FREE_ATTEMPTS:
        return timedelta(0)
    seconds = 2 ** (consecutive_failures - FREE_ATTEMPTS)
    return min(timedelta(seconds=seconds), MAX_DELAY)


def retry_allowed_at(last_failure_at: datetime | None, consecutive_failures: int) -> datetime | None:
    """When the next password attempt is accepted, or None if now."""
    delay = throttle_delay(consecutive_failures)
    if last_failure_at is None or not delay:
        return None
    return last_failure_at + delay


def session_expired(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at > SESSION_IDLE_LIMIT


# --- cancellation in three clicks (L113-14) ---------------------------------------------

#: why a client cancels, as the portal asks it; only "sale" changes the legal ground
CANCELLATION_REASONS = ("other_insurer", "price", "moving", "no_longer_needed", "sale", "other")


def client_cancellation_ground(reason: str, *, line: str, contract_start: date, renewal_date: date,
                               notice_days: int, today: date) -> tuple[str, date | None]:
    """The legal ground of a client's online cancellation sent ``today``, and
    the date to give the contracts' cancellation service when the ground
    does not fix it itself (Code des assurances L113-14: the online notice
    is a valid notice; the effective date follows the contract's rules):

    - the insured object sold (L121-11): ``sale``, 10 days after the notice;
    - motor and home after one year (loi Hamon, L113-15-2), health after one
      year: the any-time ground, one month after the notice;
    - otherwise at the main renewal date (L113-12) while its notice period is
      open (``renewal``), else at the following renewal date (``other``,
      with that date).
    """
    if reason not in CANCELLATION_REASONS:
        raise ValueError(reason)
    if reason == "sale":
        return "sale", None
    one_year = add_months(contract_start, ANY_TIME_AFTER_MONTHS)
    if today >= one_year and line in HAMON_LINES:
        return "hamon", None
    if today >= one_year and line in HEALTH_LINES:
        return "health", None
    if today <= renewal_date - timedelta(days=notice_days):
        return "renewal", None
    return "other", add_months(renewal_date, 12)


# --- change requests ---------------------------------------------------------------------

#: French registration numbers (SIV, since 2009): two letters, three digits, two letters
REGISTRATION = re.compile(r"^[A-HJ-NP-TV-Z]{2}-?\d{3}-?[A-HJ-NP-TV-Z]{2}$")
POSTCODE = re.compile(r"^\d{5}$")

#: each kind's fields: name -> (type, required)
REQUEST_FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "vehicle_change": {"vehicle": ("text", True), "registration": ("registration", True),
                       "first_registration": ("date", False), "from_date": ("date", True)},
    "address_change": {"address_line1": ("text", True), "postal_code": ("postcode", True), "city": ("text", True),
                       "from_date": ("date", True)},
    "person_added": {"full_name": ("text", True), "birth_date": ("date", True), "relationship": ("text", True),
                     "from_date": ("date", True)},
    "other_change": {"from_date": ("date", False)},
}
#: the lines a kind may concern (None: any)
REQUEST_LINES = {"vehicle_change": {"motor"}, "address_change": None, "person_added": {"motor", "health", "home"},
                 "other_change": None}


def _clean(kind: str, value: str, required: bool) -> tuple[object, str | None]:
    value = (value or "").strip()
    if not value:
        return None, "required" if required else None
    if kind == "date":
        try:
            return date.fromisoformat(value).isoformat(), None
        except ValueError:
            return None, "date_invalid"
    if kind == "registration":
        compact = value.upper().replace(" ", "")
        if not REGISTRATION.match(compact):
            return None, "registration_invalid"
        compact = compact.replace("-", "")
        return f"{compact[:2]}-{compact[2:5]}-{compact[5:]}", None
    if kind == "postcode":
        return (value, None) if POSTCODE.match(value) else (None, "postcode_invalid")
    return value[:200], None


def request_details(kind: str, form: dict, today: date) -> tuple[dict, dict]:
    """The structured details of a change request from the form's values,
    and the problems by field. A change cannot date back more than 30 days
    (a later cover for a past change is the handler's call, not a form's)."""
    if kind not in REQUEST_FIELDS:
        raise ValueError(kind)
    details, problems = {}, {}
    for name, (field_kind, required) in REQUEST_FIELDS[kind].items():
        value, problem = _clean(field_kind, form.get(name, ""), required)
        if problem:
            problems[name] = problem
        elif value is not None:
            details[name] = value
    if "from_date" in details and date.fromisoformat(details["from_date"]) < today - timedelta(days=30):
        problems["from_date"] = "too_far_back"
    return details, problems
