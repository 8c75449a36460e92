"""Renewals: the loi Chatel notice, the daily job, indexation."""
