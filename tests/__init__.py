"""Tests for Khabar."""
