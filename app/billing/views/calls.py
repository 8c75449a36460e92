"""Premiums screens: calls (being built)."""
