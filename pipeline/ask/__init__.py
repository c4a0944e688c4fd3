"""Grounded answers to staff questions and their evaluation."""
