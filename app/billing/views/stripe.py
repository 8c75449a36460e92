"""Premiums screens: stripe (being built)."""
