"""Tests of pipeline/review."""
