"""Premiums screens: overdue (being built)."""
