"""Attestations (certificates of insurance) and their public verification."""
