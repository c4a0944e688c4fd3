"""Tests, in folders that mirror pipeline/ (fakes in tests/fakes/, shared fixtures in conftest.py)."""
