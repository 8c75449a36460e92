"""Premiums screens: settings (being built)."""
