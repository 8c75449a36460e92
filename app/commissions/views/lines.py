"""Commission screens: lines (being built)."""
