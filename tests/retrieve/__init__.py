"""Tests of pipeline/retrieve."""
