"""Tests of pipeline/index."""
