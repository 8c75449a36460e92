"""Premiums screens: payments (being built)."""
