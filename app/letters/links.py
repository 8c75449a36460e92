"""Where to send the reader back to: the contract's page."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError


def contract_page_url(contract) -> str:
    """The contract's page, or its client's while the contracts pages are not installed."""
    try:
        return url_for("contracts.show", contract_id=contract.id)
    except BuildError:
        return url_for("crm.show", client_id=contract.client_id)
