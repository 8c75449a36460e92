"""User-facing texts for the catalog's error codes and pricing steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.catalog.rules import BASE_STEP, FEES_STEP, MINIMUM_STEP

CATALOG_ERRORS = {
    "not_found": _l("This record does not exist any more."),
    "stale": _l("Someone changed this record meanwhile: reload the page and try again."),
    "name_required": _l("A name is required."),
    "name_taken": _l("Another insurer of the panel has this name."),
    "siren_invalid": _l("This SIREN is not valid (9 digits, checksum)."),
    "placement_email_required": _l("Placements by email need the insurer's placement address."),
    "api_endpoint_required": _l("Placements by API need the insurer's endpoint."),
    "api_endpoint_invalid": _l("Give a full address, such as https://api.insurer.fr/placements."),
    "api_endpoint_not_https": _l("The endpoint must use https (http only for localhost)."),
    "placement_channel_invalid": _l("Choose email or API."),
    "insurer_has_products": _l("This insurer has products: delete them first, or deactivate the insurer."),
    "insurer_quoted": _l("Offers were made with this insurer: deactivate it instead."),
    "insurer_in_use": _l("This insurer is still in use: deactivate it instead."),
    "product_quoted": _l("Offers were made from this product: deactivate it instead."),
    "rate_required": _l("A rate is required."),
    "rate_out_of_range": _l("Give a percentage between 0 and 100."),
    "start_required": _l("A start date is required."),
    "end_before_start": _l("The end date must be after the start date."),
    "agreement_overlap": _l("Another agreement of this insurer covers this line over these dates."),
    "code_required": _l("A code is required."),
    "code_taken": _l("This insurer already has a product with this code."),
    "payment_options_required": _l("Tick at least one payment option."),
    "insurer_required": _l("Choose an insurer."),
    "guarantee_code_invalid": _l("Choose one of the line's guarantees."),
    "guarantee_code_taken": _l("The product already has this guarantee."),
    "amount_negative": _l("The amount cannot be negative."),
    "option_premium_required": _l("An option needs its premium."),
    "invalid_tariff": _l("The tariff has problems: see each factor."),
    "invalid_eligibility": _l("The conditions have problems: see each row."),
}

#: tariff and eligibility validation codes (app.catalog.tariff_validation)
PROBLEM_MESSAGES = {
    "empty_tariff": _l("The tariff is empty: give at least a base premium."),
    "not_an_object": _l("This part of the tariff is malformed."),
    "unknown_key": _l("This setting is not part of the tariff format."),
    "missing": _l("This value is required."),
    "not_decimal": _l("This is not a number."),
    "negative": _l("The amount cannot be negative."),
    "not_positive": _l("The value must be greater than 0."),
    "multiplier_not_positive": _l("A multiplier must be greater than 0."),
    "not_a_list": _l("Give at least one value."),
    "unknown_kind": _l("Unknown kind of factor."),
    "invalid_label": _l("The label is too long."),
    "unknown_attribute": _l("This attribute is not asked for this line."),
    "kind_mismatch": _l("This kind of factor does not fit the attribute's type."),
    "not_a_choice": _l("This value is not one of the attribute's choices."),
    "no_values": _l("Give at least one row, such as private: 1.00."),
    "no_bands": _l("Give at least one band, such as 18-25: 1.80."),
    "min_not_below_max": _l("The band's start must be below its end."),
    "band_overlap": _l("This band overlaps the one before."),
    "band_gap": _l("There is a gap between this band and the one before."),
    "unknown_line": _l("Unknown line of business."),
    "unknown_op": _l("Unknown comparison."),
    "op_mismatch": _l("This comparison needs a number attribute."),
    "row_unreadable": _l("This row cannot be read."),
}

#: why the engine could not price a risk (app.catalog.rules.price)
PRICING_MESSAGES = {
    "missing_answer": _l("answer missing"),
    "invalid_answer": _l("answer not understood"),
    "out_of_bands": _l("the answer is outside the tariff's bands"),
    "not_in_table": _l("the answer is not in the tariff's table"),
    "invalid_tariff": _l("the tariff is malformed"),
}

STEP_LABELS = {BASE_STEP: _l("Base premium"), MINIMUM_STEP: _l("Minimum premium"), FEES_STEP: _l("Fees")}


def catalog_error_message(code: str) -> str:
    return str(CATALOG_ERRORS.get(code, code))


def problem_message(problem) -> str:
    return str(PROBLEM_MESSAGES.get(problem.code, problem.message))


def pricing_message(problem) -> str:
    return str(PRICING_MESSAGES.get(problem.code, problem.message))


def step_label(label: str) -> str:
    return str(STEP_LABELS.get(label, label))
