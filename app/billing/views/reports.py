"""Premiums screens: reports (being built)."""
