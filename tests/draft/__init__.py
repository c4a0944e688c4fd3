"""Tests of pipeline/draft."""
