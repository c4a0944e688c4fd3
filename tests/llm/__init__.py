"""Tests of pipeline/llm."""
