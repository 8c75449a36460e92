"""The daily non-payment procedure job (being built)."""
