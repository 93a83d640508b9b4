"""Ordered migration scripts."""
