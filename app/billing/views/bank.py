"""Premiums screens: bank (being built)."""
