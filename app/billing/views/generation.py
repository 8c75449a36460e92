"""Premiums screens: generation (being built)."""
