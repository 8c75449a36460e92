"""Commission screens: statements (being built)."""
