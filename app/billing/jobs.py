"""Premium jobs: the month's bulk generation (being built)."""
