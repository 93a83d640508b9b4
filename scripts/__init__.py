"""Evaluation and benchmark scripts run by ``make eval`` and ``make bench``."""
