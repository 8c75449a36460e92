"""Commission screens: disputes (being built)."""
