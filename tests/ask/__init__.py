"""Tests of pipeline/ask."""
