"""Commission screens: beneficiaries (being built)."""
