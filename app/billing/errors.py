"""The error billing services raise."""

from __future__ import annotations


class BillingError(Exception):
    """A billing operation refused; ``code`` says why (the screens translate it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
