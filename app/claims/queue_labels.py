"""Words of the claims desk: the queue's filters and export, assignment,
registration by the handler. Lazy, so they follow the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AGE_LABELS = {"0-7": _l("0 to 7 days"), "8-30": _l("8 to 30 days"), "31-90": _l("31 to 90 days"),
              "91+": _l("More than 90 days"), "31+": _l("More than 30 days")}
EXPORT_HEADERS = (_l("Claim"), _l("Declared"), _l("Client"), _l("Contract"), _l("Line"), _l("Loss"), _l("Handler"),
                  _l("Reserve"), _l("Age (days)"), _l("Status"), _l("Declared late"), _l("In dispute"),
                  _l("Insurer's claim number"))
#: the channels a handler enters a claim from (the portal is the client's own)
HANDLER_CHANNELS = ("phone", "letter", "email")
PROBLEMS = {
    "number_format": _l("Enter an amount, such as 1 500 or 1 500,50."),
    "amount_range": _l("Enter an amount between 0 and 9 999 999 999,99."),
    "handler_invalid": _l("Choose an active member of the staff who handles claims."),
    "stale": _l("Someone changed this claim meanwhile: reload the page and try again."),
    "none_chosen": _l("Tick the claims to assign."),
    "too_many_claims": _l("Assign 200 claims at most at once."),
    "not_found": _l("Some of these claims do not exist any more: reload the page."),
    "contract_required": _l("Choose the client's contract."),
    "contract_not_in_force": _l(
        "A claim is declared on a contract in force, suspended or ended after the loss: this one is %(status)s."),
    "loss_after_end": _l("The contract had ended before this date: it does not cover the loss."),
    "contract_of_another_client": _l("This contract is not the client's."),
    "channel_invalid": _l("Say how the client declared it: phone, letter or email."),
}


def problem(code: str, **params) -> str:
    text = PROBLEMS.get(code)
    return str(text) % params if text is not None and params else str(text or code)
